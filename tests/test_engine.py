"""The engine: answering, going back, changing an earlier answer, restarting, stops and results."""

from __future__ import annotations

import pytest

from wizard.engine import AnswerError, Engine
from wizard.engine.headless import check_answers, walk


def test_questions_follow_their_conditions(demo_tree):
    engine = Engine(demo_tree)
    assert engine.current.id == "region"
    assert engine.answer("low_back").id == "injury"
    assert engine.answer("none").id == "pregnant"
    # 'encounter' is skipped: it is asked only for an injury.
    assert engine.answer("no").id == "chronic"
    assert engine.answer("yes") is None
    assert engine.finished
    assert engine.result().code_list == ["M54.50", "G89.29"]


def test_templates_build_codes_from_answers(demo_tree):
    engine = Engine(demo_tree)
    for answer in ("low_back", "strain", "sequela", "yes", 30):
        engine.answer(answer)
    assert engine.finished
    assert engine.result().code_list == ["O26.893", "S39.012S"]


def test_named_option_on_a_numeric_question(demo_tree):
    engine = Engine(demo_tree)
    for answer in ("low_back", "none", "yes", "unknown", "no"):
        engine.answer(answer)
    assert engine.result().code_list[0] == "O26.899"


def test_numeric_answer_out_of_range_is_refused_with_the_bounds(demo_tree):
    engine = Engine(demo_tree)
    for answer in ("low_back", "none", "yes"):
        engine.answer(answer)
    with pytest.raises(AnswerError) as caught:
        engine.answer(46)
    assert "1 to 45" in str(caught.value)
    assert engine.current.id == "weeks"


def test_unknown_option_says_did_you_mean(demo_tree):
    engine = Engine(demo_tree)
    with pytest.raises(AnswerError) as caught:
        engine.answer("low_bak")
    assert "Did you mean 'low_back'" in str(caught.value)


def test_back_undoes_the_last_answer(demo_tree):
    engine = Engine(demo_tree)
    engine.answer("low_back")
    engine.answer("strain")
    assert engine.current.id == "encounter"
    assert engine.back().id == "injury"
    assert engine.answers == {"region": "low_back"}
    assert engine.answer("none").id == "pregnant"


def test_changing_an_earlier_answer_keeps_what_still_applies(demo_tree):
    engine = Engine(demo_tree)
    for answer in ("low_back", "none", "yes", 20, "yes"):
        engine.answer(answer)
    dropped = engine.change("injury", "strain")
    # 'chronic' is not asked after an injury: dropped. Pregnancy answers still apply: kept.
    assert [step.question for step in dropped] == ["chronic"]
    assert engine.current.id == "encounter"
    assert {s.question for s in engine.pending} == {"pregnant", "weeks"}
    engine.answer("initial")
    assert engine.finished
    assert engine.answers == {"region": "low_back", "injury": "strain", "encounter": "initial", "pregnant": "yes", "weeks": 20}
    assert engine.result().code_list == ["O26.892", "S39.012A"]


def test_restart_clears_everything(demo_tree):
    engine = Engine(demo_tree)
    engine.answer("low_back")
    engine.restart()
    assert engine.current.id == "region" and engine.path == []


def test_stop_ends_the_tree_with_its_message(demo_tree):
    engine = Engine(demo_tree)
    engine.answer("elsewhere")
    assert engine.finished
    result = engine.result()
    assert result.stop.id == "out_of_scope" and "Out of scope" in result.stop.message
    assert result.code_list == []


def test_result_has_roles_reasons_checklist_and_warnings(demo_tree):
    engine = Engine(demo_tree)
    for answer in ("low_back", "none", "yes", 20, "yes"):
        engine.answer(answer)
    result = engine.result()
    assert [c.role for c in result.codes] == ["first-listed", "additional", "additional"]
    pregnancy = result.codes[0]
    assert "weeks = 20 weeks" in pregnancy.reason_line()
    assert "GL I.C.15.a.1" in pregnancy.reason_line()
    assert "confidence: medium" in pregnancy.reason_line()
    ids = [item.id for item in result.checklist]
    # Triggered by an answer, by a code in the result, and by a medium-confidence rule.
    assert ids == ["region", "g89_word", "query:pregnancy"]
    assert [w.kind for w in result.warnings] == ["rule"]


def test_headless_walk_takes_defaults_and_reports_the_unanswered(demo_tree):
    engine = Engine(demo_tree)
    missing = walk(engine, {"region": "low_back", "pregnant": "no"})
    assert missing is not None and missing.question.id == "chronic"
    assert engine.answers["injury"] == "none"  # the default


def test_headless_answers_are_checked_against_the_tree(demo_tree):
    problems = check_answers(demo_tree, {"regoin": "low_back", "injury": "broken", "weeks": 99})
    messages = " | ".join(p.message for p in problems)
    assert "Did you mean 'region'" in messages
    assert "'broken' is not an answer to 'injury'" in messages
    assert "1 to 45" in messages
