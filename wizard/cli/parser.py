"""The command line's arguments: every command, its options and its help.

Built only when arguments are given: `wizard` alone, as clinicians start it, takes the
defaults (`wizard.cli.default_arguments`) without importing argparse or building eleven parsers;
`wizard run ...` builds the options of `run` alone (`parser_for`).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from wizard.cli.common import EXIT_USAGE
from wizard.export import FORMATS
from wizard.text import clean

SESSIONS_HELP = "sessions folder (default: $WIZARD_SESSIONS_DIR, else sessions/ of the checkout, else the user data folder)"
ICD_DIR_HELP = "folder of imported ICD-10-CM releases (default: $WIZARD_ICD_DIR, else the user data folder's icd/)"
DATE_HELP = "the encounter's date of service, YYYY-MM-DD (default: today); codes are checked against the release in force that day"
ID_HELP = "a session id, or the start of one"
# As wizard.export.fhir.BUNDLE_TYPES, which the parser does not import (it loads fhir.resources).
BUNDLE_TYPES = ("collection", "transaction")
BUNDLE_HELP = "with --format fhir: a collection (default) or a transaction to POST to a FHIR server as one unit"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse's own exits with 2 too; say what to do
        self.print_usage(sys.stderr)
        # The message quotes the arguments, which may hold escape sequences.
        self.exit(EXIT_USAGE, clean(f"{self.prog}: {message}. Run '{self.prog} --help' for the options.\n"))


def date_of_service(text: str):  # noqa: ANN201 - a datetime.date, imported here
    """An argparse type: a date of service, or a message that says how to write one."""
    from wizard.icd.releases import parse_date_of_service

    try:
        return parse_date_of_service(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser of every command; with `only`, a command's name, the options of that command
    alone, the others listed by name and help as `wizard --help` shows them (adding every
    command's options took a tenth of a `wizard run`)."""
    parser = _Parser(prog="wizard", description="Walk a decision tree to a sequenced ICD-10-CM code set.")
    parser.add_argument("--tree", type=Path, help="tree file (default: the shipped low back pain tree)")
    parser.add_argument("--date-of-service", type=date_of_service, metavar="YYYY-MM-DD", help=DATE_HELP)
    parser.add_argument("--icd-dir", type=Path, metavar="DIR", help=ICD_DIR_HELP)
    parser.add_argument("--version", action="version", version=_version())
    parser.add_argument("--sessions", type=Path, metavar="DIR", help=SESSIONS_HELP)
    parser.add_argument("--resume", nargs="?", const="", metavar="ID", help="resume a saved session (default: the latest one in progress)")
    parser.add_argument("--label", metavar="TEXT", help="a label for the new session (no patient identifiers)")
    parser.add_argument("--note", type=Path, metavar="FILE", help="read this provider's note first: its stated answers are suggested, each for you to confirm")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    # Every command takes --sessions after its name too; SUPPRESS, so an action's parser does
    # not overwrite a folder given to `sessions` before it.
    folder = argparse.ArgumentParser(add_help=False)
    folder.add_argument("--sessions", type=Path, dest="sub_sessions", metavar="DIR", default=argparse.SUPPRESS, help=SESSIONS_HELP)
    # The ICD folder, after a command's name too (SUPPRESS: the one given before it stands).
    icd_dir = argparse.ArgumentParser(add_help=False)
    icd_dir.add_argument("--icd-dir", type=Path, metavar="DIR", default=argparse.SUPPRESS, help=ICD_DIR_HELP)

    parents = {"folder": folder, "icd_dir": icd_dir}
    for name, (help_text, shared, add_options) in COMMANDS.items():
        if only is not None and name != only:
            commands.add_parser(name, help=help_text)
            continue
        add_options(commands.add_parser(name, help=help_text, parents=[parents[key] for key in shared]), folder, icd_dir)
    return parser


def parser_for(argv: Sequence[str]) -> argparse.ArgumentParser:
    """The parser for these arguments: the command's own options alone when the command comes
    first (`wizard run ...`, as scripts write it), else the whole parser."""
    return build_parser(argv[0] if argv and argv[0] in COMMANDS else None)


def _run_options(run: argparse.ArgumentParser, folder: argparse.ArgumentParser, icd_dir: argparse.ArgumentParser) -> None:  # noqa: ARG001
    run.add_argument("--date-of-service", type=date_of_service, metavar="YYYY-MM-DD", default=argparse.SUPPRESS, help=DATE_HELP)
    run.add_argument("--tree", type=Path, dest="run_tree", help="tree file (default: the shipped tree)")
    run.add_argument("--answers", type=Path, help="TOML file with an [answers] table (required unless --note is given)")
    run.add_argument("--note", type=Path, metavar="NOTE", help="the provider's note: its stated answers are used where the answers file is silent")
    run.add_argument("--format", choices=FORMATS, default="text")
    run.add_argument("--save", action="store_true", help="save the run as a complete session; its id goes to stderr")
    run.add_argument("--label", dest="run_label", metavar="TEXT", help="with --save: a label for the session (no patient identifiers)")
    run.add_argument("--patient-ref", metavar="REF", help="with --format fhir: the subject, e.g. Patient/123 (default: a marked placeholder)")
    run.add_argument("--bundle-type", choices=BUNDLE_TYPES, help=BUNDLE_HELP)


