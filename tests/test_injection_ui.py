"""Injection through the terminal UI: a tree, a session and a label carrying Rich markup and
terminal escapes are shown as written. The screen shows the literal characters of markup
(`[bold red]x[/]` is text, not red), and neither the screen's text nor the bytes Textual would
write to the terminal carry an escape sequence that came from the data (no OSC 52 clipboard
write, no OSC 8 link, no CSI, no C1 control, no bidi override)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
import tomli_w

from conftest_hostile import OBEYED, obeyed
from conftest_ui import DEMO, FakeDescriber, answer_by_keys, make_app, settle
from wizard.sessions import SessionRecorder, SessionStore
from wizard.tree.loader import LoadedTree, load_tree
from wizard.tree.schema import Tree as TreeSchema
from wizard.tree.schema import to_runtime
from wizard.ui.screens.help import HelpScreen
from wizard.ui.screens.result import ResultScreen
from wizard.ui.session_link import resume

pytestmark = pytest.mark.asyncio

SIZE = (150, 40)
MARKUP = "[bold red]x[/] [link=https://evil.example]l[/link] [@click=app.quit]q[/]"
ESCAPES = "\x1b]52;c;aGk=\x07\x1b]8;;https://evil.example\x1b\\\x1b[2J\x9b31m\u202eRLO\x07"
CHRONIC = {"region": "low_back", "injury": "none", "pregnant": "no", "chronic": "yes"}
# What Textual itself writes around the text: SGR colours, cursor moves, mode switches.
TEXTUAL_CSI = re.compile(r"\x1b\[[0-9;?<>=]*[A-Za-z]")


def demo_data(extra: str) -> dict:
    """The demo tree with extra text in every field a clinician sees."""
    data = tomllib.loads(DEMO.read_text())
    data["tree"]["title"] += " " + extra
    for question in data["questions"]:
        for key in ("prompt", "help", "teaching"):
            question[key] = question.get(key, "Note.") + " " + extra
        for option in question.get("options", []):
            option["label"] += " " + extra
    for rule in data["rules"]:
        rule["reason"] += " " + extra
        rule["cite"] = [f"TAB {extra}"]
        if "warning" in rule:
            rule["warning"] += " " + extra
    for item in data["checklist"]:
        item["text"] += " " + extra
    data["stops"][0]["message"] += " " + extra
    return data


def screen_text(app) -> str:  # noqa: ANN001
    """The characters on the screen, as the compositor lays them out (toasts included)."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


def terminal_bytes(app) -> str:  # noqa: ANN001
    """What Textual would write to the terminal to draw the whole screen."""
    return app.screen._compositor.render_full_update().render_segments(app.console)


async def toasts_shown(app, pilot) -> None:  # noqa: ANN001
    """Wait until every notification is on the screen (toasts mount a little later)."""
    from textual.widgets._toast import Toast

    for _ in range(50):
        if len(app.screen.query(Toast)) >= len(app._notifications):
            break
        await pilot.pause(0.02)
    await pilot.pause()


def assert_shown_safely(app, *literal: str) -> str:  # noqa: ANN001
    text = screen_text(app)
    assert not obeyed(text), obeyed(text)[:5]
    written = TEXTUAL_CSI.sub("", terminal_bytes(app))
    assert "\x1b" not in written and not OBEYED.search(written), repr(written[written.find("\x1b") - 20 :][:60])
    flat = " ".join(text.split())
    for part in literal:
        assert part in flat, (part, flat[:3000])
    return text


async def walk_every_screen(app, pilot, *literal: str) -> None:  # noqa: ANN001
    """Question, help, result, why and the copied transcript: each checked."""
    assert_shown_safely(app, *literal)
    await pilot.press("question_mark")
    await pilot.pause()
    assert isinstance(app.screen, HelpScreen)
    assert_shown_safely(app, *literal)
    await pilot.press("escape")
    await answer_by_keys(pilot, CHRONIC)
    await pilot.pause()
    assert isinstance(app.screen, ResultScreen)
    assert_shown_safely(app, *literal)
    await pilot.press("t")
    await pilot.pause()
    assert_shown_safely(app, *literal)
    await pilot.press("c")
    await pilot.pause()
    assert not obeyed(app.clipboard), obeyed(app.clipboard)[:5]
    assert_shown_safely(app)


