"""A graded case: the score, the expected set beside yours, each difference with the rule that
decides it, the answers that differed on a walk, the teaching point and the topics to review."""

from __future__ import annotations

from collections.abc import Callable

from rich import box
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from wizard.quiz.cases import Case
from wizard.quiz.grading import Feedback, Grade
from wizard.quiz.run import AnswerDifference, Graded
from wizard.ui.quiz.case import note_content
from wizard.ui.quiz.frame import QuizFrame

# Written words beside the colours, so no mark relies on colour alone.
KIND_LABEL = {"missing": "MISSING", "extra": "EXTRA", "invalid": "INVALID", "order": "ORDER"}
KIND_STYLE = {"missing": "bold red", "extra": "bold yellow", "invalid": "bold red", "order": "bold magenta"}


def score_line(grade: Grade) -> Content:
    right = len(set(grade.given) & set(grade.expected))
    if grade.score == 1.0:
        verdict = "the expected code set, in order." if grade.expected else "no code, as the case expects."
    else:
        parts = [f"{right} of {len(grade.expected)} expected code{'s' if len(grade.expected) != 1 else ''} given"]
        if grade.extra:
            parts.append(f"{len(grade.extra)} extra")
        if not grade.order_ok:
            parts.append("out of order")
        verdict = ", ".join(parts) + "."
    style = "bold $text-success" if grade.score == 1.0 else "bold $text-warning"
    return Content.assemble((f"Score {grade.score:.2f}", style), "  ", verdict)


def out_of_order(grade: Grade) -> set[str]:
    """Your codes that sit where another expected code belongs."""
    common = set(grade.given) & set(grade.expected)
    mine = [c for c in grade.given if c in common]
    right = [c for c in grade.expected if c in common]
    return {m for m, r in zip(mine, right) if m != r}


def sets_table(grade: Grade, describe: Callable[[str], str]) -> Table:
    """Expected codes (reporting order) beside yours, position by position, each marked."""
    late = out_of_order(grade)
    table = Table(box=box.SIMPLE_HEAD, expand=True, show_edge=False, pad_edge=False)
    table.add_column("#", justify="right", no_wrap=True, style="dim")
    table.add_column("Expected (reporting order)", ratio=1)
    table.add_column("Yours", ratio=1)

    def cell(code: str, mark: str, style: str) -> Text:
        return Text.assemble((code, "bold"), " ", (mark, style), "\n", (describe(code), "dim"))

    for n in range(max(len(grade.expected), len(grade.given), 1)):
        expected = grade.expected[n] if n < len(grade.expected) else None
        given = grade.given[n] if n < len(grade.given) else None
        left = Text("(no code)", style="italic") if n == 0 and not grade.expected else Text("")
        right = Text("(no code)", style="italic") if n == 0 and not grade.given else Text("")
        if expected is not None:
            left = cell(expected, "✓" if expected in grade.given else "MISSING", "bold green" if expected in grade.given else KIND_STYLE["missing"])
        if given is not None:
            if given not in grade.expected:
                right = cell(given, "EXTRA", KIND_STYLE["extra"])
            elif given in late:
                right = cell(given, "ORDER", KIND_STYLE["order"])
            else:
                right = cell(given, "✓", "bold green")
        table.add_row(str(n + 1), left, right)
    return table


def marked_list(rows: list[tuple[str | Text, Text]], empty: str) -> Table | Text:
    """The look of the report's lists: a mark (a kind, a dash) in a column of its own, the item
    wrapping beside it; the differences and the answers share it, so they line up alike. `empty`
    (in italics) when there is nothing to list."""
    if not rows:
        return Text(empty, style="italic")
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(ratio=1)
    for mark, item in rows:
        grid.add_row(mark, item)
    return grid


def differences_table(feedback: list[Feedback]) -> Table | Text:
    """Each difference in words, and under it the rule (tabular note or guideline) that decides it."""
    rows = [
        (
            Text(KIND_LABEL.get(item.kind, item.kind.upper()), style=KIND_STYLE.get(item.kind, "bold")),
            Text.assemble(item.message, "\n", ("Rule: ", "bold"), item.rule or "the case's expected set"),
        )
        for item in feedback
    ]
    return marked_list(rows, "None: every code is right and in its place.")


def answers_text(differences: list[AnswerDifference]) -> Table | Text:
    """Where a walk's answers part from what the note documents."""
    rows = []
    for d in differences:
        yours = d.yours if d.yours is not None else "(your walk did not reach it)"
        theirs = d.case if d.case is not None else "(the case's path does not ask it)"
        rows.append(("-", Text.assemble((d.prompt, "bold"), "\n", ("You:  ", "italic"), yours, "\n", ("Note: ", "italic"), theirs)))
    return marked_list(rows, "Every answer matched what the note documents.")


class QuizFeedbackScreen(QuizFrame, Screen[None]):
    CSS_PATH = "feedback.tcss"
    BINDINGS = [
        Binding("enter,n", "next_case", "Next case", key_display="Enter", id="next_case", tooltip="The next case; after the last one, the run's score"),
        Binding("r", "retry", "Try again", id="retry", tooltip="Code this case again; the new grade replaces this one in the run"),
        Binding("v", "toggle_note", "Case note", id="toggle_note", tooltip="Show or hide the provider's note"),
        Binding("q", "app.quit", "Quit", show=False, id="quit_key", tooltip="Quit; every graded case is saved already"),
    ]

    def __init__(self, case: Case, graded: Graded, differences: list[AnswerDifference] | None, describe: Callable[[str], str]) -> None:
        """differences: for a walk, where its answers part from the case's (None when typed)."""
        super().__init__()
        self.case = case
        self.graded = graded
        self.differences = differences
        self.describe = describe

    def compose_body(self) -> ComposeResult:
        grade = self.graded.grade
        how = "you walked the tree" if self.graded.mode == "walked" else "you typed the codes"
        with VerticalScroll(id="report"):
            yield Static(score_line(grade), id="score")
            yield Static(Content.assemble((self.case.title, "bold"), (f"  ({self.case.id}; {how})", "dim")), id="case-line")
            note = Static(note_content(self.case.vignette), id="feedback-note")
            note.display = False
            yield note
            yield Static(sets_table(grade, self.describe), id="sets")
            if self.differences is not None:
                # A walk went wrong at an answer: that comes first, the codes follow from it.
                yield Static("Your answers on the tree, where they differ from the note", classes="heading")
                yield Static(answers_text(self.differences), id="answers")
            yield Static("What differs, and the rule that decides it", classes="heading")
            yield Static(differences_table(grade.feedback), id="differences")
            yield Static(Content.assemble(("Teaching point: ", "bold"), grade.teaching), id="teaching")
            if grade.topics:
                yield Static(Content.assemble(("Review: ", "bold"), ", ".join(grade.topics)), id="topics")

    def on_mount(self) -> None:
        self.query_one("#report", VerticalScroll).focus()

    def action_next_case(self) -> None:
        self.quiz.next_case()

    def action_retry(self) -> None:
        self.quiz.retry()

    def action_toggle_note(self) -> None:
        note = self.query_one("#feedback-note")
        note.display = not note.display
        if note.display:
            self.query_one("#report", VerticalScroll).scroll_home()
