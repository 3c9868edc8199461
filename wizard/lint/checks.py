"""Checks on a loaded tree: codes against the FY tabular, and every path's code set.

A problem on many paths is reported once, with how many paths show it and one example.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from wizard.engine.coder import TEMPLATE_FIELD, Coder, derive
from wizard.engine.engine import Engine
from wizard.lint.paths import walk_paths
from wizard.tree.loader import LoadedTree
from wizard.tree.models import Rule, Tree
from wizard.tree.problems import Problem


@dataclass
class PathFindings:
    """What the walk over every path found."""

    paths: int = 0
    visited: set[str] = field(default_factory=set)
    fired: set[str] = field(default_factory=set)
    stops: set[str] = field(default_factory=set)
    problems: dict[tuple[str, ...], list] = field(default_factory=dict)  # key -> [count, message, example]

    def add(self, key: tuple[str, ...], message: str, example: str) -> None:
        entry = self.problems.setdefault(key, [0, message, example])
        entry[0] += 1


def possible_codes(tree: Tree, rule: Rule) -> Iterator[str]:
    """Every code a rule can build, templates expanded over all their values."""
    values = {v.id: v for v in tree.values}
    fields = TEMPLATE_FIELD.findall(rule.code)
    if not fields:
        yield rule.code
        return
    expansions: list[list[str]] = []
    for name in fields:
        value = values[name]
        texts = list(value.map.values())
        for band in value.ranges:
            texts += [derive(value, n) or "" for n in range(band.min, band.max + 1)]
        expansions.append(sorted(set(texts)))

    def fill(index: int, code: str) -> Iterator[str]:
        if index == len(fields):
            yield code
            return
        for text in expansions[index]:
            yield from fill(index + 1, code.replace("{" + fields[index] + "}", text, 1))

    yield from fill(0, rule.code)


def code_problems(loaded: LoadedTree, shown: str, tabular) -> list[Problem]:  # noqa: ANN001
    """Every code any rule can produce must be a billable code of the tree's ICD release."""
    problems = []
    tree = loaded.tree
    if tree.tree.icd10cm_release != tabular.release:
        problems.append(Problem(shown, "tree.icd10cm_release", f"the tree targets {tree.tree.icd10cm_release} but the ICD data is {tabular.release}.", fix=f"set icd10cm_release = \"{tabular.release}\" after checking every code against it."))
    for index, rule in enumerate(tree.rules):
        for code in sorted(set(possible_codes(tree, rule))):
            problem = tabular.check_billable(code)
            if problem is not None:
                problems.append(Problem(shown, f"rules[{index}].code", f"rule '{rule.id}' can produce {code}: {problem.message}", fix="use a billable FY code (with its 7th character where required)."))
    return problems


def path_findings(loaded: LoadedTree, tabular) -> PathFindings:  # noqa: ANN001
    """Walk every reachable path and check the code set at its end."""
    tree = loaded.tree
    engine = Engine(tree)
    coder = Coder(tree)
    slot_role = {s.id: s.role for s in tree.sequence}
    findings = PathFindings()
    conflicts_cache: dict[frozenset[str], list] = {}
    findings.visited.add(engine.current.id if engine.current else "")
    for leaf in walk_paths(engine):
        findings.paths += 1
        answers = dict(leaf.answers)
        findings.visited.update(answers)
        if leaf.stop:
            findings.stops.add(leaf.stop)
        built, template_warnings = coder.codes(answers)
        example = _describe_path(leaf.answers)
        for warning in template_warnings:
            findings.add(("template", warning.id), warning.text, example)
        codes = [code for code, _ in built]
        findings.fired.update(rule.id for _, rule in built)
        if not codes and not leaf.stop:
            findings.add(("empty", leaf.answers[-1][0] if leaf.answers else ""), "a path ends with no code and no stop", example)
        if built and slot_role[built[0][1].slot] == "external_cause":
            findings.add(("external_first", built[0][0]), f"external cause code {built[0][0]} would be first-listed", example)
        key = frozenset(codes)
        if key not in conflicts_cache:
            conflicts_cache[key] = tabular.excludes1_conflicts(codes) if len(codes) > 1 else []
        for conflict in conflicts_cache[key]:
            findings.add(
                ("excludes1", conflict.code, conflict.excluded),
                f"{conflict.code} and {conflict.excluded} are reported together, but {conflict.owner} says Excludes1: \"{conflict.note}\"",
                example,
            )
    return findings


def _describe_path(answers: tuple[tuple[str, object], ...]) -> str:
    return ", ".join(f"{q}={a}" for q, a in answers)


def findings_problems(loaded: LoadedTree, shown: str, findings: PathFindings) -> list[Problem]:
    tree = loaded.tree
    problems = []
    for (kind, *_), (count, message, example) in findings.problems.items():
        fix = {
            "empty": "add a rule for this path or a [[stops]] entry that explains why there is no code.",
            "excludes1": "tighten the rules' conditions so the two codes never fire together (or use the combination code).",
            "external_first": "external cause codes are never first-listed: add the diagnosis code for this path.",
            "template": "give the derived value an entry for that answer, or narrow the rule's condition.",
        }[kind]
        problems.append(Problem(shown, "", f"{message} on {count} path(s), e.g. {example}.", fix=fix))
    for index, question in enumerate(tree.questions):
        if question.id not in findings.visited:
            problems.append(Problem(shown, f"questions[{index}]", f"question '{question.id}' is never asked: no path reaches it.", fix="check its `when` condition and the questions before it."))
    for index, rule in enumerate(tree.rules):
        if rule.id not in findings.fired:
            problems.append(Problem(shown, f"rules[{index}]", f"rule '{rule.id}' never fires on any path.", fix="check its `when` condition against the flow.", kind="warning"))
    for index, stop in enumerate(tree.stops):
        if stop.id not in findings.stops:
            problems.append(Problem(shown, f"stops[{index}]", f"stop '{stop.id}' is never reached.", fix="check its `when` condition.", kind="warning"))
    return problems

