"""The result: codes in reporting order with their reasons, warnings, the checklist to tick, copy and export."""

from __future__ import annotations

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Checkbox, Static

from wizard.engine.result import CodeLine, Result
from wizard.text import clean
from wizard.tree.models import Tree
from wizard.ui.screens.frame import WizardFrame
from wizard.ui.widgets.code_panel import ERROR_PREFIX, STOP_PREFIX, WARNING_PREFIX, describe
from wizard.ui.widgets.mark_box import MarkBox
from wizard.ui.widgets.path_panel import PathPanel

KIND_PREFIX = {"document": "DOCUMENT: ", "query": "QUERY: ", "workup": "WORK-UP: "}


def status_line(result: Result) -> Content:
    """What ended the tree, then the date of service and the release the codes are checked against."""
    if result.stop is not None:
        cites = f" [{'; '.join(result.stop.cite)}]" if result.stop.cite else ""
        head = Content.assemble((STOP_PREFIX + "the tree ended early. ", "bold $text-warning"), clean(result.stop.message + cites))
    else:
        count = len(result.codes)
        head = Content.assemble(("Complete. ", "bold"), f"{count} code{'s' if count != 1 else ''} in reporting order.")
    return Content.assemble(head, "\n", release_line(result))


def release_line(result: Result) -> Content:
    """The date of service, the release the codes are checked against and whether it is the one
    in force that day (the warnings below say what to do), then the codes not valid that day."""
    day = f"Date of service {result.date_of_service}; " if result.date_of_service else ""
    if result.release_in_force == result.release:
        line = Content(f"{day}ICD-10-CM {result.release}, in force that day.")
    elif not any(w.kind == "release" and w.id == "release:not_in_force" for w in result.warnings):
        line = Content(f"{day}ICD-10-CM {result.release}.")  # not checked against a date (yet)
    else:
        line = Content.assemble(
            f"Date of service {result.date_of_service}; checked against ICD-10-CM {result.release}: ",
            ("the release in force that day is not installed (see the warnings).", "bold $text-warning"),
        )
    invalid = result.errors
    if invalid:
        codes = ", ".join(c.code for c in invalid)
        line = Content.assemble(line, "\n", (f"{ERROR_PREFIX}{len(invalid)} code(s) not valid on that date: {clean(codes)}. Do not file them as they are.", "bold $text-error"))
    return line


def short_reason(line: CodeLine) -> str:
    """The rule's reason, citations and confidence; the answers it read are beside the table
    (Answers) and under `t` (why), so the row stays readable at 80 columns."""
    text = line.reason
    if line.cite:
        text += f" [{'; '.join(line.cite)}]"
    if line.confidence != "high":
        text += f" (confidence: {line.confidence}; see the query)"
    return clean(text)


def code_table(result: Result, loading: bool) -> Table | Content:
    """Sequence, code, role, then the description with the reason under it (one column wraps well)."""
    if not result.codes:
        return Content.styled("No codes from this tree for these answers.", "italic")
    table = Table(box=box.SIMPLE_HEAD, expand=True, show_edge=False, pad_edge=False)
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("Code", no_wrap=True, style="bold")
    table.add_column("Role", no_wrap=True)
    table.add_column("Description / reason", ratio=1)
    for number, line in enumerate(result.codes, 1):
        text = Text.assemble(describe(line.description, loading), "\n", ("Why: " + short_reason(line), "dim"))
        if line.error:
            text = Text.assemble((ERROR_PREFIX + clean(line.error), "bold red"), "\n", text)
        table.add_row(str(number), Text(clean(line.code)), line.role, text)
    return table


def why_text(tree: Tree, lines: tuple[CodeLine, ...]) -> Group:
    """Why each code and not its look-alikes: the rule's reason and citations, then the answers
    that chose it with the teaching notes of their questions. All of it comes from the tree."""
    parts: list[RenderableType] = [Text("Why these codes and not their look-alikes", style="bold underline")]
    for line in lines:
        cites = f" [{'; '.join(line.cite)}]" if line.cite else ""
        parts.append(Text.assemble("\n", (clean(line.code), "bold"), "  ", clean(line.reason + cites)))
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True)
        grid.add_column()
        for because in line.because:
            text = Text.assemble(clean(because.prompt), " ", (clean(because.label), "bold"))
            question = tree.question(because.question)
            if question is not None and question.teaching:
                text.append_text(Text.assemble("\n", ("Teaching: ", "italic"), clean(question.teaching)))
            grid.add_row(" -", text)
        parts.append(grid)
    if not lines:
        parts.append(Text("\nNo codes: nothing to explain."))
    return Group(*parts)


