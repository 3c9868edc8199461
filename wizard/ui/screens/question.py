"""The question screen: prompt, why we ask, the options or a number; beside it the answers and the codes so far."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, OptionList, Static

from wizard.engine.coder import answer_label
from wizard.engine.engine import AnswerError
from wizard.text import clean
from wizard.tree.models import Answer, Question
from wizard.ui.screens.frame import WizardFrame
from wizard.ui.widgets.options import MAX_NUMBERED, OptionsList

if TYPE_CHECKING:
    from wizard.ui.widgets.code_panel import CodePanel
    from wizard.ui.widgets.number_input import NumberInput
    from wizard.ui.widgets.path_panel import PathPanel
    from wizard.ui.widgets.tick_list import TickList


def choose_bindings() -> list[Binding]:
    """Keys 1-9 answer with that option; the footer shows them once, as 1-9."""
    first = Binding("1", "choose(1)", "Choose", key_display=f"1-{MAX_NUMBERED}", id="choose_1", tooltip="Answer with option 1 (keys 1-9); on a list to tick, tick it")
    rest = [Binding(str(n), f"choose({n})", f"Option {n}", show=False, id=f"choose_{n}") for n in range(2, MAX_NUMBERED + 1)]
    return [first, *rest]


class QuestionScreen(WizardFrame, Screen[None]):
    CSS_PATH = "question.tcss"
    FOOTER = False  # mounted just after the first paint (_complete)
    BINDINGS = [
        *choose_bindings(),
        Binding("t", "teaching", "Notes", id="teaching", tooltip="Show or hide the teaching notes"),
        Binding("a", "accept_note", "Accept note", id="accept_note", tooltip="Accept the answers the provider's note suggests, one question after another"),
        Binding("escape", "cancel_change", "Keep answer", id="cancel_change", tooltip="Keep the answer being changed"),
    ]

    def __init__(self) -> None:
        super().__init__()
        # The id of an answered question shown again to change its answer, or None.
        self.changing: str | None = None
        self._shown: tuple[str, Answer | None, Answer | None] | None = None
        # Whether the footer last showed the keys of a change (Esc: keep answer), or None.
        self._footer_changing: bool | None = None
        # Whether the side panels and the footer are mounted (see _complete).
        self._completed = False

    def compose_main(self) -> ComposeResult:
        yield Static(id="status")
        yield Static(id="prompt")
        yield Static(id="help")
        # Mounted here later, each in its place: the number box with its keys just after the
        # first paint (_complete); the teaching note (t) and the line that says why an answer
        # was refused when first needed. The first paint is sooner.
        yield OptionsList(id="options")

    def side_panel(self) -> Widget:
        # Filled right after the first paint (_complete); empty, it already holds its place,
        # so nothing moves when the panels arrive.
        return Vertical(id="side")

    def on_mount(self) -> None:
        self.call_after_refresh(self._complete)

    async def _complete(self) -> None:
        """The answers, the codes and the footer's keys, mounted once the first question is
        on screen: at launch they are empty or known by heart, and styling and laying them
        out first would double the time to the first question (bench/startup.py). The number
        box too, hidden until a question asks for a number: mounting it then (a new kind of
        widget, whose styles Textual must add) would slow that answer."""
        from textual.widgets import Footer

        from wizard.ui.widgets.code_panel import CodePanel
        from wizard.ui.widgets.path_panel import PathPanel

        await self.query_one("#side", Vertical).mount(PathPanel(id="path"), CodePanel(id="codes"))
        await self.mount(Footer())
        shown = self.shown_question()
        self._show_number_box(self._number_input(mount=True), shown)
        self.refresh_bindings()  # the footer shows the keys once the screen's bindings are next updated
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
            cast("PathPanel", self.query_one("#path")).show(engine.path, engine.pending, app.last_dropped, from_note=engine.origins)
            cast("CodePanel", self.query_one("#codes")).show(engine.result(), loading=app.icd_loading)
        if question is None:
            return
        current = engine.answers.get(question.id) if self.changing else None
        suggested, evidence, conflict = (None, [], None) if self.changing else app.suggestion_for(question.id)
        self._show_status(len(engine.path))
        self.query_one("#prompt", Static).update(Content(clean(question.prompt)))
        self.query_one("#help", Static).update(Content.assemble(("Why we ask: ", "bold"), clean(question.help)))
        self._show_teaching(question)
        self._show_suggestion(question, suggested, evidence, conflict)
        if self._shown != (question.id, current, suggested):
            # Only a new question (or a suggestion arriving) resets the input and the
            # highlight; a refresh keeps them.
            self._shown = (question.id, current, suggested)
            self._show_answers(question, current, suggested)

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
        teaching = self._line("#teaching", needed=self.wizard.show_teaching, after="#help")
        if teaching is not None:
            teaching.display = self.wizard.show_teaching
            note = question.teaching or "No teaching note for this question."
            teaching.update(Content.assemble(("Teaching: ", "bold"), clean(note)))

    def _show_suggestion(self, question: Question, suggested: Answer | None, evidence: list[Any], conflict: Any) -> None:
        """Under the prompt: the note's words behind its suggestion, or the two ways it answers."""
        line = self._line("#suggestion", needed=suggested is not None or conflict is not None, after="#help")
        if line is None:
            return
        line.display = suggested is not None or conflict is not None
        if conflict is not None:
            said = "; ".join(f'"{clean(quote)}" ({clean(answer_label(self.wizard.engine.tree, question.id, answer))})' for answer, quote in zip(conflict.answers, conflict.quotes, strict=True))
            line.update(Content.assemble(("The note says more than one answer: ", "bold"), said, ". Choose one."))
        elif suggested is not None:
            quotes = "; ".join(dict.fromkeys(f'"{clean(e.quote)}"' for e in evidence)) or "(no words kept)"
            keys = "Space ticks, Enter confirms" if question.many else "Enter accepts it"
            line.update(Content.assemble(("From the note: ", "bold"), quotes, (f"   {keys}; another choice overrides it; a accepts the note's answers in a row.", "dim")))

    def _line(self, selector: str, needed: bool, **place: str) -> Static | None:
        """The Static `selector` of the question column, mounted at `place` (before= or
        after= another) the first time it is needed; None while it has never been."""
        return self._mounted(selector, needed, lambda: Static(id=selector.removeprefix("#")), **place)

    def _mounted(self, selector: str, needed: bool, make: Callable[[], Widget], **place: str) -> Any:
        """The widget `selector` of the question column, made by `make` and mounted at `place`
        the first time it is needed; None while it has never been."""
        try:
            return self.query_one(selector)
        except NoMatches:
            if not needed:
                return None
        widget = make()
        self.query_one("#main", Vertical).mount(widget, **place)  # type: ignore[arg-type]
        return widget

    def _show_answers(self, question: Question, current: Answer | None, suggested: Answer | None = None) -> None:
        options = self.query_one("#options", OptionsList)
        ticks = self._tick_list(mount=question.many)
        if ticks is not None:
            ticks.display = question.many
        if question.many:
            assert ticks is not None
            options.display = False
            ticks.show(question, current, suggested)
        else:
            options.show(question, current, suggested)
        is_number = question.number is not None
        number = self._number_input(mount=is_number)
        self._show_number_box(number, question)
        self._error("")
        if number is not None and is_number:
            number.show(question, current if current is not None else suggested if isinstance(suggested, int) else None)
            if isinstance(suggested, str) and current is None:
                options.focus()  # the note names an option ("unknown"): Enter accepts it there
                return
            number.focus()
        else:
            (ticks if question.many and ticks is not None else options).focus()

    def _tick_list(self, mount: bool) -> TickList | None:
        """The list to tick of a question with several answers, mounted under the options the
        first time such a question is shown (most encounters never need it); None until then."""

        def make() -> TickList:
            from wizard.ui.widgets.tick_list import TickList

            return TickList(id="ticks")

        return self._mounted("#ticks", mount, make, after="#options")

    def _show_number_box(self, number: NumberInput | None, question: Question | None) -> None:
        """Show the number box, its keys and "or choose:" for a numeric question, else hide them."""
        if number is None:
            return
        is_number = question is not None and question.number is not None
        number.display = is_number
        self.query_one("#number-keys").display = is_number
        self.query_one("#or").display = is_number and bool(question and question.options)

    def _number_input(self, mount: bool) -> NumberInput | None:
        """The number box with its keys and "or choose:", mounted (with mount) just after the
        first paint, or before it when the first question asks for a number. None until then."""
        try:
            return self.query_one("#number", Input)  # type: ignore[return-value]
        except NoMatches:
            if not mount:
                return None
        from wizard.ui.widgets.number_input import NumberInput

        number = NumberInput(id="number", validate_on=["submitted"])
        keys = Static("Enter: answer   Tab: the options   Backspace in the empty box: back", id="number-keys")
        main = self.query_one("#main", Vertical)
        if self.query("#number-error"):  # the box goes over the error line, its keys under it
            main.mount(number, before="#number-error")
            main.mount(keys, Static("or choose:", id="or"), after="#number-error")
        else:
            main.mount(number, keys, Static("or choose:", id="or"), before="#options")
        return number

    def _error(self, text: str) -> None:
        # Under the number box, or over the options while there is none.
        place = {"after": "#number"} if self.query("#number") else {"before": "#options"}
        error = self._line("#number-error", needed=bool(text), **place)
        if error is not None:
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

    def on_tick_list_confirmed(self, event: TickList.Confirmed) -> None:
        event.stop()
        self.submit(event.chosen)

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
        """Answer with option `number`; on a list to tick, tick or untick it instead."""
        question = self.shown_question()
        if question is not None and question.many:
            ticks = self._tick_list(mount=False)
            if ticks is not None and ticks.toggle_at(number):
                return
            option_id = None
        else:
            option_id = self.query_one("#options", OptionsList).option_id_at(number)
        if option_id is None:
            self.notify(f"There is no option {number} here.", severity="warning", timeout=2)
            return
        self.submit(option_id)

    def action_teaching(self) -> None:
        self.wizard.show_teaching = not self.wizard.show_teaching
        question = self.shown_question()
        if question is not None:
            self._show_teaching(question)

    def action_accept_note(self) -> None:
        try:
            accepted = self.wizard.accept_note()
        except AnswerError as error:
            self._error(str(error))
            return
        if not accepted:
            self.notify("The note suggests no answer for this question.", severity="warning", timeout=3)

    def action_cancel_change(self) -> None:
        self.changing = None
        self.wizard.end_change()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cancel_change":
            return self.changing is not None
        if action == "accept_note":
            return self.wizard.suggestions is not None and self.changing is None
        return True
