"""Questions with several answers (`select = "many"`): the tree format, the engine with its undo
and change, conditions on members, answers files and their errors, lint's exact path count.

The tree is tests/trees/walks/signs.toml (its header says what it holds).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, TESTS
from wizard.engine import AnswerError, Engine
from wizard.engine.conditions import ConditionEvaluator
from wizard.engine.headless import check_answers, walk
from wizard.lint import lint_file
from wizard.lint.paths import answer_classes, every_set
from wizard.tree import TreeError, load_tree

SIGNS = TESTS / "trees" / "walks" / "signs.toml"


@pytest.fixture(scope="module")
def tree():
    return load_tree(SIGNS).tree


def at_signs(tree) -> Engine:
    engine = Engine(tree)
    engine.answer("low_back")
    assert engine.current.id == "signs"
    return engine


# -- the engine ---------------------------------------------------------------------------------


def test_an_answer_is_the_set_chosen_in_the_order_of_the_options(tree) -> None:
    engine = at_signs(tree)
    engine.answer(["weakness", "fever"])
    assert engine.answers["signs"] == ("fever", "weakness")
    assert engine.path[-1].label == "Fever; Leg weakness"
    engine.answer("yes")
    assert engine.result().code_list == ["M54.50", "R50.9", "M62.81"]


def test_none_chosen_is_an_answer_and_codes_no_sign(tree) -> None:
    engine = at_signs(tree)
    assert engine.answer([]) is None
    assert engine.answers["signs"] == ()
    assert engine.path[-1].label == "None of these"
    assert engine.result().code_list == ["M54.50"]


def test_rules_and_the_flow_test_membership(tree) -> None:
    engine = at_signs(tree)
    assert engine.answer(["numbness"]) is None, "chronic is asked only with weakness or gait"
    assert engine.result().code_list == ["M54.50", "R20.2"]
    engine.back()
    assert engine.answer(["gait", "numbness", "tingling"]).id == "chronic"
    engine.answer("yes")
    assert engine.result().code_list == ["M54.50", "R20.2", "R53.1"]


def test_back_and_change_work_on_a_set(tree) -> None:
    engine = at_signs(tree)
    engine.answer(["gait"])
    engine.answer("yes")
    assert engine.back().id == "chronic"
    assert engine.back().id == "signs"
    engine.answer(["gait", "fever"])
    engine.answer("no")
    # A change that still leads to `chronic` keeps its answer; one that does not drops it.
    assert engine.change("signs", ["weakness"]) == []
    assert engine.answers == {"region": "low_back", "signs": ("weakness",), "chronic": "no"}
    dropped = engine.change("signs", ["fever"])
    assert [(s.question, s.answer) for s in dropped] == [("chronic", "no")]
    assert engine.finished and engine.result().code_list == ["M54.50", "R50.9"]


def test_a_headless_run_takes_the_default_none_chosen(tree) -> None:
    engine = Engine(tree)
    assert walk(engine, {"region": "low_back"}) is None
    assert engine.answers["signs"] == () and engine.result().code_list == ["M54.50"]


@pytest.mark.parametrize(
    ("question", "value", "says"),
    [
        ("signs", ["fevr"], "'fevr' is not an answer to 'signs'; choose any of: fever, retention, tingling, numbness, weakness, gait. Did you mean 'fever'?"),
        ("signs", ["fever", "fever"], "'fever' is listed twice for 'signs'"),
        ("signs", "fever", "'signs' takes a list of answers, e.g. [\"fever\"] ([] for none)"),
        ("signs", [3], "3 is not one"),
        ("region", ["low_back"], "'region' takes one answer, not a list; choose one of: low_back, elsewhere."),
    ],
    ids=["unknown_member", "duplicate", "string_for_a_list", "number_in_a_list", "list_for_one_answer"],
)
def test_wrong_answers_are_refused_naming_the_valid_members(tree, question, value, says) -> None:
    problems = check_answers(tree, {question: value})
    assert len(problems) == 1 and says in problems[0].message
    engine = Engine(tree)
    if question == "signs":
        engine.answer("low_back")
    with pytest.raises(AnswerError) as caught:
        engine.answer(value)
    assert says in str(caught.value)
    assert engine.current.id == question, "a refused answer leaves the question waiting"


def test_includes_compiled_and_as_closures_agree(tree) -> None:
    """The compiled check of `includes` and the closure form (deep conditions) hold alike."""
    evaluator = ConditionEvaluator(tree)
    condition = tree.question("chronic").when
    fast = evaluator.compile(condition)
    slow = evaluator._closures(condition)
    for members in every_set(tree.question("signs")):
        answers = {"region": "low_back", "signs": members}
        assert fast(answers, None) == slow(answers, None) == bool({"weakness", "gait"} & set(members))
    assert fast({}, None) is False and slow({}, None) is False


# -- lint -----------------------------------------------------------------------------------------


def test_lint_counts_every_set_exactly_merging_the_options_nothing_tells_apart(tree) -> None:
    classes = answer_classes(tree, tree.question("signs"))
    assert len(classes) == 2**5, "tingling and numbness are one class"
    assert sum(count for _, count in classes) == 2**6
    # The set that touches the tingling/numbness class stands for the three sets that do.
    assert dict(classes)[("tingling",)] == 3
    report = lint_file(SIGNS)
    assert report.paths == 1 + 16 + 48 * 2
    (problem,) = report.errors
    assert "on 16 path(s)" in problem.message and 'signs=["weakness", "gait"]' in problem.message


# -- the format -----------------------------------------------------------------------------------


def broken(tmp_path: Path, old: str, new: str) -> list:
    text = SIGNS.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "broken.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(TreeError) as caught:
        load_tree(path)
    return caught.value.problems


@pytest.mark.parametrize(
    ("old", "new", "where", "says"),
    [
        ('when = { signs = { includes = ["weakness", "gait"] } }', 'when = { signs = "weakness" }', "questions[2].when.signs", "tested by what it includes"),
        ('when = { signs = { includes = "fever" } }', 'when = { signs = { includes = "fevre" } }', "rules[2].when.signs", "did you mean 'fever'?"),
        ('when = { region = "low_back" }\n\n[[questions]]', 'when = { region = { includes = "low_back" } }\n\n[[questions]]', "questions[1].when.region", "`includes` is for a question with select"),
        ("default = []", 'default = "fever"', "questions[1]", 'default = ["fever"]'),
        ("default = []", 'default = ["fever", "fever"]', "questions[1]", "names an option twice"),
        ("default = []", "number = { min = 1, max = 3 }", "questions[1]", "takes options, not a number"),
        ('select = "many"\ndefault = []', 'default = ["fever"]', "questions[1]", "takes one answer"),
    ],
    ids=["equals_on_a_set", "unknown_member", "includes_on_one_answer", "string_default", "duplicate_default", "number", "list_default_on_one_answer"],
)
def test_mistakes_in_a_set_question_name_the_place_and_the_fix(tmp_path, old, new, where, says) -> None:
    problems = broken(tmp_path, old, new)
    assert any(p.where == where and says in p.render() for p in problems), [p.render() for p in problems]


# -- answers files ------------------------------------------------------------------------------------


def run_answers(tmp_path: Path, body: str, *extra: str) -> subprocess.CompletedProcess:
    path = tmp_path / "answers.toml"
    path.write_text(f"[answers]\n{body}\n", encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "wizard", "run", "--tree", str(SIGNS), "--answers", str(path), *extra],
        capture_output=True, text=True, cwd=REPO, timeout=60,
    )


def test_an_answers_file_gives_a_list_and_json_gives_it_back(tmp_path) -> None:
    done = run_answers(tmp_path, 'region = "low_back"\nsigns = ["retention", "fever"]', "--format", "json")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert [c["code"] for c in out["codes"]] == ["M54.50", "R50.9", "R33.9"]
    step = next(s for s in out["path"] if s["question"] == "signs")
    assert step["answer"] == ["fever", "retention"] and step["label"] == "Fever; Urinary retention"


def test_an_empty_list_is_none_chosen(tmp_path) -> None:
    done = run_answers(tmp_path, 'region = "low_back"\nsigns = []', "--format", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["path"][-1]["answer"] == []


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ('region = "low_back"\nsigns = ["fever", "rash"]', "'rash' is not an answer to 'signs'; choose any of: fever, retention, tingling, numbness, weakness, gait."),
        ('region = "low_back"\nsigns = ["fever", "fever"]', "'fever' is listed twice"),
        ('region = "low_back"\nsigns = "fever"', "takes a list of answers"),
        ('region = ["low_back"]', "'region' takes one answer, not a list; choose one of: low_back, elsewhere."),
        ('region = "low_back"\nsigns = [["fever"]]', "is not one"),
        ('region = "low_back"\nsigns = { fever = true }', "a list of option ids ([] for none)"),
    ],
    ids=["unknown_member", "duplicate", "string_for_a_list", "list_for_one_answer", "nested_list", "table"],
)
def test_bad_set_answers_exit_2_with_the_valid_members(tmp_path, body, says) -> None:
    done = run_answers(tmp_path, body)
    assert done.returncode == 2, done.stdout
    assert says in done.stderr and "Traceback" not in done.stderr



def test_the_graph_shows_which_members_an_edge_needs(tree) -> None:
    from wizard.engine.graph import mermaid

    assert "signs --> chronic: 1. signs includes weakness or gait" in mermaid(tree)


# -- sessions and exports ---------------------------------------------------------------------------


def recorded(tmp_path: Path, answers: list) -> tuple:
    """A session on the signs tree with the answers recorded one by one, as the UI does."""
    from wizard.icd import load_tabular
    from wizard.sessions import SessionRecorder, SessionStore

    store = SessionStore(tmp_path / "sessions")
    loaded = load_tree(SIGNS)
    engine = Engine(loaded.tree, load_tabular())
    session = store.new(loaded, label="bay 5")
    with SessionRecorder(store, session) as recorder:
        for answer in answers:
            engine.answer(answer)
            assert recorder.answered(engine), recorder.last_error
    return store, session, engine


def test_a_set_is_saved_as_a_toml_list_and_loads_back_equal(tmp_path) -> None:
    store, session, engine = recorded(tmp_path, ["low_back", ["gait", "fever"], "no"])
    assert 'answer = [\n    "fever",\n    "gait",\n]' in store.path_of(session.id).read_text(encoding="utf-8")
    loaded = store.load(session.id)
    assert loaded == session
    assert loaded.answers[1].answer == ("fever", "gait") and loaded.answers[1].label == "Fever; Gait disturbance"
    assert [c.code for c in loaded.result.codes] == engine.result().code_list == ["M54.50", "R50.9"]


def test_a_resumed_session_replays_its_sets(tmp_path) -> None:
    from wizard.sessions import resume_engine

    store, session, _ = recorded(tmp_path, ["low_back", ["weakness"]])
    engine, flags = resume_engine(store.load(session.id), load_tree(SIGNS))
    assert flags == [] and engine.answers["signs"] == ("weakness",) and engine.current.id == "chronic"


@pytest.mark.parametrize("fmt", ["text", "markdown", "json", "fhir"])
def test_every_export_of_a_saved_set_equals_the_direct_export(tmp_path, fmt) -> None:
    from wizard.export import render, transcript_from_engine
    from wizard.sessions import session_transcript

    store, session, engine = recorded(tmp_path, ["low_back", ["retention", "fever"]])
    saved = store.load(session.id)
    direct = transcript_from_engine(
        engine, sha256=saved.tree.sha256, path=saved.tree.path, label=saved.label, created=saved.created,
        session_id=saved.id, updated=saved.updated, answered_at=tuple(a.at for a in saved.answers),
    )
    text = render(session_transcript(saved), fmt)
    assert text == render(direct, fmt)
    if fmt in ("text", "markdown"):
        assert "Fever; Urinary retention" in text


def test_fhir_gives_one_answer_per_option_chosen_and_none_for_none(tmp_path) -> None:
    from fhir.resources.R4B.bundle import Bundle

    from wizard.export import render
    from wizard.sessions import session_transcript

    def items(answers: list) -> dict:
        store, session, _ = recorded(tmp_path / str(len(answers[1])), answers)
        bundle = Bundle.model_validate_json(render(session_transcript(store.load(session.id)), "fhir"))
        (response,) = [e.resource for e in bundle.entry if e.resource.get_resource_type() == "QuestionnaireResponse"]
        return {item.linkId: item for item in response.item}

    chosen = items(["low_back", ["retention", "fever"]])["signs"]
    assert [(a.valueCoding.code, a.valueCoding.display) for a in chosen.answer] == [("fever", "Fever"), ("retention", "Urinary retention")]
    none = items(["low_back", []])["signs"]
    assert none.answer is None and none.text == "Which signs does the provider document?"


def test_a_stop_with_no_code_ends_the_tree_with_no_code_though_a_rule_holds(tree) -> None:
    engine = Engine(tree)
    assert engine.answer("elsewhere") is None
    assert engine.stop.id == "elsewhere" and engine.stop.no_code
    assert engine.coder.code_strings(engine.answers) == ["M54.9"], "the rule holds"
    result = engine.result()
    assert result.code_list == [] and result.stop.message.startswith("Out of scope")
