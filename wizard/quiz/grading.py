"""Grading a trainee's code set against a case, with the rule that decides each difference.

Score: the share of codes right, |given ∩ expected| / |given ∪ expected| (invalid codes count
as given), times 0.75 when the codes in common are out of order or the first-listed code is
wrong. The exact expected set in order scores 1.0.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from wizard.engine.coder import possible_codes
from wizard.engine.conditions import describe_condition
from wizard.engine.engine import Engine
from wizard.engine.headless import walk
from wizard.engine.result import CodeLine
from wizard.quiz.cases import Case
from wizard.tree.models import Tree

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
        }


def parse_answer(text: str, tabular) -> list[str]:  # noqa: ANN001
    """Codes typed by a trainee: comma or space separated, case and dots forgiven."""
    codes = [part.strip() for part in text.replace(";", ",").replace(" ", ",").split(",") if part.strip()]
    return list(dict.fromkeys(tabular.normalize(code) for code in codes))


def order_ok(given: list[str], expected: list[str]) -> bool:
    """The codes in common come in the expected order, and the first-listed code is right."""
    common = set(given) & set(expected)
    if [c for c in given if c in common] != [c for c in expected if c in common]:
        return False
    return not given or not expected or expected[0] not in given or given[0] == expected[0]


def grade(case: Case, given: list[str], tree: Tree, tabular) -> Grade:  # noqa: ANN001
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
    feedback += [_extra(code, expected, case, tree, tabular) for code in extra]
    if not in_order:
        feedback.append(_order(expected, lines))
    topics = list(case.topics) if score < 1 else []
    return Grade(case.id, round(score, 2), expected, given, missing, extra, in_order, feedback, topics)


def _missing(code: str, line: CodeLine | None, extra: list[str], tabular) -> Feedback:  # noqa: ANN001
    rule = "; ".join(line.cite) if line else ""
    why = line.reason if line else "the case expects it"
    alike = [e for e in extra if e[:5] == code[:5]]
    instead = f" You gave {', '.join(alike)} instead." if alike else ""
    return Feedback(code, "missing", f"{code} ({_describe(code, tabular)}) is missing: {why}{instead}", rule)


def _extra(code: str, expected: list[str], case: Case, tree: Tree, tabular) -> Feedback:  # noqa: ANN001
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
    for rule in tree.rules:
        if code in set(possible_codes(tree, rule)):
            return Feedback(
                code,
                "extra",
                f"{code} ({_describe(code, tabular)}) does not apply to this case. {rule.reason} It needs: "
                f"{describe_condition(rule.when)}.",
                "; ".join(str(c) for c in rule.cite),
            )
    return Feedback(code, "extra", f"{code} ({_describe(code, tabular)}) is not supported by this vignette.", "GL IV.J: code what the documentation supports")


def _order(expected: list[str], lines: dict[str, CodeLine]) -> Feedback:
    first = lines.get(expected[0])
    rule = "; ".join(first.cite) if first else ""
    why = first.reason if first else ""
    return Feedback(expected[0], "order", f"The reporting order is {', '.join(expected)}. {expected[0]} comes first: {why}", rule)


def _describe(code: str, tabular) -> str:  # noqa: ANN001
    try:
        return tabular.description(code)
    except KeyError:
        return "not an ICD-10-CM code"
