"""The UI records into a real sessions folder: new, resumed and opened-from-the-list sessions."""

from __future__ import annotations

from argparse import Namespace

import pytest

from conftest_ui import FakeDescriber, answer_by_keys, demo_tree, make_app, settle
from wizard.sessions import SessionStore
from wizard.ui import app as app_module
from wizard.ui.app import WizardApp, run_app
from wizard.ui.screens.question import QuestionScreen
from wizard.ui.screens.result import ResultScreen
from wizard.ui.screens.sessions import SessionsScreen
from wizard.ui.session_link import new_session, resume
from wizard.ui.widgets.mark_box import MarkBox

SIZE = (100, 30)
CHRONIC = {"region": "low_back", "injury": "none", "pregnant": "no", "chronic": "yes"}


@pytest.fixture
def store(tmp_path) -> SessionStore:  # noqa: ANN001
    return SessionStore(tmp_path / "sessions")


async def record_partly(store: SessionStore, answers: dict[str, object], label: str | None = None) -> str:
    """Answer some questions in the UI with a new session; returns the session id."""
    loaded = demo_tree()
    app = make_app(loaded, open_recorder=new_session(store, loaded, label), store=store)
    async with app.run_test(size=SIZE) as pilot:
        await answer_by_keys(pilot, answers)
        app._relay.join()
    (listing,) = store.list()
    return listing.id


@pytest.mark.asyncio
async def test_a_new_session_is_saved_after_every_answer_and_tick(store) -> None:  # noqa: ANN001
    loaded = demo_tree()
    app = make_app(loaded, open_recorder=new_session(store, loaded, "bay 3"), store=store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1")
        app._relay.join()
        (listing,) = store.list()
        assert [a.answer for a in listing.session.answers] == ["low_back"]
        await answer_by_keys(pilot, CHRONIC)
        box = next(b for b in app.screen.query(MarkBox) if b.item_id == "region")
        box.focus()
        await pilot.press("enter")
        await pilot.pause()
        app._relay.join()
    session = store.load(listing.id)
    assert session.label == "bay 3" and session.status == "complete"
    assert {a.question: a.answer for a in session.answers} == CHRONIC
    assert session.checked == ["region"]
    assert [c.code for c in session.result.codes] == ["M54.50", "G89.29"]


@pytest.mark.asyncio
async def test_a_resumed_session_opens_where_it_was_left_and_keeps_saving(store) -> None:  # noqa: ANN001
    session_id = await record_partly(store, {"region": "low_back", "injury": "none"})
    loaded = demo_tree()
    session = store.load(session_id)
    from wizard.ui.session_link import continue_session

    app = WizardApp(loaded, describer=FakeDescriber(), resumed=resume(session, loaded), open_recorder=continue_session(store, session), store=store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, QuestionScreen)
        assert app.engine.current.id == "pregnant"
        assert app.session_id == session_id
        await pilot.press("1", "1")
        await pilot.pause()
        assert isinstance(app.screen, ResultScreen)
        app._relay.join()
    assert store.load(session_id).status == "complete"
    assert len(store.list()) == 1


@pytest.mark.asyncio
async def test_a_saved_session_opens_from_the_command_palette_list(store) -> None:  # noqa: ANN001
    session_id = await record_partly(store, {"region": "low_back", "injury": "none", "pregnant": "no"}, label="bay 7")
    loaded = demo_tree()
    app = make_app(loaded, open_recorder=new_session(store, loaded, None), store=store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")  # thoracic: finished, a session of its own
        await pilot.pause()
        app.action_open_session()
        await settle(app)
        await pilot.pause()
        assert isinstance(app.screen, SessionsScreen)
        await pilot.press("enter")  # the other session (the current one is not listed)
        await settle(app)
        await pilot.pause()
        assert app.session_id == session_id and app.label == "bay 7"
        assert app.engine.current.id == "chronic"
        await pilot.press("2")
        await pilot.pause()
        app._relay.join()
    assert store.load(session_id).status == "complete"


def test_run_app_starts_a_new_session_in_the_clis_store(store, monkeypatch) -> None:  # noqa: ANN001
    started: list[WizardApp] = []
    monkeypatch.setattr(app_module.WizardApp, "run", lambda self: started.append(self))
    loaded = demo_tree()
    assert run_app(loaded, Namespace(session_store=store, resume_session=None, label="bay 1", resume=None)) == 0
    (app,) = started
    assert app.store is store and app.label == "bay 1" and app._relay is not None


def test_run_app_without_a_store_records_nothing(monkeypatch) -> None:  # noqa: ANN001
    started: list[WizardApp] = []
    monkeypatch.setattr(app_module.WizardApp, "run", lambda self: started.append(self))
    assert run_app(demo_tree(), None) == 0
    assert started[0]._relay is None and started[0].store is None
