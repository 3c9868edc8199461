"""Pick a saved session of this tree to continue; returns its id, or None."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from wizard.ui.session_link import SavedSession
from wizard.text import one_line


class SessionsScreen(ModalScreen[str | None]):
    CSS_PATH = "modal.tcss"
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="sessions_cancel")]

    def __init__(self, sessions: Sequence[SavedSession], folder: str) -> None:
        super().__init__()
        self.sessions = list(sessions)
        self.folder = folder

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("Open a saved session", classes="dialog-title")
            if self.sessions:
                yield Static(Content(one_line(f"Its answers replace the ones on screen. Folder: {self.folder}")), classes="dialog-detail")
                yield OptionList(*(Option(Content(one_line(s.describe())), id=s.id) for s in self.sessions), id="sessions")
            else:
                yield Static(Content(one_line(f"No saved session of this tree in {self.folder}. Esc to go back.")), classes="dialog-detail")
        yield Footer()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
