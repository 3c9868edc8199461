"""The live code set: codes in reporting order with description and role, then warnings as text."""

from __future__ import annotations

from textual.containers import VerticalScroll
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from wizard.engine.result import Result
from wizard.text import clean
from wizard.ui.widgets.kept_visual import KeptRichVisual

WARNING_PREFIX = "WARNING: "
STOP_PREFIX = "STOP: "
ERROR_PREFIX = "ERROR: "


def describe(description: str, loading: bool) -> str:
    if description:
        return clean(description)
    return "(loading description...)" if loading else "(no description: ICD data not loaded)"


def code_panel_content(result: Result, loading: bool) -> Table | Text:
    """The panel's text; errors and warnings carry a written prefix so they never rely on colour.

    A grid keeps wrapped descriptions indented under their code. The release notices are left
    to the title bar and the result screen: on every question they would crowd out the codes.
    """
    if not result.codes and result.stop is None and all(w.kind == "release" for w in result.warnings):
        return Text("No codes yet: they build up as you answer.", style="dim")
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column()
    for number, line in enumerate(result.codes, 1):
        head = Text.assemble((clean(line.code), "bold"), "  ", (line.role, "italic"))
        body = Text.assemble(head, "\n", describe(line.description, loading))
        if line.error:
            body.append_text(Text.assemble("\n", (ERROR_PREFIX, "bold red"), clean(line.error)))
        grid.add_row(Text(f"{number}.", style="dim"), body)
    if result.stop is not None:
        grid.add_row("", Text.assemble((STOP_PREFIX, "bold"), clean(result.stop.message)))
    for warning in result.warnings:
        if warning.kind != "release":
            grid.add_row("", Text.assemble((WARNING_PREFIX, "bold"), clean(warning.text)))
    return grid


def shown_part(result: Result, loading: bool) -> tuple[object, ...]:
    """What of a Result the panel's text shows: most answers leave it as it was."""
    codes = tuple((line.code, line.role, line.description, line.error) for line in result.codes)
    stop = result.stop.message if result.stop is not None else None
    return codes, stop, tuple(warning.text for warning in result.warnings), loading


class CodePanel(VerticalScroll, can_focus=False):
    """Renders the engine's Result; it is told when to refresh and keeps only what it shows."""

    DEFAULT_CSS = """
    CodePanel { height: auto; }
    CodePanel > Static { width: 1fr; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._shown: tuple[object, ...] | None = None

    def compose(self):  # noqa: ANN201 - a Textual compose
        yield Static(id="code-text")

    def on_mount(self) -> None:
        self.border_title = "Codes"

    def show(self, result: Result, loading: bool = False) -> None:
        self.border_title = "Codes" if result.complete else "Codes so far"
        self.border_subtitle = result.release
        shown = shown_part(result, loading)
        if shown == self._shown:
            return  # the same text: updating it would only lay the screen out again
        self._shown = shown
        text = self.query_one("#code-text", Static)
        content = code_panel_content(result, loading)
        # A grid is measured by rendering it: keep it (a Text becomes Content, which keeps itself).
        text.update(KeptRichVisual(text, content) if isinstance(content, Table) else content)
