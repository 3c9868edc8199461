"""The command line: a thin layer over the tree loader, the engine, lint and exports.

Exit codes, for scripts: 0 success; 1 lint found problems; 2 bad input or the command could
not run (the message names the file and the fix); 3 an answer is missing for a question
the run reached. No traceback reaches the user for bad input.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tomllib
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from wizard.engine.engine import Engine
    from wizard.export import Transcript
    from wizard.sessions import Session, SessionStore
    from wizard.tree.loader import LoadedTree

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, EXIT_UNANSWERED = 0, 1, 2, 3
FORMATS = ("text", "markdown", "json", "fhir")
SESSIONS_HELP = "sessions folder (default: $WIZARD_SESSIONS_DIR, else sessions/ of the checkout, else the user data folder)"
ID_HELP = "a session id, or the start of one"


class CliError(Exception):
    """A message for the user and the exit code that goes with it."""

    def __init__(self, message: str, code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.code = code


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse's own exits with 2 too; say what to do
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: {message}. Run '{self.prog} --help' for the options.\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="wizard", description="Walk a decision tree to a sequenced ICD-10-CM code set.")
    parser.add_argument("--tree", type=Path, help="tree file (default: the shipped low back pain tree)")
    parser.add_argument("--version", action="version", version=_version())
    parser.add_argument("--sessions", type=Path, metavar="DIR", help=SESSIONS_HELP)
    parser.add_argument("--resume", nargs="?", const="", metavar="ID", help="resume a saved session (default: the latest one in progress)")
    parser.add_argument("--label", metavar="TEXT", help="a label for the new session (no patient identifiers)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    # Every command takes --sessions after its name too; SUPPRESS, so an action's parser does
    # not overwrite a folder given to `sessions` before it.
    folder = argparse.ArgumentParser(add_help=False)
    folder.add_argument("--sessions", type=Path, dest="sub_sessions", metavar="DIR", default=argparse.SUPPRESS, help=SESSIONS_HELP)

    run = commands.add_parser("run", help="run a tree headless from an answers file", parents=[folder])
    run.add_argument("--tree", type=Path, dest="run_tree", help="tree file (default: the shipped tree)")
    run.add_argument("--answers", type=Path, required=True, help="TOML file with an [answers] table")
    run.add_argument("--format", choices=FORMATS, default="text")
    run.add_argument("--save", action="store_true", help="save the run as a complete session; its id goes to stderr")
    run.add_argument("--label", dest="run_label", metavar="TEXT", help="with --save: a label for the session (no patient identifiers)")
    run.add_argument("--patient-ref", metavar="REF", help="with --format fhir: the subject, e.g. Patient/123 (default: a marked placeholder)")

    sessions = commands.add_parser("sessions", help="list, show, export or delete saved sessions", parents=[folder])
    actions = sessions.add_subparsers(dest="action", metavar="ACTION", parser_class=_Parser)
    actions.add_parser("list", help="every session in the folder, unreadable ones with the reason", parents=[folder]).add_argument(
        "--format", choices=("text", "json"), default="text"
    )
    actions.add_parser("show", help="a session as text, with its file and status", parents=[folder]).add_argument("id", help=ID_HELP)
    export = actions.add_parser("export", help="a session as text, markdown, json or a FHIR R4 bundle", parents=[folder])
    export.add_argument("id", help=ID_HELP)
    export.add_argument("--format", choices=FORMATS, default="text")
    export.add_argument("--out", type=Path, metavar="FILE", help="write to FILE (mode 0600) instead of stdout")
    export.add_argument("--patient-ref", metavar="REF", help="with --format fhir: the subject, e.g. Patient/123 (default: a marked placeholder)")
    delete = actions.add_parser("delete", help="delete a session file (asks first)", parents=[folder])
    delete.add_argument("id", help=ID_HELP)
    delete.add_argument("--yes", action="store_true", help="do not ask")

    lint = commands.add_parser("lint", help="check trees: schema, references, codes, every path")
    lint.add_argument("paths", nargs="*", type=Path, help="tree files (default: every shipped tree)")
    lint.add_argument("--format", choices=("text", "json"), default="text")

    graph = commands.add_parser("graph", help="print the tree's flow as a Mermaid diagram")
    graph.add_argument("--tree", type=Path, dest="graph_tree", help="tree file (default: the shipped tree)")
    return parser


def _version() -> str:
    from wizard import __version__

    return f"wizard {__version__}"


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "run":
            return cmd_run(args)
        if args.command == "lint":
            return cmd_lint(args)
        if args.command == "graph":
            return cmd_graph(args)
        if args.command == "sessions":
            return cmd_sessions(args)
        return cmd_ui(args)
    except CliError as error:
        print(f"wizard: {error}", file=sys.stderr)
        return error.code
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # the last guard: a bug must not print a traceback at a clinician
        if os.environ.get("WIZARD_DEBUG"):
            raise
        print(
            f"wizard: internal error ({error.__class__.__name__}: {error}). This is a bug in wizard; "
            "please report it with the command you ran (set WIZARD_DEBUG=1 to see the traceback).",
            file=sys.stderr,
        )
        return EXIT_USAGE


# ---- shared -------------------------------------------------------------------------------


def load_tree_or_exit(path: Path | None):  # noqa: ANN201
    from wizard.tree.loader import default_tree_path, load_tree
    from wizard.tree.problems import TreeError

    try:
        return load_tree(path or default_tree_path())
    except TreeError as error:
        raise CliError(f"the tree cannot be used:\n{error}\nRun 'wizard lint <file>' for every problem.") from None


def read_answers(path: Path) -> dict[str, object]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CliError(f"{path}: no such answers file. Fix: give the path of a TOML file with an [answers] table.") from None
    except (IsADirectoryError, PermissionError, UnicodeDecodeError) as error:
        raise CliError(f"{path}: cannot be read ({error.__class__.__name__}). Fix: give a readable UTF-8 TOML file.") from None
    except tomllib.TOMLDecodeError as error:
        raise CliError(f"{path}: TOML syntax error: {error}. Fix: correct the syntax at that line.") from None
    answers = data.get("answers")
    if not isinstance(answers, dict):
        raise CliError(f"{path}: no [answers] table. Fix: add [answers] with lines such as region = \"low_back\".")
    for key, value in answers.items():
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise CliError(f"{path}: answers.{key}: an answer is an option id in quotes or a whole number, not {value!r}.")
    return answers


# ---- commands -----------------------------------------------------------------------------


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


def patient_ref(args: argparse.Namespace) -> str | None:
    if args.patient_ref is None:
        return None
    if args.format != "fhir":
        raise CliError("--patient-ref is the subject of a FHIR bundle. Fix: add --format fhir, or leave it out.")
    from wizard.export.fhir import check_patient_ref

    try:
        return check_patient_ref(args.patient_ref)
    except ValueError as error:
        raise CliError(f"--patient-ref: {error}.") from None


def cmd_lint(args: argparse.Namespace) -> int:
    from wizard.lint import LintCannotRun, lint_file
    from wizard.tree.loader import shipped_tree_paths

    paths = args.paths or shipped_tree_paths()
    if not paths:
        raise CliError("no tree files to check. Fix: name one, e.g. wizard lint trees/low_back_pain.toml.")
    reports = []
    try:
        for path in paths:
            reports.append(lint_file(path))
    except LintCannotRun as error:
        raise CliError(str(error)) from None
    if args.format == "json":
        print(json.dumps({"ok": all(not r.errors for r in reports), "files": [r.as_dict() for r in reports]}, indent=2))
    else:
        for report in reports:
            for problem in report.problems:
                print(("warning: " if problem.kind == "warning" else "") + problem.render())
            status = "ok" if not report.errors else f"{len(report.errors)} problem(s)"
            print(
                f"{report.file}: {status}; {report.questions} questions, {report.rules} rules, "
                f"{report.paths:,} reachable answer paths checked"
                + (f", {len(report.warnings)} warning(s)" if report.warnings else "")
            )
    return EXIT_PROBLEMS if any(r.errors for r in reports) else EXIT_OK


def cmd_graph(args: argparse.Namespace) -> int:
    from wizard.engine.graph import mermaid

    loaded = load_tree_or_exit(args.graph_tree or args.tree)
    sys.stdout.write(mermaid(loaded.tree))
    return EXIT_OK


def cmd_ui(args: argparse.Namespace) -> int:
    # The UI records into args.session_store; with --resume it continues args.resume_session
    # (loaded, and claimed so that no other process records over it).
    args.session_store = session_store(args)
    args.resume_session = None
    if args.resume is not None:
        if args.label is not None:
            raise CliError("--label names a new session. Fix: leave it out when resuming.")
        args.resume_session = resume_target(args.session_store, args.resume)
        loaded = load_tree_or_exit(args.tree or _recorded_tree(args.resume_session))
        if loaded.tree.tree.id != args.resume_session.tree.id:
            raise CliError(
                f"session {args.resume_session.id} was made with tree '{args.resume_session.tree.id}' but {loaded.path} is tree "
                f"'{loaded.tree.tree.id}'. Fix: resume it with --tree naming the '{args.resume_session.tree.id}' tree."
            )
    else:
        loaded = load_tree_or_exit(args.tree)
        _check_label(args.label)
    try:
        from wizard.ui.app import run_app
    except ImportError:
        raise CliError("the terminal UI is not available in this build. Fix: use 'wizard run' for a headless run.") from None
    return run_app(loaded, args)


# ---- sessions -----------------------------------------------------------------------------


def session_store(args: argparse.Namespace) -> SessionStore:
    from wizard.sessions import SessionStore

    return SessionStore.resolve(getattr(args, "sub_sessions", None) or args.sessions)


def resume_target(store: SessionStore, text: str) -> Session:
    """The session --resume names (the latest in progress for no id), loaded and claimed."""
    from wizard.sessions import SessionError

    try:
        if text:
            session = store.load(store.match(text))
        else:
            session = store.latest_in_progress()
            if session is None:
                raise CliError(f"no session in progress in {store.folder} ({store.source}). Fix: run 'wizard sessions list', or start a new one with 'wizard'.")
        store.claim(session.id)
    except SessionError as error:
        raise CliError(str(error)) from None
    return session


def _recorded_tree(session: Session) -> Path | None:
    path = Path(session.tree.path)
    return path if path.is_file() else None


def _check_label(label: str | None) -> None:
    from wizard.sessions.models import clean_label

    try:
        clean_label(label)
    except ValueError as error:
        raise CliError(f"--label: {error}. Fix: give a short one-line label without patient identifiers.") from None


def cmd_sessions(args: argparse.Namespace) -> int:
    from wizard.sessions import SessionError

    store = session_store(args)
    try:
        if args.action == "list":
            return sessions_list(store, args.format)
        if args.action is None:
            raise CliError("name an action: list, show ID, export ID or delete ID. Fix: e.g. 'wizard sessions list'.")
        session_id = store.match(args.id)
        if args.action == "delete":
            return sessions_delete(store, session_id, args.yes)
        session = store.load(session_id)
    except SessionError as error:
        raise CliError(str(error)) from None
    from wizard.export import render
    from wizard.sessions import session_transcript

    transcript = session_transcript(session)
    if args.action == "show":
        print(f"Session {session.id}: {session.status.replace('_', ' ')}, updated {_local(session.updated)}")
        print(f"File: {store.path_of(session.id)}")
        if session.flagged:
            print(f"{len(session.flagged)} answer(s) set aside after the tree changed; see below.")
        print()
        sys.stdout.write(render(transcript, "text"))
        return EXIT_OK
    text = render(transcript, args.format, patient_ref=patient_ref(args))
    if args.out is None or str(args.out) == "-":
        sys.stdout.write(text)
    else:
        write_private(args.out, text)
        print(f"wizard: wrote {args.out}", file=sys.stderr)
    return EXIT_OK


def sessions_list(store: SessionStore, fmt: str) -> int:
    listings = store.list()
    if fmt == "json":
        rows = [
            {"id": i.id, "file": str(i.path), "readable": i.ok, "error": i.error}
            | (
                {"status": i.session.status, "created": i.session.created.isoformat(), "updated": i.session.updated.isoformat(),
                 "label": i.session.label, "tree": i.session.tree.id, "codes": [c.code for c in i.session.result.codes]}
                if i.session else {}
            )
            for i in listings
        ]
        print(json.dumps({"folder": str(store.folder), "sessions": rows}, indent=2, ensure_ascii=False))
        return EXIT_OK
    if not listings:
        print(f"No sessions in {store.folder} ({store.source}).")
        return EXIT_OK
    print(f"Sessions in {store.folder} ({store.source}), newest first:")
    for item in listings:
        if item.session is None:
            print(f"{item.id:<24}  UNREADABLE: {item.error}")
            continue
        s = item.session
        codes = " ".join(c.code for c in s.result.codes) or "-"
        status = "complete" if s.status == "complete" else "in progress"
        print(f"{s.id:<24}  {_local(s.updated)}  {status:<11}  {s.tree.id:<12}  {codes}" + (f"  [{s.label}]" if s.label else ""))
    return EXIT_OK


def sessions_delete(store: SessionStore, session_id: str, yes: bool) -> int:
    from wizard.sessions import SessionError

    if not yes:
        if not sys.stdin.isatty():
            raise CliError(f"not deleting session {session_id} without a yes: standard input is not a terminal. Fix: add --yes.")
        try:
            shown = store.load(session_id)
            what = f"{shown.label or 'no label'}, {shown.status.replace('_', ' ')}, updated {_local(shown.updated)}"
        except SessionError as error:
            what = f"unreadable: {error.problem}"
        try:
            reply = input(f"Delete session {session_id} ({what})? This cannot be undone. [y/N] ")
        except EOFError:
            reply = ""
        if reply.strip().lower() not in ("y", "yes"):
            print("Kept.", file=sys.stderr)
            return EXIT_OK
    store.delete(session_id)
    print(f"wizard: deleted session {session_id}", file=sys.stderr)
    return EXIT_OK


def write_private(path: Path, text: str) -> None:
    """Write an export readable by its owner only: it holds clinical details."""
    import os

    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as error:
        raise CliError(f"{path}: cannot be written ({error.strerror}). Fix: choose a writable path for --out.") from None


def _local(moment: datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


if __name__ == "__main__":
    raise SystemExit(main())
