"""Grading edge cases and the headless quiz command."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import REPO
from wizard.icd import load_tabular
from wizard.quiz import grade, load_cases
from wizard.tree import default_tree_path, load_tree

TREE = load_tree(default_tree_path()).tree
LIBRARY = load_cases()


def graded(case_id: str, given: list[str]):
    return grade(LIBRARY.get(case_id), given, TREE, load_tabular())


def test_typed_codes_are_normalised_before_comparing():
    result = graded("modic_without_vertebrogenic", ["m54.50", "G8929"])
    assert result.score == 1.0 and result.given == ["M54.50", "G89.29"]


def test_a_code_typed_twice_counts_once():
    result = graded("modic_without_vertebrogenic", ["M54.50", "M54.50", "G89.29"])
    assert result.score == 1.0 and result.order_ok


def test_an_extra_code_in_first_place_is_marked_once():
    result = graded("strain_initial_lifting_at_work", ["M54.50", "S39.012A", "X50.0XXA", "Y99.0"])
    assert result.order_ok is True
    assert result.extra == ["M54.50"] and result.score == 0.75
    assert [f.kind for f in result.feedback] == ["extra"]


def test_extra_code_feedback_names_the_unmet_answer_in_words():
    result = graded("modic_without_vertebrogenic", ["M54.51", "G89.29"])
    extra = next(f for f in result.feedback if f.code == "M54.51")
    assert "provider_dx = Yes" in extra.message and "this case: No" in extra.message
    assert "GL I.B.14" in extra.rule


def quiz(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "wizard", "quiz", *args], capture_output=True, text=True, cwd=REPO, timeout=60)


def test_quiz_list_json_lists_every_case():
    done = quiz("--list", "--format", "json")
    assert done.returncode == 0
    assert {c["id"] for c in json.loads(done.stdout)} == set(LIBRARY.ids)


def test_quiz_case_answer_json_has_the_documented_keys():
    done = quiz("--case", "bilateral_sciatica_with_lbp", "--answer", "M54.41,G89.29", "--format", "json")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert {"case", "score", "expected", "missing", "extra", "order_ok", "feedback"} <= set(out)
    assert out["expected"] == ["M54.41", "M54.42"] and out["missing"] == ["M54.42"] and out["extra"] == ["G89.29"]
    assert 0 < out["score"] < 1


def test_quiz_unknown_case_exits_2_with_did_you_mean():
    done = quiz("--case", "bilateral_sciatica", "--answer", "M54.41")
    assert done.returncode == 2 and "Did you mean 'bilateral_sciatica_with_lbp'" in done.stderr


def test_a_case_file_with_an_escape_sequence_is_refused(tmp_path):
    from wizard.quiz.cases import load_case_file
    from wizard.tree import TreeError

    bad = tmp_path / "cases.toml"
    bad.write_text(
        'tree = "low_back_pain"\n[[case]]\nid = "x"\ntitle = "t"\nvignette = "note \\u001b]52;c;aGk=\\u0007"\n'
        'answers = { region = "thoracic" }\nexpected = ["M54.6"]\nteaching = "t"\n'
    )
    try:
        load_case_file(bad)
    except TreeError as error:
        assert "control character" in str(error) and "case[0].vignette" in str(error)
    else:
        raise AssertionError("the case file was accepted")
