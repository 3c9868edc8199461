"""A quiz case: the provider's note, and a box for the code set (or the tree to walk instead)."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from wizard.quiz.cases import Case
from wizard.ui.quiz.frame import QuizFrame
from wizard.ui.widgets.code_entry import CodeEntry

# A section name at the start of a line of the note: "HPI:", "Exam:", "Imaging:".
SECTION_MAX = 20


def note_content(vignette: str) -> Content:
    """The note as written, its section names in bold (plain text: the note is never markup)."""
    lines = []
    for line in vignette.strip().splitlines():
        head, colon, rest = line.partition(":")
        if colon and 0 < len(head) <= SECTION_MAX and head[:1].isupper() and " " not in head.strip():
            lines.append(Content.assemble((head + colon, "bold"), rest))
        else:
            lines.append(Content(line))
    return Content("\n").join(lines)


class QuizCaseScreen(QuizFrame, Screen[None]):
    """Shows one case; the codes typed are checked as they come and graded on Enter."""

    CSS_PATH = "case.tcss"
    BINDINGS = [
        Binding("ctrl+t", "walk", "Walk the tree", id="walk_tree", tooltip="Answer the tree's questions instead; the codes it ends with are graded"),
        Binding("pageup", "scroll_note(-1)", "Scroll note", key_display="PgUp/PgDn", id="scroll_note_up", tooltip="Scroll the provider's note up (PgDn: down)"),
        Binding("pagedown", "scroll_note(1)", "Scroll note down", show=False, id="scroll_note_down", tooltip="Scroll the provider's note down"),
    ]

    def __init__(self, case: Case, tabular: Any | None) -> None:
        super().__init__()
        self.case = case
        self.tabular = tabular

    def compose_body(self) -> ComposeResult:
        with Vertical(id="case"):
            yield Static(Content(self.case.title), id="case-title")
            with VerticalScroll(id="note", can_focus=False):
                yield Static(note_content(self.case.vignette), id="note-text")
            yield CodeEntry(self.tabular, id="entry")
            yield Static(
                Content.assemble(("Enter", "bold"), " grade  ", ("↓ Tab", "bold"), " completions  ", ("^t", "bold"), " walk the tree instead"),
                id="entry-keys",
            )

    def on_mount(self) -> None:
        self.query_one("#note").border_title = "Provider's note"
        self.query_one("#entry").border_title = "Your codes, in reporting order"
        self.query_one(CodeEntry).focus()

    def tabular_ready(self, tabular: Any) -> None:
        self.tabular = tabular
        self.query_one(CodeEntry).set_tabular(tabular)

    def on_code_entry_submitted(self, event: CodeEntry.Submitted) -> None:
        event.stop()
        self.quiz.grade_typed(event.codes)

    def action_walk(self) -> None:
        self.quiz.start_walk()

    def action_scroll_note(self, pages: int) -> None:
        note = self.query_one("#note", VerticalScroll)
        (note.scroll_page_down if pages > 0 else note.scroll_page_up)()
