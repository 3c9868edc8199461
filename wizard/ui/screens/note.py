"""Paste a provider's note to read: its answers are suggested, each for the person to confirm."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Static, TextArea


class NoteScreen(ModalScreen[str | None]):
    """A text area for the note; Read returns its text (checked), Esc returns None."""

    CSS_PATH = ["modal.tcss", "note.tcss"]
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="note_cancel"),
        Binding("ctrl+r", "read", "Read the note", id="note_read", tooltip="Read the note pasted above"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("Read a note", classes="dialog-title")
            yield Static(
                "Paste the provider's note (ctrl+v or your terminal's paste). wizard suggests the answers it states, each with "
                "its words; you confirm each one. The note is not saved.",
                classes="dialog-detail",
            )
            yield TextArea(id="note", soft_wrap=True, show_line_numbers=False)
            yield Static(id="error", classes="dialog-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Read (ctrl+r)", variant="primary", id="read")
                yield Button("Cancel (Esc)", id="cancel")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#note", TextArea).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "read":
            self.action_read()
        else:
            self.dismiss(None)

    def action_read(self) -> None:
        from wizard.notes import NoteError
        from wizard.notes.note_text import note_text

        try:
            text = note_text(self.query_one("#note", TextArea).text, "the pasted note")
        except NoteError as error:
            self.query_one("#error", Static).update(Content(str(error)))
            return
        self.dismiss(text)

    def action_cancel(self) -> None:
        self.dismiss(None)
