"""The command line: a thin layer over the tree loader, the engine, lint and exports.

Exit codes, for scripts: 0 success; 1 lint found problems; 2 bad input or the command could
not run (the message names the file and the fix); 3 an answer is missing for a question
the run reached. No traceback reaches the user for bad input.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any

from wizard.cli.common import EXIT_OK, EXIT_OUTPUT_CLOSED, EXIT_PROBLEMS, EXIT_UNANSWERED, EXIT_USAGE, CliError
from wizard.text import clean, printable_streams

__all__ = ["EXIT_OK", "EXIT_OUTPUT_CLOSED", "EXIT_PROBLEMS", "EXIT_UNANSWERED", "EXIT_USAGE", "CliError", "main"]


def default_arguments() -> Any:
    """What the parser makes of no arguments (a test keeps the two the same)."""
    return SimpleNamespace(tree=None, date_of_service=None, icd_dir=None, sessions=None, resume=None, label=None, note=None, command=None)


def parse_arguments(argv: Sequence[str]) -> Any:
    if not argv:
        # `wizard` alone, the launch a clinician waits for: argparse and the parsers of every
        # command are a few milliseconds of it, for defaults known in advance.
        return default_arguments()
    from wizard.cli.parser import parser_for

    return parser_for(argv).parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    printable_streams(sys.stdout, sys.stderr)
    args = parse_arguments(sys.argv[1:] if argv is None else argv)
    try:
        if args.command == "run":
            from wizard.cli.run import cmd_run

            return cmd_run(args)
        if args.command == "lint":
            from wizard.cli.trees import cmd_lint

            return cmd_lint(args)
        if args.command == "graph":
            from wizard.cli.trees import cmd_graph

            return cmd_graph(args)
        if args.command == "quiz":
            from wizard.cli.quiz import cmd_quiz

            return cmd_quiz(args)
        if args.command == "prefill":
            from wizard.cli.prefill import cmd_prefill

            return cmd_prefill(args)
        if args.command == "icd":
            from wizard.cli.icd import cmd_icd

            return cmd_icd(args)
        if args.command == "sessions":
            from wizard.cli.sessions import cmd_sessions

            return cmd_sessions(args)
        from wizard.cli.ui import cmd_ui

        return cmd_ui(args)
    except CliError as error:
        # Messages quote paths, keys and values from files and arguments: shown, never obeyed.
        print(clean(f"wizard: {error}"), file=sys.stderr)
        return error.code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `wizard quiz --list | head`: the reader has what it wanted and closed the pipe. Not an
        # error of wizard; the rest of the output goes nowhere, so that Python's own flush at
        # exit does not fail on the closed pipe either.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
        return EXIT_OUTPUT_CLOSED
    except Exception as error:  # the last guard: a bug must not print a traceback at a clinician
        if os.environ.get("WIZARD_DEBUG"):
            raise
        print(
            clean(f"wizard: internal error ({error.__class__.__name__}: {error}). This is a bug in wizard; ")
            + "please report it with the command you ran (set WIZARD_DEBUG=1 to see the traceback).",
            file=sys.stderr,
        )
        return EXIT_USAGE
