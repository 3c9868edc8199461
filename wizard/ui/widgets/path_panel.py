"""The answers so far: select one to change it; answers kept or dropped by a change are listed."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from wizard.engine.engine import Step
from wizard.text import clean, one_line
from wizard.ui.widgets.kept_visual import KeptRichVisual

PENDING_PREFIX = "pending:"


class PathPanel(Vertical):
    """Every answered question with its answer, then the kept answers not yet reached."""

    DEFAULT_CSS = """
    PathPanel { height: auto; }
    PathPanel > OptionList { height: auto; max-height: 100%; border: none; padding: 0; }
    PathPanel > #dropped { height: auto; color: $text-warning; }
    PathPanel > #empty { color: $text-muted; }
    """

    class ChangeRequested(Message):
        """The user chose an answered question to change."""

        def __init__(self, question_id: str) -> None:
            super().__init__()
            self.question_id = question_id

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        # The options shown, by what they say: each answer adds one, the others are kept with
        # their measured and drawn lines (see KeptRichVisual).
        self._options: dict[tuple[str, str, str, str, bool], Option] = {}

    def compose(self) -> ComposeResult:
        yield Static("No answers yet.", id="empty")
        yield OptionList(id="steps")
        yield Static(id="dropped")

    def on_mount(self) -> None:
        self.border_title = "Answers"
        self.border_subtitle = "Enter: change"

    def show(self, path: Sequence[Step], pending: Sequence[Step] = (), dropped: Sequence[Step] = (), from_note: Collection[str] = ()) -> None:
        """The path; answers in `from_note` were the note's suggestions, confirmed, and say so."""
        steps = self.query_one("#steps", OptionList)
        self._show_steps(steps, path, pending, frozenset(from_note))
        if path:
            steps.highlighted = len(path) - 1
        steps.display = bool(path or pending)
        self.call_after_refresh(steps.scroll_to_highlight)
        self.query_one("#empty").display = not (path or pending)
        line = self.query_one("#dropped", Static)
        line.update(Content(dropped_line(dropped)))
        line.display = bool(dropped)

    def _show_steps(self, steps: OptionList, path: Sequence[Step], pending: Sequence[Step], from_note: frozenset[str]) -> None:
        """List the answered steps, then the pending ones, with the options already made for them."""
        rows = [(f"{number}.", step, False) for number, step in enumerate(path, 1)]
        rows += [("-", step, True) for step in pending]
        made, self._options = self._options, {}
        for marker, step, is_pending in rows:
            noted = step.question in from_note and not is_pending
            key = (marker, step.question, step.prompt, step.label, noted)
            self._options[key] = made.get(key) or step_option(steps, marker, step, is_pending, noted)
        # The list is laid out afresh each time (whether it needs a scrollbar depends on how its
        # options wrap beside one), which costs little now that they keep their lines.
        # One add_options, not one add_option per step: each call re-measures the whole list.
        steps.clear_options()
        steps.add_options(self._options.values())

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        question_id = event.option.id
        if question_id and not question_id.startswith(PENDING_PREFIX):
            self.post_message(self.ChangeRequested(question_id))


def step_option(steps: OptionList, marker: str, step: Step, pending: bool, from_note: bool = False) -> Option:
    """The option for one step: its prompt and answer; a pending step is shown but not chosen;
    an answer confirmed from the note says so (in words, not only colour)."""
    text = Text.assemble(clean(step.prompt), "\n", (clean(step.label), "bold"))
    if from_note:
        text.append(" (from the note)", style="italic")
    if pending:
        text.append(" (kept: applies when asked)", style="italic")
        return Option(KeptRichVisual(steps, step_prompt(marker, text)), id=PENDING_PREFIX + step.question, disabled=True)
    return Option(KeptRichVisual(steps, step_prompt(marker, text)), id=step.question)


def step_prompt(marker: str, text: Text) -> Table:
    """A marker column and the text beside it, so wrapped prompts stay indented."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True, style="dim")
    grid.add_column()
    grid.add_row(marker, text)
    return grid


def dropped_line(dropped: Sequence[Step]) -> str:
    """The text that names the answers a change dropped, or "" when none was."""
    if not dropped:
        return ""
    return "Dropped by the change: " + "; ".join(one_line(f"{s.prompt} {s.label}") for s in dropped)
