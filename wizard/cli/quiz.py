"""`wizard quiz`: grade a trainee's code set for a library case, or open the quiz in the TUI."""

from __future__ import annotations

import argparse
import difflib
import json

from wizard.cli.common import EXIT_OK, CliError, load_tree_or_exit
from wizard.text import clean, one_line


def cmd_quiz(args: argparse.Namespace) -> int:
    from wizard.quiz import load_cases
    from wizard.tree.problems import TreeError

    if getattr(args, "note", None) is not None:
        raise CliError("trainee mode never reads a note for you: reading the note is the skill the quiz trains. Fix: leave out --note.")

    try:
        library = load_cases()
    except TreeError as error:
        raise CliError(f"the case library cannot be used:\n{error}") from None
    if args.list:
        return list_cases(library, args.format)
    if args.case is None:
        if args.answer is not None:
            raise CliError("--answer grades one case. Fix: add --case ID (see 'wizard quiz --list').")
        return open_quiz(args)
    case = library.get(args.case)
    if case is None:
        close = difflib.get_close_matches(args.case, library.ids, n=1)
        hint = f" Did you mean '{close[0]}'?" if close else ""
        raise CliError(f"no case '{args.case}'.{hint} Fix: pick an id from 'wizard quiz --list'.")
    if args.answer is None:
        raise CliError(f"nothing to grade. Fix: add --answer \"CODE,CODE\" with your codes for case '{case.id}' in reporting order.")
    return grade_case(args, case)


def list_cases(library, fmt: str) -> int:  # noqa: ANN001
    if fmt == "json":
        print(json.dumps([{"id": c.id, "title": c.title, "topics": c.topics} for c in library.cases], indent=2))
    else:
        for case in library.cases:
            print(one_line(f"{case.id:<34} {case.title}"))
    return EXIT_OK


def grade_case(args: argparse.Namespace, case) -> int:  # noqa: ANN001
    from wizard.icd.release_check import tabular_of_release
    from wizard.quiz import grade
    from wizard.quiz.grading import parse_answer

    loaded = load_tree_or_exit(args.quiz_tree or args.tree)
    tabular = tabular_of_release(loaded.tree.tree.icd10cm_release, getattr(args, "icd_dir", None))
    if not args.answer.strip():
        raise CliError("--answer is empty. Fix: give codes separated by commas, e.g. \"M54.41,G89.29\", or \"none\" for no code.")
    given = parse_answer(args.answer, tabular)
    result = grade(case, given, loaded.tree, tabular)
    if args.format == "json":
        print(json.dumps(result.as_dict(), indent=2))
        return EXIT_OK
    lines = [f"Case {case.id}: score {result.score:.2f}", f"Expected: {', '.join(result.expected)}", f"Yours:    {', '.join(result.given)}"]
    lines += [f"- [{item.kind}] {item.message}" + (f" ({item.rule})" if item.rule else "") for item in result.feedback]
    if result.topics:
        lines.append(f"Review: {', '.join(result.topics)}")
    lines.append(f"Teaching point: {case.teaching}")
    # The feedback quotes the codes as typed: shown, never obeyed by the terminal.
    print(clean("\n".join(lines)))
    return EXIT_OK


def open_quiz(args: argparse.Namespace) -> int:
    try:
        from wizard.ui.quiz.app import run_quiz
    except ImportError:
        raise CliError("the quiz screen is not available in this build. Fix: use 'wizard quiz --case ID --answer CODES'.") from None
    loaded = load_tree_or_exit(args.quiz_tree or args.tree)
    return run_quiz(loaded, args)


