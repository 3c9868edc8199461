"""Grading a trainee's code set against a case, with the rule that decides each difference.

Score: the share of codes right, |given ∩ expected| / |given ∪ expected| (invalid codes count
as given), times 0.75 when the codes in common are not in the expected order. The exact
expected set in order scores 1.0; a case whose answer is "no code" scores 1.0 for no code.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from collections.abc import Mapping

from wizard.engine.coder import answer_label, possible_codes
from wizard.engine.conditions import ConditionEvaluator, describe_condition, describe_matcher, matcher_holds
from wizard.engine.engine import Engine
from wizard.engine.headless import walk
from wizard.engine.result import CodeLine
from wizard.quiz.cases import Case
from wizard.tree.models import Answer, Condition, Includes, Tree

ORDER_PENALTY = 0.75


@dataclass(frozen=True)
class Feedback:
    code: str
    kind: str  # missing, extra, invalid, order
    message: str
    rule: str  # the tabular note or guideline section that decides it

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass(frozen=True)
class Grade:
    case: str
    score: float
    expected: list[str]
    given: list[str]
    missing: list[str]
    extra: list[str]
    order_ok: bool
    feedback: list[Feedback] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    teaching: str = ""

    def as_dict(self) -> dict[str, object]:
        return {
            "case": self.case,
            "score": self.score,
            "expected": self.expected,
            "given": self.given,
            "missing": self.missing,
            "extra": self.extra,
            "order_ok": self.order_ok,
            "feedback": [f.as_dict() for f in self.feedback],
            "topics": self.topics,
            "teaching": self.teaching,
        }


NO_CODE = "none"


def parse_answer(text: str, tabular) -> list[str]:  # noqa: ANN001
    """Codes typed by a trainee: comma or space separated, case and dots forgiven; "none" for none."""
    codes = [part.strip() for part in text.replace(";", ",").replace(" ", ",").split(",") if part.strip()]
    return normalise(codes, tabular)


def normalise(codes: list[str], tabular) -> list[str]:  # noqa: ANN001
    """Upper-case, dotted, each code once, in the order given; the word "none" means no code."""
    return list(dict.fromkeys(tabular.normalize(c) for c in codes if c.strip().lower() != NO_CODE))


def order_ok(given: list[str], expected: list[str]) -> bool:
    """The codes in common come in the expected order (an extra code is marked once, as extra)."""
    common = set(given) & set(expected)
    return [c for c in given if c in common] == [c for c in expected if c in common]


def grade(case: Case, given: list[str], tree: Tree, tabular) -> Grade:  # noqa: ANN001
    given = normalise(given, tabular)
    engine = Engine(tree, tabular)
    walk(engine, case.answers)
    lines = {line.code: line for line in engine.result().codes}
    expected = list(case.expected)
    missing = [c for c in expected if c not in given]
    extra = [c for c in given if c not in expected]
    in_order = order_ok(given, expected)
    union = set(given) | set(expected)
    score = len(set(given) & set(expected)) / len(union) if union else 1.0
    if not in_order:
        score *= ORDER_PENALTY
    feedback = [_missing(code, lines.get(code), extra, tabular) for code in missing]
    feedback += [_extra(code, expected, case, tree, tabular, engine.answers) for code in extra]
    if not in_order:
        feedback.append(_order(given, expected, lines, tree))
    topics = list(case.topics) if score < 1 else []
    return Grade(case.id, round(score, 2), expected, given, missing, extra, in_order, feedback, topics, case.teaching)


def _missing(code: str, line: CodeLine | None, extra: list[str], tabular) -> Feedback:  # noqa: ANN001
    rule = "; ".join(line.cite) if line else ""
    why = line.reason if line else "the case expects it"
    alike = [e for e in extra if e[:5] == code[:5]]
    instead = f" You gave {', '.join(alike)} instead." if alike else ""
    return Feedback(code, "missing", f"{code} ({_describe(code, tabular)}) is missing: {why}{instead}", rule)


def _extra(code: str, expected: list[str], case: Case, tree: Tree, tabular, answers: Mapping[str, Answer]) -> Feedback:  # noqa: ANN001
    problem = tabular.check_billable(code)
    if problem is not None:
        return Feedback(code, "invalid", problem.message, "TAB (FY2026 tabular): report billable codes only")
    for other in expected:
        for conflict in tabular.excludes1_conflicts([code, other]):
            return Feedback(
                code,
                "extra",
                f"{code} ({_describe(code, tabular)}) cannot be reported with {other}: {conflict.owner} has "
                f"Excludes1 \"{conflict.note}\".",
                f"TAB {conflict.owner} Excludes1",
            )
    rules = [rule for rule in tree.rules if code in set(possible_codes(tree, rule))]
    if rules:
        explainer = Explainer(tree)
        # The rule that comes closest to applying explains best: the fewest answers to change.
        rule, gaps = min(((r, explainer.unmet(r.when, answers)) for r in rules), key=lambda pair: len(pair[1]))
        # Answers the case gave differently say more than questions it never reached.
        answered = [gap for gap in gaps if "(this case: not asked)" not in gap]
        needs = "; ".join(answered or gaps) if gaps else describe_condition(rule.when)
        return Feedback(
            code,
            "extra",
            f"{code} ({_describe(code, tabular)}) does not apply to this case. {rule.reason} It needs {needs}.",
            "; ".join(str(c) for c in rule.cite),
        )
    return Feedback(code, "extra", f"{code} ({_describe(code, tabular)}) is not supported by this vignette.", "GL IV.J: code what the documentation supports")


def _order(given: list[str], expected: list[str], lines: dict[str, CodeLine], tree: Tree) -> Feedback:
    """Name the first code put too early and the sequencing rule of the place it belongs in."""
    common = set(given) & set(expected)
    mine = [c for c in given if c in common]
    right = [c for c in expected if c in common]
    code, should_follow = next((m, r) for m, r in zip(mine, right) if m != r)
    slots = {s.id: s for s in tree.sequence}

    def place(of: str) -> str:
        line = lines.get(of)
        slot = slots.get(line.slot) if line else None
        return f"{of}: {slot.description if slot and slot.description else (line.reason if line else '')}"

    line = lines.get(code)
    rule = "; ".join(line.cite) if line else ""
    return Feedback(
        code,
        "order",
        f"The reporting order is {', '.join(expected)}: {code} comes after {should_follow}. {place(should_follow)} {place(code)}",
        rule,
    )


class Explainer:
    """Which parts of a rule's condition a case does not meet, in words a trainee reads."""

    def __init__(self, tree: Tree) -> None:
        self.tree = tree
        self.evaluator = ConditionEvaluator(tree)

    def unmet(self, condition: Condition, answers: Mapping[str, Answer]) -> list[str]:
        if self.evaluator.holds(condition, answers):
            return []
        gaps = [self._needs(key, matcher, answers.get(key)) for key, matcher in condition.matchers.items() if not matcher_holds(matcher, answers.get(key))]
        for name in condition.is_:
            gaps += self.unmet(self.tree.conditions[name], answers)
        for child in condition.all:
            gaps += self.unmet(child, answers)
        if condition.any and not any(self.evaluator.holds(c, answers) for c in condition.any):
            options = [" and ".join(self.unmet(c, answers)) for c in condition.any]
            gaps.append("one of: " + " | ".join(o for o in options if o))
        if condition.not_ is not None and self.evaluator.holds(condition.not_, answers):
            gaps.append(f"not ({describe_condition(condition.not_)})")
        return list(dict.fromkeys(gaps))

    def _needs(self, key: str, matcher: object, answer: Answer | None) -> str:
        wanted = describe_matcher(key, matcher)  # type: ignore[arg-type]
        if isinstance(matcher, str):
            wanted = f"{key} = {answer_label(self.tree, key, matcher)}"
        elif isinstance(matcher, list):
            wanted = f"{key} = " + " or ".join(answer_label(self.tree, key, m) for m in matcher)
        elif isinstance(matcher, Includes):
            wanted = f"{key} includes " + " or ".join(answer_label(self.tree, key, m) for m in matcher.includes)
        has = "not asked" if answer is None else answer_label(self.tree, key, answer)
        return f"{wanted} (this case: {has})"


def _describe(code: str, tabular) -> str:  # noqa: ANN001
    try:
        return tabular.description(code)
    except KeyError:
        return "not an ICD-10-CM code"
