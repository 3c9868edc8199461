"""`wizard run`: a tree headless, from an answers file to codes in any export format."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from wizard.cli.common import EXIT_OK, EXIT_UNANSWERED, CliError, load_tree_or_exit, patient_ref, read_answers, session_store

if TYPE_CHECKING:
    from wizard.engine.engine import Engine
    from wizard.export import Transcript
    from wizard.tree.loader import LoadedTree


def cmd_run(args: argparse.Namespace) -> int:
    from wizard.engine.engine import Engine
    from wizard.engine.headless import check_answers, walk
    from wizard.export import render, transcript_from_engine
    from wizard.icd import load_tabular

    loaded = load_tree_or_exit(args.run_tree or args.tree)
    answers = read_answers(args.answers)
    problems = check_answers(loaded.tree, answers)
    if problems:
        lines = "\n".join(f"  answers.{p.question}: {p.message}" for p in problems)
        raise CliError(f"{args.answers}: answers that tree '{loaded.tree.tree.id}' does not take:\n{lines}")
    engine = Engine(loaded.tree, load_tabular())
    missing = walk(engine, answers)
    if missing is not None:
        question = missing.question
        choices = ", ".join(question.option_ids())
        if question.number is not None:
            choices = f"a whole number {question.number.min}..{question.number.max}" + (f" or {choices}" if choices else "")
        raise CliError(
            f"{args.answers}: the run reached '{question.id}' ({question.prompt}) but it is not answered and has no default. "
            f"Fix: add {question.id} = ... to [answers]; it takes {choices}.",
            EXIT_UNANSWERED,
        )
    transcript = transcript_from_engine(engine, sha256=loaded.sha256, path=str(loaded.path))
    if args.save:
        transcript = save_run(args, loaded, engine)
    elif args.run_label is not None:
        raise CliError("--label names a saved session. Fix: add --save, or leave out --label.")
    sys.stdout.write(render(transcript, args.format, patient_ref=patient_ref(args)))
    return EXIT_OK


def save_run(args: argparse.Namespace, loaded: LoadedTree, engine: Engine) -> Transcript:
    """Save a finished headless run as a complete session; its transcript is what gets printed."""
    from wizard.sessions import SessionError, apply_engine, session_transcript

    store = session_store(args)
    try:
        session = store.new(loaded, label=args.run_label)
        apply_engine(session, engine, session.created)
        store.save(session)
    except SessionError as error:
        raise CliError(str(error)) from None
    print(f"wizard: saved session {session.id} in {store.folder}", file=sys.stderr)
    return session_transcript(session)
