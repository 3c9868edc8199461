"""Evaluating a tree's conditions against answers (and, for checklist items, codes)."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from wizard.tree.models import Answer, Answered, Condition, Matcher, NotIn, Range, Tree


def code_matches(code: str, pattern: str) -> bool:
    """`M54.4-` matches the family M54.4x; any other pattern matches the code exactly."""
    if pattern.endswith("-"):
        return code.startswith(pattern[:-1].rstrip("."))
    return code == pattern


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
    raise TypeError(f"unknown matcher {matcher!r}")


class ConditionEvaluator:
    """Evaluates conditions of one tree; named conditions (`is = ...`) are looked up in it."""

    def __init__(self, tree: Tree) -> None:
        self.tree = tree

    def holds(
        self,
        condition: Condition | None,
        answers: Mapping[str, Answer],
        codes: Collection[str] | None = None,
    ) -> bool:
        if condition is None:
            return True
        for key, matcher in condition.matchers.items():
            if not matcher_holds(matcher, answers.get(key)):
                return False
        if condition.codes:
            if codes is None or not any(code_matches(c, p) for c in codes for p in condition.codes):
                return False
        for name in condition.is_:
            if not self.holds(self.tree.conditions[name], answers, codes):
                return False
        if not all(self.holds(child, answers, codes) for child in condition.all):
            return False
        if condition.any and not any(self.holds(child, answers, codes) for child in condition.any):
            return False
        if condition.not_ is not None and self.holds(condition.not_, answers, codes):
            return False
        return True

    def reads(self, condition: Condition | None) -> set[str]:
        """Question ids a condition depends on, through named conditions too."""
        if condition is None:
            return set()
        found = set(condition.matchers)
        for name in condition.is_:
            found |= self.reads(self.tree.conditions.get(name))
        for child in [*condition.all, *condition.any, *([condition.not_] if condition.not_ else [])]:
            found |= self.reads(child)
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
