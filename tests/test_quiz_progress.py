"""The quiz's plain parts: the order of a run, its score and topics, and the progress file."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
from datetime import datetime, timezone
from pathlib import Path

import pytest
from conftest import REPO

from wizard.icd import load_tabular
from wizard.quiz import grade, load_cases
from wizard.quiz.progress import Attempt, ProgressError, ProgressFile
from wizard.quiz.run import Order, QuizRun, answer_differences, plan
from wizard.tree import default_tree_path, load_tree

TREE = load_tree(default_tree_path()).tree
LIBRARY = load_cases()
AT = datetime(2026, 4, 1, 9, 30, tzinfo=timezone.utc)


def attempt(case: str = "thoracic_spine_pain", score: float = 1.0) -> Attempt:
    return Attempt(case=case, score=score, given=["M54.6"], expected=["M54.6"], mode="typed", at=AT, run="20260401-093000-ab12", order="library order")


def test_a_seed_repeats_the_same_shuffled_order():
    first = plan(LIBRARY.cases, Order(True, 42), 5)
    assert first == plan(LIBRARY.cases, Order(True, 42), 5)
    assert first != plan(LIBRARY.cases, Order(True, 43), 5)
    assert plan(LIBRARY.cases, Order(), 3) == LIBRARY.cases[:3]
    assert len(plan(LIBRARY.cases, Order(), 0)) == len(LIBRARY.cases)


def test_a_run_scores_the_mean_and_lists_topics_most_frequent_first():
    tabular = load_tabular()
    run = QuizRun(plan(LIBRARY.cases, Order(), 0))
    for case_id, given in [("psych_factors_contributing_chronic", ["M54.50"]), ("chronic_lbp_pain_management", []), ("thoracic_spine_pain", ["M54.6"])]:
        run.record(grade(LIBRARY.get(case_id), given, TREE, tabular), "typed")
    topics = dict(run.topics_to_review())
    assert topics["G89"] == 2 and "thoracic" not in topics
    assert run.topics_to_review()[0] == ("G89", 2)
    scores = [g.grade.score for g in run.graded.values()]
    assert run.score == round(sum(scores) / 3, 2)


def test_a_walk_that_parts_from_the_note_is_named_question_by_question():
    case = LIBRARY.get("thoracic_spine_pain")
    [difference] = answer_differences(TREE, case.answers, {"region": "back_unspecified"})
    assert difference.question == "region" and difference.case == "Thoracic spine only"
    assert difference.yours.startswith("Back, region not stated")


def test_a_walked_set_of_signs_is_the_same_answer_in_any_order():
    case = LIBRARY.get("cauda_equina_suspected_retention_saddle")
    walked = {**case.answers, "red_flag_signs": ("saddle_anesthesia", "urinary_retention", "fecal_incontinence")}
    assert answer_differences(TREE, case.answers, walked) == []
    [difference] = answer_differences(TREE, case.answers, {**walked, "red_flag_signs": ("urinary_retention",)})
    assert difference.question == "red_flag_signs" and difference.yours == "Urinary retention"
    assert difference.case == "Urinary retention; Fecal incontinence; Saddle anaesthesia"


def test_progress_is_appended_and_read_back(tmp_path: Path):
    progress = ProgressFile(tmp_path)
    assert progress.load() == []
    progress.record(attempt())
    progress.record(attempt("psychogenic_low_back_pain", 0.5))
    assert [(a.case, a.score, a.at) for a in progress.load()] == [("thoracic_spine_pain", 1.0, AT), ("psychogenic_low_back_pain", 0.5, AT)]
    assert stat.S_IMODE(progress.path.stat().st_mode) == 0o600
    assert sorted(os.listdir(progress.folder)) == ["progress.toml"], "no temp or lock file is left behind"


def test_two_writers_at_once_lose_no_attempt(tmp_path: Path):
    progress = ProgressFile(tmp_path)
    threads = [threading.Thread(target=ProgressFile(tmp_path).record, args=(attempt(),)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(progress.load()) == 8


def test_a_damaged_progress_file_is_reported_and_left_as_it_is(tmp_path: Path):
    progress = ProgressFile(tmp_path)
    progress.folder.mkdir(parents=True)
    progress.path.write_text("format = 1\n[[attempt]\n")
    with pytest.raises(ProgressError, match="is not valid TOML.*Fix:"):
        progress.record(attempt())
    assert progress.path.read_text() == "format = 1\n[[attempt]\n"


def test_progress_is_never_written_through_a_link(tmp_path: Path):
    progress = ProgressFile(tmp_path)
    progress.folder.mkdir(parents=True)
    target = tmp_path / "elsewhere.toml"
    target.write_text("")
    progress.path.symlink_to(target)
    with pytest.raises(ProgressError, match="symbolic link"):
        progress.record(attempt())
    assert target.read_text() == ""


def test_the_quiz_core_does_not_import_textual():
    code = "import sys, wizard.quiz.run, wizard.quiz.progress; assert 'textual' not in sys.modules, 'textual was imported'"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert done.returncode == 0, done.stderr
