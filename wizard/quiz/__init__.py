"""Trainee mode: a case library in TOML and a grader that explains every difference."""

from wizard.quiz.cases import Case, CaseLibrary, load_cases
from wizard.quiz.grading import Feedback, Grade, grade

__all__ = ["Case", "CaseLibrary", "Feedback", "Grade", "grade", "load_cases"]
