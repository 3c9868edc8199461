"""Checking the code set at the end of every reachable path, without walking each one.

Paths multiply (every option of every question), but most of their prefixes behave alike.
At a question, what lies ahead depends only on:
- the answers that later `when` conditions and stops read (the flow ahead),
- the answers that rules not yet decided read (codes still to come), and
- a summary of the codes already decided: whether there are any, which one sorts first, and those
  that could clash (Excludes1) with a code still to come, plus the clashes among themselves; the
  rules whose code template failed (a failure is not a code: a path with nothing else is empty);
  and the codes that rules of several slots can build while one still undecided could move them
  ahead of the first (the result keeps such a code once, where its lowest-numbered rule puts it).
Two prefixes with the same signature have the same futures and the same findings, so the walk
explores one and counts the other. A rule is decided once every question it reads lies behind
the current one in the asking order. The count of paths stays exact.

Which answers the flow and the rules ahead still read, position by position, is worked out
once (`wizard.lint.live`). More savings keep the walk cheap without changing what it finds or
counts:
- options that nothing deciding the flow or the codes tells apart (`answer_classes`) are walked
  once, and the paths below counted once per option;
- the walk steps through the engine's flow compiled into a table (`wizard.engine.flow.Flow`:
  the same edges as the Engine's machine, the same compiled conditions), not through the
  machine, whose per-event bookkeeping would be most of the run time;
- the rules decided at a question are looked up by the answers they read once a path has
  brought those answers there; of the rules whose last question was skipped, only those that
  can hold without its answer are tried;
- code sets at the ends of paths are judged once per distinct set, and only codes that some
  other code of the tree clashes with are kept apart in signatures.
"""

from __future__ import annotations

import sys
from bisect import bisect_right
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field

from wizard.engine.coder import Coder, TemplateError, compile_template, first_note_per_pair, possible_codes
from wizard.engine.flow import DONE, STOP_PREFIX, Flow
from wizard.lint.live import live_features
from wizard.lint.paths import MatcherIndex, answer_classes
from wizard.tree.models import Answer, Condition, Matcher, Question, Tree

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

    def absorb(self, other: Subtree, prefix: Example, times: int = 1) -> None:
        """Add the paths below a child, `times` over (once per option of its answer class)."""
        self.paths += other.paths * times
        for key, (count, message, example) in other.findings.items():
            self.add(key, message, prefix + example, count * times)


@dataclass
class Coverage:
    """What some path reaches: questions asked, rules fired, stops taken."""

    asked: set[str] = field(default_factory=set)
    fired: set[str] = field(default_factory=set)
    stops: set[str] = field(default_factory=set)


Conflicts = Callable[[list[str]], list]
# Finds, among some codes, the pairs that may clash: {code: codes it may clash with}. A
# superset is fine (each pair is then confirmed with `Conflicts`); without one, every pair is tried.
Partners = Callable[[Collection[str]], dict[str, set[str]]]
# A decided rule: (code, rule index), or (TEMPLATE_FAILED, rule index, why) when its code
# could not be built.
Item = tuple
TEMPLATE_FAILED = "!template"
# What the rules decided on a path so far: every item (a linked list, newest first, so that a
# step adds one cell instead of copying the path) and the summary the signature needs, kept
# up to date as items come: the rule of the code that sorts first (-1 before any code), the codes
# that may clash with another code of the tree, the rules whose template failed, and the codes
# that rules of several slots can build, each with the rule it is kept from.
Decided = tuple  # (items, first, clashable codes, failed rules, shared codes)
NOTHING: Decided = (None, -1, frozenset(), frozenset(), frozenset())


