"""Help: the current question's help and citations, and a table of every key built from the bindings."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from rich.text import Text
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Static

from wizard.engine.result import Result
from wizard.text import clean
from wizard.tree.models import Question


@dataclass(frozen=True)
class KeyRow:
    where: str
    keys: str
    description: str
    id: str


def key_rows(sections: Iterable[tuple[str, Iterable[BindingType]]], key_display) -> list[KeyRow]:  # noqa: ANN001
    """One row per binding id: keys that share an id (b and backspace) are listed together."""
    rows: list[KeyRow] = []
    for where, bindings in sections:
        by_id: dict[str, list[Binding]] = {}
        for binding in Binding.make_bindings(bindings):
            if binding.system or not binding.description:
                continue
            by_id.setdefault(binding.id or binding.action, []).append(binding)
        for binding_id, group in by_id.items():
            # with_key() drops a key_display override, so each real key is listed (b and ⌫).
            keys = ", ".join(dict.fromkeys(key_display(b.with_key(b.key)) for b in group))
            # Textual's own ctrl+q shares the action of our q: describe the group with ours.
            main = next((b for b in group if b.id), group[0])
            rows.append(KeyRow(where, keys, main.tooltip or main.description, binding_id))
    return rows


def question_help(question: Question | None, result: Result) -> Content:
    if question is None:
        if result.stop is not None:
            cites = "; ".join(result.stop.cite)
            return Content.assemble(("The tree stopped early. ", "bold"), clean(result.stop.message), clean(f" [{cites}]") if cites else "")
        return Content.assemble(("The tree has ended. ", "bold"), "Each code's reason and citation are on the result; press t there for the teaching notes.")
    parts: list[str | tuple[str, str]] = [(clean(question.prompt), "bold"), "\n", ("Why we ask: ", "italic"), clean(question.help)]
    if question.teaching:
        parts += ["\n", ("Teaching: ", "italic"), clean(question.teaching)]
    cites = "; ".join(str(c) for c in question.cite)
    parts += ["\n", ("Citations: ", "italic"), clean(cites) or "none given for this question"]
    if any(c.source == "RULES" for c in question.cite):
        parts += [" (RULES n: section n of docs/coding-rules.md, the rules of the tree in plain words)"]
    return Content.assemble(*parts)


class HelpScreen(ModalScreen[None]):
    CSS_PATH = "help.tcss"
    BINDINGS = [Binding("escape,question_mark,f1,q", "close", "Close help", key_display="Esc", id="close_help")]

    def __init__(self, question: Question | None, result: Result, sections: list[tuple[str, Iterable[BindingType]]]) -> None:
        super().__init__()
        self.question = question
        self.result = result
        self.sections = sections

    def compose(self) -> ComposeResult:
        with Vertical(id="help-body"):
            with VerticalScroll(id="help-text"):
                yield Static(question_help(self.question, self.result), id="question-help")
                yield Static(
                    "Answer with the number keys, the arrows and Enter, or the mouse. A question with several "
                    "answers is a list to tick: Space, the number keys or a click tick an option, Enter (or the "
                    "Done row) answers with the options ticked. Select an answer in the Answers panel to change "
                    "it; later answers that still apply are kept.",
                    classes="help-detail",
                )
            yield DataTable(id="keys", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#help-body").border_title = "Help"
        self.query_one("#help-text").border_title = "This question"
        table = self.query_one("#keys", DataTable)
        table.border_title = "Keys"
        table.add_columns("Keys", "What it does", "Id")
        where = None
        for row in key_rows(self.sections, self.app.get_key_display):
            if row.where != where:
                where = row.where
                table.add_row(Text(where, style="bold"), "", "")
            table.add_row(row.keys, row.description, row.id)
        table.focus()

    def action_close(self) -> None:
        self.dismiss(None)
