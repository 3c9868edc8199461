"""Running a tree without a screen: an answers mapping in, a finished engine out."""

from __future__ import annotations

import difflib
from collections.abc import Mapping

from wizard.engine.engine import AnswerError, Engine, check_answer
from wizard.record import record
from wizard.tree.models import Question, Tree


@record
class AnswerProblem:
    """An answers file names something the tree does not have."""

    question: str
    message: str


@record
class Unanswered:
    """The walk reached a question that the answers do not answer and that has no default."""

    question: Question


def check_answers(tree: Tree, answers: Mapping[str, object]) -> list[AnswerProblem]:
    """Every answer must name a question of the tree and one of its options (or a number in range)."""
    problems = []
    known = [q.id for q in tree.questions]
    for question_id, value in answers.items():
        question = tree.question(question_id)
        if question is None:
            close = difflib.get_close_matches(question_id, known, n=1)
            hint = f" Did you mean '{close[0]}'?" if close else ""
            problems.append(AnswerProblem(question_id, f"'{question_id}' is not a question of tree '{tree.tree.id}'.{hint} Questions: {', '.join(known)}."))
            continue
        try:
            check_answer(question, value)
        except AnswerError as error:
            problems.append(AnswerProblem(question_id, str(error)))
    return problems


def walk(engine: Engine, answers: Mapping[str, object]) -> Unanswered | None:
    """Answer questions from the mapping (or their default) until the tree ends.

    Answers to questions the walk never reaches are ignored. Returns the question the walk
    stopped at when it has neither an answer nor a default.
    """
    while (question := engine.current) is not None:
        if question.id in answers:
            engine.answer(answers[question.id])
        elif question.default is not None:
            engine.answer(question.default)
        else:
            return Unanswered(question)
    return None
