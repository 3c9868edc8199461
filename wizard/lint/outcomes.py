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

from wizard.engine.coder import Coder, TemplateError, build_code
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
        self._prepare_rules()
        self._prepare_flow()

    # -- static preparation -----------------------------------------------------------------

    def _prepare_rules(self) -> None:
        from wizard.lint.checks import possible_codes

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
            return self._explore()
        finally:
            sys.setrecursionlimit(old_limit)

    def _explore(self) -> Subtree:
        engine = self.engine
        question = engine.current
        if question is None:
            return self._leaf()
        self.coverage.asked.add(question.id)
        answers = engine.answers
        signature = self._signature(question.id, answers)
        known = self._memo.get(signature)
        if known is not None:
            return known
        below = Subtree()
        for answer in self._choices[question.id]:
            engine.answer(answer)
            below.absorb(self._explore(), ((question.id, answer),))
            engine.back()
        self._memo[signature] = below
        return below

    def _signature(self, question_id: str, answers: Mapping[str, Answer]) -> tuple:
        position = self._position[question_id]
        projection = tuple(answers.get(q) for q in self._signature_reads[question_id])
        decided = self._decided_codes(position, answers)
        self.coverage.fired.update(rule.id for _, rule in decided)
        relevant = frozenset(code for code, _ in decided if self._may_clash(code, position))
        first = min(((self._slot_index[r.slot], self._rule_position(r)) for _, r in decided), default=None)
        clashes = self._clashes([code for code, _ in decided])
        return (question_id, projection, bool(decided), first, relevant, clashes)

    def _decided_codes(self, position: int, answers: Mapping[str, Answer]) -> list[tuple[str, Rule]]:
        decided = []
        for rule in self.tree.rules:
            if self._rule_last[rule.id] < position and self.evaluator.holds(rule.when, answers):
                try:
                    decided.append((build_code(rule.code, self.tree, answers), rule))
                except TemplateError:
                    decided.append(("!" + rule.id, rule))
        return decided

    def _rule_position(self, rule: Rule) -> int:
        return self.tree.rules.index(rule)

    def _may_clash(self, code: str, position: int) -> bool:
        """Could a decided code clash with any code that a rule still undecided might add?"""
        key = (code, position)
        if key not in self._clashing:
            self._clashing[key] = any(self._pair_clashes(code, other) for other in self._future_codes[position])
        return self._clashing[key]

    def _pair_clashes(self, a: str, b: str) -> bool:
        if a.startswith("!") or b.startswith("!") or a == b:
            return False
        return bool(self._clashes([a, b]))

    def _clashes(self, codes: list[str]) -> frozenset:
        real = [c for c in codes if not c.startswith("!")]
        if len(real) < 2:
            return frozenset()
        key = frozenset(real)
        if key not in self._conflict_cache:
            self._conflict_cache[key] = self.conflicts(sorted(real))
        return frozenset((c.code, c.excluded) for c in self._conflict_cache[key])

    def _leaf(self) -> Subtree:
        engine = self.engine
        leaf = Subtree(paths=1)
        stop = engine.stop
        if stop is not None:
            self.coverage.stops.add(stop.id)
        answers = engine.answers
        built, template_warnings = self.coder.codes(answers)
        self.coverage.fired.update(rule.id for _, rule in built)
        for warning in template_warnings:
            leaf.add(("template", warning.id), warning.text, ())
        codes = [code for code, _ in built]
        if not codes and stop is None:
            leaf.add(("empty",), "a path ends with no code and no stop", ())
        if built and self._slot_role[built[0][1].slot] == "external_cause":
            leaf.add(("external_first", built[0][0]), f"external cause code {built[0][0]} would be first-listed", ())
        key = frozenset(codes)
        if len(codes) > 1:
            if key not in self._conflict_cache:
                self._conflict_cache[key] = self.conflicts(sorted(codes))
            for conflict in self._conflict_cache[key]:
                leaf.add(
                    ("excludes1", conflict.code, conflict.excluded),
                    f"{conflict.code} and {conflict.excluded} are reported together, but {conflict.owner} says Excludes1: \"{conflict.note}\"",
                    (),
                )
        return leaf
