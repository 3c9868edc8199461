"""Lint of case libraries: every case's answers, run through its tree, give its expected codes.

Case files sit in a `cases/` folder beside the tree files; a case belongs to the tree named by
the file's `tree` key. This keeps the trainee library and the tree from drifting apart.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from wizard.engine.engine import Engine
from wizard.engine.headless import check_answers, walk
from wizard.quiz.cases import CaseFile, load_case_file
from wizard.tree.loader import LoadedTree
from wizard.tree.problems import Problem, TreeError, display_path


def case_files_for(loaded: LoadedTree) -> list[Path]:
    folder = loaded.path.parent / "cases"
    return sorted(folder.glob("*.toml")) if folder.is_dir() else []


def case_libraries_for(loaded: LoadedTree) -> Iterator[tuple[Path, CaseFile | TreeError]]:
    """Each case file beside the tree: its library when it belongs to this tree, or why it
    cannot be read (a library of another tree is left out)."""
    for path in case_files_for(loaded):
        try:
            library = load_case_file(path)
        except TreeError as error:
            yield path, error
            continue
        if library.tree == loaded.tree.tree.id:
            yield path, library


def case_problems(loaded: LoadedTree, tabular) -> tuple[list[Problem], int]:  # noqa: ANN001
    """Problems in the case files that belong to this tree, and how many cases were checked."""
    problems: list[Problem] = []
    checked = 0
    tree = loaded.tree
    # One engine for every case: restarting it keeps the transitions already wired and the
    # conditions already compiled, which building one per case would redo 58 times.
    engine = Engine(tree, tabular)
    for path, library in case_libraries_for(loaded):
        shown = display_path(path)
        if isinstance(library, TreeError):
            problems += library.problems
            continue
        for index, case in enumerate(library.case):
            checked += 1
            where = f"case[{index}] ({case.id})"
            wrong = check_answers(tree, case.answers)
            if wrong:
                problems += [Problem(shown, f"{where}.answers.{w.question}", w.message) for w in wrong]
                continue
            engine.restart()
            missing = walk(engine, case.answers)
            if missing is not None:
                problems.append(Problem(shown, f"{where}.answers", f"the tree reaches '{missing.question.id}', which the case does not answer.", fix=f"add {missing.question.id} = one of {', '.join(missing.question.option_ids())}."))
                continue
            # The codes in reporting order, as the result lists them, without its descriptions,
            # checklist and warnings, which lint does not compare.
            got = engine.coder.code_strings(engine.answers)
            if got != case.expected:
                problems.append(Problem(shown, f"{where}.expected", f"the tree gives {got} but the case expects {case.expected}.", fix="correct the case, or the tree if the case is right."))
            for code in case.expected:
                bad = tabular.check_billable(code)
                if bad is not None:
                    problems.append(Problem(shown, f"{where}.expected", bad.message))
    return problems, checked
