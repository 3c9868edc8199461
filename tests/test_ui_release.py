"""The date of service and the release in force, in the UI: the title bar, the result screen,
the palette's "Change the date of service", the codes not valid on that date, the session."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from textual.widgets import Input, Static

from conftest_ui import TEST_DATE, demo_tree, make_app, plain, run_command, settle, shown_text
from test_icd_releases import icd_2027, next_release_files  # noqa: F401 - the session fixtures
from test_ui_app import SIZE, code_panel_text, title_bar_text
from wizard.ui.app import WizardApp
from wizard.ui.screens.prompt import PromptScreen
from wizard.ui.screens.result import ResultScreen

pytestmark = pytest.mark.asyncio

# Demo tree: low back, no injury, not pregnant, not chronic -> M54.50 alone.
TO_THE_END = ["1", "1", "1", "1"]


async def test_the_title_bar_shows_the_date_of_service_beside_the_release() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.title_status == (f"DOS {TEST_DATE.isoformat()} · FY2026", False)
        text = title_bar_text(app)
        assert text.rstrip().endswith(f"DOS {TEST_DATE.isoformat()} · FY2026") and len(text) == SIZE[0]
        assert "Demo tree — demo v1.0.0" in text


async def test_without_the_release_in_force_the_title_bar_and_result_screen_say_so() -> None:
    app = WizardApp(demo_tree(), date_of_service=date(2026, 12, 7))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app)
        await pilot.pause()
        assert app.title_status == ("DOS 2026-12-07 · FY2026 · FY2027 not installed", True)
        assert "FY2027 not installed" in title_bar_text(app)
        await pilot.press(*TO_THE_END[:3])
        await pilot.pause()
        assert "M54.50" in code_panel_text(app) and "falls in FY2027" not in code_panel_text(app)  # left to the title bar
        await pilot.press(TO_THE_END[3])
        await pilot.pause()
        assert isinstance(app.screen, ResultScreen)
        assert "Date of service 2026-12-07; checked against ICD-10-CM FY2026: the release in force that day is not installed" in shown_text(app, "#status")
        warnings = " ".join(" ".join(str(box.label).split()) for box in app.screen.query("MarkBox") if box.kind == "warning")
        assert "the date of service 2026-12-07 falls in FY2027, which is not installed: wizard icd import <files>" in warnings


async def test_the_palette_changes_the_date_of_service_and_the_release_follows() -> None:
    app = WizardApp(demo_tree(), date_of_service=date(2026, 12, 7))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app)
        await run_command(pilot, "date of service")
        assert isinstance(app.screen, PromptScreen)
        box = app.screen.query_one("#value", Input)
        assert box.value == "2026-12-07"
        box.value = "2026-02-30"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen)  # kept open, the value with it
        assert "is not a real date" in plain(app.screen.query_one("#error", Static))
        box.value = "2026-05-04"
        await pilot.press("enter")
        await settle(app)
        await pilot.pause()
        assert app.engine.date_of_service == date(2026, 5, 4)
        assert app.title_status == ("DOS 2026-05-04 · FY2026", False)
        assert app.engine.result().release_in_force == "FY2026"


@pytest.mark.slow
async def test_a_code_not_valid_on_the_date_of_service_is_marked_as_an_error(icd_2027: Path) -> None:  # noqa: F811
    app = WizardApp(demo_tree(), date_of_service=date(2026, 12, 7), icd_dir=icd_2027)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app)
        await pilot.press("1", "1", "1")
        await pilot.pause()
        assert app.title_status == ("DOS 2026-12-07 · FY2027", False)
        panel = " ".join(code_panel_text(app).split())
        assert "ERROR: M54.50 is not valid in FY2027" in panel and "now a heading whose codes are M54.500, M54.501" in panel
        await pilot.press("1")
        await pilot.pause()
        assert isinstance(app.screen, ResultScreen)
        assert "ERROR: 1 code(s) not valid on that date: M54.50" in shown_text(app, "#status")
        table = shown_text(app, "#code-table")
        assert "ERROR: M54.50 is not valid in FY2027" in table


async def test_the_session_keeps_the_date_of_service_and_its_change(tmp_path: Path) -> None:
    from wizard.sessions import SessionStore
    from wizard.ui.session_link import new_session

    store = SessionStore(tmp_path / "sessions")
    loaded = demo_tree()
    app = WizardApp(loaded, date_of_service=date(2026, 5, 4), store=store, open_recorder=new_session(store, loaded, None))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app)
        await pilot.press("1")
        await pilot.pause(0.3)
        app.change_date_of_service(date(2026, 6, 1))
        await settle(app)
        await pilot.pause(0.3)
    [session] = [store.load(path.stem) for path in (tmp_path / "sessions").glob("*.toml")]
    assert session.date_of_service == date(2026, 6, 1)
    assert session.result.date_of_service == "2026-06-01"
