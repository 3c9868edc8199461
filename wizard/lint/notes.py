"""Lint of a tree's cues on real notes: every vignette of its case library read as a note.

The cues' syntax is checked when the tree loads (wizard.tree.schema); here each vignette goes
through the reader (wizard.notes), and a suggestion that is not the case's answer is reported
as a warning naming the words that suggested it: either the vignette says something other
than its answers, or a cue reads it wrong. A tree without cues is not read; without medspaCy
(the `notes` extra) lint says so once and checks the rest.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from wizard.lint.checks import answer_text
from wizard.tree.models import same_answer
from wizard.tree.problems import Problem, TreeError, display_path

if TYPE_CHECKING:
    from wizard.tree.loader import LoadedTree


def has_cues(loaded: LoadedTree) -> bool:
    tree = loaded.tree
    return any(q.cues or (q.read is not None and (q.read.subject or q.read.denied)) for q in tree.questions)


def note_problems(loaded: LoadedTree) -> tuple[list[Problem], int]:
    """Warnings for vignettes the reader reads against their answers, and how many were read."""
    from wizard.lint.cases import case_libraries_for
    from wizard.notes import NotesUnavailable

    if not has_cues(loaded):
        return [], 0
    from wizard.notes.prefill import suggest

    tree = loaded.tree
    problems: list[Problem] = []
    read = 0
    for path, library in case_libraries_for(loaded):
        if isinstance(library, TreeError):
            continue  # the case lint reports it
        shown = display_path(path)
        for index, case in enumerate(library.case):
            try:
                found = suggest(tree, case.vignette)
            except NotesUnavailable as error:
                return [Problem(display_path(loaded.path), "", f"the vignettes were not read as notes: {error}", kind="warning")], read
            read += 1
            for question, answer in case.answers.items():
                suggested = found.answers.get(question)
                if suggested is None or same_answer(suggested, answer):
                    continue
                words = "; ".join(f'"{e.quote}"' for e in found.evidence_for(question)[:2])
                problems.append(
                    Problem(
                        shown,
                        f"case[{index}] ({case.id}).vignette",
                        f"the note reads {question} = {answer_text(suggested)} from {words}, but the case answers {answer_text(answer)}.",
                        fix=f"reword the vignette to say what the case answers, or correct the cues of '{question}' in the tree.",
                        kind="warning",
                    )
                )
    return problems, read

