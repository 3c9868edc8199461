"""A question with several answers in the UI: a list to tick with Space, the number keys or the
mouse, confirmed with Enter; going back and changing the answer work on the set."""

from __future__ import annotations

import pytest
from textual.widgets import OptionList, Static

from conftest_ui import SIGNS, answer_by_keys, headless_codes, make_app, plain
from test_ui_app import option_texts, select_path_step
from wizard.tree.loader import load_tree
from wizard.ui.screens.question import QuestionScreen
from wizard.ui.screens.result import ResultScreen
from wizard.ui.widgets.tick_list import TickList

pytestmark = pytest.mark.asyncio

SIZE = (100, 30)


def signs_app():
    return make_app(load_tree(SIGNS))


def ticks(app) -> TickList:  # noqa: ANN001
    return app.screen.query_one("#ticks", TickList)


async def at_signs(pilot, *keys: str) -> TickList:  # noqa: ANN001
    """Answer the region (low back), then press `keys` on the list to tick."""
    await pilot.press("1")
    await pilot.pause()
    assert pilot.app.engine.current.id == "signs"
    tick_list = ticks(pilot.app)
    if keys:
        await pilot.press(*keys)
        await pilot.pause()
    return tick_list


async def test_the_options_are_a_list_to_tick_with_a_done_row() -> None:
    app = signs_app()
    async with app.run_test(size=SIZE) as pilot:
        tick_list = await at_signs(pilot)
        assert tick_list.has_focus and tick_list.display
        assert not app.screen.query_one("#options", OptionList).display
        texts = option_texts(tick_list)
        assert texts[0].startswith("1 [ ] Fever") and len(texts) == 7
        assert "Done (Enter): none of these" in texts[-1]


async def test_space_and_the_number_keys_tick_and_enter_answers_with_the_ticks() -> None:
    app = signs_app()
    async with app.run_test(size=SIZE) as pilot:
        tick_list = await at_signs(pilot)
        await pilot.press("space")  # the highlighted option: fever
        await pilot.press("5", "6", "6")  # weakness ticked; gait ticked and unticked
        await pilot.press("down", "down", "space")  # tingling
        await pilot.pause()
        texts = option_texts(tick_list)
        assert texts[0].startswith("1 [x] Fever") and texts[5].startswith("6 [ ] Gait")
        assert "Done (Enter): Fever; Tingling in a leg; Leg weakness" in texts[-1]
        assert app.engine.answers == {"region": "low_back"}, "ticking is not answering"
        await pilot.press("enter")
        await pilot.pause()
        assert app.engine.answers["signs"] == ("fever", "tingling", "weakness")
        assert app.engine.current.id == "chronic"
        steps = option_texts(app.screen.query_one("#steps", OptionList))
        assert "Fever; Tingling in a leg; Leg weakness" in steps[-1], "the Answers panel shows the set"
        await pilot.press("2")
        await pilot.pause()
        assert isinstance(app.screen, ResultScreen)
        answers = {"region": "low_back", "signs": ["fever", "tingling", "weakness"], "chronic": "yes"}
        assert app.engine.result().code_list == headless_codes(app.loaded, answers) == ["M54.50", "R50.9", "R20.2", "M62.81"]


async def test_enter_with_nothing_ticked_answers_none_of_these() -> None:
    app = signs_app()
    async with app.run_test(size=SIZE) as pilot:
        await at_signs(pilot, "enter")
        assert app.engine.answers["signs"] == () and isinstance(app.screen, ResultScreen)
        assert app.engine.path[-1].label == "None of these"


async def test_the_mouse_ticks_an_option_and_the_done_row_answers() -> None:
    app = signs_app()
    async with app.run_test(size=SIZE) as pilot:
        tick_list = await at_signs(pilot)
        await pilot.click("#ticks", offset=(6, 2))  # row 2 inside the border: retention
        await pilot.pause()
        assert tick_list.chosen == ("retention",)
        await pilot.click("#ticks", offset=(6, 7))  # the Done row
        await pilot.pause()
        assert app.engine.answers["signs"] == ("retention",)
        assert app.engine.result().code_list == ["M54.50", "R33.9"]


async def test_a_number_with_no_option_warns_and_ticks_nothing() -> None:
    app = signs_app()
    async with app.run_test(size=SIZE) as pilot:
        tick_list = await at_signs(pilot, "8")
        assert tick_list.chosen == () and any("no option 8" in n.message for n in app._notifications)


async def test_back_shows_the_list_again_and_a_change_shows_the_current_ticks() -> None:
    app = signs_app()
    async with app.run_test(size=SIZE) as pilot:
        await answer_by_keys(pilot, {"region": "low_back", "signs": ["gait"], "chronic": "no"})
        assert isinstance(app.screen, ResultScreen)
        await select_path_step(pilot, "signs")
        screen = app.screen
        assert isinstance(screen, QuestionScreen) and screen.changing == "signs"
        tick_list = ticks(app)
        assert tick_list.chosen == ("gait",) and option_texts(tick_list)[5].startswith("6 [x] Gait")
        await pilot.press("6", "1", "enter")  # untick gait, tick fever: chronic is no longer asked
        await pilot.pause()
        assert app.engine.answers == {"region": "low_back", "signs": ("fever",)}
        assert [s.question for s in app.last_dropped] == ["chronic"]
        assert isinstance(app.screen, ResultScreen)
        await pilot.press("b")
        await pilot.pause()
        assert app.engine.current.id == "signs" and ticks(app).has_focus
        assert plain(app.screen.query_one("#prompt", Static)) == "Which signs does the provider document?"


async def test_help_lists_the_keys_of_the_list_to_tick() -> None:
    from textual.widgets import DataTable

    from wizard.ui.screens.help import HelpScreen

    app = signs_app()
    async with app.run_test(size=SIZE) as pilot:
        await at_signs(pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)
        table = app.screen.query_one("#keys", DataTable)
        rows = {table.get_row_at(i)[2]: table.get_row_at(i) for i in range(table.row_count)}
        assert {"tick", "confirm_ticks"} <= set(rows)
        assert "Tick" in str(rows["tick"][1]) and "several answers is a list to tick" in plain(app.screen.query_one(".help-detail", Static))
