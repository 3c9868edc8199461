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
from pathlib import Path

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, EXIT_UNANSWERED = 0, 1, 2, 3


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
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    run = commands.add_parser("run", help="run a tree headless from an answers file")
    run.add_argument("--tree", type=Path, dest="run_tree", help="tree file (default: the shipped tree)")
    run.add_argument("--answers", type=Path, required=True, help="TOML file with an [answers] table")
    run.add_argument("--format", choices=("text", "markdown", "json"), default="text")

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
    sys.stdout.write(render(transcript, args.format))
    return EXIT_OK


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
    loaded = load_tree_or_exit(args.tree)
    try:
        from wizard.ui.app import run_app
    except ImportError:
        raise CliError("the terminal UI is not available in this build. Fix: use 'wizard run' for a headless run.") from None
    return run_app(loaded, args)


if __name__ == "__main__":
    raise SystemExit(main())
