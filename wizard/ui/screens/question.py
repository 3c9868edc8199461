"""The question screen: prompt, why we ask, the options or a number; beside it the answers and the codes so far."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, OptionList, Static

from wizard.engine.engine import AnswerError
from wizard.text import clean
from wizard.tree.models import Answer, Question
from wizard.ui.screens import BREAKPOINTS
from wizard.ui.widgets.code_panel import CodePanel
from wizard.ui.widgets.number_input import AnswerValidator, NumberInput, number_hint
from wizard.ui.widgets.options import MAX_NUMBERED, OptionsList
from wizard.ui.widgets.path_panel import PathPanel

if TYPE_CHECKING:
    from wizard.ui.app import WizardApp



def choose_bindings() -> list[Binding]:
    """Keys 1-9 answer with that option; the footer shows them once, as 1-9."""
    first = Binding("1", "choose(1)", "Choose", key_display=f"1-{MAX_NUMBERED}", id="choose_1", tooltip="Answer with option 1 (keys 1-9)")
    rest = [Binding(str(n), f"choose({n})", f"Option {n}", show=False, id=f"choose_{n}") for n in range(2, MAX_NUMBERED + 1)]
    return [first, *rest]


class QuestionScreen(Screen[None]):
    CSS_PATH = "question.tcss"
    HORIZONTAL_BREAKPOINTS = BREAKPOINTS
    BINDINGS = [
        *choose_bindings(),
        Binding("t", "teaching", "Notes", id="teaching", tooltip="Show or hide the teaching notes"),
        Binding("escape", "cancel_change", "Keep answer", id="cancel_change", tooltip="Keep the answer being changed"),
    ]

    def __init__(self) -> None:
        super().__init__()
        # The id of an answered question shown again to change its answer, or None.
        self.changing: str | None = None
        self._shown: tuple[str, Answer | None] | None = None
        # Whether the footer last showed the keys of a change (Esc: keep answer), or None.
        self._footer_changing: bool | None = None
        # Whether the side panels and the footer are mounted (see _complete).
        self._completed = False

    @property
    def wizard(self) -> WizardApp:
        return cast("WizardApp", self.app)

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="body"):
            with Vertical(id="main"):
                yield Static(id="status")
                yield Static(id="prompt")
                yield Static(id="help")
                yield Static(id="teaching")
                yield NumberInput(id="number", validate_on=["submitted"])
                yield Static(id="number-error")
                yield Static("Enter: answer   Tab: the options   Backspace in the empty box: back", id="number-keys")
                yield Static("or choose:", id="or")
                yield OptionsList(id="options")
            # Filled right after the first paint (_complete); empty, it already holds its place,
            # so nothing moves when the panels arrive.
            yield Vertical(id="side")

    def on_mount(self) -> None:
        self.call_after_refresh(self._complete)

    async def _complete(self) -> None:
        """The answers, the codes and the footer's keys, mounted once the first question is
        on screen: at launch they are empty or known by heart, and styling and laying them
        out first would double the time to the first question (bench/startup.py)."""
        await self.query_one("#side", Vertical).mount(PathPanel(id="path"), CodePanel(id="codes"))
        await self.mount(Footer())
        self._completed = True
        self.refresh_view()

    def on_screen_resume(self) -> None:
        self.refresh_view()

    # -- rendering ----------------------------------------------------------------------

    def shown_question(self) -> Question | None:
        engine = self.wizard.engine
        if self.changing is not None:
            return engine.tree.question(self.changing)
        return engine.current

    def refresh_view(self) -> None:
        app = self.wizard
        engine = app.engine
        question = self.shown_question()
        if self._completed:
            self.query_one(PathPanel).show(engine.path, engine.pending, app.last_dropped)
            self.query_one(CodePanel).show(engine.result(), loading=app.icd_loading)
        if question is None:
            return
        current = engine.answers.get(question.id) if self.changing else None
        self._show_status(len(engine.path))
        self.query_one("#prompt", Static).update(Content(clean(question.prompt)))
        self.query_one("#help", Static).update(Content.assemble(("Why we ask: ", "bold"), clean(question.help)))
        self._show_teaching(question)
        if self._shown != (question.id, current):
            # Only a new question resets the input and the highlight; a refresh keeps them.
            self._shown = (question.id, current)
            self._show_answers(question, current)

    def _show_status(self, answered: int) -> None:
        status = self.query_one("#status", Static)
        if self.changing is not None:
            status.update(Content.assemble(("Changing an earlier answer. ", "bold"), "Choose the new answer, or press Esc to keep it."))
            status.add_class("-changing")
        else:
            status.update(Content.styled(f"Question {answered + 1}", "dim"))
            status.remove_class("-changing")
        self._show_keys()

    def _show_keys(self) -> None:
        """Ask the footer to show Esc (keep answer) as a change starts or ends, and only then:
        the footer rebuilds all its keys when asked, which would follow every answer."""
        changing = self.changing is not None
        if changing != self._footer_changing:
            self._footer_changing = changing
            self.refresh_bindings()

    def _show_teaching(self, question: Question) -> None:
        teaching = self.query_one("#teaching", Static)
        teaching.display = self.wizard.show_teaching
        note = question.teaching or "No teaching note for this question."
        teaching.update(Content.assemble(("Teaching: ", "bold"), clean(note)))

    def _show_answers(self, question: Question, current: Answer | None) -> None:
        options = self.query_one(OptionsList)
        number = self.query_one(NumberInput)
        options.show(question, current)
        is_number = question.number is not None
        number.display = is_number
        self.query_one("#number-keys").display = is_number
        self.query_one("#or").display = is_number and bool(question.options)
        self._error("")
        if is_number:
            number.validators = [AnswerValidator(question)]
            number.placeholder = number_hint(question).capitalize()
            number.value = str(current) if isinstance(current, int) else ""
            number.focus()
        else:
            options.focus()

    def _error(self, text: str) -> None:
        error = self.query_one("#number-error", Static)
        error.update(Content(clean(text)))  # quotes what was typed: never markup
        error.display = bool(text)

    # -- answering ----------------------------------------------------------------------

    def submit(self, value: Answer) -> None:
        try:
            if self.changing is not None:
                self.wizard.change(self.changing, value)
            else:
                self.wizard.answer(value)
        except AnswerError as error:
            self._error(str(error))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option_list.id == "options" and event.option.id:
            event.stop()
            self.submit(event.option.id)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        result = event.validation_result
        if result is not None and not result.is_valid:
            self._error(" ".join(result.failure_descriptions))
            return
        self.submit(event.value.strip())

    def on_input_changed(self, event: Input.Changed) -> None:
        self._error("")

    def on_path_panel_change_requested(self, event: PathPanel.ChangeRequested) -> None:
        self.changing = event.question_id
        self.refresh_view()

    # -- actions ------------------------------------------------------------------------

    def action_choose(self, number: int) -> None:
        option_id = self.query_one(OptionsList).option_id_at(number)
        if option_id is None:
            self.notify(f"There is no option {number} here.", severity="warning", timeout=2)
            return
        self.submit(option_id)

    def action_teaching(self) -> None:
        self.wizard.show_teaching = not self.wizard.show_teaching
        question = self.shown_question()
        if question is not None:
            self._show_teaching(question)

    def action_cancel_change(self) -> None:
        self.changing = None
        self.wizard.end_change()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cancel_change":
            return self.changing is not None
        return True
