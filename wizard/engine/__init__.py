"""The engine: a state machine over a Tree, the answers, and the Result."""

from wizard.engine.engine import AnswerError, Engine, Step, check_answer
from wizard.engine.result import ChecklistItem, CodeLine, Result, Warning

__all__ = ["AnswerError", "ChecklistItem", "CodeLine", "Engine", "Result", "Step", "Warning", "check_answer"]
