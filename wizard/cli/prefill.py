"""`wizard prefill NOTE`: the answers a provider's note states, each with the words it came from.

`toml` is an answers file for `wizard run --answers` (each line with its quote as a comment);
`json` has the answers, the evidence, the conflicts and the questions the note leaves open.
Nothing is decided here: a person reads the quotes before running with these answers.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from wizard.cli.common import EXIT_OK, CliError, load_tree_or_exit, read_note_or_exit
from wizard.text import clean, json_safe, one_line

if TYPE_CHECKING:
    from wizard.notes.prefill import Prefill
    from wizard.tree.loader import LoadedTree
    from wizard.tree.models import Answer


def read_prefill(note: Path, loaded: LoadedTree, given: dict[str, Answer] | None = None) -> Prefill:
    """The note's suggestions for a tree, or CliError (exit 2) when the note or medspaCy is not there."""
    from wizard.notes import NotesUnavailable
    from wizard.notes.prefill import suggest

    text = read_note_or_exit(note)
    try:
        return suggest(loaded.tree, text, given)
    except NotesUnavailable as error:
        raise CliError(str(error)) from None


def cmd_prefill(args: argparse.Namespace) -> int:
    loaded = load_tree_or_exit(args.prefill_tree or args.tree)
    found = read_prefill(args.note, loaded)
    if args.format == "json":
        sys.stdout.write(json_safe(json.dumps(found.as_dict(), indent=2, ensure_ascii=False)) + "\n")
    else:
        sys.stdout.write(answers_toml(found, loaded, args.note))
    return EXIT_OK


def answers_toml(found: Prefill, loaded: LoadedTree, note: Path) -> str:
    """An answers file: each suggested answer with the note's words as a comment, then the
    conflicts and the questions left open as comments, for the person who completes it."""
    import tomli_w

    from wizard.notes.prefill import json_answer

    tree = loaded.tree
    lines = [
        f"# Answers read from {one_line(str(note))} for tree '{tree.tree.id}' by wizard prefill.",
        "# Check each against the note before you run with it: the quotes are the words each answer came from.",
        "[answers]",
    ]
    for question in tree.questions:
        if question.id not in found.answers:
            continue
        answer = found.answers[question.id]
        value = tomli_w.dumps({"v": json_answer(answer)}).strip().removeprefix("v = ")
        quotes = "; ".join(dict.fromkeys(f'"{one_line(e.quote)}"' + ("" if e.context == "affirmed" else f" ({e.context})") for e in found.evidence_for(question.id)))
        lines.append(f"{question.id} = {value}  # {quotes}")
    for conflict in found.conflicts:
        said = "; ".join(f'{answer}: "{one_line(quote)}"' for answer, quote in zip(conflict.answers, conflict.quotes, strict=True))
        lines.append(f"# {conflict.question}: the note says more than one answer ({said}); choose one.")
    if found.not_stated:
        lines.append(f"# Not stated in the note: {', '.join(found.not_stated)}.")
    return clean("\n".join(lines) + "\n")