class OutcomeWalker:
    def __init__(self, tree: Tree, conflicts: Conflicts, partners: Partners | None = None) -> None:
        self.tree = tree
        self.conflicts = conflicts
        self.coder = Coder(tree)
        self.evaluator = self.coder.evaluator
        self.coverage = Coverage()
        self._memo: dict[tuple, Subtree] = {}
        self._leaves: dict[tuple, Subtree] = {}
        self._conflict_cache: dict[frozenset[str], list] = {}
        self._clash_cache: dict[frozenset[str], frozenset] = {}
        questions = tree.questions
        self._ids = [q.id for q in questions]
        self._position = {q.id: i for i, q in enumerate(questions)}
        self._end = len(questions)
        index = MatcherIndex(tree)
        self._choices = [answer_classes(tree, q, index) for q in questions]
        self._slot_index = {s.id: i for i, s in enumerate(tree.sequence)}
        self._slot_role = {s.id: s.role for s in tree.sequence}
        self._rule_key = [(self._slot_index[r.slot], i) for i, r in enumerate(tree.rules)]
        # The value of each named condition on the path being walked, worked out once all the
        # questions it reads lie behind (_settle_conditions); rules and signatures read them here.
        self._condition_values: dict[str, bool] = {}
        self._prepare_settling()
        self._prepare_flow_table()
        self._prepare_rules()
        self._prepare_clashes(partners)
        self._prepare_signatures()

    # -- static preparation -----------------------------------------------------------------

    def _prepare_flow_table(self) -> None:
        """The engine's flow with states as numbers: a question's index, then the end, then each stop."""
        end = self._end
        stop_number = {STOP_PREFIX + s.id: end + 1 + i for i, s in enumerate(self.tree.stops)}
        number = {**self._position, DONE: end, **stop_number}
        settled_by = self._settled_by

        def compile_edge(question: Question, condition: Condition) -> Callable:
            # Right after a question is answered, the named conditions settled up to it are known.
            return self.evaluator.compile_settled(condition, self._condition_values, settled_by(self._position[question.id]))

        flow = Flow(self.tree, self.evaluator, compile_edge)
        self._next = [tuple((number[dest], check) for dest, check in flow.candidates[q]) for q in self._ids]
        self._initial = next((i for i, q in enumerate(self.tree.questions) if self.evaluator.holds(q.when, {})), end)

    def _prepare_rules(self) -> None:
        """When each rule is decided (the last question it reads), how to build its code, what it can build."""
        tree = self.tree
        self._rule_last: list[int] = []
        self._rule_codes: list[set[str]] = []
        # Rules by the position after which they are decided; the rules that read nothing are
        # decided before the first question, at -1.
        self._rules_at: dict[int, list[tuple[int, Callable, Callable]]] = {}
        for i, rule in enumerate(tree.rules):
            reads = self.evaluator.reads(rule.when)
            reads |= {v.source for v in tree.values if "{" + v.id + "}" in rule.code}
            last = max((self._position[q] for q in reads), default=-1)
            self._rule_last.append(last)
            self._rule_codes.append(set(possible_codes(tree, rule)))
            # Decided once every question it reads lies behind, and so every named condition it names.
            check = self.evaluator.compile_settled(rule.when, self._condition_values)
            self._rules_at.setdefault(last, []).append((i, check, compile_template(rule.code, tree)))
        # The rules decided at one position fire, or not, by the answers they test themselves
        # and the values of the named conditions they name: a path that brings the same ones
        # there gets the same codes, looked up rather than worked out.
        self._group_reads = {}
        self._group_names = {}
        for last, group in self._rules_at.items():
            keys: set[str] = set()
            names: set[str] = set()
            for i, _, _ in group:
                rule = tree.rules[i]
                own_keys, own_names = _tested_directly(rule.when)
                keys |= own_keys | {v.source for v in tree.values if "{" + v.id + "}" in rule.code}
                names |= own_names
            self._group_reads[last] = tuple(sorted(keys))
            self._group_names[last] = tuple(sorted(names))
        self._group_codes: dict[int, dict[tuple, tuple]] = {last: {} for last in self._rules_at}
        # Rules whose last question was skipped (the walk passed it unasked) fire only if they
        # can hold without its answer: those are few, and the rest need not be tried.
        self._weak_at: dict[int, list[tuple[int, Callable, Callable]]] = {}
        for last, group in self._rules_at.items():
            for entry in group:
                if last >= 0 and self._ids[last] not in self.evaluator.requires(tree.rules[entry[0]].when):
                    self._weak_at.setdefault(last, []).append(entry)
        self._weak_positions = sorted(self._weak_at)
        # For _first_class: the rules in reporting order, and how many rules sort before a rule
        # and are still undecided at a position (filled as the walk asks).
        self._by_key = sorted(range(len(tree.rules)), key=self._rule_key.__getitem__)
        self._rank = {rule: rank for rank, rule in enumerate(self._by_key)}
        self._before: dict[tuple[int, int], int] = {}
        # Codes that rules of different slots can build, with the rules that can build each: the
        # result keeps such a code once, from its lowest-numbered rule, which decides its place.
        slots: dict[str, set[str]] = {}
        self._rules_building: dict[str, list[int]] = {}  # every code -> the rules that may build it
        for i, codes in enumerate(self._rule_codes):
            for code in codes:
                slots.setdefault(code, set()).add(tree.rules[i].slot)
                self._rules_building.setdefault(code, []).append(i)
        self._builders = {code: tuple(rules) for code, rules in self._rules_building.items() if len(slots[code]) > 1}
        self._external_rules = [i for i, rule in enumerate(tree.rules) if self._slot_role[rule.slot] == "external_cause"]
        self._last_builder = {code: max(self._rule_last[rule] for rule in rules) for code, rules in self._builders.items()}
        self._open_builder: dict[tuple[str, int], tuple | None] = {}  # (code, position) -> key of its earliest undecided builder

    def _prepare_clashes(self, partners: Partners | None) -> None:
        """For every code a rule can build: whether some other code of the tree clashes with it,
        and the last position where a rule that may build such a code is still undecided (-2
        when there is none)."""
        last_of_code: dict[str, int] = {}
        for i, codes in enumerate(self._rule_codes):
            for code in codes:
                last_of_code[code] = max(last_of_code.get(code, -2), self._rule_last[i])
        codes = sorted(last_of_code)
        self._partners = partners(codes) if partners is not None else None
        candidates = self._partners if self._partners is not None else {code: set(codes) for code in codes}
        self._clash_horizon: dict[str, int] = {}
        self._clashable: set[str] = set()  # codes with a clash partner among the tree's codes
        # For each clashable code, the rules that may build a code it clashes with.
        self._clash_rules: dict[str, tuple[int, ...]] = {}
        for code in codes:
            horizon = -2
            rules: set[int] = set()
            for other in candidates.get(code, ()):
                if other in last_of_code and self._pair_clashes(code, other):
                    self._clashable.add(code)
                    horizon = max(horizon, last_of_code[other])
                    rules.update(self._rules_building[other])
            self._clash_horizon[code] = horizon
            self._clash_rules[code] = tuple(sorted(rules, key=self._rule_last.__getitem__, reverse=True))
        self._requirements = [self._conjuncts(rule.when) for rule in self.tree.rules]
        self._settled_checks: dict[tuple[int, int], Callable] = {}

    def _conjuncts(self, condition: Condition) -> tuple[tuple[int, str, Matcher], ...]:
        """The tests of single answers that a condition cannot hold without, by the position of
        their question: its own, and those of the `is` and `all` parts it needs, followed down
        (an `any` or a `not` needs none of its parts for sure, so they are left out)."""
        found: list[tuple[int, str, Matcher]] = []
        seen: set[str] = set()
        stack = [condition]
        while stack:
            part = stack.pop()
            found += [(self._position[key], key, matcher) for key, matcher in part.matchers.items() if key in self._position]
            for name in part.is_:
                if name in self.tree.conditions and name not in seen:
                    seen.add(name)
                    stack.append(self.tree.conditions[name])
            stack += part.all
        return tuple(sorted(found, key=lambda item: item[0]))

    def _prepare_signatures(self) -> None:
        """For each position, the answers and the settled named conditions the signature holds;
        and where on a path each named condition is settled (the last question it reads), so
        that the walk works out its value once there, from the values of the named conditions
        it names, not again at every position that reads it."""
        live = live_features(self.tree, self.evaluator, self._rule_last, self._rule_codes, self._clashable, self._slot_role, self._settled_at)
        self._signature_reads = [tuple(name for kind, name in features if kind == "answer") for features in live]
        self._signature_conditions = [tuple(name for kind, name in features if kind == "condition") for features in live]

    def _prepare_settling(self) -> None:
        """Where each named condition is settled on a path (the position of the last question
        it reads, -1 for none), and its check from the values of the named conditions it names."""
        settling: dict[int, list[tuple[str, Callable]]] = {}
        self._settled_at: dict[str, int] = {}
        for name in self._named_in_order():
            reads = self.evaluator.reads(self.tree.conditions[name])
            at = self._settled_at[name] = max((self._position[q] for q in reads if q in self._position), default=-1)
            settling.setdefault(at, []).append((name, self.evaluator.compile_settled(self.tree.conditions[name], self._condition_values)))
        self._settling = settling
        self._settling_positions = sorted(settling)
        self._settling_spans: dict[tuple[int, int], tuple[tuple[str, Callable], ...]] = {}

    def _settled_by(self, position: int) -> SettledBy:
        """The named conditions whose value is known once the question at `position` is answered."""
        return SettledBy(self._settled_at, position)

    def _named_in_order(self) -> list[str]:
        """Every named condition, each after the named conditions it names (the loader refuses
        loops), so that a position's values are worked out in an order that has them ready."""
        conditions = self.tree.conditions
        ordered: list[str] = []
        done: set[str] = set()

        def names_in(condition: Condition) -> list[str]:
            found = list(condition.is_)
            for child in [*condition.all, *condition.any, *([condition.not_] if condition.not_ else [])]:
                found += names_in(child)
            return found

        def visit(name: str) -> None:
            if name in done or name not in conditions:
                return
            done.add(name)
            for used in names_in(conditions[name]):
                visit(used)
            ordered.append(name)

        for name in conditions:
            visit(name)
        return ordered

    # -- the walk ---------------------------------------------------------------------------

    def walk(self) -> Subtree:
        old_limit = sys.getrecursionlimit()
        sys.setrecursionlimit(max(old_limit, 4 * len(self.tree.questions) + 1000))
        try:
            self._answers: dict[str, Answer] = {}
            self._settle_conditions(-2, 0)  # the named conditions that read no question
            return self._reach(self._initial, NOTHING, -1)
        finally:
            sys.setrecursionlimit(old_limit)

    def _reach(self, state: int, decided: Decided, since: int) -> Subtree:
        """The paths below `state` (a question's index, the end, or a stop), reached from the
        question at position `since`.

        `decided` holds the codes of rules decided up to `since`; the rules whose last question
        lies between `since` and here are decided now, once, for this path.
        """
        end = self._end
        position = state if state < end else end
        self._settle_conditions(since, position)
        decided = self._decide(decided, since, position)
        if state >= end:
            return self._leaf(decided, state)
        if decided[4]:
            decided = self._settle_shared(decided, state)
        signature = self._signature(state, decided)
        known = self._memo.get(signature)
        if known is None:
            known = self._memo[signature] = self._explore(state, decided)
        return known

    def _explore(self, state: int, decided: Decided) -> Subtree:
        """The paths below a question no path with its signature has reached yet."""
        question_id = self._ids[state]
        self.coverage.asked.add(question_id)
        below = Subtree()
        answers = self._answers
        reach = self._reach
        for answer, times in self._choices[state]:
            answers[question_id] = answer
            self._settle_conditions(state - 1, state + 1)  # those settled by this answer
            for dest, check in self._next[state]:  # noqa: B007 - the first that holds is the one
                if check is None or check(answers, None):
                    break
            child = reach(dest, decided, state)
            below.paths += child.paths if times == 1 else child.paths * times
            if child.findings:
                below.absorb(Subtree(0, child.findings), ((question_id, answer),), times)
        answers.pop(question_id, None)
        return below

    def _decide(self, decided: Decided, since: int, position: int) -> Decided:
        """Decide the rules whose last question lies at `since` (just answered) or between it and
        `position` (skipped, so unanswered)."""
        answers = self._answers
        known = self._group_codes.get(since)
        if known is not None:
            key = (*map(answers.get, self._group_reads[since]), *map(self._condition_values.__getitem__, self._group_names[since]))
            found = known.get(key)
            if found is None:
                found = known[key] = self._fire(self._rules_at[since])
            if found:
                decided = self._add(decided, found)
        positions = self._weak_positions
        at = bisect_right(positions, since)
        while at < len(positions) and positions[at] < position:
            found = self._fire(self._weak_at[positions[at]])
            at += 1
            if found:
                decided = self._add(decided, found)
        return decided

    def _settle_conditions(self, after: int, position: int) -> None:
        """Work out the named conditions whose last question lies between the positions `after`
        and `position` (the questions skipped between two asked ones; the walk settles those of
        the question it answers as it answers it): their values hold from there on along this
        path, and a sibling path works them out again when it passes there."""
        span = self._settling_spans.get((after, position))
        if span is None:
            positions = self._settling_positions
            start, stop = bisect_right(positions, after), bisect_right(positions, position - 1)
            span = self._settling_spans[(after, position)] = tuple(entry for at in positions[start:stop] for entry in self._settling[at])
        values, answers = self._condition_values, self._answers
        for name, check in span:
            values[name] = check(answers, None)

    def _add(self, decided: Decided, found: tuple[Item, ...]) -> Decided:
        items, first, clashable, failed, shared = decided
        rule_key = self._rule_key
        for item in found:
            items = (item, items)
            code, index = item[0], item[1]
            if code == TEMPLATE_FAILED:
                failed = failed | {index}
                continue
            if code in self._clashable:
                clashable = clashable | {code}
            if code in self._builders:
                kept = next((pair for pair in shared if pair[0] == code), None)
                if kept is not None and kept[1] < index:
                    continue  # built before by a lower-numbered rule: this one is dropped
                shared = (shared - {kept}) | {(code, index)} if kept is not None else shared | {(code, index)}
                if kept is not None and kept[1] == first:
                    first = self._first_kept(items)
                    continue
            if first < 0 or rule_key[index] < rule_key[first]:
                first = index
        return (items, first, clashable, failed, shared)

    def _settle_shared(self, decided: Decided, position: int) -> Decided:
        """Forget the shared codes that no rule still undecided can build: where they are listed
        is settled, and `first` already counts them. Kept, they would grow with the path."""
        items, first, clashable, failed, shared = decided
        last = self._last_builder
        open_ = frozenset(pair for pair in shared if last[pair[0]] >= position)
        return decided if len(open_) == len(shared) else (items, first, clashable, failed, open_)

    def _first_kept(self, items: tuple | None) -> int:
        """The rule of the code that sorts first among the items a result keeps (-1 for none)."""
        kept: dict[str, int] = {}
        while items is not None:
            code, index = items[0][0], items[0][1]
            if code != TEMPLATE_FAILED and (code not in kept or index < kept[code]):
                kept[code] = index
            items = items[1]
        return min(kept.values(), key=self._rule_key.__getitem__, default=-1)

    def _fire(self, rules: list[tuple[int, Callable, Callable]]) -> tuple[Item, ...]:
        """The codes of the rules that hold on the answers given."""
        answers = self._answers
        found = []
        for index, holds, build in rules:
            if holds(answers, None):
                self.coverage.fired.add(self.tree.rules[index].id)
                try:
                    found.append((build(answers), index))
                except TemplateError as error:
                    found.append((TEMPLATE_FAILED, index, str(error)))
        return tuple(found)

    def _signature(self, state: int, decided: Decided) -> tuple:
        answers = self._answers
        projection = (tuple(map(answers.get, self._signature_reads[state])), tuple(map(self._condition_values.__getitem__, self._signature_conditions[state])))
        _, first, clashable, failed, shared = decided
        if first < 0 and not failed:
            return (state, projection)
        horizon = self._clash_horizon
        relevant = frozenset(code for code in clashable if horizon[code] >= state and self._may_meet(code, state)) if clashable else clashable
        if not self._external_rules:
            # No code can be an external cause code, so none can be listed first by mistake:
            # whether a code was decided is all that the first one tells.
            return (state, projection, first >= 0, relevant, self._clashes(clashable), failed)
        first_class = self._first_class(first, state) if first >= 0 else None
        movable = frozenset(pair for pair in shared if self._may_move(pair, first, state)) if shared else shared
        return (state, projection, first_class, relevant, self._clashes(clashable), failed, movable)

    def _may_meet(self, code: str, position: int) -> bool:
        """Whether a rule still undecided at `position` may yet build a code that clashes with
        `code`: one whose condition has no test of an answer given (or skipped) before it that
        failed on this path. The answers such a rule reads are in the signature while it is
        undecided, so prefixes alike in their signature agree on this too."""
        answers, last, checks = self._answers, self._rule_last, self._settled_checks
        for rule in self._clash_rules[code]:
            if last[rule] < position:
                return False  # sorted by the position where each is decided, latest first
            check = checks.get((rule, position)) or self._settled_part(rule, position)
            if check(answers, None):
                return True
        return False

    def _settled_part(self, rule: int, position: int) -> Callable:
        """The compiled check of the tests a rule needs that lie before `position`."""
        key = (rule, position)
        check = self._settled_checks.get(key)
        if check is None:
            tests = [Condition(all=[], any=[], not_=None, is_=[], codes=[], matchers={name: matcher}) for at, name, matcher in self._requirements[rule] if at < position]
            part = Condition(all=tests, any=[], not_=None, is_=[], codes=[], matchers={})
            # Tests of answers only, no named conditions: compiled here and kept in _settled_checks.
            check = self._settled_checks[key] = self.evaluator.compile_settled(part, self._condition_values)
        return check

    def _may_move(self, pair: tuple[str, int], first: int, position: int) -> bool:
        """Whether a rule still undecided may build this shared code again and so change which
        code is listed first: it sorts before the first, or the code is the first and may move."""
        code, kept = pair
        key = (code, position)
        if key not in self._open_builder:
            last, rule_key = self._rule_last, self._rule_key
            self._open_builder[key] = min((rule_key[rule] for rule in self._builders[code] if last[rule] >= position), default=None)
        earliest = self._open_builder[key]
        if earliest is None:
            return False
        return kept == first or earliest < self._rule_key[first]

    def _first_class(self, first: int, position: int) -> tuple[bool, int]:
        """What the decided codes tell about the first-listed code, and nothing more.

        The first code of the result is the earliest decided one unless a rule still undecided
        sorts before it; so its role and how many undecided rules sort before it are enough.
        """
        before = self._before.get((position, first))
        if before is None:
            last = self._rule_last
            before = sum(1 for rule in self._by_key[: self._rank[first]] if last[rule] >= position)
            self._before[(position, first)] = before
        return (self._slot_role[self.tree.rules[first].slot] == "external_cause", before)

    def _pair_clashes(self, a: str, b: str) -> bool:
        return a != b and bool(self._clashes([a, b]))

    def _clashes(self, codes: Iterable[str]) -> frozenset:
        key = frozenset(codes)
        found = self._clash_cache.get(key)
        if found is None:
            found = frozenset((c.code, c.excluded) for c in self._conflicts_of(key)) if len(key) > 1 else frozenset()
            self._clash_cache[key] = found
        return found

    def _conflicts_of(self, key: frozenset[str]) -> list:
        found = self._conflict_cache.get(key)
        if found is None:
            found = self._conflict_cache[key] = self.conflicts(sorted(key)) if self._may_conflict(key) else []
        return found

    def _may_conflict(self, codes: frozenset[str]) -> bool:
        """False when no two of the codes are partners (then they have no conflict to look up)."""
        partners = self._partners
        if partners is None:
            return True
        for code in codes:
            mates = partners.get(code)
            if mates is None or not mates.isdisjoint(codes):
                return True
        return False

    def _leaf(self, summary: Decided, state: int) -> Subtree:
        decided = []
        items = summary[0]
        while items is not None:
            decided.append(items[0])
            items = items[1]
        decided.reverse()
        key = (state, tuple(decided))
        known = self._leaves.get(key)
        if known is not None:
            return known
        leaf = self._leaves[key] = Subtree(paths=1)
        stop = self.tree.stops[state - self._end - 1] if state > self._end else None
        if stop is not None:
            self.coverage.stops.add(stop.id)
            if stop.no_code:
                return leaf  # the tree ends with no code, as the engine's result does
        rules = self.tree.rules
        for item in decided:
            if item[0] == TEMPLATE_FAILED:
                leaf.add(("template", rules[item[1]].id), f"rule {rules[item[1]].id} could not build its code: {item[2]}", ())
        built = self.coder.arrange([(item[0], rules[item[1]]) for item in decided if item[0] != TEMPLATE_FAILED])
        codes = [code for code, _ in built]
        if not codes and stop is None:
            leaf.add(("empty",), "a path ends with no code and no stop", ())
        if built and self._slot_role[built[0][1].slot] == "external_cause":
            leaf.add(("external_first", built[0][0]), f"external cause code {built[0][0]} would be first-listed", ())
        for conflict in first_note_per_pair(self._conflicts_of(frozenset(codes))) if len(set(codes)) > 1 else []:
            leaf.add(
                ("excludes1", conflict.code, conflict.excluded),
                f"{conflict.code} and {conflict.excluded} are reported together, but {conflict.owner} says Excludes1: \"{conflict.note}\"",
                (),
            )
        return leaf


def _tested_directly(condition: Condition) -> tuple[set[str], set[str]]:
    """The questions a condition tests itself and the named conditions it names, in it and in
    its all, any and not parts (not inside the named conditions)."""
    keys: set[str] = set()
    names: set[str] = set()
    stack = [condition]
    while stack:
        part = stack.pop()
        keys.update(part.matchers)
        names.update(part.is_)
        stack += [*part.all, *part.any, *([part.not_] if part.not_ else [])]
    return keys, names


class SettledBy:
    """The named conditions settled by a position (`name in settled`), without listing them: a
    tree of 20,000 questions has thousands of named conditions."""

    def __init__(self, settled_at: dict[str, int], position: int) -> None:
        self.settled_at = settled_at
        self.position = position

    def __contains__(self, name: object) -> bool:
        at = self.settled_at.get(name)  # type: ignore[call-overload]
        return at is not None and at <= self.position
