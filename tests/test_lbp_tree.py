"""The shipped low back pain tree against its contract (vocabulary.md) and its cases.

Every case in tests/cases/lbp_cases.toml is walked through the engine and must end with the
expected codes in reporting order; every code must be billable and the set free of Excludes1
pairs on the FY2026 tabular. The vocabulary's question and option ids are written out here as
the contract, so renaming one in the tree fails a test.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

import pytest

from wizard.engine import Engine, Result
from wizard.engine.headless import walk
from wizard.tree import Tree, load_tree

ROOT = Path(__file__).resolve().parents[1]
TREE_PATH = ROOT / "trees" / "low_back_pain.toml"
CASES_PATH = Path(__file__).resolve().parent / "cases" / "lbp_cases.toml"

# The contract: /work/shared/reference/vocabulary.md, "Questions".
VOCABULARY: dict[str, list[str]] = {
    "region": ["low_back", "thoracic", "back_unspecified"],
    "red_flags": ["none", "suspected", "confirmed"],
    "psych_factors": ["none", "exclusive", "contributing"],
    "pregnancy": ["not_pregnant", "incidental", "related", "complicating"],
    "gestation_weeks": ["unknown"],  # plus a whole number 1..45
    "injury": ["none", "strain", "sprain", "strain_and_sprain"],
    "encounter": ["initial", "subsequent", "sequela"],
    "mechanism": ["not_recorded", "lifting", "awkward_posture", "repetitive_motion", "fall"],
    "work_related": ["not_recorded", "yes", "no"],
    "prior_surgery": ["none", "postlaminectomy_syndrome", "postoperative_pain"],
    "imaging": ["none_or_pending", "normal", "abnormal"],
    "finding": ["endplate_changes", "disc_herniation", "disc_degeneration", "stenosis", "spondylosis"],
    "provider_dx": ["yes", "no"],
    "level": ["lumbar", "lumbosacral"],
    "claudication": ["yes", "no"],
    "leg_symptoms": ["none", "sciatica", "radiculopathy", "referred"],
    "side": ["right", "left", "bilateral", "not_documented"],
    "back_pain": ["yes", "no"],
    "lbp_type": ["unspecified", "other_specified"],
    "chronicity": ["not_documented", "acute", "chronic", "chronic_pain_syndrome"],
    "encounter_purpose": ["pain_management", "treat_underlying", "other"],
}

GIVEN_CASES = [
    "acute_nonspecific", "chronic_pain_mgmt", "chronic_other_visit", "vertebrogenic_chronic",
    "pending_right_sciatica", "bilateral_sciatica", "herniation_radiculopathy", "ddd_discogenic_only",
    "stenosis_claudication", "strain_initial_work_lifting", "strain_sequela", "postlaminectomy",
    "preg_related_11w", "psychogenic", "thoracic",
]


@lru_cache(maxsize=1)
def tree() -> Tree:
    return load_tree(TREE_PATH).tree


def load_cases() -> list[dict]:
    with CASES_PATH.open("rb") as handle:
        return tomllib.load(handle)["case"]


CASES = load_cases()


@lru_cache(maxsize=1)
def tabular():
    try:
        from wizard.icd import load_tabular
    except ImportError as error:  # the ICD module is written in parallel
        pytest.skip(f"wizard.icd is not importable yet: {error}")
    return load_tabular()


def run(answers: dict) -> tuple[Engine, Result]:
    """Walk the tree as a headless run does: the case's answer, else the question's default."""
    engine = Engine(tree())
    missing = walk(engine, answers)
    if missing is not None:
        pytest.fail(f"the tree asks '{missing.question.id}', which the case does not answer (answers so far: {engine.answers})")
    return engine, engine.result()


# -- the cases -------------------------------------------------------------------------------


def test_case_ids_are_unique_and_the_given_cases_are_present() -> None:
    ids = [case["id"] for case in CASES]
    assert len(ids) == len(set(ids))
    assert ids[: len(GIVEN_CASES)] == GIVEN_CASES
    assert len(CASES) >= 60


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_case_codes_in_reporting_order(case: dict) -> None:
    engine, result = run(case["answers"])
    assert engine.finished
    assert result.complete
    assert result.code_list == case["expected"], case.get("note", "")


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_case_codes_are_billable_and_free_of_excludes1(case: dict) -> None:
    _, result = run(case["answers"])
    tab = tabular()
    for code in result.code_list:
        assert tab.check_billable(code) is None, f"{code}: {tab.check_billable(code)}"
    assert tab.excludes1_conflicts(result.code_list) == []


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_unsure_codes_come_with_a_provider_query(case: dict) -> None:
    _, result = run(case["answers"])
    queries = {item.id for item in result.checklist if item.kind == "query"}
    for line in result.codes:
        if line.confidence != "high":
            assert f"query:{line.rule}" in queries, f"{line.code} ({line.confidence}) has no query item"


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_case_answers_name_real_questions_and_options(case: dict) -> None:
    for question_id, answer in case["answers"].items():
        assert question_id in VOCABULARY, question_id
        if isinstance(answer, int):
            assert question_id == "gestation_weeks" and 1 <= answer <= 45
        else:
            assert answer in VOCABULARY[question_id], f"{question_id} = {answer}"


# -- the contract ----------------------------------------------------------------------------


def test_vocabulary_questions_and_options_exist_exactly() -> None:
    for question_id, options in VOCABULARY.items():
        question = tree().question(question_id)
        assert question is not None, f"missing question '{question_id}'"
        assert question.option_ids() == options, question_id
    weeks = tree().question("gestation_weeks")
    assert weeks.number is not None and (weeks.number.min, weeks.number.max) == (1, 45)


def test_questions_beyond_the_vocabulary_have_a_default() -> None:
    for question in tree().questions:
        if question.id not in VOCABULARY:
            assert question.default is not None, question.id


def test_region_is_asked_first() -> None:
    assert tree().questions[0].id == "region"
    assert tree().questions[0].when is None


def test_every_question_has_help_and_teaching() -> None:
    for question in tree().questions:
        assert question.help.strip(), question.id
        assert question.teaching and question.teaching.strip(), question.id


def test_every_rule_is_cited_and_unsure_rules_carry_a_query() -> None:
    for rule in tree().rules:
        assert rule.cite, rule.id
        assert rule.reason.strip(), rule.id
        if rule.confidence != "high":
            assert rule.query and rule.query.strip(), rule.id
            assert rule.confidence in rule.reason, f"{rule.id}: the reason should state its confidence"


# -- behaviour beyond the code list ------------------------------------------------------------

BASE = {
    "region": "low_back", "red_flags": "none", "psych_factors": "none", "pregnancy": "not_pregnant",
    "injury": "none", "prior_surgery": "none", "imaging": "none_or_pending", "leg_symptoms": "none",
    "lbp_type": "unspecified", "chronicity": "not_documented", "encounter_purpose": "other",
}


def asked(answers: dict) -> list[str]:
    engine, _ = run(answers)
    return [step.question for step in engine.path]


def checklist_ids(answers: dict) -> set[str]:
    _, result = run(answers)
    return {item.id for item in result.checklist}


def test_confirmed_red_flag_stops_with_no_code() -> None:
    engine, result = run({**BASE, "red_flags": "confirmed"})
    assert engine.stop is not None and engine.stop.id == "red_flag_confirmed"
    assert result.code_list == []
    assert asked({**BASE, "red_flags": "confirmed"}) == ["region", "red_flags"]


def test_suspected_red_flag_adds_work_up_items() -> None:
    _, result = run({**BASE, "red_flags": "suspected"})
    assert {item.kind for item in result.checklist if item.id.startswith("red_flag_")} == {"workup"}


def test_psychogenic_pain_stops_before_pregnancy_and_g89() -> None:
    engine, _ = run({**BASE, "psych_factors": "exclusive"})
    assert engine.stop is not None and engine.stop.id == "psychogenic"
    assert asked({**BASE, "psych_factors": "exclusive"}) == ["region", "red_flags", "psych_factors"]


def test_current_injury_skips_the_back_pain_questions() -> None:
    answers = {**BASE, "injury": "strain", "encounter": "subsequent", "mechanism": "lifting"}
    assert asked(answers) == ["region", "red_flags", "psych_factors", "pregnancy", "injury", "encounter", "mechanism"]


def test_lbp_type_is_not_asked_when_no_m545_code_follows() -> None:
    answers = {**BASE, "leg_symptoms": "sciatica", "side": "left", "back_pain": "yes"}
    assert "lbp_type" not in asked(answers)
    assert "lbp_type" not in asked({**BASE, "imaging": "abnormal", "finding": "spondylosis", "provider_dx": "yes", "level": "lumbar"})


def test_encounter_purpose_is_asked_only_when_g89_is_possible() -> None:
    assert "encounter_purpose" not in asked({**BASE, "chronicity": "acute"})
    assert "encounter_purpose" in asked({**BASE, "chronicity": "acute", "prior_surgery": "postoperative_pain"})
    assert "encounter_purpose" in asked({**BASE, "chronicity": "chronic"})


def test_level_side_and_claudication_are_asked_only_where_they_change_the_code() -> None:
    vertebrogenic = {**BASE, "imaging": "abnormal", "finding": "endplate_changes", "provider_dx": "yes", "leg_symptoms": "sciatica"}
    assert not {"level", "side", "back_pain"} & set(asked(vertebrogenic))
    lumbosacral_stenosis = {**BASE, "imaging": "abnormal", "finding": "stenosis", "provider_dx": "yes", "level": "lumbosacral"}
    assert "claudication" not in asked(lumbosacral_stenosis)
    assert "level" not in asked({**BASE, "leg_symptoms": "sciatica", "side": "right", "back_pain": "yes"})


def test_unspecified_side_warns_and_queries() -> None:
    _, result = run({**BASE, "leg_symptoms": "sciatica", "side": "not_documented", "back_pain": "no"})
    assert result.code_list == ["M54.30"]
    assert any("M54.30" in warning.codes for warning in result.warnings if warning.kind == "rule")
    assert "side_query" in checklist_ids({**BASE, "leg_symptoms": "sciatica", "side": "not_documented", "back_pain": "no"})


def test_m54_59_carries_the_index_warning() -> None:
    _, result = run({**BASE, "lbp_type": "other_specified"})
    texts = [warning.text for warning in result.warnings if warning.kind == "rule"]
    assert any("no inclusion terms" in text and "Alphabetic Index" in text for text in texts)


@pytest.mark.parametrize(
    ("answers", "item"),
    [
        ({"region": "back_unspecified"}, "region_query"),
        ({**BASE, "imaging": "abnormal", "finding": "endplate_changes", "provider_dx": "no"}, "query_endplate"),
        ({**BASE, "imaging": "abnormal", "finding": "stenosis", "provider_dx": "no"}, "query_stenosis"),
        ({**BASE, "pregnancy": "related", "gestation_weeks": "unknown"}, "gestation_weeks_query"),
        ({**BASE, "pregnancy": "incidental"}, "pregnancy_incidental_statement"),
        ({**BASE, "prior_surgery": "postoperative_pain"}, "postoperative_acuity_query"),
        ({**BASE, "chronicity": "chronic"}, "chronic_words"),
        ({**BASE, "injury": "sprain", "encounter": "initial", "mechanism": "fall", "work_related": "yes"}, "injury_documentation"),
    ],
    ids=["m54_9", "endplate_not_named", "stenosis_not_named", "weeks_unknown", "incidental", "postop_acuity", "chronic", "injury"],
)
def test_checklist_items_follow_the_answers(answers: dict, item: str) -> None:
    assert item in checklist_ids(answers)
