"""Asks for the export format and the file to write; the app renders and writes it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Input, RadioButton, RadioSet, Static

from wizard.text import one_line

EXTENSIONS = {"text": ".txt", "markdown": ".md", "json": ".json", "fhir": ".fhir.json"}


@dataclass(frozen=True)
class ExportRequest:
    fmt: str
    path: Path


def path_problem(path: Path) -> str | None:
    """Why the file cannot be written, checked before the export is attempted."""
    if not path.name:
        return "Give a file name."
    if path.is_dir():
        return f"{path} is a folder; add a file name."
    if path.exists():
        return f"{path.name} already exists; choose another name."
    if not path.parent.is_dir():
        return f"The folder {path.parent} does not exist; create it or choose another."
    return None


class ExportScreen(ModalScreen[ExportRequest | None]):
    """Format (radio) and path (input, default in the current folder, named by tree id and time)."""

    CSS_PATH = "modal.tcss"
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="export_cancel")]

    def __init__(self, stem: Path, formats: Sequence[str]) -> None:
        super().__init__()
        self.stem = stem
        self.formats = list(formats)
        self._default = self._path_for(self.formats[0])

    def _path_for(self, fmt: str) -> str:
        return str(self.stem) + EXTENSIONS.get(fmt, "." + fmt)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("Export transcript", classes="dialog-title")
            with RadioSet(id="format"):
                for index, fmt in enumerate(self.formats):
                    yield RadioButton(fmt, value=index == 0, name=fmt)
            yield Static("Save to:", classes="dialog-detail")
            yield Input(self._default, id="path")
            yield Static(id="error", classes="dialog-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save", variant="primary", id="save")
                yield Button("Cancel (Esc)", id="cancel")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#path", Input).focus()

    @property
    def fmt(self) -> str:
        pressed = self.query_one("#format", RadioSet).pressed_button
        return pressed.name if pressed is not None and pressed.name else self.formats[0]

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        # Follow the format with the extension unless the user typed a path of their own.
        path_input = self.query_one("#path", Input)
        if path_input.value == self._default:
            self._default = self._path_for(self.fmt)
            path_input.value = self._default

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._save()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "save":
            self._save()
        else:
            self.dismiss(None)

    def _save(self) -> None:
        path = Path(self.query_one("#path", Input).value.strip()).expanduser()
        problem = path_problem(path)
        if problem:
            self.query_one("#error", Static).update(Content(one_line(problem)))  # quotes the typed path
            return
        self.dismiss(ExportRequest(self.fmt, path))

    def action_cancel(self) -> None:
        self.dismiss(None)
