"""The shipped low back pain tree against its contract (docs/coding-rules.md) and its cases.

Every case in tests/cases/lbp_cases.toml is walked through the engine and must end with the
expected codes in reporting order; every code must be billable and the set free of Excludes1
pairs on the FY2026 tabular. The vocabulary's question and option ids are written out here as
the contract, so renaming one in the tree fails a test.
"""

from __future__ import annotations

import re
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

# The contract: docs/coding-rules.md, "The questions".
VOCABULARY: dict[str, list[str]] = {
    "region": ["low_back", "thoracic", "back_unspecified", "coccyx", "sacroiliac"],
    "si_dx": ["sacroiliitis", "instability", "somatic_dysfunction", "not_specified"],
    "red_flags": ["none", "suspected", "confirmed"],
    "psych_factors": ["none", "exclusive", "contributing"],
    "red_flag_signs": [
        "urinary_retention", "urinary_incontinence", "fecal_incontinence", "saddle_anesthesia", "leg_tingling",
        "fever", "weight_loss", "leg_weakness", "abnormal_reflex", "gait_disturbance",
    ],
    "pregnancy": ["not_pregnant", "incidental", "related", "complicating"],
    "gestation_weeks": ["unknown"],  # plus a whole number 1..45
    "injury": ["none", "strain", "sprain", "strain_and_sprain"],
    "sprain_site": ["lumbar", "sacroiliac", "both"],
    "encounter": ["initial", "subsequent", "sequela"],
    "mechanism": ["not_recorded", "lifting", "awkward_posture", "repetitive_motion", "fall"],
    "work_related": ["not_recorded", "yes", "no"],
    "prior_surgery": ["none", "postlaminectomy_syndrome", "postoperative_pain"],
    "imaging": ["none_or_pending", "normal", "abnormal"],
    "finding": ["endplate_changes", "disc_herniation", "disc_degeneration", "stenosis", "spondylosis", "spondylolisthesis", "spondylolysis"],
    "provider_dx": ["yes", "no"],
    "listhesis_origin": ["acquired", "congenital", "acute_traumatic"],
    "annular_defect": ["none", "unspecified_size", "small", "large"],
    "level": ["lumbar", "lumbosacral"],
    "claudication": ["yes", "no"],
    "leg_symptoms": ["none", "sciatica", "radiculopathy", "referred"],
    "side": ["right", "left", "bilateral", "not_documented"],
    "back_pain": ["yes", "no"],
    "lbp_type": ["unspecified", "other_specified"],
    "chronicity": ["not_documented", "acute", "chronic", "chronic_pain_syndrome"],
    "encounter_purpose": ["pain_management", "treat_underlying", "other"],
    "somatic_dysfunction": ["none", "lumbar", "sacral", "lumbar_and_sacral"],
    "spasm": ["no", "yes"],
}
# Version 2: the questions a version 1 answers file does not answer, with the default (in bold
# in the contract) that a headless run takes; red_flag_signs takes several answers.
V2_DEFAULTS: dict[str, object] = {
    "red_flag_signs": [], "sprain_site": "lumbar", "listhesis_origin": "acquired", "annular_defect": "none",
    "somatic_dysfunction": "none", "spasm": "no",
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
    assert len(CASES) >= 250


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
        elif isinstance(answer, list):
            assert question_id == "red_flag_signs" and len(set(answer)) == len(answer)
            assert set(answer) <= set(VOCABULARY[question_id]), f"{question_id} = {answer}"
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


def test_the_coding_rules_list_every_question_with_its_options_and_default() -> None:
    """docs/coding-rules.md, "The questions", is what a reviewer reads: it must match the tree."""
    rows = {}
    for line in (ROOT / "docs" / "coding-rules.md").read_text(encoding="utf-8").splitlines():
        match = re.match(r"^\| `([a-z_]+)` \| (.*?) \| (.*) \|$", line)
        if match:
            rows[match.group(1)] = match.group(2)
    assert list(rows) == [q.id for q in tree().questions]
    for question in tree().questions:
        assert re.findall(r"`([a-z_]+)`", rows[question.id]) == question.option_ids(), question.id
        bold = re.findall(r"\*\*`([a-z_]+)`\*\*", rows[question.id])
        assert bold == ([question.default] if isinstance(question.default, str) else []), question.id


def test_questions_beyond_the_vocabulary_have_a_default() -> None:
    for question in tree().questions:
        if question.id not in VOCABULARY:
            assert question.default is not None, question.id


def test_version_2_questions_have_the_contracts_defaults_and_red_flag_signs_takes_several() -> None:
    for question_id, default in V2_DEFAULTS.items():
        assert tree().question(question_id).default == default, question_id
    assert [q.id for q in tree().questions if q.many] == ["red_flag_signs"]


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


# -- version 2: where the new questions are asked, what each branch asks the provider -------------

SLIP = {**BASE, "imaging": "abnormal", "finding": "spondylolisthesis", "provider_dx": "yes", "level": "lumbar"}


def test_coccyx_and_sacroiliac_end_the_tree_after_their_question() -> None:
    assert asked({**BASE, "region": "coccyx"}) == ["region"]
    assert asked({**BASE, "region": "sacroiliac", "si_dx": "instability"}) == ["region", "si_dx"]
    engine, result = run({"region": "sacroiliac", "si_dx": "not_specified"})
    assert engine.stop.id == "sacroiliac" and result.code_list == []


def test_red_flag_signs_are_asked_only_for_a_suspected_red_flag() -> None:
    assert "red_flag_signs" not in asked(BASE)
    assert asked({**BASE, "red_flags": "suspected"})[:4] == ["region", "red_flags", "psych_factors", "red_flag_signs"]
    assert "red_flag_signs" not in asked({**BASE, "red_flags": "suspected", "psych_factors": "exclusive"})


def test_the_slip_questions_follow_the_finding_and_the_level_the_code() -> None:
    assert "listhesis_origin" in asked(SLIP)
    assert "listhesis_origin" not in asked({**SLIP, "provider_dx": "no"})
    assert "listhesis_origin" not in asked({**SLIP, "finding": "stenosis", "claudication": "no"})
    congenital = {**SLIP, "listhesis_origin": "congenital"}
    assert "level" not in asked(congenital)
    assert "level" in asked({**congenital, "leg_symptoms": "radiculopathy"})
    # The structural code replaces the back pain code: back_pain is not asked beside it.
    assert "back_pain" not in asked({**SLIP, "leg_symptoms": "radiculopathy"})


def test_an_acute_traumatic_slip_ends_the_tree_with_no_code() -> None:
    answers = {**SLIP, "pregnancy": "related", "gestation_weeks": 20, "listhesis_origin": "acute_traumatic"}
    engine, result = run(answers)
    assert engine.stop.id == "traumatic_slip" and result.code_list == []
    assert "traumatic_slip_injury" in {item.id for item in result.checklist}
    assert asked(answers)[-1] == "listhesis_origin"


def test_the_annular_defect_is_asked_only_beside_a_named_herniation() -> None:
    herniation = {**BASE, "imaging": "abnormal", "finding": "disc_herniation", "provider_dx": "yes", "level": "lumbar"}
    assert "annular_defect" in asked(herniation)
    assert "annular_defect" not in asked({**herniation, "provider_dx": "no"})
    assert "annular_defect" not in asked({**herniation, "finding": "disc_degeneration"})


def test_somatic_dysfunction_and_spasm_are_asked_without_a_current_injury_only() -> None:
    assert asked(BASE)[-2:] == ["somatic_dysfunction", "spasm"]
    current = {**BASE, "injury": "strain", "encounter": "initial", "mechanism": "not_recorded"}
    assert not {"somatic_dysfunction", "spasm"} & set(asked(current))
    assert {"somatic_dysfunction", "spasm"} <= set(asked({**current, "encounter": "sequela"}))


def test_sprain_site_is_asked_for_a_sprain_only() -> None:
    strain = {**BASE, "injury": "strain", "encounter": "subsequent", "mechanism": "lifting"}
    assert "sprain_site" not in asked(strain)
    assert "sprain_site" in asked({**strain, "injury": "strain_and_sprain"})


@pytest.mark.parametrize(
    ("answers", "items"),
    [
        ({**BASE, "region": "coccyx"}, {"coccyx_words"}),
        ({**BASE, "region": "sacroiliac", "si_dx": "sacroiliitis"}, {"si_dx_words"}),
        ({**BASE, "region": "sacroiliac", "si_dx": "not_specified"}, {"si_pain_query"}),
        ({**BASE, "region": "sacroiliac", "si_dx": "instability"}, {"si_dx_words", "query:si_instability"}),
        ({**BASE, "red_flags": "suspected", "red_flag_signs": []}, {"red_flag_signs_each", "red_flag_workup"}),
        (
            {**BASE, "red_flags": "suspected", "red_flag_signs": ["saddle_anesthesia", "leg_weakness", "leg_tingling", "abnormal_reflex"]},
            {"red_flag_signs_each", "sign_saddle_detail", "sign_weakness_detail", "sign_tingling_detail", "sign_reflex_detail", "query:sign_saddle_anesthesia", "query:sign_leg_weakness"},
        ),
        ({**BASE, "injury": "sprain", "sprain_site": "both", "encounter": "initial", "mechanism": "lifting", "work_related": "yes"}, {"sprain_site_documented"}),
        (SLIP, {"slip_level_origin", "structural_dx_words"}),
        ({**SLIP, "finding": "spondylolysis"}, {"slip_level_origin", "lysis_slip_query"}),
        ({**SLIP, "listhesis_origin": "congenital"}, {"congenital_slip_words"}),
        ({**SLIP, "leg_symptoms": "radiculopathy"}, {"query:structural_radiculopathy_lumbar"}),
        ({**SLIP, "leg_symptoms": "sciatica"}, {"structural_sciatica_query"}),
        ({**SLIP, "provider_dx": "no"}, {"query_spondylolisthesis"}),
        ({**BASE, "imaging": "abnormal", "finding": "disc_herniation", "provider_dx": "yes", "level": "lumbar", "annular_defect": "large"}, {"annular_size_documented"}),
        ({**BASE, "imaging": "abnormal", "finding": "disc_herniation", "provider_dx": "yes", "level": "lumbar", "annular_defect": "unspecified_size"}, {"annular_size_query"}),
        ({**BASE, "somatic_dysfunction": "lumbar_and_sacral"}, {"somatic_dysfunction_documentation", "query:somatic_lumbar", "query:somatic_sacral"}),
        ({**BASE, "spasm": "yes"}, {"spasm_finding", "query:back_spasm"}),
        (
            {**BASE, "injury": "sprain", "sprain_site": "sacroiliac", "encounter": "sequela", "mechanism": "lifting", "imaging": "abnormal", "finding": "disc_herniation", "provider_dx": "yes", "level": "lumbar"},
            {"sprain_sequela_disc_query"},
        ),
    ],
    ids=["coccyx", "si_dx", "si_pain", "si_instability", "no_signs", "signs", "sprain_site", "slip", "lysis", "congenital", "slip_radiculopathy",
         "slip_sciatica", "slip_not_named", "annular_size", "annular_size_unknown", "somatic", "spasm", "si_sprain_sequela_disc"],
)
def test_each_version_2_branch_adds_its_checklist_items(answers: dict, items: set[str]) -> None:
    found = checklist_ids(answers)
    assert items <= found, sorted(items - found)


def test_the_signs_checklist_asks_for_each_sign_as_present_denied_or_not_assessed() -> None:
    _, result = run({**BASE, "red_flags": "suspected"})
    (item,) = [i for i in result.checklist if i.id == "red_flag_signs_each"]
    assert "present, denied or not assessed" in item.text


@pytest.mark.parametrize(
    ("question", "look_alike", "note"),
    [
        ("region", "M53.3", "coccygodynia is the one inclusion term"),
        ("si_dx", "M53.3", "'should not be used if the condition can be classified elsewhere'"),
        ("finding", "Spondylolysis", "M43.0 carries Excludes1 'spondylolisthesis (M43.1)'"),
        ("listhesis_origin", "Q76.2", "Q76.2 carries Excludes1 'spondylolisthesis (acquired) (M43.1-)'"),
        ("annular_defect", "herniation", "'Code first, if applicable, lumbar disc herniation (M51.06, M51.16, M51.26)'"),
        ("somatic_dysfunction", "M54.50", "'This category should not be used if the condition can be classified elsewhere'"),
        ("spasm", "R25.2", "M62 carries Excludes1 'cramp and spasm (R25.2)'"),
        ("red_flag_signs", "R53.1", "R53.1 Weakness carries Excludes1 'muscle weakness (generalized) (M62.81)'"),
        ("sprain_site", "M53.3", "S33 and S39 only Excludes2 each other"),
    ],
)
def test_teaching_notes_name_the_look_alike_and_the_deciding_tabular_note(question: str, look_alike: str, note: str) -> None:
    teaching = tree().question(question).teaching
    assert look_alike in teaching and note in teaching, teaching
