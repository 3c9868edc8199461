"""`wizard quiz` in the TUI, driven by keystrokes: a case in, codes typed or walked, feedback out.

The tabular is loaded up front and handed to the app (no worker), the clock is fixed and the
progress file goes to tmp_path, so every run and every screenshot is the same.
"""

from __future__ import annotations

import argparse
import stat
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from conftest_ui import plain, shown_text
from textual.pilot import Pilot
from textual.widgets import Input, Static

from wizard.icd import load_tabular
from wizard.quiz import load_cases
from wizard.quiz.progress import ProgressFile
from wizard.quiz.run import Order, QuizRun
from wizard.tree import default_tree_path, load_tree
from wizard.ui.quiz.app import QuizApp, run_quiz
from wizard.ui.screens.help import HelpScreen
from wizard.ui.quiz.case import QuizCaseScreen
from wizard.ui.quiz.feedback import QuizFeedbackScreen
from wizard.ui.quiz.help import QuizHelpScreen
from wizard.ui.quiz.summary import QuizSummaryScreen
from wizard.ui.quiz.walk import QuizWalkScreen
from wizard.ui.widgets.code_entry import CodeEntry, CompletionList, read_entry

SIZE = (100, 30)
LOADED = load_tree(default_tree_path())
LIBRARY = load_cases()
TABULAR = load_tabular()
CLOCK = datetime(2026, 4, 1, 9, 30, tzinfo=timezone.utc)
# Expected M54.50, G89.29, F45.42: the site code, then G89, then the psychological factors.
PSYCH = "psych_factors_contributing_chronic"
THORACIC = "thoracic_spine_pain"
# Out of order (G89.29 first), F45.42 missing, M54.51 extra.
WRONG = "G89.29 M54.50 M54.51"


def make_quiz(*case_ids: str, progress_dir: Path | None = None, tabular: object = TABULAR) -> QuizApp:
    run = QuizRun(tuple(LIBRARY.get(i) for i in case_ids))
    progress = ProgressFile(progress_dir) if progress_dir is not None else None
    return QuizApp(LOADED, run, tabular=tabular, progress=progress, now=lambda: CLOCK)


async def type_codes(pilot, text: str, submit: bool = True) -> None:  # noqa: ANN001
    await pilot.press(*text, *(["enter"] if submit else []))
    await pilot.pause()


@asynccontextmanager
async def typed(*case_ids: str, codes: str, submit: bool = True, **quiz: Any) -> AsyncIterator[tuple[QuizApp, Pilot]]:
    """A quiz on these cases, running, with `codes` typed in the first case's box (and Enter
    pressed unless submit is False)."""
    app = make_quiz(*case_ids, **quiz)
    async with app.run_test(size=SIZE) as pilot:
        await type_codes(pilot, codes, submit)
        yield app, pilot


