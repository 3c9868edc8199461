"""Lint: billable codes, every path's code set, reachability; each with the place and a count."""

from __future__ import annotations

import pytest

from conftest import BROKEN, DEMO_TREE
from wizard.lint import lint_file
from wizard.lint.paths import choices, number_classes, walk_paths
from wizard.engine import Engine


def messages(report) -> str:
    return "\n".join(p.render() for p in report.problems)


def test_demo_tree_is_clean_and_every_path_is_counted(demo_tree):
    report = lint_file(DEMO_TREE)
    assert report.errors == [], messages(report)
    # thoracic (1) + elsewhere (1, a stop); low_back, no injury: pregnant no -> chronic (2), pregnant
    # yes -> 4 week classes x chronic (8); strain: 3 encounters x (not pregnant 1 + 4 week classes)
    assert report.paths == 2 + (2 + 8) + 3 * (1 + 4)
    assert report.paths == len(list(walk_paths(Engine(demo_tree))))


def test_numeric_answers_are_enumerated_by_outcome_class(demo_tree):
    # Trimester bands 1-13, 14-27, 28-45 give three classes; `unknown` is a named option.
    assert choices(demo_tree, demo_tree.question("weeks")) == ["unknown", 1, 14, 28]
    assert number_classes(demo_tree, demo_tree.question("weeks")) == [1, 14, 28]


def test_walk_visits_each_path_once(demo_tree):
    leaves = list(walk_paths(Engine(demo_tree)))
    assert len({leaf.answers for leaf in leaves}) == len(leaves)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("header_code.toml", "M54.5 is a header"),
        ("missing_7th.toml", "needs a 7th character"),
        ("no_such_code.toml", "M54.7 is not an ICD-10-CM"),
    ],
)
def test_codes_that_are_not_billable_fy2026_codes_are_reported(name, expected):
    report = lint_file(BROKEN / name)
    assert expected in messages(report)
    assert any(p.where.startswith("rules[") for p in report.errors)


def test_excludes1_pair_on_a_path_is_reported_with_an_example():
    report = lint_file(BROKEN / "excludes1_path.toml")
    text = messages(report)
    assert "S39.012" in text and "M54.50" in text and "Excludes1" in text
    assert "path(s), e.g. region=low_back" in text


def test_path_with_no_code_and_no_stop_is_reported():
    report = lint_file(BROKEN / "empty_path.toml")
    assert "ends with no code and no stop" in messages(report)
    assert "region=thoracic" in messages(report)


def test_question_that_no_path_reaches_is_reported():
    report = lint_file(BROKEN / "unreachable.toml")
    assert "question 'weeks' is never asked" in messages(report)


def test_schema_problems_come_back_as_lint_problems():
    report = lint_file(BROKEN / "typo_key.toml")
    assert report.paths == 0 and "did you mean 'help'" in messages(report)
