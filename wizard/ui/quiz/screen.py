"""The frame of the quiz's own screens (the case, the feedback, the summary), and the app they talk to."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from wizard.ui.screens.frame import FramedScreen

if TYPE_CHECKING:
    from wizard.ui.quiz.app import QuizApp


class QuizScreen(FramedScreen):
    """The title bar, the screen's body (`compose_body`) and the footer; `quiz` is the app."""

    @property
    def quiz(self) -> QuizApp:
        return cast("QuizApp", self.app)
