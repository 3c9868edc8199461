"""`wizard lint` and `wizard graph`: checks on tree files and a picture of their flow."""

from __future__ import annotations

import argparse
import json
import sys

from wizard.cli.common import EXIT_OK, EXIT_PROBLEMS, CliError, load_tree_or_exit
from wizard.text import clean


def cmd_lint(args: argparse.Namespace) -> int:
    from wizard.lint import LintCannotRun, count_text, lint_file
    from wizard.tree.loader import collector_paused, shipped_tree_paths

    paths = args.paths or shipped_tree_paths()
    if not paths:
        raise CliError("no tree files to check. Fix: name one, e.g. wizard lint trees/low_back_pain.toml.")
    tabular, release_for = lint_releases(args)
    reports = []
    with collector_paused(keep=True):  # the process ends once the reports are printed
        for path in paths:
            try:
                reports.append(lint_file(path, tabular, release_for, read_notes=not args.no_notes))
            except LintCannotRun as error:
                raise CliError(str(error)) from None
            except OSError as error:  # a path the system refuses to look at (too long, a loop)
                raise CliError(f"{path}: cannot be read ({error.strerror or error}). Fix: check the path.") from None
    if args.format == "json":
        print(json.dumps({"ok": all(not r.errors for r in reports), "files": [r.as_dict() for r in reports]}, indent=2))
    else:
        for report in reports:
            # Problems quote keys and values of the file: shown, never obeyed by the terminal.
            for problem in report.problems:
                print(clean(("warning: " if problem.kind == "warning" else "") + problem.render()))
            status = "ok" if not report.errors else f"{len(report.errors)} problem(s)"
            print(
                f"{clean(report.file)}: {status}; {report.questions} questions, {report.rules} rules, "
                f"{count_text(report.paths)} reachable answer paths checked"
                + (f", {report.cases} cases checked" if report.cases else "")
                + (f", {report.notes} vignettes read as notes" if report.notes else "")
                + (f", {len(report.warnings)} warning(s)" if report.warnings else "")
            )
    return EXIT_PROBLEMS if any(r.errors for r in reports) else EXIT_OK


def lint_releases(args: argparse.Namespace):  # noqa: ANN201
    """The tabular of --release for every tree, or a way to find the release each tree names."""
    from wizard.cli.icd import installed, load_release, named_release

    found = installed(args)
    if args.release:
        return load_release(named_release(found, args.release)), None

    def release_for(name: str):  # noqa: ANN202 - a Tabular, or None for the bundled default
        release = found.find(name)  # the tree's own release, when it is installed
        return load_release(release) if release is not None else None

    return None, release_for


def cmd_graph(args: argparse.Namespace) -> int:
    from wizard.engine.graph import mermaid

    loaded = load_tree_or_exit(args.graph_tree or args.tree)
    sys.stdout.write(clean(mermaid(loaded.tree)))
    return EXIT_OK
