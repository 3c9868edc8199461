"""Walking the tree for a quiz case: the wizard's own question screen, with the note above it.

QuizWalkScreen is QuestionScreen with a host of its own: QuestionScreen asks "the wizard"
for the engine and for moves, and here a WalkHost answers, holding one Engine for this walk.
When the tree ends, the codes it built are graded like typed ones.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from wizard.engine.engine import Engine, Step
from wizard.quiz.cases import Case
from wizard.tree.models import Tree
from wizard.ui.moves import EngineMoves
from wizard.ui.screens.question import QuestionScreen
from wizard.ui.quiz.case import note_content

if TYPE_CHECKING:
    from wizard.ui.quiz.app import QuizApp


class WalkHost(EngineMoves):
    """What QuestionScreen needs from its app (WizardApp), for one walk: the engine and the moves."""

    def __init__(self, tree: Tree, describer: Any | None, moved: Callable[[], None]) -> None:
        self.engine = Engine(tree, describer)
        self.last_dropped: tuple[Step, ...] = ()
        self.show_teaching = False
        self.icd_loading = describer is None
        self._after_move = moved

    def _moved(self) -> None:
        self._after_move()

    # The quiz never reads a note for the trainee, who learns to read it (QuestionScreen asks).
    suggestions = None

    def suggestion_for(self, question_id: str) -> tuple[None, list[Any], None]:
        return None, [], None

    def end_change(self) -> None:
        self._moved()

    def describer_ready(self, describer: Any) -> None:
        self.engine.coder.describer = describer
        self.icd_loading = False


class QuizWalkScreen(QuestionScreen):
    CSS_PATH = ["../screens/question.tcss", "walk.tcss"]
    BINDINGS = [
        Binding("b,backspace", "back", "Back", key_display="b", show=False, id="back", tooltip="Undo the last answer"),
        Binding("v", "toggle_note", "Case note", id="toggle_note", tooltip="Show or hide the provider's note"),
        Binding("ctrl+t", "type_codes", "Type codes", id="type_codes", tooltip="Leave the tree and type the codes instead"),
    ]

    def __init__(self, case: Case, tree: Tree, describer: Any | None) -> None:
        super().__init__()
        self.case = case
        self.host = WalkHost(tree, describer, self._moved)

    @property
    def wizard(self) -> WalkHost:  # type: ignore[override]  # QuestionScreen's host, duck-typed
        return self.host

    @property
    def quiz(self) -> QuizApp:
        return cast("QuizApp", self.app)

    async def on_mount(self) -> None:
        note = VerticalScroll(Static(note_content(self.case.vignette)), id="walk-note", can_focus=False)
        note.border_title = "Provider's note (v: hide)"
        await self.query_one("#main", Vertical).mount(note, before="#status")
        self.refresh_view()

    def _moved(self) -> None:
        self.changing = None
        if self.host.engine.finished:
            self.quiz.walk_finished(self.host.engine)
            return
        self.refresh_view()

    def tabular_ready(self, tabular: Any) -> None:
        self.host.describer_ready(tabular)
        self.refresh_view()

    def action_back(self) -> None:
        if not self.host.step_back():
            self.notify("This is the first question; ^t goes back to typing codes.", timeout=3)

    def action_toggle_note(self) -> None:
        # Shown by default when wide, hidden when narrow (the question needs the rows); v flips it.
        self.query_one("#walk-note").toggle_class("-flipped")

    def action_type_codes(self) -> None:
        self.dismiss()
