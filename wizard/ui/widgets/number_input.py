"""The Input of a numeric question, checked by the engine's own rule before it is accepted."""

from __future__ import annotations

from textual.validation import ValidationResult, Validator
from textual.widgets import Input

from wizard.engine.engine import AnswerError, check_answer
from wizard.tree.models import Answer, Question


def number_hint(question: Question) -> str:
    """`a whole number from 1 to 45 weeks`"""
    spec = question.number
    assert spec is not None
    unit = f" {spec.unit}" if spec.unit else ""
    return f"a whole number from {spec.min} to {spec.max}{unit}"


class AnswerValidator(Validator):
    """Valid when the engine would take the text as an answer to the question."""

    def __init__(self, question: Question) -> None:
        super().__init__()
        self.question = question

    def validate(self, value: str) -> ValidationResult:
        text = value.strip()
        if not text:
            return self.failure(f"Type {number_hint(self.question)}{self._or_options()}.")
        try:
            check_answer(self.question, text)
        except AnswerError:
            return self.failure(f"'{text}' is not accepted: type {number_hint(self.question)}{self._or_options()}.")
        return self.success()

    def _or_options(self) -> str:
        labels = [o.label for o in self.question.options]
        return f", or choose {' / '.join(labels)} below" if labels else ""


class NumberInput(Input):
    """Backspace in the empty field goes back a question, as it does everywhere else."""

    def show(self, question: Question, current: Answer | None) -> None:
        """Ask `question`: its range as the placeholder and the rule, `current` as the text."""
        self.validators = [AnswerValidator(question)]
        self.placeholder = number_hint(question).capitalize()
        self.value = str(current) if isinstance(current, int) else ""

    def on_mount(self) -> None:
        # A blinking cursor would make screenshots of a headless run differ from run to run.
        self.cursor_blink = not self.app.is_headless

    async def action_delete_left(self) -> None:
        if not self.value:
            await self.app.run_action("back")
            return
        super().action_delete_left()