def _sessions_options(sessions: argparse.ArgumentParser, folder: argparse.ArgumentParser, icd_dir: argparse.ArgumentParser) -> None:  # noqa: ARG001
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
    export.add_argument("--bundle-type", choices=BUNDLE_TYPES, help=BUNDLE_HELP)
    delete = actions.add_parser("delete", help="delete a session file (asks first)", parents=[folder])
    delete.add_argument("id", help=ID_HELP)
    delete.add_argument("--yes", action="store_true", help="do not ask")


def _lint_options(lint: argparse.ArgumentParser, folder: argparse.ArgumentParser, icd_dir: argparse.ArgumentParser) -> None:  # noqa: ARG001
    lint.add_argument("paths", nargs="*", type=Path, help="tree files (default: every shipped tree)")
    lint.add_argument("--format", choices=("text", "json"), default="text")
    lint.add_argument("--release", metavar="FY", help="check against this installed ICD-10-CM release, e.g. FY2027 (default: the one each tree names)")
    lint.add_argument("--no-notes", action="store_true", help="do not read the case library's vignettes as notes (the structural checks only, in a fraction of the time)")


def _icd_options(icd: argparse.ArgumentParser, folder: argparse.ArgumentParser, icd_dir: argparse.ArgumentParser) -> None:  # noqa: ARG001
    icd_actions = icd.add_subparsers(dest="icd_action", metavar="ACTION", parser_class=_Parser)
    listing = icd_actions.add_parser("list", help="the installed releases and the one in force on a date", parents=[icd_dir])
    listing.add_argument("--date", type=date_of_service, metavar="YYYY-MM-DD", help="the date to mark the release in force on (default: today)")
    listing.add_argument("--format", choices=("text", "json"), default="text")
    importing = icd_actions.add_parser("import", help="install a release from the official CDC/CMS files (never downloads)", parents=[icd_dir])
    importing.add_argument("files", nargs="+", type=Path, metavar="PATH", help="the tabular XML and the codes list, or the zips that hold them, in any order")
    importing.add_argument("--effective", type=date_of_service, metavar="YYYY-MM-DD", help="the date an update takes effect (e.g. 2026-04-01); default: October 1 of its year")
    importing.add_argument("--replace", action="store_true", help="install even though the release is installed from other files")
    diff = icd_actions.add_parser("diff", help="what changed between two installed releases", parents=[icd_dir])
    diff.add_argument("old", metavar="FROM", help="a release id, e.g. FY2026")
    diff.add_argument("new", metavar="TO", help="a release id, e.g. FY2027")
    diff.add_argument("--tree", type=Path, dest="diff_tree", metavar="TREE", help="only the changes that touch the codes this tree can produce")
    diff.add_argument("--format", choices=("text", "json"), default="text")


def _quiz_options(quiz: argparse.ArgumentParser, folder: argparse.ArgumentParser, icd_dir: argparse.ArgumentParser) -> None:  # noqa: ARG001
    quiz.add_argument("--list", action="store_true", help="list the case ids")
    quiz.add_argument("--case", metavar="ID", help="the case to grade")
    quiz.add_argument("--answer", metavar="CODES", help='your codes in order, e.g. "M54.41,G89.29"')
    quiz.add_argument("--format", choices=("text", "json"), default="text")
    quiz.add_argument("--tree", type=Path, dest="quiz_tree", help="tree file (default: the shipped tree)")
    quiz.add_argument("--shuffle", action="store_true", help="in the TUI: the cases in a shuffled order (default: library order)")
    quiz.add_argument("--seed", type=int, metavar="N", help="with --shuffle: the seed, to repeat a run's order (default: a new one, shown)")
    quiz.add_argument("--count", type=int, metavar="N", help="in the TUI: how many cases a run has (default: 5; 0 for all)")
    # Taken only to be refused with the reason (cmd_quiz); no default, so `wizard --note F quiz` keeps its F.
    quiz.add_argument("--note", type=Path, default=argparse.SUPPRESS, help=argparse.SUPPRESS)


def _prefill_options(prefill: argparse.ArgumentParser, folder: argparse.ArgumentParser, icd_dir: argparse.ArgumentParser) -> None:  # noqa: ARG001
    prefill.add_argument("note", type=Path, metavar="NOTE", help="the note, a UTF-8 text file (at most 1 MB)")
    prefill.add_argument("--tree", type=Path, dest="prefill_tree", help="tree file (default: the shipped tree)")
    prefill.add_argument("--format", choices=("toml", "json"), default="toml")


def _graph_options(graph: argparse.ArgumentParser, folder: argparse.ArgumentParser, icd_dir: argparse.ArgumentParser) -> None:  # noqa: ARG001
    graph.add_argument("--tree", type=Path, dest="graph_tree", help="tree file (default: the shipped tree)")


# Each command: its help line, the shared options it takes after its name, and its own options.
COMMANDS: dict[str, tuple[str, tuple[str, ...], Callable[..., None]]] = {
    "run": ("run a tree headless from an answers file", ("folder", "icd_dir"), _run_options),
    "sessions": ("list, show, export or delete saved sessions", ("folder",), _sessions_options),
    "lint": ("check trees: schema, references, codes, every path", ("icd_dir",), _lint_options),
    "icd": ("the installed ICD-10-CM releases: list, import, diff", ("icd_dir",), _icd_options),
    "quiz": ("trainee mode: code a case and see why (the TUI without options)", ("folder", "icd_dir"), _quiz_options),
    "prefill": ("the answers a provider's note states, each with its quote (needs the notes extra)", (), _prefill_options),
    "graph": ("print the tree's flow as a Mermaid diagram", (), _graph_options),
}


def _version() -> str:
    from wizard import __version__

    return f"wizard {__version__}"
