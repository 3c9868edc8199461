"""Moves on the engine, as QuestionScreen asks for them: answer, change an earlier answer, go back.

A mixin of WizardApp and of the quiz's WalkHost (wizard.ui.quiz.walk), the two hosts a
question screen can have. Each move keeps `last_dropped` (what a change took off the path,
shown in the answers panel) and then calls the host's `_moved`, which saves and redraws.
"""

from __future__ import annotations

from collections.abc import Callable

from wizard.engine.engine import Engine, Step
from wizard.tree.models import Answer


class EngineMoves:
    """Answer, change and back; expects the host's engine, last_dropped and _moved."""

    engine: Engine
    last_dropped: tuple[Step, ...]
    _moved: Callable[[], None]

    def answer(self, value: Answer) -> None:
        """Answer the current question (raises AnswerError, which the screen shows)."""
        question = self.engine.current
        self.engine.answer(value)
        if question is not None:
            self._answered(question.id, value)
        self.last_dropped = ()
        self._moved()

    def change(self, question_id: str, value: Answer) -> list[Step]:
        """Change an earlier answer; later answers that still apply are kept, the rest returned."""
        dropped = self.engine.change(question_id, value)
        self._answered(question_id, value)
        self.last_dropped = tuple(dropped)
        self._moved()
        return dropped

    def _answered(self, question_id: str, value: Answer) -> None:
        """After the engine has taken an answer, before it is saved: a host notes where it came
        from (the wizard: entered, or the note's suggestion confirmed)."""

    def step_back(self) -> bool:
        """Undo the last answer; False on the first question, where there is none to undo."""
        if not self.engine.path:
            return False
        self.engine.back()
        self.last_dropped = ()
        self._moved()
        return True
