"""A generated 1,000-question tree (bench/gen_tree.py): it lints clean and the engine walks it;
and the shortcuts that let lint scale stay exact: on small trees its counts are those of
walking every path one by one through the engine.

Behaviour only; how fast lint and the engine are on trees up to 20,000 questions is measured
by the benchmark (`make bench`), never here.
"""

from __future__ import annotations

import random
import sys
from collections import Counter
from pathlib import Path

import pytest
from conftest import BROKEN, DEMO_TREE, REPO, TESTS

from wizard.engine import Engine
from wizard.engine.flow import Flow
from wizard.lint import lint_file
from wizard.lint.outcomes import OutcomeWalker
from wizard.lint.paths import choices, walk_paths
from wizard.tree import load_tree

WALKS = TESTS / "trees" / "walks"

if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.gen_tree import generate

QUESTIONS = 1000


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("scale") / "generated_1000.toml"
    path.write_text(generate(QUESTIONS, seed=0), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def tree(generated: Path):
    return load_tree(generated).tree


def test_the_generated_tree_has_the_size_asked_for_and_realistic_parts(tree) -> None:
    assert len(tree.questions) == QUESTIONS
    assert len(tree.rules) > QUESTIONS // 2 and tree.stops and tree.conditions
    assert any("{" in rule.code for rule in tree.rules), "some rules build codes from templates"
    assert any(q.number for q in tree.questions), "some questions take a number"


def test_the_generated_1000_question_tree_lints_clean(generated: Path) -> None:
    report = lint_file(generated)
    assert report.problems == [], "\n".join(p.render() for p in report.problems[:5])
    assert report.questions == QUESTIONS and report.paths > 10**100


def test_the_engine_walks_the_generated_tree_to_a_billable_code_set(tree) -> None:
    from wizard.icd import load_tabular

    tabular = load_tabular()
    for seed in range(3):
        rnd = random.Random(seed)
        engine = Engine(tree, tabular)
        asked = 0
        while (question := engine.current) is not None:
            engine.answer(rnd.choice(choices(tree, question)))
            asked += 1
        result = engine.result()
        assert len(engine.path) == asked and result.complete
        if result.stop is None:
            assert result.code_list, "every path that does not stop ends with a code"
        assert all(tabular.check_billable(code) is None for code in result.code_list)
        assert not [w for w in result.warnings if w.kind == "excludes1"]


def test_lints_walk_steps_as_the_engine_does(tree) -> None:
    """Lint's path walk steps through the flow compiled into a table (wizard.engine.flow.Flow);
    on random paths it goes where the engine's transitions Machine goes."""
    walker = OutcomeWalker(tree, lambda codes: [])
    flow = Flow(tree, walker.evaluator)
    rnd = random.Random(7)
    for _ in range(20):
        engine = Engine(tree)
        answers: dict[str, object] = {}
        while (question := engine.current) is not None:
            answer = rnd.choice(choices(tree, question))
            answers[question.id] = answer
            expected = flow.next_state(question.id, answers)
            engine.answer(answer)
            assert engine.state == expected


def every_path_one_by_one(tree) -> tuple[int, Counter]:
    """What lint should find, from the engine's own result at the end of each path."""
    from wizard.icd import load_tabular

    engine = Engine(tree, load_tabular())
    found: Counter = Counter()
    paths = 0
    for _ in walk_paths(engine):  # the engine stands at the end of the path while it is yielded
        paths += 1
        result = engine.result()
        if not result.codes and result.stop is None:
            found[("empty",)] += 1
        if result.codes and result.codes[0].role == "external cause":
            found[("external_first", result.codes[0].code)] += 1
        for warning in result.warnings:
            if warning.kind in ("template", "excludes1"):
                found[(warning.kind, *warning.id.split(":")[1:])] += 1
    return paths, found


@pytest.mark.parametrize("name", ["failed_template", "shared_code", "signs", "demo", "excludes1_path", "empty_path", "unreachable"])
def test_lint_counts_what_walking_every_path_one_by_one_counts(name: str) -> None:
    """Each tree in tests/trees/walks says in its header which mistake of the walk it catches."""
    path = DEMO_TREE if name == "demo" else next(p for p in (BROKEN / f"{name}.toml", WALKS / f"{name}.toml") if p.exists())
    tree = load_tree(path).tree
    from wizard.icd import load_tabular

    tabular = load_tabular()
    walker = OutcomeWalker(tree, tabular.excludes1_conflicts, tabular.excludes1_partners)
    walked = walker.walk()
    paths, expected = every_path_one_by_one(tree)
    assert walked.paths == paths
    assert {key: count for key, (count, _, _) in walked.findings.items()} == dict(expected)
    if name == "failed_template":
        assert expected[("empty",)] == 2
    if name == "shared_code":
        assert expected[("external_first", "X50.0XXA")] == 3  # yes/yes/yes, yes/no/yes, no/no/yes
