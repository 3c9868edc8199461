"""The point-of-care UI driven by keystrokes: cases in, the same codes as the headless run out."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input, OptionList, Static

from conftest_ui import DEMO, FakeDescriber, FakeRecorder, answer_by_keys, demo_tree, headless_codes, make_app, plain, run_command, settle
from wizard.tree.loader import default_tree_path, load_tree
from wizard.ui.app import WizardApp
from wizard.ui.screens.confirm import ConfirmScreen
from wizard.ui.screens.export import ExportScreen
from wizard.ui.screens.help import HelpScreen
from wizard.ui.screens.question import QuestionScreen
from wizard.ui.screens.result import ResultScreen
from wizard.ui.widgets.code_panel import WARNING_PREFIX
from wizard.ui.widgets.mark_box import MarkBox
from wizard.ui.widgets.options import OptionsList

pytestmark = pytest.mark.asyncio

SIZE = (100, 30)

CASES = {
    "thoracic": {"region": "thoracic"},
    "low_back_chronic": {"region": "low_back", "injury": "none", "pregnant": "no", "chronic": "yes"},
    "strain_subsequent": {"region": "low_back", "injury": "strain", "encounter": "subsequent", "pregnant": "no"},
    "pregnant_20_weeks": {"region": "low_back", "injury": "none", "pregnant": "yes", "weeks": 20, "chronic": "no"},
    "pregnant_weeks_unknown": {"region": "low_back", "injury": "none", "pregnant": "yes", "weeks": "unknown", "chronic": "no"},
    "out_of_scope_stop": {"region": "elsewhere"},
}


def option_texts(option_list: OptionList) -> list[str]:
    texts = []
    for index in range(option_list.option_count):
        holder = Static(option_list.get_option_at_index(index).prompt)
        texts.append(plain(holder))
    return texts


def code_panel_text(app: WizardApp) -> str:
    return plain(app.screen.query_one("#code-text", Static))


@pytest.mark.parametrize(("width", "layout"), [(120, "-wide"), (80, "-narrow")])
async def test_the_first_frame_is_laid_out_for_the_terminal_width(width: int, layout: str) -> None:
    """The frame that first shows the question already has its final layout: no question at
    half width that reflows a moment later, when Textual would add the breakpoint class."""
    from textual._compositor import CompositorUpdate

    app = make_app()
    first: list[tuple[frozenset[str], int]] = []
    display = app._display

    def watch(screen, renderable) -> None:  # noqa: ANN001
        if isinstance(renderable, CompositorUpdate) and not first and isinstance(screen, QuestionScreen):
            first.append((frozenset(screen.classes), screen.query_one("#main").size.width))
        display(screen, renderable)

    app._display = watch  # type: ignore[method-assign]
    async with app.run_test(size=(width, 30)) as pilot:
        await pilot.pause()
        settled = app.screen.query_one("#main").size.width
    classes, main_width = first[0]
    assert layout in classes
    assert main_width == settled  # the question column did not change width after that frame


async def test_first_question_and_its_options_are_shown_at_once() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, QuestionScreen)
        first = app.loaded.tree.questions[0]
        assert plain(app.screen.query_one("#prompt", Static)) == first.prompt
        assert first.help in plain(app.screen.query_one("#help", Static))
        options = app.screen.query_one(OptionsList)
        assert options.option_count == len(first.options)
        assert "Out of scope" in "".join(option_texts(options))  # the option's description
        assert options.has_focus


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
async def test_walking_a_case_by_keys_gives_the_headless_codes(case: dict[str, object]) -> None:
    loaded = demo_tree()
    app = make_app(loaded)
    async with app.run_test(size=SIZE) as pilot:
        await answer_by_keys(pilot, case)
        await pilot.pause()
        assert isinstance(app.screen, ResultScreen)
        codes = app.engine.result().code_list
        assert codes == headless_codes(loaded, case)
        table = plain(app.screen.query_one("#code-table", Static))
        for code in codes:
            assert code in table


async def test_a_stop_shows_its_message_on_the_result() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await answer_by_keys(pilot, CASES["out_of_scope_stop"])
        status = plain(app.screen.query_one("#status", Static))
        assert "STOP" in status and "Out of scope: code the region documented." in status


async def test_codes_build_up_with_descriptions_role_and_written_warnings() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await answer_by_keys(pilot, {"region": "low_back", "injury": "none", "pregnant": "no"})
        text = code_panel_text(app)
        assert "M54.50" in text and "Low back pain, unspecified" in text and "first-listed" in text
        await pilot.press("b")  # undo 'pregnant'
        await pilot.press("1", "2")  # pregnant = no, chronic = yes
        await pilot.pause()
        result_text = plain(app.screen.query_one("#code-table", Static))
        assert "G89.29" in result_text and "Other chronic pain" in result_text
        warnings = [box for box in app.screen.query(MarkBox) if box.kind == "warning"]
        assert [str(box.label) for box in warnings] == [WARNING_PREFIX + "G89 only when the provider writes chronic."]


async def test_options_and_answers_answer_to_the_mouse() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        # Inside the options' border: row 1 is option 1, row 2 option 2.
        await pilot.click(OptionsList, offset=(4, 1))
        await pilot.pause()
        assert app.engine.answers == {"region": "low_back"}
        await pilot.click("#steps", offset=(4, 1))  # the first answer in the Answers panel
        await pilot.pause()
        assert app.screen.changing == "region"
        await pilot.click(OptionsList, offset=(4, 2))  # thoracic
        await pilot.pause()
        assert isinstance(app.screen, ResultScreen)
        assert app.engine.result().code_list == headless_codes(app.loaded, CASES["thoracic"])


async def test_backspace_and_b_go_back_one_question() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1", "1")
        assert app.engine.current.id == "pregnant"
        await pilot.press("backspace")
        assert app.engine.current.id == "injury"
        await pilot.press("b")
        assert app.engine.current.id == "region"
        assert app.engine.path == []


async def test_back_from_the_result_returns_to_the_last_question() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await answer_by_keys(pilot, CASES["thoracic"])
        assert isinstance(app.screen, ResultScreen)
        await pilot.press("b")
        await pilot.pause()
        assert isinstance(app.screen, QuestionScreen)
        assert app.engine.current.id == "region"


async def select_path_step(pilot, question_id: str) -> None:  # noqa: ANN001
    steps = pilot.app.screen.query_one("#steps", OptionList)
    index = [steps.get_option_at_index(i).id for i in range(steps.option_count)].index(question_id)
    steps.focus()
    steps.highlighted = index
    await pilot.press("enter")
    await pilot.pause()


async def test_changing_an_earlier_answer_drops_what_no_longer_applies_and_says_so() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await answer_by_keys(pilot, {"region": "low_back", "injury": "none", "pregnant": "yes", "weeks": 20})
        assert app.engine.current.id == "chronic"
        await select_path_step(pilot, "pregnant")
        screen = app.screen
        assert screen.changing == "pregnant"
        assert "Changing an earlier answer" in plain(screen.query_one("#status", Static))
        assert "(current answer)" in option_texts(screen.query_one(OptionsList))[1]
        await pilot.press("1")  # pregnant: no
        await pilot.pause()
        assert app.engine.current.id == "chronic"
        assert [s.question for s in app.engine.path] == ["region", "injury", "pregnant"]
        dropped = plain(screen.query_one("#dropped", Static))
        assert "Dropped" in dropped and "Weeks of gestation?" in dropped and "20 weeks" in dropped
        assert any("Dropped" in n.message for n in app._notifications)


async def test_changing_an_answer_keeps_later_answers_that_still_apply() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await answer_by_keys(pilot, CASES["low_back_chronic"])
        assert isinstance(app.screen, ResultScreen)
        await select_path_step(pilot, "injury")  # from the result screen's answers panel
        assert isinstance(app.screen, QuestionScreen)
        await pilot.press("2")  # injury: strain; encounter is now asked
        await pilot.pause()
        assert app.engine.current.id == "encounter"
        assert [s.question for s in app.engine.pending] == ["pregnant"]
        assert [s.question for s in app.last_dropped] == ["chronic"]
        steps = option_texts(app.screen.query_one("#steps", OptionList))
        assert "kept" in steps[-1] and "Is the patient pregnant?" in steps[-1]
        await pilot.press("1")  # encounter: initial; the kept answer to 'pregnant' applies itself
        await pilot.pause()
        assert isinstance(app.screen, ResultScreen)
        expected = headless_codes(app.loaded, {"region": "low_back", "injury": "strain", "encounter": "initial", "pregnant": "no"})
        assert app.engine.result().code_list == expected


async def test_escape_keeps_the_answer_when_changing() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1", "1")
        await select_path_step(pilot, "region")
        assert app.screen.changing == "region"
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.changing is None
        assert app.engine.current.id == "pregnant"
        assert [s.answer for s in app.engine.path] == ["low_back", "none"]


@pytest.mark.parametrize("typed", ["99", "0", "abc", "12.5", ""])
async def test_bad_numeric_input_is_explained_and_not_accepted(typed: str) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await answer_by_keys(pilot, {"region": "low_back", "injury": "none", "pregnant": "yes"})
        assert app.engine.current.id == "weeks"
        number = app.screen.query_one("#number", Input)
        assert number.has_focus
        await pilot.press(*typed, "enter")
        await pilot.pause()
        assert app.engine.current.id == "weeks"
        assert "weeks" not in app.engine.answers
        error = app.screen.query_one("#number-error", Static)
        assert error.display and "1 to 45 weeks" in plain(error)
        await pilot.press(*["backspace"] * len(typed), "2", "8", "enter")
        await pilot.pause()
        assert app.engine.answers["weeks"] == 28


async def test_named_option_of_a_numeric_question_can_be_chosen() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await answer_by_keys(pilot, {"region": "low_back", "injury": "none", "pregnant": "yes", "weeks": "unknown"})
        assert app.engine.answers["weeks"] == "unknown"
        assert app.engine.current.id == "chronic"


async def test_backspace_in_the_empty_number_box_goes_back() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await answer_by_keys(pilot, {"region": "low_back", "injury": "none", "pregnant": "yes"})
        await pilot.press("4", "backspace")
        assert app.engine.current.id == "weeks"
        await pilot.press("backspace")
        await pilot.pause()
        assert app.engine.current.id == "pregnant"


async def test_checklist_items_are_ticked_and_warnings_acknowledged_on_the_result() -> None:
    recorder = FakeRecorder()
    app = make_app(recorder=recorder)
    async with app.run_test(size=SIZE) as pilot:
        await answer_by_keys(pilot, CASES["low_back_chronic"])
        boxes = {box.item_id: box for box in app.screen.query(MarkBox)}
        assert set(boxes) == {"rule:chronic", "region", "g89_word"}
        boxes["region"].focus()
        await pilot.press("enter")
        await pilot.click(boxes["g89_word"])
        boxes["rule:chronic"].focus()
        await pilot.press("space")
        await pilot.pause()
        assert app.marks.checked == {"region", "g89_word"}
        assert app.marks.acknowledged == {"rule:chronic"}
        assert boxes["rule:chronic"].disabled
        boxes["region"].focus()
        await pilot.press("enter")  # untick
        await pilot.pause()
        assert app.marks.checked == {"g89_word"}
        transcript = app.transcript()
        assert transcript.checked == frozenset({"g89_word"}) and transcript.acknowledged == frozenset({"rule:chronic"})
        app._relay.join()
        ticks = [value for kind, value in recorder.calls if kind in ("ticked", "acknowledged")]
        assert ticks == [("region", True), ("g89_word", True), "rule:chronic", ("region", False)]


async def test_the_recorder_hears_every_move_on_a_worker_thread() -> None:
    recorder = FakeRecorder()
    app = make_app(recorder=recorder)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1", "1", "b", "2")
        await pilot.press("r", "y")
        await pilot.pause()
        app._relay.join()
    answered = [value for kind, value in recorder.calls if kind == "answered"]
    assert answered == [
        {"region": "low_back"},
        {"region": "low_back", "injury": "none"},
        {"region": "low_back"},
        {"region": "low_back", "injury": "strain"},
        {},
    ]
    assert recorder.threads and "MainThread" not in recorder.threads


async def test_restart_asks_first() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1", "1")
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        assert len(app.engine.path) == 2
        await pilot.press("r")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, QuestionScreen)
        assert app.engine.path == [] and app.engine.current.id == "region"


async def test_restart_from_the_result_returns_to_the_first_question() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await answer_by_keys(pilot, CASES["thoracic"])
        await pilot.press("r", "y")
        await pilot.pause()
        assert isinstance(app.screen, QuestionScreen)
        assert app.engine.current.id == "region"


@pytest.mark.parametrize("key", ["question_mark", "f1"])
async def test_help_shows_the_question_help_and_every_binding(key: str) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(key)
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert "The region picks the code family." in plain(app.screen.query_one("#question-help", Static))
        table = app.screen.query_one("#keys", DataTable)
        rows = [table.get_row_at(i) for i in range(table.row_count)]
        ids = {row[2] for row in rows}
        expected = {"back", "restart", "help", "quit", "command_palette", "teaching", "copy", "export", "cancel_change"}
        expected |= {f"choose_{n}" for n in range(1, 10)}
        assert expected <= ids
        keys = {row[2]: row[0] for row in reversed(rows)}
        assert "b" in keys["back"] and "⌫" in keys["back"]
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, QuestionScreen)


async def test_every_binding_of_the_app_has_an_id_and_a_description() -> None:
    from textual.app import App
    from textual.binding import Binding

    app = make_app()
    textual_own = set(Binding.make_bindings(App.BINDINGS))
    for _, bindings in app.binding_sections():
        for binding in Binding.make_bindings(bindings):
            if binding in textual_own:
                continue
            assert binding.id, binding
            assert binding.description, binding


async def test_t_toggles_the_teaching_note() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert not [note for note in app.screen.query("#teaching") if note.display]
        await pilot.press("t")
        teaching = app.screen.query_one("#teaching", Static)
        assert teaching.display and "Back pain NOS is M54.9." in plain(teaching)
        await pilot.press("t")
        assert not teaching.display
        await pilot.press("t")
        await pilot.press("1")  # the next question has no note, and says so
        await pilot.pause()
        assert "No teaching note" in plain(teaching)


async def test_t_on_the_result_explains_each_code_from_the_tree() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await answer_by_keys(pilot, CASES["low_back_chronic"])
        why = app.screen.query_one("#why", Static)
        assert not why.display
        await pilot.press("t")
        text = plain(why)
        assert why.display
        assert "Low back pain without a more specific diagnosis. [TAB M54.50]" in text
        assert "Where is the pain? Low back" in text and "Teaching: Back pain NOS is M54.9." in text


async def test_copy_puts_the_text_transcript_on_the_clipboard() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await answer_by_keys(pilot, CASES["low_back_chronic"])
        await pilot.press("c")
        assert "M54.50" in app.clipboard and "G89.29" in app.clipboard
        assert "Documentation checklist" in app.clipboard


async def test_export_saves_the_chosen_format_in_the_folder(tmp_path) -> None:  # noqa: ANN001
    from datetime import datetime

    app = make_app(export_dir=tmp_path, now=lambda: datetime(2026, 5, 1, 9, 30, 0))
    async with app.run_test(size=SIZE) as pilot:
        await answer_by_keys(pilot, CASES["low_back_chronic"])
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ExportScreen)
        path_input = app.screen.query_one("#path", Input)
        assert path_input.value == str(tmp_path / "demo-20260501-093000.txt")
        app.screen.query("RadioButton")[1].value = True  # markdown
        await pilot.pause()
        assert path_input.value.endswith(".md")
        path_input.focus()
        await pilot.press("enter")
        await pilot.pause()
        await settle(app)
        await pilot.pause()
        saved = tmp_path / "demo-20260501-093000.md"
        assert saved.exists() and "M54.50" in saved.read_text()
        assert isinstance(app.screen, ResultScreen)
        # The same name again is refused in the dialog, not overwritten.
        await pilot.press("e")
        await pilot.pause()
        app.screen.query("RadioButton")[1].value = True
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ExportScreen)
        assert "already exists" in plain(app.screen.query_one("#error", Static))


async def test_the_command_palette_offers_the_apps_commands() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1")
        await run_command(pilot, "restart")
        assert isinstance(app.screen, ConfirmScreen)


async def test_switch_tree_from_the_palette_loads_another_tree(tmp_path) -> None:  # noqa: ANN001
    other = tmp_path / "other.toml"
    other.write_text(DEMO.read_text().replace('title = "Demo tree"', 'title = "Other tree"'))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1")
        app.action_switch_tree()
        await pilot.pause()
        value = app.screen.query_one("#value", Input)
        value.value = str(other)
        await pilot.press("enter")
        await settle(app)
        await pilot.pause()
        assert app.title == "Other tree"
        assert app.engine.path == [] and app.loaded.path == other
        await pilot.pause()
        assert "Other tree — demo v1.0.0" in title_bar_text(app)  # the bar follows the title


def title_bar_text(app: WizardApp) -> str:
    from wizard.ui.widgets.title_bar import TitleBar

    bar = app.screen.query_one(TitleBar)
    return "".join(segment.text for strip in bar.render_lines(bar.region.reset_offset) for segment in strip)


async def test_the_title_bar_shows_the_tree_and_its_icon_opens_the_command_palette() -> None:
    from textual.command import CommandPalette

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = title_bar_text(app)
        assert text.startswith(" ⭘") and "Demo tree — demo v1.0.0" in text and len(text) == SIZE[0]
        await pilot.click("TitleBar", offset=(20, 0))  # the title: nothing happens
        await pilot.pause()
        assert not isinstance(app.screen, CommandPalette)
        await pilot.click("TitleBar", offset=(1, 0))  # the icon
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)


async def test_descriptions_arrive_from_the_worker_after_the_first_paint(monkeypatch) -> None:  # noqa: ANN001
    import wizard.icd

    monkeypatch.setattr(wizard.icd, "load_tabular", lambda: FakeDescriber(), raising=False)
    app = WizardApp(demo_tree())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1", "1", "1")
        await settle(app)
        await pilot.pause()
        assert app.engine.coder.describer is not None
        assert "Low back pain, unspecified" in code_panel_text(app)


async def test_without_icd_data_codes_still_show_and_the_reason_is_given(monkeypatch) -> None:  # noqa: ANN001
    import wizard.icd.tabular

    def broken(path: object = None) -> None:
        raise FileNotFoundError("icd10cm data file missing")

    # The release in force is chosen, then its data file cannot be read.
    monkeypatch.setattr(wizard.icd.tabular, "load_tabular", broken)
    app = WizardApp(demo_tree())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1", "1", "1")
        await settle(app)
        await pilot.pause()
        assert "M54.50" in code_panel_text(app)
        assert "ICD data not loaded" in code_panel_text(app)
        assert any("icd10cm data file missing" in n.message for n in app._notifications)


@pytest.mark.parametrize(("size", "layout"), [((80, 24), "-narrow"), ((120, 36), "-wide")])
async def test_layout_follows_the_terminal_width(size: tuple[int, int], layout: str) -> None:
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        assert app.screen.has_class(layout)
        side = app.screen.query_one("#side")
        main = app.screen.query_one("#main")
        if layout == "-wide":
            assert side.region.x > main.region.x  # beside
        else:
            assert side.region.y > main.region.y  # below


async def test_dark_and_light_themes_toggle() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        dark = app.current_theme.dark
        app.action_toggle_dark()
        await pilot.pause()
        assert app.current_theme.dark is not dark


@pytest.mark.skipif(not default_tree_path().exists(), reason="the shipped tree is still being written")
async def test_the_shipped_tree_opens_on_its_first_question() -> None:
    loaded = load_tree(default_tree_path())
    app = WizardApp(loaded, describer=FakeDescriber(), load_icd=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert plain(app.screen.query_one("#prompt", Static)) == loaded.tree.questions[0].prompt


def shipped_cases() -> list[tuple[str, dict[str, object]]]:
    """A spread of the shipped case library: every eighth case, and the first with a number."""
    import tomllib

    library = default_tree_path().parent / "cases" / "low_back_pain.toml"
    if not library.exists():
        return []
    cases = tomllib.loads(library.read_text(encoding="utf-8")).get("case", [])
    numeric = next((c for c in cases if any(isinstance(v, int) for v in c["answers"].values())), None)
    chosen = [c for n, c in enumerate(cases) if n % 8 == 0 or c is numeric]
    return [(c["id"], c["answers"]) for c in chosen]


SHIPPED = shipped_cases()


@pytest.mark.skipif(not SHIPPED, reason="the shipped tree or its case library is still being written")
@pytest.mark.parametrize("answers", [a for _, a in SHIPPED], ids=[i for i, _ in SHIPPED])
async def test_shipped_cases_walked_by_keys_give_the_headless_codes(answers: dict[str, object]) -> None:
    loaded = load_tree(default_tree_path())
    app = make_app(loaded)
    async with app.run_test(size=SIZE) as pilot:
        await answer_by_keys(pilot, answers)
        assert app.engine.finished
        assert app.engine.result().code_list == headless_codes(loaded, answers)
