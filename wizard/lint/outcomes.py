"""Checking the code set at the end of every reachable path, without walking each one.

Paths multiply (every option of every question), but most of their prefixes behave alike.
At a question, what lies ahead depends only on:
- the answers that later `when` conditions and stops read (the flow ahead),
- the answers that rules not yet decided read (codes still to come), and
- a summary of the codes already decided: whether there are any, which one sorts first, and those
  that could clash (Excludes1) with a code still to come, plus the clashes among themselves.
Two prefixes with the same signature have the same futures and the same findings, so the walk
explores one and counts the other. A rule is decided once every question it reads lies behind
the current one in the asking order. The count of paths stays exact.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from wizard.engine.coder import Coder, TemplateError, build_code, possible_codes
from wizard.engine.conditions import ConditionEvaluator
from wizard.engine.engine import Engine
from wizard.lint.paths import choices
from wizard.tree.models import Answer, Rule, Tree

Key = tuple[str, ...]
Example = tuple[tuple[str, Answer], ...]


@dataclass
class Subtree:
    """What lies below one node: how many paths, and each finding with a count and an example."""

    paths: int = 0
    findings: dict[Key, tuple[int, str, Example]] = field(default_factory=dict)

    def add(self, key: Key, message: str, example: Example, count: int = 1) -> None:
        old = self.findings.get(key)
        self.findings[key] = (count, message, example) if old is None else (old[0] + count, old[1], old[2])

    def absorb(self, other: Subtree, prefix: Example) -> None:
        self.paths += other.paths
        for key, (count, message, example) in other.findings.items():
            self.add(key, message, prefix + example, count)


@dataclass
class Coverage:
    """What some path reaches: questions asked, rules fired, stops taken."""

    asked: set[str] = field(default_factory=set)
    fired: set[str] = field(default_factory=set)
    stops: set[str] = field(default_factory=set)


Conflicts = Callable[[list[str]], list]
# A decided rule: (code, rule), or (TEMPLATE_FAILED, rule, why) when its code could not be built.
Decided = tuple[tuple, ...]
TEMPLATE_FAILED = "!template"


class OutcomeWalker:
    def __init__(self, tree: Tree, conflicts: Conflicts) -> None:
        self.tree = tree
        self.conflicts = conflicts
        self.engine = Engine(tree)
        self.coder = Coder(tree)
        self.evaluator = ConditionEvaluator(tree)
        self.coverage = Coverage()
        self._memo: dict[tuple, Subtree] = {}
        self._conflict_cache: dict[frozenset[str], list] = {}
        self._choices = {q.id: choices(tree, q) for q in tree.questions}
        self._position = {q.id: i for i, q in enumerate(tree.questions)}
        self._slot_index = {s.id: i for i, s in enumerate(tree.sequence)}
        self._slot_role = {s.id: s.role for s in tree.sequence}
        self._rule_key = {r.id: (self._slot_index[r.slot], i) for i, r in enumerate(tree.rules)}
        self._prepare_rules()
        self._prepare_flow()

    # -- static preparation -----------------------------------------------------------------

    def _prepare_rules(self) -> None:
        end = len(self.tree.questions)
        self._rule_reads: dict[str, frozenset[str]] = {}
        self._rule_last: dict[str, int] = {}
        self._rule_codes: dict[str, set[str]] = {}
        for rule in self.tree.rules:
            reads = self.evaluator.reads(rule.when)
            reads |= {v.source for v in self.tree.values if "{" + v.id + "}" in rule.code}
            self._rule_reads[rule.id] = frozenset(reads)
            self._rule_last[rule.id] = max((self._position[q] for q in reads), default=-1)
            self._rule_codes[rule.id] = set(possible_codes(self.tree, rule))
        self._rules_by_last: dict[int, list[Rule]] = {}
        for rule in self.tree.rules:
            self._rules_by_last.setdefault(self._rule_last[rule.id], []).append(rule)
        # For each position: the rules still undecided there, and every code they could add.
        self._undecided: list[list[Rule]] = []
        self._future_codes: list[set[str]] = []
        for position in range(end + 1):
            pending = [r for r in self.tree.rules if self._rule_last[r.id] >= position]
            self._undecided.append(pending)
            self._future_codes.append(set().union(*(self._rule_codes[r.id] for r in pending)) if pending else set())
        self._clashing: dict[tuple[str, int], bool] = {}

    def _prepare_flow(self) -> None:
        """For each position, the earlier questions whose answers the flow ahead reads."""
        questions = self.tree.questions
        stop_reads: set[str] = set()
        for stop in self.tree.stops:
            stop_reads |= self.evaluator.reads(stop.when)
        ahead: set[str] = set(stop_reads)
        reads_at: list[frozenset[str]] = [frozenset()] * (len(questions) + 1)
        reads_at[len(questions)] = frozenset()
        for position in range(len(questions) - 1, -1, -1):
            ahead |= self.evaluator.reads(questions[position].when)
            rule_reads = set().union(*(self._rule_reads[r.id] for r in self._undecided[position])) if self._undecided[position] else set()
            relevant = (ahead | rule_reads)
            reads_at[position] = frozenset(q for q in relevant if self._position.get(q, len(questions)) < position)
        self._signature_reads = {q.id: tuple(sorted(reads_at[i])) for i, q in enumerate(questions)}

    # -- the walk ---------------------------------------------------------------------------

    def walk(self) -> Subtree:
        old_limit = sys.getrecursionlimit()
        sys.setrecursionlimit(max(old_limit, 4 * len(self.tree.questions) + 1000))
        try:
            self.engine.restart()
            return self._explore((), -1)
        finally:
            sys.setrecursionlimit(old_limit)

    def _explore(self, decided: Decided, since: int) -> Subtree:
        """The paths below the engine's current state.

        `decided` holds the codes of rules decided before position `since`; the rules whose
        last question lies between `since` and here are decided now, once, for this path.
        """
        engine = self.engine
        question = engine.current
        position = self._position[question.id] if question is not None else len(self.tree.questions)
        answers = engine.answers
        decided = decided + self._newly_decided(since, position, answers)
        if question is None:
            return self._leaf(decided)
        self.coverage.asked.add(question.id)
        signature = self._signature(question.id, position, answers, decided)
        known = self._memo.get(signature)
        if known is not None:
            return known
        below = Subtree()
        for answer in self._choices[question.id]:
            engine.answer(answer)
            below.absorb(self._explore(decided, position), ((question.id, answer),))
            engine.back()
        self._memo[signature] = below
        return below

    def _newly_decided(self, since: int, position: int, answers: Mapping[str, Answer]) -> Decided:
        found = []
        for last in range(since, position):
            for rule in self._rules_by_last.get(last, ()):
                if self.evaluator.holds(rule.when, answers):
                    self.coverage.fired.add(rule.id)
                    try:
                        found.append((build_code(rule.code, self.tree, answers), rule))
                    except TemplateError as error:
                        found.append((TEMPLATE_FAILED, rule, str(error)))
        return tuple(found)

    def _signature(self, question_id: str, position: int, answers: Mapping[str, Answer], decided: Decided) -> tuple:
        projection = tuple(answers.get(q) for q in self._signature_reads[question_id])
        codes = [item[0] for item in decided if item[0] != TEMPLATE_FAILED]
        relevant = frozenset(code for code in codes if self._may_clash(code, position))
        failed = frozenset(item[1].id for item in decided if item[0] == TEMPLATE_FAILED)
        return (question_id, projection, bool(decided), self._first_class(decided, position), relevant, self._clashes(codes), failed)

    def _first_class(self, decided: Decided, position: int) -> tuple[bool, int] | None:
        """What the decided codes tell about the first-listed code, and nothing more.

        The first code of the result is the earliest decided one unless a rule still undecided
        sorts before it; so its role and how many undecided rules sort before it are enough.
        """
        if not decided:
            return None
        first = min(decided, key=lambda item: self._rule_key[item[1].id])[1]
        key = self._rule_key[first.id]
        before = sum(1 for rule in self._undecided[position] if self._rule_key[rule.id] < key)
        return (self._slot_role[first.slot] == "external_cause", before)

    def _may_clash(self, code: str, position: int) -> bool:
        """Could a decided code clash with any code that a rule still undecided might add?"""
        key = (code, position)
        if key not in self._clashing:
            self._clashing[key] = any(self._pair_clashes(code, other) for other in self._future_codes[position])
        return self._clashing[key]

    def _pair_clashes(self, a: str, b: str) -> bool:
        return a != b and bool(self._clashes([a, b]))

    def _clashes(self, codes: list[str]) -> frozenset:
        if len(codes) < 2:
            return frozenset()
        key = frozenset(codes)
        if key not in self._conflict_cache:
            self._conflict_cache[key] = self.conflicts(sorted(key))
        return frozenset((c.code, c.excluded) for c in self._conflict_cache[key])

    def _leaf(self, decided: Decided) -> Subtree:
        leaf = Subtree(paths=1)
        stop = self.engine.stop
        if stop is not None:
            self.coverage.stops.add(stop.id)
        for item in decided:
            if item[0] == TEMPLATE_FAILED:
                leaf.add(("template", item[1].id), f"rule {item[1].id} could not build its code: {item[2]}", ())
        built = self.coder.arrange([(item[0], item[1]) for item in decided if item[0] != TEMPLATE_FAILED])
        codes = [code for code, _ in built]
        if not codes and stop is None:
            leaf.add(("empty",), "a path ends with no code and no stop", ())
        if built and self._slot_role[built[0][1].slot] == "external_cause":
            leaf.add(("external_first", built[0][0]), f"external cause code {built[0][0]} would be first-listed", ())
        self._clashes(codes)
        for conflict in self._conflict_cache.get(frozenset(codes), []) if len(codes) > 1 else []:
            leaf.add(
                ("excludes1", conflict.code, conflict.excluded),
                f"{conflict.code} and {conflict.excluded} are reported together, but {conflict.owner} says Excludes1: \"{conflict.note}\"",
                (),
            )
        return leaf
