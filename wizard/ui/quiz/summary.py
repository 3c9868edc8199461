"""The end of a quiz run: the score, each case's grade and the topics to review."""

from __future__ import annotations

from rich import box
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from wizard.quiz.run import QuizRun
from wizard.ui.quiz.frame import QuizFrame


def total_line(run: QuizRun) -> Content:
    done = len(run.graded)
    perfect = sum(1 for g in run.graded.values() if g.grade.score == 1.0)
    cases = f"{done} case{'s' if done != 1 else ''} graded"
    return Content.assemble((f"Score {run.score:.2f}", "bold $text-accent"), f"  (the mean of {cases}; {perfect} exactly right)")


def cases_table(run: QuizRun) -> Table:
    table = Table(box=box.SIMPLE_HEAD, expand=True, show_edge=False, pad_edge=False)
    table.add_column("#", justify="right", no_wrap=True, style="dim")
    table.add_column("Case", ratio=2)
    table.add_column("Score", justify="right", no_wrap=True)
    table.add_column("Your codes", ratio=1)
    for n, (case, graded) in enumerate(run.results(), 1):
        if graded is None:
            table.add_row(str(n), case.title, Text("-", style="dim"), Text("not graded", style="italic dim"))
            continue
        codes = ", ".join(graded.grade.given) or "none"
        how = " (walked)" if graded.mode == "walked" else ""
        table.add_row(str(n), case.title, Text(f"{graded.grade.score:.2f}", style="bold"), codes + how)
    return table


def topics_text(run: QuizRun) -> Content:
    topics = run.topics_to_review()
    if not topics:
        return Content.styled("Nothing to review: every graded case was exactly right.", "italic")
    listed = ", ".join(f"{topic} ({count})" if count > 1 else topic for topic, count in topics)
    return Content.assemble(("Topics to review: ", "bold"), listed)


class QuizSummaryScreen(QuizFrame, Screen[None]):
    CSS_PATH = "summary.tcss"
    BINDINGS = [
        Binding("r", "new_run", "New run", id="new_run", tooltip="The same cases again, from the first"),
        Binding("q", "app.quit", "Quit", show=False, id="quit_key", tooltip="Quit; every graded case is saved already"),
    ]

    def __init__(self, run: QuizRun, saved: str) -> None:
        """saved: where the progress went, or why it did not."""
        super().__init__()
        self.run = run
        self.saved = saved

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="report"):
            yield Static(total_line(self.run), id="total")
            yield Static(cases_table(self.run), id="cases")
            yield Static(topics_text(self.run), id="review")
            yield Static(Content.styled(self.saved, "dim"), id="saved")

    def on_mount(self) -> None:
        self.query_one("#report", VerticalScroll).focus()

    def action_new_run(self) -> None:
        self.quiz.new_run()
