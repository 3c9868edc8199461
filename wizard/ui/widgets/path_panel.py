"""The answers so far: select one to change it; answers kept or dropped by a change are listed."""

from __future__ import annotations

from collections.abc import Sequence

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

    def compose(self) -> ComposeResult:
        yield Static("No answers yet.", id="empty")
        yield OptionList(id="steps")
        yield Static(id="dropped")

    def on_mount(self) -> None:
        self.border_title = "Answers"
        self.border_subtitle = "Enter: change"

    def show(self, path: Sequence[Step], pending: Sequence[Step] = (), dropped: Sequence[Step] = ()) -> None:
        steps = self.query_one("#steps", OptionList)
        options = [
            Option(step_prompt(f"{number}.", Text.assemble(clean(step.prompt), "\n", (clean(step.label), "bold"))), id=step.question)
            for number, step in enumerate(path, 1)
        ]
        for step in pending:
            text = Text.assemble(clean(step.prompt), "\n", (clean(step.label), "bold"), (" (kept: applies when asked)", "italic"))
            options.append(Option(step_prompt("-", text), id=PENDING_PREFIX + step.question, disabled=True))
        # One add_options, not one add_option per step: each call re-measures the whole list.
        steps.clear_options()
        steps.add_options(options)
        if path:
            steps.highlighted = len(path) - 1
        steps.display = bool(path or pending)
        self.call_after_refresh(steps.scroll_to_highlight)
        self.query_one("#empty").display = not (path or pending)
        line = self.query_one("#dropped", Static)
        line.update(Content(dropped_line(dropped)))
        line.display = bool(dropped)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        question_id = event.option.id
        if question_id and not question_id.startswith(PENDING_PREFIX):
            self.post_message(self.ChangeRequested(question_id))


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
