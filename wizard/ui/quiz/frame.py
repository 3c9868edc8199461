"""The frame of the quiz's own screens (the case, the feedback, the summary), and the app they talk to."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from wizard.ui.screens.frame import Frame

if TYPE_CHECKING:
    from wizard.ui.quiz.app import QuizApp


class QuizFrame(Frame):
    """The title bar, the screen's body (`compose_body`) and the footer; `quiz` is the app.
    A mixin before Screen: `class QuizCaseScreen(QuizFrame, Screen[None])`."""

    @property
    def quiz(self) -> QuizApp:
        return cast("QuizApp", self.app)
