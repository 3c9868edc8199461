"""Help in the quiz: how a round works, and every key (the wizard's help screen, reused)."""

from __future__ import annotations

from collections.abc import Iterable

from textual.binding import BindingType
from textual.content import Content
from textual.widgets import Static

from wizard.engine.result import Result
from wizard.ui.screens.help import HelpScreen

QUIZ_HELP = Content.assemble(
    ("How a round works", "bold"),
    "\nRead the provider's note, then type the codes it supports in reporting order (commas or spaces "
    "between them, 'none' for no code) and press Enter. Each code is checked against the FY2026 tabular "
    "as you type; a code that cannot be billed is shown with the reason and is not graded. Type words "
    "instead of a code to search the descriptions, and take a code from the list with Tab.\n"
    "Or press ^t to walk the tree: the codes it ends with are graded, with the answers where your "
    "walk and the note part ways.\n",
    ("Feedback", "bold"),
    "\nThe score is the share of codes right (given and expected, over all of them), times 0.75 when "
    "the codes in common are out of order. Each missing, extra or misplaced code names the rule that "
    "decides it: a tabular note or a guideline section.",
)
DETAIL = "Every graded case is saved in the sessions folder (quiz/progress.toml) as soon as it is graded."


class QuizHelpScreen(HelpScreen):
    """HelpScreen with the quiz's own text above the keys."""

    CSS_PATH = "../screens/help.tcss"  # HelpScreen's styles (a path is read beside the class's module)

    def __init__(self, sections: list[tuple[str, Iterable[BindingType]]]) -> None:
        # HelpScreen renders a question's help; the quiz's text replaces it once mounted.
        super().__init__(None, Result((), (), (), complete=False), sections)

    def on_mount(self) -> None:
        self.query_one("#question-help", Static).update(QUIZ_HELP)
        self.query_one(".help-detail", Static).update(DETAIL)
        # Textual runs HelpScreen.on_mount after this one (handlers run down the MRO), and it
        # titles the box "This question"; our title goes on after it.
        self.call_later(self._title)

    def _title(self) -> None:
        self.query_one("#help-text").border_title = "The quiz"
