"""Lint: prove a tree can only produce valid, legal code sets.

`lint_file` runs every check on one tree file: syntax, schema and references (the
loader), the `RULES` sections its citations name, billable FY codes for every code a rule
can build, and a walk over every reachable path checking the code set at its end.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

from wizard.tree.cache import TreeCache
from wizard.tree.loader import LoadedTree, collector_paused, load_tree
from wizard.tree.problems import Problem, TreeError, display_path


@dataclass
class LintReport:
    file: str
    problems: list[Problem] = field(default_factory=list)
    paths: int = 0
    questions: int = 0
    rules: int = 0
    cases: int = 0
    notes: int = 0  # vignettes read as notes

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.kind == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.kind == "warning"]

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "ok": not self.errors,
            # A big tree's count can have more digits than Python will print (4,300).
            "paths_checked": self.paths if self.paths < 10**1000 else count_text(self.paths),
            "questions": self.questions,
            "rules": self.rules,
            "cases_checked": self.cases,
            "vignettes_read": self.notes,
            "problems": [p.as_dict() for p in self.problems],
        }


def count_text(count: int) -> str:
    """A path count for people: exact, with thousands separators, up to 60 digits; beyond that
    (a generated tree of thousands of questions has thousands of digits) its order of magnitude."""
    if count < 10**60:
        return f"{count:,}"
    return f"about 10^{int(math.log10(count)):,}"


class LintCannotRun(Exception):
    """The file could not be read at all (missing, a folder, no permission)."""


def lint_file(path: Path, tabular=None, release_for=None, read_notes: bool = True) -> LintReport:  # noqa: ANN001
    """Every check on one tree file, against ``tabular``; without it, against the release the
    tree names as ``release_for(name)`` gives it (default: the bundled data). With
    ``read_notes``, the case library's vignettes are read as notes too (wizard.lint.notes)."""
    # Lint builds millions of small objects and no reference cycles: the cyclic collector
    # would only rescan them, again and again, as they pile up (a third of a big tree's lint).
    with collector_paused():
        return _lint_file(path, tabular, release_for, read_notes)


def _lint_file(path: Path, tabular=None, release_for=None, read_notes: bool = True) -> LintReport:  # noqa: ANN001
    from wizard.lint.checks import code_problems, findings_problems, path_findings

    shown = display_path(path)
    report = LintReport(shown)
    if not path.is_file():
        raise LintCannotRun(f"{shown}: no such tree file. Fix: check the path; `wizard lint` with no argument checks the shipped trees.")
    try:
        loaded = load_tree(path, cache=TreeCache.off())  # lint checks the file itself, every time
    except TreeError as error:
        report.problems = error.problems
        return report
    if tabular is None and release_for is not None:
        tabular = release_for(loaded.tree.tree.icd10cm_release)
    if tabular is None:
        from wizard.icd import load_tabular

        tabular = load_tabular()
    report.questions = len(loaded.tree.questions)
    report.rules = len(loaded.tree.rules)
    from wizard.lint.background import started
    from wizard.lint.cases import case_problems

    # The case checks and the path walk each take about half of lint's own time: the cases run
    # on a second core (when there is one) while this process walks the paths.
    case_result = started(lambda: case_problems(loaded, tabular))
    report.problems += rules_citation_problems(loaded, shown)
    report.problems += code_problems(loaded, shown, tabular)
    walked, coverage = path_findings(loaded, tabular)
    report.paths = walked.paths
    report.problems += findings_problems(loaded, shown, walked, coverage)
    problems, report.cases = case_result()
    report.problems += problems
    if read_notes:
        from wizard.lint.notes import note_problems

        problems, report.notes = note_problems(loaded)
        report.problems += problems
    return report


def rules_citation_problems(loaded: LoadedTree, shown: str) -> list[Problem]:
    """Each `RULES n` citation against the sections of docs/coding-rules.md as installed."""
    from wizard.lint.citations import citation_problems, coding_rules_path, rule_sections

    path = coding_rules_path()
    return citation_problems(loaded, shown, rule_sections(path) if path is not None else None)


__all__ = ["LintCannotRun", "LintReport", "count_text", "lint_file"]
