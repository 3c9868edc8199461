"""The loader turns every kind of broken tree into a message with the place and the fix."""

from __future__ import annotations

import pytest

from conftest import BROKEN, DEMO_TREE
from wizard.tree import TreeError, load_tree


def problems_of(name: str) -> list:
    with pytest.raises(TreeError) as caught:
        load_tree(BROKEN / name)
    return caught.value.problems


def test_demo_tree_loads_with_every_feature():
    loaded = load_tree(DEMO_TREE)
    tree = loaded.tree
    assert tree.tree.icd10cm_release == "FY2026"
    assert [q.id for q in tree.questions][:2] == ["region", "injury"]
    assert tree.question("weeks").number.max == 45
    assert len(loaded.sha256) == 64


def test_toml_syntax_error_names_the_line():
    [problem] = problems_of("syntax.toml")
    assert "TOML syntax error" in problem.message
    assert problem.line == 4
    assert "syntax.toml:4" in problem.render()


def test_misspelt_key_suggests_the_right_one():
    problems = problems_of("typo_key.toml")
    typo = next(p for p in problems if "hlep" in p.message)
    assert typo.where == "questions[4].hlep"
    assert typo.fix == "did you mean 'help'?"
    assert typo.line == 59


def test_missing_required_key_is_named_with_its_place():
    [problem] = problems_of("missing_prompt.toml")
    assert problem.where == "questions[2].prompt"
    assert "required" in problem.message


@pytest.mark.parametrize(
    ("name", "where", "fix"),
    [
        ("unknown_question.toml", "questions[4].when.pregnnt", "did you mean 'pregnant'?"),
        ("unknown_option.toml", "rules[0].when.region", "did you mean 'thoracic'?"),
        ("unknown_slot.toml", "rules[4].slot", "did you mean 'pain'?"),
        ("unknown_value.toml", "rules[2].code", "did you mean 'seventh'?"),
    ],
)
def test_references_to_things_that_do_not_exist_get_did_you_mean(name, where, fix):
    problems = problems_of(name)
    assert any(p.where == where and p.fix == fix and p.line for p in problems), [p.render() for p in problems]


def test_default_must_be_one_of_the_options():
    [problem] = problems_of("bad_default.toml")
    assert "default 'nope'" in problem.message and problem.where == "questions[1]"


def test_condition_on_a_later_question_is_rejected():
    [problem] = problems_of("later_dependency.toml")
    assert "asked after it" in problem.message


def test_named_conditions_in_a_loop_are_rejected():
    [problem] = problems_of("condition_loop.toml")
    assert "loop" in problem.message and "injured" in problem.message


def test_duplicate_question_id_is_reported():
    problems = problems_of("duplicate_question.toml")
    assert any("used twice" in p.message for p in problems)


def test_missing_file_and_folder_give_a_fix(tmp_path):
    with pytest.raises(TreeError) as caught:
        load_tree(tmp_path / "nope.toml")
    assert "no such file" in str(caught.value)
    with pytest.raises(TreeError) as caught:
        load_tree(tmp_path)
    assert "folder" in str(caught.value)


def test_non_utf8_file_is_reported(tmp_path):
    bad = tmp_path / "latin1.toml"
    bad.write_bytes(b"title = '\xe9'\n")
    with pytest.raises(TreeError) as caught:
        load_tree(bad)
    assert "UTF-8" in str(caught.value)


def test_condition_on_a_later_question_through_a_named_condition_is_rejected():
    problems = problems_of("later_dependency_named.toml")
    assert any("'encounter' is asked depending on 'chronic'" in p.message for p in problems)


def test_the_collector_is_paused_while_loading_and_back_after_it() -> None:
    import gc

    from wizard.tree.loader import collector_paused

    was_enabled = gc.isenabled()  # an earlier test may have left it off, as `wizard` does while starting
    gc.enable()
    frozen = gc.get_freeze_count()
    try:
        with collector_paused():
            assert not gc.isenabled()
            with collector_paused(keep=True):  # nested: the outer pause decides
                assert not gc.isenabled()
            assert not gc.isenabled() and gc.get_freeze_count() == frozen
        assert gc.isenabled() and gc.get_freeze_count() == frozen  # nothing kept: the collector sees it all
        with collector_paused(keep=True):
            kept = [[] for _ in range(1000)]
        # What lives on was frozen (for a command about to end): the next pass does not rescan it.
        assert gc.isenabled() and gc.get_freeze_count() >= frozen + len(kept)
    finally:
        gc.unfreeze()
        if not was_enabled:
            gc.disable()
