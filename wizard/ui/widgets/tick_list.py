"""The options of a question with several answers: tick any of them, then confirm them together.

Space (or a click, or the option's number key on the question screen) ticks or unticks an
option; Enter answers with the options ticked, none of them included; the last row says what
Enter would answer and answers it when clicked. The ticks are what the clinician is choosing,
not an answer yet: the engine gets the set only on confirming.
"""

from __future__ import annotations

from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.widgets.option_list import Option

from wizard.text import clean
from wizard.tree.models import Answer, Question
from wizard.ui.widgets.kept_visual import KeptRichVisual
from wizard.ui.widgets.options import OptionsList, option_prompt

CONFIRM_ID = "__confirm__"


class TickList(OptionsList):
    """A question's options with a tick box each, and a last row that confirms the ticks."""

    BINDINGS = [
        Binding("space", "toggle", "Tick", id="tick", tooltip="Tick or untick the highlighted option"),
        Binding("enter", "confirm", "Done", id="confirm_ticks", tooltip="Answer with the options ticked (none ticked: none of them)"),
    ]

    class Confirmed(Message):
        """The ticked options, in the order they are listed, were confirmed as the answer."""

        def __init__(self, chosen: tuple[str, ...]) -> None:
            super().__init__()
            self.chosen = chosen

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._question: Question | None = None
        self._ticked: set[str] = set()
        self._suggested: set[str] = set()

    @property
    def chosen(self) -> tuple[str, ...]:
        """The options ticked, in the order the question lists them."""
        question = self._question
        return tuple(i for i in question.option_ids() if i in self._ticked) if question else ()

    def show(self, question: Question, current: Answer | None = None, suggested: Answer | None = None) -> None:
        """Ask `question` with the ticks of `current` (an answer being changed), else of the
        note's suggestion, else of its default; the options the note suggests are marked."""
        self._question = question
        self._suggested = set(suggested) if isinstance(suggested, tuple) else set()
        if isinstance(current, tuple):
            ticked = current
        elif isinstance(suggested, tuple):
            ticked = suggested
        else:
            ticked = question.default if isinstance(question.default, list) else ()
        self._ticked = set(ticked)
        self.clear_options()
        self.add_options(self._option(number, option.id) for number, option in enumerate(question.options, 1))
        self.add_option(Option(self._confirm_prompt(), id=CONFIRM_ID))
        self.highlighted = 0
        self.display = True

    def toggle(self, option_id: str) -> None:
        """Tick an option that is not ticked, untick one that is."""
        self._ticked ^= {option_id}
        assert self._question is not None
        number = self._question.option_ids().index(option_id) + 1
        self.replace_option_prompt(option_id, self._option(number, option_id).prompt)
        self.replace_option_prompt(CONFIRM_ID, self._confirm_prompt())

    def toggle_at(self, number: int) -> bool:
        """Toggle the option shown with `number` (1-based); False when there is none."""
        option_id = self.option_id_at(number)
        if option_id is None or option_id == CONFIRM_ID:
            return False
        self.toggle(option_id)
        return True

    def action_toggle(self) -> None:
        if self.highlighted is None:
            return
        option_id = self.get_option_at_index(self.highlighted).id
        if option_id == CONFIRM_ID:
            self.action_confirm()
        elif option_id is not None:
            self.toggle(option_id)

    def action_select(self) -> None:
        # A click: it ticks the option clicked, or confirms on the last row (Enter is bound
        # to confirm, so only the mouse comes here).
        self.action_toggle()

    def action_confirm(self) -> None:
        self.post_message(self.Confirmed(self.chosen))

    def _option(self, number: int, option_id: str) -> Option:
        assert self._question is not None
        option = self._question.option(option_id)
        assert option is not None
        prompt = option_prompt(number, option, current=False, ticked=option_id in self._ticked, suggested=option_id in self._suggested)
        return Option(KeptRichVisual(self, prompt), id=option_id)

    def _confirm_prompt(self) -> Content:
        """What Enter would answer; Content, so that a label is shown as written, never as markup."""
        assert self._question is not None
        labels = [clean(o.label) for o in self._question.options if o.id in self._ticked]
        return Content.assemble(("Done (Enter): ", "bold"), "; ".join(labels) if labels else "none of these")
