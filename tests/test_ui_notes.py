"""A provider's note in the UI: each suggestion shown with the note's words and confirmed by the
person (Enter accepts, another choice overrides, `a` accepts in a row), the path panel and the
session marking the answers from the note, the checklist the note documents, "Read a note"."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from textual.widgets import Static, TextArea

from conftest_ui import plain, settle
from test_ui_app import SIZE
from wizard.engine.result import ENTERED, NOTE_CONFIRMED
from wizard.tree.loader import default_tree_path, load_tree
from wizard.ui.app import WizardApp
from wizard.ui.screens.result import ResultScreen

pytestmark = pytest.mark.asyncio
pytest.importorskip("medspacy")

NOTE = """HPI: 52 yo M with chronic low back pain radiating down the right leg to the calf. No trauma.
Denies bowel or bladder incontinence. No prior back surgery.
Exam: SLR positive on the right.
Imaging: none.
Assessment: Chronic low back pain with right sciatica.
Plan: PT, NSAIDs; pain management follow-up.
"""


def lbp_app(**kwargs: object) -> WizardApp:
    return WizardApp(load_tree(default_tree_path()), date_of_service=date(2026, 5, 4), **kwargs)  # type: ignore[arg-type]


async def wait_for_note(app: WizardApp, pilot) -> None:  # noqa: ANN001
    for _ in range(200):
        if app.suggestions is not None:
            break
        await pilot.pause(0.05)
    assert app.suggestions is not None, "the note was not read"
    await pilot.pause()


def suggestion_line(app: WizardApp) -> str:
    return " ".join(plain(app.screen.query_one("#suggestion", Static)).split())


async def test_a_suggestion_is_shown_with_its_words_and_enter_confirms_it() -> None:
    app = lbp_app(note_text=NOTE)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_note(app, pilot)
        assert app.engine.path == []  # nothing is answered from the note by itself
        assert 'From the note: "low back pain"' in suggestion_line(app)
        options = app.screen.query_one("#options")
        assert options.get_option_at_index(options.highlighted).id == "low_back"
        await pilot.press("enter")
        await pilot.pause()
        assert app.engine.answers["region"] == "low_back"
        assert app.engine.origins["region"].kind == NOTE_CONFIRMED and app.engine.origins["region"].quote == "low back pain"


async def test_another_choice_overrides_the_note() -> None:
    app = lbp_app(note_text=NOTE)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_note(app, pilot)
        await pilot.press("2")  # thoracic, not what the note says
        await pilot.pause()
        assert app.engine.answers["region"] == "thoracic" and "region" not in app.engine.origins


async def test_a_accepts_the_notes_answers_in_a_row_and_the_path_says_so() -> None:
    app = lbp_app(note_text=NOTE)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_note(app, pilot)
        await pilot.press("a")
        await pilot.pause()
        assert [s.question for s in app.engine.path] == ["region", "red_flags"]
        assert app.engine.current is not None and app.engine.current.id == "psych_factors"  # the note is silent here
        steps = app.screen.query_one("#steps")
        shown = " ".join(plain_option(steps, i) for i in range(steps.option_count))
        assert shown.count("(from the note)") == 2


def plain_option(option_list, index: int) -> str:  # noqa: ANN001
    """The words of one option of the answers panel (a kept Rich grid), on one line."""
    import io

    from rich.console import Console

    prompt = option_list.get_option_at_index(index).prompt
    console = Console(width=200, file=io.StringIO(), color_system=None)
    console.print(getattr(prompt, "renderable", prompt))
    return " ".join(console.file.getvalue().split())


async def test_two_answers_in_the_note_are_shown_and_nothing_is_suggested() -> None:
    app = lbp_app(note_text="Acute low back pain. Chronic low back pain for years. No trauma.")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_note(app, pilot)
        for key in ("enter", "1", "1", "1", "1", "1", "1", "1", "1", "1"):
            if app.engine.current is None or app.engine.current.id == "chronicity":
                break
            await pilot.press(key)
            await pilot.pause()
        assert app.engine.current is not None and app.engine.current.id == "chronicity"
        line = suggestion_line(app)
        assert "The note says more than one answer" in line and "(Acute)" in line and "(Chronic)" in line


async def test_read_a_note_from_the_palette_refuses_an_empty_paste_then_reads() -> None:
    app = lbp_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"read a note")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        area = app.screen.query_one("#note", TextArea)
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert "is empty" in plain(app.screen.query_one("#error", Static))
        area.text = NOTE
        await pilot.press("ctrl+r")
        await wait_for_note(app, pilot)
        assert app.suggestions.answers["side"] == "right"


async def test_the_result_ticks_what_the_note_documents_and_lists_what_it_lacks_first(tmp_path: Path) -> None:
    from wizard.sessions import SessionStore
    from wizard.ui.session_link import new_session

    store = SessionStore(tmp_path / "sessions")
    loaded = load_tree(default_tree_path())
    app = WizardApp(loaded, date_of_service=date(2026, 5, 4), note_text=NOTE, store=store, open_recorder=new_session(store, loaded, None))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_note(app, pilot)
        while app.engine.current is not None:
            if app.suggestion_for(app.engine.current.id)[0] is not None:
                await pilot.press("a")
            else:
                await pilot.press("1")
            await pilot.pause()
        await settle(app)
        await pilot.pause()
        assert isinstance(app.screen, ResultScreen)
        boxes = [box for box in app.screen.query("MarkBox") if box.kind == "check"]
        labels = [" ".join(str(box.label).split()) for box in boxes]
        documented = [i for i, label in enumerate(labels) if "(in the note:" in label]
        assert documented and all(boxes[i].value for i in documented)
        assert documented == list(range(len(labels) - len(documented), len(labels)))  # what it lacks comes first
        assert any('The side of the sciatica' in label and '(in the note: "' in label for label in labels)
    text = "".join(path.read_text(encoding="utf-8") for path in (tmp_path / "sessions").glob("*.toml"))
    assert 'origin = "note_confirmed"' in text and 'quote = "low back pain"' in text
    assert "Plan: PT, NSAIDs" not in text and "to the calf" not in text  # the quotes only, never the note
