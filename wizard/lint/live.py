"""What lint's walk keeps of a prefix's answers at each position (see wizard.lint.outcomes).

An answer matters at a position while something not yet tried reads it: a later question's
condition, a stop still to be tried, or a rule not yet decided. A stop is tried right after each
question it reads is answered, so its answers matter up to the last of those questions and not
after it. An answer that only fills a rule's code template matters only if it can change a
finding (`template_matters`).

A named condition whose questions all lie behind a position has a value that nothing ahead can
change: from there on, what lies ahead reads that value, not the answers it was made of. So
the walk keeps the value (`low_back` holds) instead of the answers (region, red flags,
psychological factors), and prefixes that differ only in how they made a condition hold go
together. A feature is an answer (`("answer", question id)`) or a named condition's value
(`("condition", name)`), and lives from the position where it is settled to the last position
where something still to be tried reads it. The positions are swept once, so a long tree costs
what its live features cost, not its length squared.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from wizard.engine.conditions import ConditionEvaluator
from wizard.tree.models import Condition, DerivedValue, Tree

Feature = tuple[str, str]  # ("answer", question id) or ("condition", name)


def live_features(
    tree: Tree,
    evaluator: ConditionEvaluator,
    rule_last: Sequence[int],
    rule_codes: Sequence[Collection[str]],
    clashable: Collection[str],
    slot_role: Mapping[str, str],
    settled: Mapping[str, int],
) -> list[tuple[Feature, ...]]:
    """For each position, the features a prefix's signature holds there, sorted.

    `rule_last` is each rule's deciding position (its last question), `rule_codes` the codes it
    can build, `clashable` the codes some other code of the tree clashes with, `settled` the
    position where each named condition is settled (its last question's; -1 for none).
    """
    position_of = {q.id: i for i, q in enumerate(tree.questions)}
    inner: dict[str, dict[Feature, int]] = {}
    until: dict[Feature, int] = {}  # feature -> last position where something reads it

    def inside(name: str) -> dict[Feature, int]:
        """The features a named condition reads while it is not settled, each with how long."""
        if name not in inner:
            inner[name] = features(tree.conditions[name], settled[name])
        return inner[name]

    def features(condition: Condition | None, last: int) -> dict[Feature, int]:
        """What a condition tried up to position `last` reads: answers and named conditions."""
        found: dict[Feature, int] = {}

        def add(feature: Feature, bound: int) -> None:
            found[feature] = max(found.get(feature, -1), bound)

        def visit(node: Condition) -> None:
            for key in node.matchers:
                add(("answer", key), last)
            for name in node.is_:
                if name not in tree.conditions:
                    continue
                add(("condition", name), last)
                # While it is not settled, it is read through its own features.
                for feature, bound in inside(name).items():
                    add(feature, min(bound, last))
            for child in [*node.all, *node.any, *([node.not_] if node.not_ else [])]:
                visit(child)

        if condition is not None:
            visit(condition)
        return found

    def read(condition: Condition | None, last: int) -> None:
        for feature, bound in features(condition, last).items():
            until[feature] = max(until.get(feature, -1), bound)

    for stop in tree.stops:
        read(stop.when, max((position_of[q] for q in evaluator.reads(stop.when) if q in position_of), default=-1))
    for position, question in enumerate(tree.questions):
        read(question.when, position)
    for index, rule in enumerate(tree.rules):
        read(rule.when, rule_last[index])
        for value in tree.values:
            if "{" + value.id + "}" in rule.code and template_matters(tree, evaluator, index, value, rule_codes[index], clashable, slot_role):
                until[("answer", value.source)] = max(until.get(("answer", value.source), -1), rule_last[index])
    starts: dict[int, list[Feature]] = {}
    for feature, last in until.items():
        kind, name = feature
        first = position_of[name] + 1 if kind == "answer" else settled[name] + 1
        if first <= last:
            starts.setdefault(first, []).append(feature)
    ends: dict[int, list[Feature]] = {}
    live: set[Feature] = set()
    found: list[tuple[Feature, ...]] = []
    current: tuple[Feature, ...] = ()
    for position in range(len(tree.questions)):
        changed = False
        for feature in starts.get(position, ()):
            live.add(feature)
            ends.setdefault(until[feature], []).append(feature)
            changed = True
        gone = ends.pop(position - 1, None)
        if gone:
            live.difference_update(gone)
            changed = True
        if changed:
            current = tuple(sorted(live))
        found.append(current)
    return found


def template_matters(
    tree: Tree,
    evaluator: ConditionEvaluator,
    index: int,
    value: DerivedValue,
    codes: Collection[str],
    clashable: Collection[str],
    slot_role: Mapping[str, str],
) -> bool:
    """Whether the answer a rule's code template reads can change a finding, not just the code.

    It cannot when the template always builds a code (the value has text for every answer,
    and the answer is given whenever the rule fires: the rule requires it, or the question is
    always asked) and the code it builds can neither clash with another nor be an external
    cause code listed first: then prefixes that differ only in that answer have the same
    findings, and the walk need not tell them apart.
    """
    rule = tree.rules[index]
    question = tree.question(value.source)
    if question is None:
        return True
    total = all(o in value.map for o in question.option_ids())
    if question.number is not None:
        reach = question.number.min - 1
        for low, high in sorted((band.min, band.max) for band in value.ranges):
            if low > reach + 1:
                break
            reach = max(reach, high)
        total = total and reach >= question.number.max
    answered = question.when is None or question.id in evaluator.requires(rule.when)
    inert = slot_role[rule.slot] != "external_cause" and not any(code in clashable for code in codes)
    return not (total and answered and inert)
