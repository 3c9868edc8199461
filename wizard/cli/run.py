"""`wizard run`: a tree headless, from an answers file to codes in any export format."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from wizard.cli.common import EXIT_OK, EXIT_PROBLEMS, EXIT_UNANSWERED, CliError, bundle_type, load_tree_or_exit, open_release, patient_ref, read_answers, session_store
from wizard.text import clean

if TYPE_CHECKING:
    from wizard.engine.engine import Engine
    from wizard.export import Transcript
    from wizard.tree.loader import LoadedTree


def cmd_run(args: argparse.Namespace) -> int:
    from wizard.engine.engine import Engine
    from wizard.engine.headless import check_answers, walk
    from wizard.export import ExportError, render, transcript_from_engine

    loaded = load_tree_or_exit(args.run_tree or args.tree)
    if args.answers is None and args.note is None:
        raise CliError("a run needs its answers. Fix: give --answers FILE (an [answers] table), --note NOTE (the provider's note), or both.")
    answers = read_answers(args.answers) if args.answers is not None else {}
    problems = check_answers(loaded.tree, answers)
    if problems:
        lines = "\n".join(f"  answers.{p.question}: {p.message}" for p in problems)
        raise CliError(f"{args.answers}: answers that tree '{loaded.tree.tree.id}' does not take:\n{lines}")
    origins = {}
    if args.note is not None:
        from wizard.cli.prefill import read_prefill

        found = read_prefill(args.note, loaded, given=answers)
        origins = note_origins(found)
        answers = {**found.answers, **answers}  # the file's answers win over the note's
    check = open_release(args, loaded.tree.tree.icd10cm_release)
    engine = Engine(loaded.tree)
    engine.use_release(check, check.tabular)
    missing = walk(engine, answers)
    if missing is not None:
        question = missing.question
        choices = ", ".join(question.option_ids())
        if question.number is not None:
            choices = f"a whole number {question.number.min}..{question.number.max}" + (f" or {choices}" if choices else "")
        source = " and ".join(str(p) for p in (args.answers, args.note) if p is not None)
        said = "it is not answered and has no default" if args.note is None else "neither the answers file nor the note answers it, and it has no default"
        raise CliError(
            f"{source}: the run reached '{question.id}' ({question.prompt}) but {said}. "
            f"Fix: add {question.id} = ... to [answers]; it takes {choices}.",
            EXIT_UNANSWERED,
        )
    engine.origins = origins
    transcript = transcript_from_engine(engine, sha256=loaded.sha256, path=str(loaded.path))
    not_saved = None
    if args.save:
        transcript, not_saved = save_run(args, loaded, engine)
    elif args.run_label is not None:
        raise CliError("--label names a saved session. Fix: add --save, or leave out --label.")
    try:
        sys.stdout.write(render(transcript, args.format, patient_ref=patient_ref(args), bundle_type=bundle_type(args)))
    except ExportError as error:
        raise CliError(f"the result {error}.") from None
    if not_saved is not None:
        # The result is printed all the same, so that a full or read-only folder loses nothing.
        raise CliError(not_saved)
    invalid = transcript.result.errors
    if invalid:
        # The codes are printed with their errors; the exit code tells a script not to file them.
        codes = ", ".join(line.code for line in invalid)
        print(clean(f"wizard: {len(invalid)} code(s) not valid on the date of service {transcript.result.date_of_service}: {codes} (the output says why)."), file=sys.stderr)
        return EXIT_PROBLEMS
    return EXIT_OK


def note_origins(found):  # noqa: ANN001, ANN201 - a Prefill in, origins by question out
    """Each answer the note gave, marked as read from the note (not confirmed by a person:
    this is a headless run), with the words it came from."""
    from wizard.engine.result import FROM_NOTE, Origin

    return {question: Origin(FROM_NOTE, found.first_quote(question)) for question in found.answers}


def save_run(args: argparse.Namespace, loaded: LoadedTree, engine: Engine) -> tuple[Transcript, str | None]:
    """Save a finished headless run as a complete session: its transcript (what gets printed)
    and, when the session could not be written, why."""
    from wizard.sessions import SessionError, apply_engine, session_transcript

    store = session_store(args)
    try:
        session = store.new(loaded, label=args.run_label)
    except SessionError as error:
        raise CliError(str(error)) from None
    apply_engine(session, engine, session.created)
    try:
        store.save(session)
    except SessionError as error:
        return session_transcript(session), (
            f"the session was NOT saved: {error.path}: {error.problem}. The result is printed above; "
            "keep it. Fix: make the sessions folder writable or free some space (or choose another with --sessions), then run again."
        )
    print(clean(f"wizard: saved session {session.id} in {store.folder}"), file=sys.stderr)
    return session_transcript(session), None