class ResultScreen(WizardFrame, Screen[None]):
    CSS_PATH = "result.tcss"
    MAIN = VerticalScroll  # the report scrolls as a whole
    BINDINGS = [
        Binding("c", "copy", "Copy", id="copy", tooltip="Copy the transcript to the clipboard"),
        Binding("e", "export", "Export", id="export", tooltip="Save the transcript to a file"),
        Binding("t", "teaching", "Why", id="teaching", tooltip="Why each code, not its look-alikes"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.show_why = False
        self._marks_key: tuple[object, ...] | None = None

    def compose_main(self) -> ComposeResult:
        yield Static(id="status")
        yield Static(id="code-table")
        yield Static(id="why")
        yield Static("Warnings (tick to acknowledge)", classes="heading", id="warnings-heading")
        yield Vertical(id="warnings")
        yield Static("Documentation checklist (tick what is done)", classes="heading", id="checklist-heading")
        yield Vertical(id="checklist")
        with Horizontal(id="actions"):
            yield Button("Copy (c)", id="copy")
            yield Button("Export (e)", id="export")
            yield Button("Back (b)", id="back")
            yield Button("Restart (r)", id="restart")

    def side_panel(self) -> PathPanel:
        return PathPanel(id="path")

    def on_mount(self) -> None:
        self.refresh_view()
        # The report scrolls from the top; focusing a checkbox first would scroll the codes away.
        self.query_one("#main", VerticalScroll).focus()

    def on_screen_resume(self) -> None:
        self.refresh_view()

    def refresh_view(self) -> None:
        app = self.wizard
        result = app.engine.result()
        self.query_one("#status", Static).update(status_line(result))
        self.query_one("#code-table", Static).update(code_table(result, app.icd_loading))
        why = self.query_one("#why", Static)
        why.update(why_text(app.engine.tree, result.codes))
        why.display = self.show_why
        self.query_one(PathPanel).show(app.engine.path, (), app.last_dropped, from_note=app.engine.origins)
        self._show_marks(result)

    def _show_marks(self, result: Result) -> None:
        """Rebuild the checkboxes only when the items change, so focus and scroll stay put.

        With a provider's note read, the checklist items it documents are ticked once (the
        person may untick them) and say which words document them; those it lacks come first.
        """
        documented = self.wizard.documented()
        key = (tuple(w.id for w in result.warnings), tuple(i.id for i in result.checklist), tuple(sorted(documented)))
        if key == self._marks_key:
            return
        self._marks_key = key
        marks = self.wizard.marks
        for item in result.checklist:
            if item.id in documented and item.id not in self.wizard.note_ticked:
                self.wizard.note_ticked.add(item.id)
                self.wizard.set_checked(item.id, True)
        warnings = self.query_one("#warnings", Vertical)
        warnings.remove_children()
        warnings.mount_all(
            MarkBox(WARNING_PREFIX + w.text, w.id, "warning", w.id in marks.acknowledged, disabled=w.id in marks.acknowledged)
            for w in result.warnings
        )
        self.query_one("#warnings-heading").display = bool(result.warnings)
        items = sorted(result.checklist, key=lambda i: i.id in documented) if documented else list(result.checklist)
        checklist = self.query_one("#checklist", Vertical)
        checklist.remove_children()
        checklist.mount_all(
            MarkBox(KIND_PREFIX.get(i.kind, "") + i.text + (f' (in the note: "{documented[i.id].quote}")' if i.id in documented else ""), i.id, "check", i.id in marks.checked)
            for i in items
        )
        self.query_one("#checklist-heading").display = bool(result.checklist)

    # -- events -------------------------------------------------------------------------

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        box = event.checkbox
        if not isinstance(box, MarkBox):
            return
        event.stop()
        if box.kind == "warning":
            if event.value:
                # An acknowledgement is recorded once and stays: the box locks, and the focus
                # moves on rather than being dropped by the disabled box.
                self.wizard.acknowledge(box.item_id)
                if box.has_focus:
                    self.focus_next()
                box.disabled = True
        else:
            self.wizard.set_checked(box.item_id, event.value)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        actions = {"copy": self.action_copy, "export": self.action_export, "back": self.wizard.action_back, "restart": self.wizard.action_restart}
        actions[event.button.id or ""]()

    def on_path_panel_change_requested(self, event: PathPanel.ChangeRequested) -> None:
        self.wizard.begin_change(event.question_id)

    def action_copy(self) -> None:
        self.wizard.action_copy_transcript()

    def action_export(self) -> None:
        self.wizard.action_export()

    def action_teaching(self) -> None:
        self.show_why = not self.show_why
        why = self.query_one("#why", Static)
        why.display = self.show_why
        if self.show_why:
            main = self.query_one("#main", VerticalScroll)
            self.call_after_refresh(main.scroll_to_widget, why, top=True)
