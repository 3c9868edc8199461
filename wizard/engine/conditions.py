"""Evaluating a tree's conditions against answers (and, for checklist items, codes)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Mapping
from types import CodeType

from wizard.tree.models import Answer, Answered, Condition, Includes, Matcher, NotIn, Range, Tree


def code_matches(code: str, pattern: str) -> bool:
    """`M54.4-` matches the family M54.4x; any other pattern matches the code exactly."""
    if pattern.endswith("-"):
        return code.startswith(pattern[:-1].rstrip("."))
    return code == pattern


def _matcher_check(key: str, matcher: Matcher) -> Check:
    if isinstance(matcher, str):
        return lambda answers, codes: answers.get(key) == matcher
    if isinstance(matcher, list):
        allowed = frozenset(matcher)
        return lambda answers, codes: answers.get(key) in allowed
    return lambda answers, codes: matcher_holds(matcher, answers.get(key))


def matcher_holds(matcher: Matcher, answer: Answer | None) -> bool:
    if isinstance(matcher, Answered):
        return (answer is not None) == matcher.answered
    if answer is None:
        return False
    if isinstance(matcher, str):
        return answer == matcher
    if isinstance(matcher, list):
        return answer in matcher
    if isinstance(matcher, NotIn):
        return answer not in matcher.not_
    if isinstance(matcher, Range):
        return isinstance(answer, int) and matcher.contains(answer)
    if isinstance(matcher, Includes):
        return isinstance(answer, tuple) and not frozenset(matcher.includes).isdisjoint(answer)
    raise TypeError(f"unknown matcher {matcher!r}")


Check = Callable[[Mapping[str, Answer], Collection[str] | None], bool]


def _always(answers: Mapping[str, Answer], codes: Collection[str] | None) -> bool:
    return True


def _both(parts: list[Check]) -> Check:
    """All parts hold; unrolled for the common short cases, which lint calls millions of times."""
    if not parts:
        return _always
    if len(parts) == 1:
        return parts[0]
    if len(parts) == 2:
        first, second = parts
        return lambda answers, codes: first(answers, codes) and second(answers, codes)

    def every(answers: Mapping[str, Answer], codes: Collection[str] | None) -> bool:
        for part in parts:
            if not part(answers, codes):
                return False
        return True

    return every


def _either(parts: list[Check]) -> Check:
    def some(answers: Mapping[str, Answer], codes: Collection[str] | None) -> bool:
        for part in parts:
            if part(answers, codes):
                return True
        return False

    return some


# How deep all/any/not may nest inside one condition for it to be compiled to source; deeper
# ones (no real tree has them) are built from closures, which nest without limit.
MAX_SOURCE_DEPTH = 24


class _TooDeep(Exception):
    pass


class _Source:
    """One condition as the source of a Python function `check(a, c)`, for speed.

    Only fixed syntax and generated names go into the source: every key, option id, bound and
    helper is passed in as a named constant, so no text of the tree can change what the
    function does. Named conditions are calls to their own compiled checks, or, given `values`,
    look-ups of the values already worked out for them (see `ConditionEvaluator.compile_settled`).
    """

    def __init__(self, evaluator: ConditionEvaluator, values: Mapping[str, bool] | None = None, known: Collection[str] | None = None) -> None:
        self.evaluator = evaluator
        self.values = values
        self.known = known
        self.constants: dict[str, object] = {}

    def function(self, condition: Condition) -> Check:
        body = self.expression(condition, 0)
        namespace: dict[str, object] = {"__builtins__": {"isinstance": isinstance, "int": int}, **self.constants}
        exec(_code(body), namespace)  # noqa: S102 - see the class docstring
        return namespace["check"]  # type: ignore[return-value]

    def constant(self, value: object) -> str:
        name = f"k{len(self.constants)}"
        self.constants[name] = value
        return name

    def expression(self, condition: Condition, depth: int) -> str:
        if depth > MAX_SOURCE_DEPTH:
            raise _TooDeep
        parts = [self.matcher(key, matcher) for key, matcher in condition.matchers.items()]
        if condition.codes:
            parts.append(f"{self.constant(_has_codes(tuple(condition.codes)))}(c)")
        for name in condition.is_:
            if self.values is not None and (self.known is None or name in self.known):
                parts.append(f"{self.constant(self.values)}[{self.constant(name)}]")
            else:
                parts.append(f"{self.constant(self.evaluator._named_check(name))}(a, c)")
        parts += [self.expression(child, depth + 1) for child in condition.all]
        if condition.any:
            parts.append("(" + " or ".join(self.expression(child, depth + 1) for child in condition.any) + ")")
        if condition.not_ is not None:
            parts.append(f"(not {self.expression(condition.not_, depth + 1)})")
        return "(" + " and ".join(parts) + ")" if parts else "True"

    def matcher(self, key: str, matcher: Matcher) -> str:
        answer = f"g({self.constant(key)})"
        if isinstance(matcher, str):
            return f"({answer} == {self.constant(matcher)})"
        if isinstance(matcher, list):
            return f"({answer} in {self.constant(frozenset(matcher))})"
        if isinstance(matcher, NotIn):
            # Answered and none of them: None joins the excluded answers.
            return f"({answer} not in {self.constant(frozenset([*matcher.not_, None]))})"
        if isinstance(matcher, Answered):
            return f"({answer} is {'not ' if matcher.answered else ''}None)"
        if isinstance(matcher, Includes):
            # A set answer is a tuple of option ids; no answer is None, which holds none.
            return f"(not {self.constant(frozenset(matcher.includes))}.isdisjoint({answer} or ()))"
        if isinstance(matcher, Range):
            value = self.constant(matcher)  # a unique name for the walrus target too
            tests = [f"isinstance({value}_x := {answer}, int)"]
            if matcher.min is not None:
                tests.append(f"{value}_x >= {self.constant(matcher.min)}")
            if matcher.max is not None:
                tests.append(f"{value}_x <= {self.constant(matcher.max)}")
            return "(" + " and ".join(tests) + ")"
        raise TypeError(f"unknown matcher {matcher!r}")


@functools.lru_cache(maxsize=4096)
def _code(body: str) -> CodeType:
    """The compiled function for a condition's shape: conditions alike but for their constants
    (most of a tree's) share one, and compiling is most of the cost of building a check."""
    return compile(f"def check(a, c):\n    g = a.get\n    return {body}\n", "<condition>", "exec")


def _value_of(values: Mapping[str, bool], name: str) -> Check:
    return lambda answers, codes: values[name]


def _has_codes(patterns: tuple[str, ...]) -> Callable[[Collection[str] | None], bool]:
    def has_codes(codes: Collection[str] | None) -> bool:
        return codes is not None and any(code_matches(c, p) for c in codes for p in patterns)

    return has_codes


class ConditionEvaluator:
    """Evaluates conditions of one tree; named conditions (`is = ...`) are looked up in it.

    Each condition is compiled once into a Python function (see `_Source`): lint evaluates
    rules millions of times, and walking pydantic models, or a tree of closures, each time
    would dominate its run time.
    """

    def __init__(self, tree: Tree) -> None:
        self.tree = tree
        self._compiled: dict[int, Check] = {}
        self._named: dict[str, Check] = {}
        self._reads: dict[int, frozenset[str]] = {}

    def holds(
        self,
        condition: Condition | None,
        answers: Mapping[str, Answer],
        codes: Collection[str] | None = None,
    ) -> bool:
        if condition is None:
            return True
        return self.compile(condition)(answers, codes)

    def compile(self, condition: Condition | None) -> Check:
        if condition is None:
            return _always
        check = self._compiled.get(id(condition))
        if check is None:
            # Keyed by id: the tree holds every condition for as long as this evaluator lives.
            check = self._compiled[id(condition)] = self._build(condition)
        return check

    def named_check(self, name: str) -> Check:
        """The compiled check of the named condition `name`."""
        return self._named_check(name)

    def _named_check(self, name: str) -> Check:
        # The loader rejects named conditions that refer to each other in a loop.
        if name not in self._named:
            self._named[name] = self.compile(self.tree.conditions[name])
        return self._named[name]

    def compile_settled(self, condition: Condition, values: Mapping[str, bool], known: Collection[str] | None = None) -> Check:
        """A check of `condition` that takes the value of each named condition it names (of
        those in `known`, when given) from `values` instead of working it out again. For a
        caller that keeps those values up to date (lint's walk works each one out once per path,
        once all the questions it reads lie behind): the check is only right while those named
        conditions are in `values` with their value for the answers given. Not kept: the caller
        keeps what it compiles."""
        try:
            return _Source(self, values, known).function(condition)
        except _TooDeep:
            return self._closures(condition, values, known)

    def _build(self, condition: Condition) -> Check:
        try:
            return _Source(self).function(condition)
        except _TooDeep:
            return self._closures(condition)

    def _closures(self, condition: Condition, values: Mapping[str, bool] | None = None, known: Collection[str] | None = None) -> Check:
        parts: list[Check] = []
        for key, matcher in condition.matchers.items():
            parts.append(_matcher_check(key, matcher))
        if condition.codes:
            has_codes = _has_codes(tuple(condition.codes))
            parts.append(lambda answers, codes: has_codes(codes))
        for name in condition.is_:
            looked_up = values is not None and (known is None or name in known)
            parts.append(_value_of(values, name) if looked_up else self._named_check(name))  # type: ignore[arg-type]
        compile_part = self.compile if values is None else lambda child: self.compile_settled(child, values, known)
        parts += [compile_part(child) for child in condition.all]
        if condition.any:
            parts.append(_either([compile_part(child) for child in condition.any]))
        if condition.not_ is not None:
            negated = compile_part(condition.not_)
            parts.append(lambda answers, codes: not negated(answers, codes))
        return _both(parts)

    def shown_reads(self, condition: Condition | None) -> set[str]:
        """The answers worth naming beside a code: what a condition reads itself and what the
        named conditions it names read themselves, one level deep (not the gates behind them)."""
        if condition is None:
            return set()
        found = set(condition.matchers)
        for name in condition.is_:
            named = self.tree.conditions.get(name)
            if named is not None:
                found |= set(named.matchers)
        for child in [*condition.all, *condition.any, *([condition.not_] if condition.not_ else [])]:
            found |= self.shown_reads(child)
        return found

    def reads(self, condition: Condition | None) -> set[str]:
        """Question ids a condition depends on, through named conditions too."""
        if condition is None:
            return set()
        found = self._reads.get(id(condition))
        if found is None:
            found = self._reads[id(condition)] = frozenset(self.tree.reads(condition))
        return set(found)

    def requires(self, condition: Condition | None) -> set[str]:
        """Question ids that must be answered for a condition to hold (a test of an answer fails
        on no answer, except `answered = false`); `any` requires what all its branches require,
        `not` nothing."""
        if condition is None:
            return set()
        found = {key for key, matcher in condition.matchers.items() if not (isinstance(matcher, Answered) and not matcher.answered)}
        for name in condition.is_:
            if name in self.tree.conditions:
                found |= self.requires(self.tree.conditions[name])
        for child in condition.all:
            found |= self.requires(child)
        if condition.any:
            found |= set.intersection(*(self.requires(child) for child in condition.any))
        return found

    def uses_codes(self, condition: Condition | None) -> bool:
        if condition is None:
            return False
        if condition.codes:
            return True
        children = [*condition.all, *condition.any, *([condition.not_] if condition.not_ else [])]
        children += [self.tree.conditions[n] for n in condition.is_ if n in self.tree.conditions]
        return any(self.uses_codes(child) for child in children)


def describe_matcher(key: str, matcher: Matcher) -> str:
    if isinstance(matcher, str):
        return f"{key}={matcher}"
    if isinstance(matcher, list):
        return f"{key} in {{{', '.join(matcher)}}}"
    if isinstance(matcher, NotIn):
        return f"{key} not in {{{', '.join(matcher.not_)}}}"
    if isinstance(matcher, Range):
        lo = "" if matcher.min is None else f"{matcher.min}"
        hi = "" if matcher.max is None else f"{matcher.max}"
        return f"{key} in {lo}..{hi}"
    if isinstance(matcher, Includes):
        return f"{key} includes {' or '.join(matcher.includes)}"
    return f"{key} {'answered' if matcher.answered else 'not answered'}"


def describe_condition(condition: Condition | None) -> str:
    """A short readable form of a condition, for graphs and messages."""
    if condition is None:
        return "always"
    parts = [describe_matcher(k, m) for k, m in condition.matchers.items()]
    parts += [f"is {name}" for name in condition.is_]
    if condition.codes:
        parts.append(f"codes include {', '.join(condition.codes)}")
    parts += [f"({describe_condition(c)})" for c in condition.all]
    if condition.any:
        parts.append("(" + " or ".join(describe_condition(c) for c in condition.any) + ")")
    if condition.not_ is not None:
        parts.append(f"not ({describe_condition(condition.not_)})")
    return " and ".join(parts) if parts else "always"
