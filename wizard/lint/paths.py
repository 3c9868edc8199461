"""Every reachable answer path of a tree, walked through the real engine.

Numeric answers are enumerated by their outcome classes: the bounds that the tree's
conditions and derived values use split the range into intervals, and one number from
each interval stands for all of it.

Options have classes too (:func:`answer_classes`): options that no condition of the flow,
the rules or the stops and no derived value tells apart lead to the same futures, so lint's
walk follows one of them and counts the paths of the others without walking them.

A question with several answers (`select = "many"`) has an answer for every set of its
options, 2^n of them. Conditions see such an answer only through `includes` (does it hold one
of these options?), so options that no `includes` tells apart are one class, and what decides
the future of a set is which classes it touches: one set per combination of classes stands for
all the sets that touch the same classes, 2^k - 1 of them for a class of k options it touches.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from dataclasses import dataclass

from wizard.engine.engine import Engine
from wizard.tree.models import Answer, Condition, Includes, Matcher, NotIn, Question, Range, Tree

PATH_LIMIT = 5_000_000


@dataclass(frozen=True)
class Leaf:
    """The end of one path: the answers given and how the walk ended."""

    answers: tuple[tuple[str, Answer], ...]
    stop: str | None


class MatcherIndex:
    """Every matcher in a tree's conditions, by the question it reads: one walk over the tree.

    `deciding` holds those of the conditions that decide the flow and the codes (named
    conditions, questions, rules, stops); `checklist` those of the checklist items.
    """

    def __init__(self, tree: Tree) -> None:
        self.tree = tree
        deciding: list[Condition] = [*tree.conditions.values()]
        deciding += [q.when for q in tree.questions if q.when is not None]
        deciding += [r.when for r in tree.rules] + [s.when for s in tree.stops]
        self.deciding = _by_question(deciding)
        self.checklist = _by_question([c.when for c in tree.checklist])

    def ranges_on(self, question_id: str) -> Iterator[tuple[int | None, int | None]]:
        for value in self.tree.values:
            if value.source == question_id:
                for band in value.ranges:
                    yield band.min, band.max
        for matcher in [*self.deciding.get(question_id, ()), *self.checklist.get(question_id, ())]:
            if isinstance(matcher, Range):
                yield matcher.min, matcher.max


def _by_question(conditions: list[Condition]) -> dict[str, list[Matcher]]:
    found: dict[str, list[Matcher]] = {}
    while conditions:
        condition = conditions.pop()
        for key, matcher in condition.matchers.items():
            found.setdefault(key, []).append(matcher)
        conditions += [*condition.all, *condition.any, *([condition.not_] if condition.not_ else [])]
    return found


def number_classes(tree: Tree, question: Question, index: MatcherIndex | None = None) -> list[int]:
    """One representative number per outcome class of a numeric question."""
    spec = question.number
    if spec is None:
        return []
    index = index or MatcherIndex(tree)
    cuts = {spec.min}
    for lo, hi in index.ranges_on(question.id):
        for bound in (lo, None if hi is None else hi + 1):
            if bound is not None and spec.min < bound <= spec.max:
                cuts.add(bound)
    return sorted(cuts)


def choices(tree: Tree, question: Question, index: MatcherIndex | None = None) -> list[Answer]:
    """Every answer a question takes, a number standing for each of its outcome classes."""
    if question.many:
        return list(every_set(question))
    return [*question.option_ids(), *number_classes(tree, question, index)]


def every_set(question: Question) -> Iterator[tuple[str, ...]]:
    """Every answer of a question with several answers: each set of its options, () first."""
    ids = question.option_ids()
    for size in range(len(ids) + 1):
        yield from itertools.combinations(ids, size)


def answer_classes(tree: Tree, question: Question, index: MatcherIndex | None = None) -> list[tuple[Answer, int]]:
    """One answer per class of answers that lead to the same futures, with the class's size.

    Two options are alike when every matcher on the question in the conditions that decide the
    flow and the codes (named conditions, questions, rules, stops) and every derived value
    read them the same way; checklist items decide neither, so they do not count. The first
    option of each class stands for it; each number class stands for itself.
    """
    index = index or MatcherIndex(tree)
    matchers = index.deciding.get(question.id, [])
    values = [v for v in tree.values if v.source == question.id]
    classes: dict[tuple[object, ...], list[str]] = {}
    for option in question.option_ids():
        seen = tuple(_sees(matcher, option) for matcher in matchers) + tuple(v.map.get(option) for v in values)
        classes.setdefault(seen, []).append(option)
    if question.many:
        return set_classes(question, list(classes.values()))
    return [(ids[0], len(ids)) for ids in classes.values()] + [(n, 1) for n in number_classes(tree, question, index)]


def set_classes(question: Question, classes: list[list[str]]) -> list[tuple[Answer, int]]:
    """One set per combination of option classes it touches, with how many sets touch exactly
    those classes: the first option of each class touched stands for the 2^k - 1 non-empty
    subsets of a class of k. The counts add up to 2^n, every set of the options."""
    order = {option: i for i, option in enumerate(question.option_ids())}
    found: list[tuple[Answer, int]] = []
    for touched in itertools.product((False, True), repeat=len(classes)):
        members = sorted((ids[0] for ids, on in zip(classes, touched) if on), key=order.__getitem__)
        count = math.prod(2 ** len(ids) - 1 for ids, on in zip(classes, touched) if on)
        found.append((tuple(members), count))
    return found


def _sees(matcher: Matcher, option: str) -> bool | None:
    """What a matcher makes of an option: str, list and not-in matchers tell options apart."""
    if isinstance(matcher, str):
        return option == matcher
    if isinstance(matcher, list):
        return option in matcher
    if isinstance(matcher, NotIn):
        return option in matcher.not_
    if isinstance(matcher, Includes):
        return option in matcher.includes
    return None  # answered / range: every option looks the same


def walk_paths(engine: Engine, limit: int = PATH_LIMIT) -> Iterator[Leaf]:
    """Depth-first over every answer of every reachable question; yields each finished path.

    Stops (raises OverflowError) after `limit` paths so that a runaway tree cannot hang lint.
    """
    engine.restart()
    tree = engine.tree
    index = MatcherIndex(tree)
    options = {q.id: choices(tree, q, index) for q in tree.questions}
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