async def settle(pilot) -> None:  # noqa: ANN001
    """Let the completion searches (thread workers) finish and their lists be drawn."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def completion_ids(app: QuizApp) -> list[str]:
    listing = app.screen.query_one(CompletionList)
    return [listing.get_option_at_index(i).id for i in range(listing.option_count)]


# -- one round ---------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_typing_the_expected_codes_in_order_scores_one() -> None:
    app = make_quiz(PSYCH)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, QuizCaseScreen)
        assert "fear-avoidance" in shown_text(app, "#note-text")
        await type_codes(pilot, "M54.50, G89.29, F45.42")
        assert isinstance(app.screen, QuizFeedbackScreen)
        assert "Score 1.00" in shown_text(app, "#score")
        assert "None: every code is right" in shown_text(app, "#differences")
        assert app.quiz_run.graded[PSYCH].grade.score == 1.0


@pytest.mark.asyncio
async def test_wrong_codes_show_missing_extra_and_order_each_with_its_rule() -> None:
    async with typed(PSYCH, codes=WRONG) as (app, pilot):
        assert isinstance(app.screen, QuizFeedbackScreen)
        assert "Score 0.38" in shown_text(app, "#score")
        sets = shown_text(app, "#sets")
        assert "F45.42 MISSING" in sets and "M54.51 EXTRA" in sets and "G89.29 ORDER" in sets
        differences = shown_text(app, "#differences")
        for kind, rule in [("MISSING", "GL I.C.5.a"), ("EXTRA", "GL I.B.14"), ("ORDER", "GL I.C.6.b.1(b)")]:
            assert kind in differences
            assert "Rule: " in differences and rule in differences
        assert LIBRARY.get(PSYCH).teaching[:40] in shown_text(app, "#teaching")
        assert "Review: psychological factors, G89, sequencing" in shown_text(app, "#topics")


@pytest.mark.asyncio
@pytest.mark.parametrize("code", ["M54.5", "S39.012", "M54.7"], ids=["header", "needs_7th", "unknown"])
async def test_a_code_that_cannot_be_billed_is_refused_inline_with_the_tabular_message(code: str) -> None:
    app = make_quiz(PSYCH)
    async with app.run_test(size=SIZE) as pilot:
        message = TABULAR.check_billable(code).message
        await type_codes(pilot, f"M54.50 {code}", submit=False)
        checks = shown_text(app, "#code-checks")
        assert "✓ M54.50 Low back pain, unspecified" in checks
        assert f"… {code} {message}" in checks  # still being typed: said softly
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, QuizCaseScreen), "an invalid code must never be graded"
        assert f"✗ {code} {message}" in shown_text(app, "#code-checks")
        assert app.quiz_run.graded == {}


@pytest.mark.asyncio
async def test_words_that_are_no_code_are_refused() -> None:
    async with typed(PSYCH, codes="M54.50 back G89.29") as (app, pilot):
        assert isinstance(app.screen, QuizCaseScreen)
        assert "'back' is not a code" in shown_text(app, "#code-checks")


@pytest.mark.asyncio
async def test_completion_offers_a_code_from_a_description_fragment() -> None:
    async with typed(PSYCH, codes="M54.50, other chronic pa", submit=False) as (app, pilot):
        await settle(pilot)
        offered = completion_ids(app)
        assert "G89.29" in offered
        for _ in range(offered.index("G89.29")):
            await pilot.press("down")
        await pilot.press("tab")
        await pilot.pause()
        assert app.screen.query_one("#code-input", Input).value == "M54.50, G89.29, "
        assert "✓ G89.29 Other chronic pain" in shown_text(app, "#code-checks")
        assert not app.screen.query_one(CompletionList).has_class("-shown")


@pytest.mark.asyncio
async def test_a_code_being_typed_is_completed_from_its_prefix() -> None:
    async with typed(PSYCH, codes="m544", submit=False) as (app, pilot):
        await settle(pilot)
        assert completion_ids(app) == ["M54.40", "M54.41", "M54.42"]
        await pilot.press("escape")
        assert not app.screen.query_one(CompletionList).has_class("-shown")


def test_the_box_is_read_as_codes_then_search_words() -> None:
    entry = read_entry("M54.50, g8929 other chronic")
    assert [t.text for t in entry.codes] == ["M54.50", "g8929"]
    assert entry.query == "other chronic" and entry.searching and entry.query_start == len("M54.50, g8929 ")
    being_typed = read_entry("M54.50 G89.2")
    assert being_typed.query == "G89.2" and not being_typed.searching
    assert read_entry("M54.50, ").query == ""


# -- walking the tree ----------------------------------------------------------------------


@pytest.mark.asyncio
async def test_walking_the_tree_grades_the_codes_it_ends_with() -> None:
    app = make_quiz(THORACIC)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+t")
        assert isinstance(app.screen, QuizWalkScreen)
        assert "shoulder blades" in plain(app.screen.query_one("#walk-note Static", Static))
        await pilot.press("2")  # Thoracic spine only: the tree ends with M54.6
        await pilot.pause()
        assert isinstance(app.screen, QuizFeedbackScreen)
        assert "Score 1.00" in shown_text(app, "#score")
        assert "Every answer matched" in shown_text(app, "#answers")
        assert app.quiz_run.graded[THORACIC].mode == "walked"


@pytest.mark.asyncio
async def test_a_wrong_walk_names_the_answer_that_differs_from_the_note() -> None:
    app = make_quiz(THORACIC)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+t", "3")  # Back, region not stated: M54.9
        await pilot.pause()
        answers = shown_text(app, "#answers")
        assert "Where does the provider document the pain?" in answers
        assert "You: Back, region not stated" in answers and "Note: Thoracic spine only" in answers
        assert "M54.9 EXTRA" in shown_text(app, "#sets")


@pytest.mark.asyncio
async def test_leaving_the_walk_returns_to_the_typed_codes() -> None:
    async with typed(PSYCH, codes="M54.50", submit=False) as (app, pilot):
        await pilot.press("ctrl+t", "1", "ctrl+t")
        await pilot.pause()
        assert isinstance(app.screen, QuizCaseScreen)
        assert app.screen.query_one("#code-input", Input).value == "M54.50"


# -- a run and its progress ----------------------------------------------------------------


@pytest.mark.asyncio
async def test_a_run_ends_with_the_score_and_topics_and_every_case_is_saved(tmp_path: Path) -> None:
    async with typed(THORACIC, PSYCH, codes="M54.6", progress_dir=tmp_path) as (app, pilot):
        await pilot.press("enter")  # next case
        await pilot.pause()
        await type_codes(pilot, WRONG)
        await pilot.press("enter")  # the last case: the summary
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, QuizSummaryScreen)
        assert "Score 0.69" in shown_text(app, "#total")
        assert "Topics to review: psychological factors, G89, sequencing" in shown_text(app, "#review")
        assert str(tmp_path / "quiz" / "progress.toml") in shown_text(app, "#saved").replace("\n", "")
    path = tmp_path / "quiz" / "progress.toml"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    attempts = ProgressFile(tmp_path).load()
    assert [(a.case, a.score, a.given, a.mode, a.at) for a in attempts] == [
        (THORACIC, 1.0, ["M54.6"], "typed", CLOCK),
        (PSYCH, 0.38, ["G89.29", "M54.50", "M54.51"], "typed", CLOCK),
    ]
    assert attempts[0].run == attempts[1].run and attempts[0].order == "library order"


@pytest.mark.asyncio
async def test_trying_again_replaces_the_grade_in_the_run(tmp_path: Path) -> None:
    async with typed(THORACIC, codes="M54.9", progress_dir=tmp_path) as (app, pilot):
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, QuizCaseScreen)
        await type_codes(pilot, "M54.6")
        await app.workers.wait_for_complete()
        assert app.quiz_run.score == 1.0
    assert [a.score for a in ProgressFile(tmp_path).load()] == [0.0, 1.0]


@pytest.mark.asyncio
async def test_the_first_case_shows_before_the_tabular_has_loaded() -> None:
    app = make_quiz(PSYCH, tabular=None)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, QuizCaseScreen)
        assert app.screen.query_one("#case-title", Static).visual is not None
        await type_codes(pilot, "M54.50", submit=False)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.tabular is not None
        assert app.screen.query_one(CodeEntry).tabular is app.tabular
        assert "✓ M54.50" in shown_text(app, "#code-checks")


@pytest.mark.asyncio
async def test_help_explains_the_quiz_and_lists_every_key_by_id() -> None:
    app = make_quiz(PSYCH)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, QuizHelpScreen)
        assert "How a round works" in shown_text(app, "#question-help")
        ids = [str(app.screen.query_one("#keys").get_row_at(i)[2]) for i in range(app.screen.query_one("#keys").row_count)]
        for binding_id in ("walk_tree", "complete", "next_case", "retry", "new_run", "help", "quit"):
            assert binding_id in ids
        await pilot.press("escape", "ctrl+t", "f1")
        await pilot.pause()
        # While walking, help is the wizard's own help on the question asked.
        assert type(app.screen) is HelpScreen
        assert LOADED.tree.questions[0].prompt in shown_text(app, "#question-help")


@pytest.mark.asyncio
async def test_a_progress_file_that_cannot_be_written_is_said_and_the_quiz_goes_on(tmp_path: Path) -> None:
    blocker = tmp_path / "sessions"
    blocker.write_text("a file where the sessions folder should be")
    async with typed(THORACIC, codes="M54.6", progress_dir=blocker) as (app, pilot):
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, QuizFeedbackScreen)
        await pilot.press("enter")
        await pilot.pause()
        assert "Progress not saved" in shown_text(app, "#saved") and "Fix:" in shown_text(app, "#saved")


def test_the_quiz_ui_module_loads_no_icd_data_before_its_first_screen() -> None:
    code = "import sys, wizard.ui.quiz.app; print(sorted(m for m in sys.modules if m.startswith('wizard.icd')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_run_quiz_orders_by_seed_and_saves_in_the_sessions_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    seen: list[QuizApp] = []

    def fake_run(self: QuizApp) -> int:
        seen.append(self)
        return 0

    monkeypatch.setattr(QuizApp, "run", fake_run)
    args = argparse.Namespace(sessions=tmp_path, shuffle=False, seed=7, count=3)
    assert run_quiz(LOADED, args) == 0
    run = seen[0].quiz_run
    assert run.order == Order(True, 7) and len(run.cases) == 3
    assert [c.id for c in run.cases] == [c.id for c in Order(True, 7).arrange(LIBRARY.cases)][:3]
    assert seen[0].progress.path == tmp_path / "quiz" / "progress.toml"


# -- screenshots ---------------------------------------------------------------------------

SIZES = {"80x24": (80, 24), "120x36": (120, 36)}


@pytest.mark.parametrize("size", SIZES.values(), ids=SIZES.keys())
def test_snapshot_feedback_on_a_wrong_code_set(snap_compare, size: tuple[int, int]) -> None:  # noqa: ANN001
    assert snap_compare(make_quiz(PSYCH), press=[*WRONG, "enter"], terminal_size=size)


@pytest.mark.parametrize("size", SIZES.values(), ids=SIZES.keys())
def test_snapshot_case_with_a_refused_code(snap_compare, size: tuple[int, int]) -> None:  # noqa: ANN001
    async def refuse(pilot) -> None:  # noqa: ANN001
        await type_codes(pilot, "M54.50 M54.5")
        await settle(pilot)  # the completions of M54.5 are listed, whenever their search ends

    assert snap_compare(make_quiz(PSYCH), run_before=refuse, terminal_size=size)
