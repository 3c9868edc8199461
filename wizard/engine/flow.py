"""Which state follows a question: the tree's flow as ordered, conditional edges.

`flow_edges` is the one definition of the flow. The Engine hands its edges to a `transitions`
Machine; `Flow` compiles the same edges, with the same compiled conditions, into a table that
lint's path walk steps through millions of times without the Machine's per-event overhead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from wizard.engine.conditions import Check, ConditionEvaluator
from wizard.tree.models import Answer, Condition, Question, Stop, Tree

DONE = "__done__"
STOP_PREFIX = "__stop__"


def stops_by_question(tree: Tree, evaluator: ConditionEvaluator) -> dict[str, list[Stop]]:
    """For each question, the stops whose condition reads it, in the order they are written."""
    found: dict[str, list[Stop]] = {}
    for stop in tree.stops:
        for read in evaluator.reads(stop.when):
            found.setdefault(read, []).append(stop)
    return found


def edges_from(tree: Tree, index: int, stops_reading: Mapping[str, list[Stop]]) -> Iterator[tuple[str, Condition | None]]:
    """The ordered candidates after the question at `index`: (state, condition or None)."""
    questions = tree.questions
    for stop in stops_reading.get(questions[index].id, ()):
        yield STOP_PREFIX + stop.id, stop.when
    for later_index in range(index + 1, len(questions)):
        later = questions[later_index]
        yield later.id, later.when
        if later.when is None:
            return
    yield DONE, None


def flow_edges(tree: Tree, evaluator: ConditionEvaluator) -> Iterator[tuple[Question, str, Condition | None]]:
    """For each question, the ordered candidates an answer may lead to, with their conditions.

    The first candidate whose condition holds wins: stops that read this question, then the
    following questions up to the first one asked unconditionally, then the end of the tree.
    Any answer of a question has the same candidates; the conditions tell them apart.
    """
    stops_reading = stops_by_question(tree, evaluator)
    for index, question in enumerate(tree.questions):
        for dest, condition in edges_from(tree, index, stops_reading):
            yield question, dest, condition


class Flow:
    """The flow compiled: after a question, the first candidate state whose condition holds.

    `compile` turns a candidate's condition into its check, given the question answered (the
    evaluator's own compile by default; lint's walk reads the named conditions it already knows).
    """

    def __init__(self, tree: Tree, evaluator: ConditionEvaluator, compile: Callable[[Question, Condition], Check] | None = None) -> None:
        build = compile or (lambda question, condition: evaluator.compile(condition))
        edges: dict[str, list[tuple[str, Check | None]]] = {}
        for question, dest, condition in flow_edges(tree, evaluator):
            edges.setdefault(question.id, []).append((dest, None if condition is None else build(question, condition)))
        self.candidates: dict[str, tuple[tuple[str, Check | None], ...]] = {q: tuple(c) for q, c in edges.items()}

    def next_state(self, question_id: str, answers: Mapping[str, Answer]) -> str:
        """The state an answer to `question_id` leads to, the answer being in `answers`."""
        for dest, check in self.candidates[question_id]:
            if check is None or check(answers, None):
                return dest
        raise AssertionError("the last candidate of every question is unconditional")