async def test_a_tree_and_label_with_markup_are_shown_as_written(tmp_path: Path) -> None:
    tree = tmp_path / "markup.toml"
    tree.write_text(tomli_w.dumps(demo_data(MARKUP)))
    app = make_app(load_tree(tree), label="bay [b]3[/b]")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        text = assert_shown_safely(app, "[bold red]x[/]", "bay [b]3[/b]", "[@click=app.quit]q[/]")
        assert "[link=https://evil.example]" in text
        await walk_every_screen(app, pilot, "[bold red]x[/]")


async def test_escapes_in_a_tree_never_reach_the_terminal() -> None:
    """The loader refuses such a tree (test_fuzz_trees); a tree made in code still shows them safely."""
    data = demo_data(MARKUP + " " + ESCAPES)
    loaded = LoadedTree(to_runtime(TreeSchema.model_validate(data)), DEMO, "0" * 64)
    app = make_app(loaded, label="bay 3")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await walk_every_screen(app, pilot, "[bold red]x[/]", "RLO")


async def test_a_session_with_escapes_and_markup_resumes_safely(tmp_path: Path) -> None:
    """A session file is data anyone may edit: its answers' prompts and labels and its set-aside
    answers come back in the notification and in the exports, shown as written."""
    store = SessionStore(tmp_path / "sessions")
    loaded = load_tree(DEMO)
    session = store.new(loaded, label="[b]bay[/b] 3")
    from wizard.engine.engine import Engine

    engine = Engine(loaded.tree)
    with SessionRecorder(store, session) as recorder:
        for answer in ("low_back", "none"):
            engine.answer(answer)
            recorder.answered(engine)
    saved = store.load(session.id)
    hostile = saved.answers[0].model_copy(update={"question": "gone", "prompt": f"Gone? {MARKUP} {ESCAPES}", "label": f"Yes {ESCAPES}"})
    saved.answers = [*saved.answers, hostile]
    resumed = resume(saved, loaded, FakeDescriber())
    assert resumed.flags and "\x1b" in resumed.flags[0]  # the flag quotes the file as it is
    app = make_app(loaded, resumed=resumed)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await toasts_shown(app, pilot)
        assert_shown_safely(app, "Saved answers that no longer fit", "[bold red]x[/]", "RLO", "[b]bay[/b] 3")


async def test_the_saved_sessions_list_and_a_refused_tree_are_shown_safely(tmp_path: Path) -> None:
    store = SessionStore(tmp_path / "sessions [b]x[/b]")
    loaded = load_tree(DEMO)
    with SessionRecorder(store, store.new(loaded, label="[red]bay[/red] 3")) as recorder:
        recorder.save()
    app = make_app(loaded, store=store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        app.action_open_session()
        await settle(app)
        await pilot.pause()
        assert_shown_safely(app, "[red]bay[/red] 3", "[b]x[/b]")
        await pilot.press("escape")
        hostile = tmp_path / "hostile.toml"
        data = demo_data("")
        data["questions"][0]["prompt"] = f"Where? {ESCAPES}"
        data["questions"][0][f"k{ESCAPES}"] = 1
        hostile.write_text(tomli_w.dumps(data))
        app.load_tree(hostile)
        await settle(app)
        await toasts_shown(app, pilot)
        assert_shown_safely(app, "hostile.toml")
        (notice,) = [n for n in app._notifications if n.title == "Tree not opened"]
        assert "the key 'k\\x1b]52" in notice.message and "has the control character U+001B (ESC)" in notice.message
        assert not obeyed(notice.message)
