"""Citations a reader can follow: a source wizard knows (the official ICD-10-CM texts, or a
section of docs/coding-rules.md), a `RULES n` that names a section which exists, and nothing in
the repository that points at a document outside it."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import DEMO_TREE, REPO
from wizard.lint import lint_file
from wizard.lint.citations import citation_problems, coding_rules_path, rule_sections
from wizard.tree import load_tree
from wizard.tree.loader import shipped_tree_paths

RULES_DOC = REPO / "docs" / "coding-rules.md"
# The demo tree's first rule cites "TAB M54.6"; each test puts another citation beside it.
FIRST_CITE = 'cite = ["TAB M54.6"]'


def demo_citing(tmp_path: Path, citation: str) -> Path:
    text = DEMO_TREE.read_text(encoding="utf-8")
    assert text.count(FIRST_CITE) == 1
    path = tmp_path / "cited.toml"
    path.write_text(text.replace(FIRST_CITE, f'cite = ["TAB M54.6", "{citation}"]'), encoding="utf-8")
    return path


def lint_cli(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "wizard", "lint", str(path)], capture_output=True, text=True, cwd=REPO, timeout=120)


def test_a_citation_from_a_source_wizard_does_not_know_fails_lint_with_the_known_sources(tmp_path: Path) -> None:
    done = lint_cli(demo_citing(tmp_path, "CONV vocabulary rule 1"))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    [line] = [line for line in done.stdout.splitlines() if "CONV" in line]
    # The place (file, line, TOML path), what is wrong, every known source, and the fix.
    assert re.search(r"cited\.toml:92: rules\[0\]\.cite\[1\]: the citation 'CONV vocabulary rule 1' names the source 'CONV'", line), line
    for source in ("TAB", "IDX", "GL", "RULES"):
        assert f"{source} (" in line
    assert "Fix: cite what a reader can open" in line and "docs/coding-rules.md" in line


def test_a_misspelt_source_gets_the_citation_spelt_right(tmp_path: Path) -> None:
    [problem] = lint_file(demo_citing(tmp_path, "RUELS 7")).problems
    assert problem.where == "rules[0].cite[1]" and problem.fix == "did you mean 'RULES 7'?"


def test_a_rules_citation_must_name_a_section_of_the_coding_rules(tmp_path: Path) -> None:
    assert not lint_file(demo_citing(tmp_path, "RULES 7.8")).problems
    [problem] = lint_file(demo_citing(tmp_path, "RULES 7.9")).problems
    assert problem.where == "rules[0].cite" and problem.line == 92
    assert problem.message == "'RULES 7.9' names no section of docs/coding-rules.md."
    assert problem.fix == "cite a numbered section of docs/coding-rules.md (did you mean 'RULES 7.8'?)."


def test_without_the_coding_rules_installed_lint_says_so_once_and_how_to_fix_it(tmp_path: Path) -> None:
    loaded = load_tree(demo_citing(tmp_path, "RULES 7"))
    [problem] = citation_problems(loaded, "cited.toml", None)
    assert "not in this installation" in problem.message and problem.fix.startswith("reinstall wizard")


def test_the_coding_rules_are_found_in_the_checkout_and_number_their_sections() -> None:
    assert coding_rules_path() == RULES_DOC
    sections = rule_sections(RULES_DOC)
    # One section per rule of the low back pain tree (1-14), the reporting order, the readings,
    # the checklist and the list to confirm; each number once.
    assert [s for s in sections if "." not in s] == [str(n) for n in range(1, 19)]
    assert len(sections) == len(set(sections))


def test_the_shipped_trees_cite_only_official_sources_and_the_coding_rules() -> None:
    for path in shipped_tree_paths():
        tree = load_tree(path).tree
        cites = [c for part in (*tree.questions, *tree.rules, *tree.stops, *tree.checklist) for c in part.cite]
        assert cites and {c.source for c in cites} <= {"TAB", "IDX", "GL", "RULES"}, path
        # Every rule below high confidence names the section that explains its reading.
        for rule in tree.rules:
            if rule.confidence != "high":
                assert any(c.source == "RULES" for c in rule.cite), rule.id


def text_files() -> list[Path]:
    """The repository's own text: code, trees, cases, tests, docs, the README."""
    folders = ["wizard", "trees", "tests", "docs", "examples", "bench", "scripts"]
    found = [REPO / "README.md", REPO / "SECURITY.md", REPO / "Makefile", REPO / "pyproject.toml"]
    for folder in folders:
        found += [p for p in (REPO / folder).rglob("*") if p.suffix in {".py", ".toml", ".md", ".tcss"} and "__pycache__" not in p.parts]
    return found


def test_no_file_points_at_a_document_outside_the_repository() -> None:
    # The shared folder and the documents the rules were first written from (this file names them).
    outside = re.compile(r"(/work/|\.\./)shared|vocab-v2-facts|lbp-coding-reference|vocabulary\.md")
    here = Path(__file__).resolve()
    offending = [str(p.relative_to(REPO)) for p in text_files() if p.resolve() != here and outside.search(p.read_text(encoding="utf-8", errors="replace"))]
    assert offending == []


@pytest.mark.parametrize("path", [REPO / "README.md", *sorted((REPO / "trees").rglob("*.toml")), REPO / "tests" / "cases" / "lbp_cases.toml"], ids=lambda p: str(p.relative_to(REPO)))
def test_every_rules_section_named_in_prose_exists(path: Path) -> None:
    """Comments, teaching points and the README cite RULES n too, outside what lint reads."""
    sections = set(rule_sections(RULES_DOC))
    named = re.findall(r"RULES (\d+(?:\.\d+)*)", path.read_text(encoding="utf-8"))
    assert {n for n in named if n not in sections} == set()


def test_the_help_says_where_a_rules_citation_leads() -> None:
    from wizard.engine.result import Result
    from wizard.ui.screens.help import question_help

    tree = load_tree(REPO / "trees" / "low_back_pain.toml").tree
    nothing = Result((), (), (), complete=False)
    region = question_help(tree.question("region"), nothing).plain
    assert "RULES 1" in region and "RULES n: section n of docs/coding-rules.md" in region
    # A question citing only official sources needs no such line.
    assert "docs/coding-rules.md" not in question_help(tree.question("encounter"), nothing).plain
