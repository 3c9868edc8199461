"""Asks for one line of text (a tree path, a session id) and returns it, or None when cancelled."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Button, Footer, Input, Static


class PromptScreen(ModalScreen[str | None]):
    CSS_PATH = "modal.tcss"
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="prompt_cancel")]

    def __init__(
        self, title: str, detail: str, value: str = "", suggestions: Sequence[str] = (), confirm: str = "OK", check: Callable[[str], str | None] | None = None
    ) -> None:
        """check: what is wrong with a value (shown under the box, which keeps it), or None."""
        super().__init__()
        self.check = check
        self.title_text = title
        self.detail = detail
        self.value = value
        self.suggestions = list(suggestions)
        self.confirm_label = confirm

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.title_text, classes="dialog-title")
            yield Static(self.detail, classes="dialog-detail")
            suggester = SuggestFromList(self.suggestions, case_sensitive=True) if self.suggestions else None
            yield Input(self.value, suggester=suggester, id="value")
            yield Static(id="error", classes="dialog-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.confirm_label, variant="primary", id="ok")
                yield Button("Cancel (Esc)", id="cancel")
        yield Footer()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "ok":
            self._submit()
        else:
            self.dismiss(None)

    def _submit(self) -> None:
        value = self.query_one("#value", Input).value.strip()
        problem = "Type a value, or press Esc to cancel." if not value else self.check(value) if self.check else None
        if problem:
            self.query_one("#error", Static).update(problem)
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)
