"""Citations a reader can follow: each `RULES n` a tree cites is a section of docs/coding-rules.md.

The loader already refuses a citation source wizard does not know (wizard.tree.schema.Citation);
whether the section of a `RULES` citation exists is checked here, as only lint needs to read the
rules document. The wheel carries docs/ as wizard/bundled_docs (see pyproject.toml).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from pathlib import Path

from wizard.tree.loader import LoadedTree, shipped_folder
from wizard.tree.models import Citation
from wizard.tree.problems import LineFinder, Problem, toml_path

RULES_DOC = "coding-rules.md"
SHOWN_DOC = f"docs/{RULES_DOC}"
# A numbered heading: "## 7. A structural diagnosis", "### 7.1 The level".
HEADING = re.compile(r"^#{2,6}\s+(\d+(?:\.\d+)*)\.?\s")


def coding_rules_path() -> Path | None:
    """docs/coding-rules.md in a checkout, or its copy inside the installed wheel; None if absent."""
    folder = shipped_folder("bundled_docs", "docs")
    path = folder / RULES_DOC if folder is not None else None
    return path if path is not None and path.is_file() else None


def rule_sections(path: Path) -> list[str]:
    """The section numbers of the rules document, in the order it gives them."""
    text = path.read_text(encoding="utf-8")
    return [match.group(1) for line in text.splitlines() if (match := HEADING.match(line))]


def cited(loaded: LoadedTree) -> Iterator[tuple[tuple[object, ...], Citation]]:
    """Every citation of the tree with the TOML place of its `cite` list."""
    tree = loaded.tree
    for section, items in (("questions", tree.questions), ("rules", tree.rules), ("stops", tree.stops), ("checklist", tree.checklist)):
        for index, item in enumerate(items):
            for citation in item.cite:
                yield (section, index, "cite"), citation


def citation_problems(loaded: LoadedTree, shown: str, sections: list[str] | None) -> list[Problem]:
    """A problem for each `RULES n` that names no section of the rules document (`sections`, or
    None when the document is not installed)."""
    rules = [(loc, c) for loc, c in cited(loaded) if c.source == "RULES"]
    if not rules:
        return []
    finder = LineFinder(loaded.path.read_text(encoding="utf-8", errors="replace"))

    def problem(loc: tuple[object, ...], message: str, fix: str) -> Problem:
        return Problem(shown, toml_path(loc), message, line=finder.find(loc), fix=fix)

    if sections is None:
        loc, citation = rules[0]
        return [problem(loc, f"'{citation}' cites {SHOWN_DOC}, which is not in this installation, so no RULES citation can be checked.", "reinstall wizard (the wheel carries it as wizard/bundled_docs).")]
    known = set(sections)
    problems = []
    for loc, citation in rules:
        if citation.section not in known:
            close = difflib.get_close_matches(citation.section, sections, n=1)
            fix = f"cite a numbered section of {SHOWN_DOC}" + (f" (did you mean 'RULES {close[0]}'?)." if close else f": {', '.join(sections)}.")
            problems.append(problem(loc, f"'{citation}' names no section of {SHOWN_DOC}.", fix))
    return problems
