"""Every reachable answer path of a tree, walked through the real engine.

Numeric answers are enumerated by their outcome classes: the bounds that the tree's
conditions and derived values use split the range into intervals, and one number from
each interval stands for all of it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from wizard.engine.engine import Engine
from wizard.tree.models import Answer, Condition, Question, Range, Tree

PATH_LIMIT = 5_000_000


@dataclass(frozen=True)
class Leaf:
    """The end of one path: the answers given and how the walk ended."""

    answers: tuple[tuple[str, Answer], ...]
    stop: str | None


def number_classes(tree: Tree, question: Question) -> list[int]:
    """One representative number per outcome class of a numeric question."""
    spec = question.number
    if spec is None:
        return []
    cuts = {spec.min}
    for lo, hi in _ranges_on(tree, question.id):
        for bound in (lo, None if hi is None else hi + 1):
            if bound is not None and spec.min < bound <= spec.max:
                cuts.add(bound)
    return sorted(cuts)


def _ranges_on(tree: Tree, question_id: str) -> Iterator[tuple[int | None, int | None]]:
    for value in tree.values:
        if value.source == question_id:
            for band in value.ranges:
                yield band.min, band.max
    conditions: list[Condition] = [c for c in tree.conditions.values()]
    conditions += [q.when for q in tree.questions if q.when is not None]
    conditions += [r.when for r in tree.rules] + [s.when for s in tree.stops] + [c.when for c in tree.checklist]
    while conditions:
        condition = conditions.pop()
        matcher = condition.matchers.get(question_id)
        if isinstance(matcher, Range):
            yield matcher.min, matcher.max
        conditions += [*condition.all, *condition.any, *([condition.not_] if condition.not_ else [])]


def choices(tree: Tree, question: Question) -> list[Answer]:
    return [*question.option_ids(), *number_classes(tree, question)]


def walk_paths(engine: Engine, limit: int = PATH_LIMIT) -> Iterator[Leaf]:
    """Depth-first over every answer of every reachable question; yields each finished path.

    Stops (raises OverflowError) after `limit` paths so that a runaway tree cannot hang lint.
    """
    engine.restart()
    tree = engine.tree
    options = {q.id: choices(tree, q) for q in tree.questions}
    count = 0
    stack: list[Iterator[Answer]] = []

    def leaf() -> Leaf:
        stop = engine.stop
        return Leaf(tuple((s.question, s.answer) for s in engine.path), stop.id if stop else None)

    if engine.current is None:
        yield leaf()
        return
    stack.append(iter(options[engine.current.id]))
    while stack:
        answer = next(stack[-1], None)
        if answer is None:
            stack.pop()
            if stack:
                engine.back()
            continue
        engine.answer(answer)
        if engine.current is None:
            count += 1
            if count > limit:
                raise OverflowError(f"more than {limit:,} paths")
            yield leaf()
            engine.back()
        else:
            stack.append(iter(options[engine.current.id]))
