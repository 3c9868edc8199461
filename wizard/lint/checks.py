"""Checks on a loaded tree: codes against the FY tabular, and every path's code set.

A problem on many paths is reported once, with how many paths show it and one example.
"""

from __future__ import annotations

from wizard.engine.coder import possible_codes
from wizard.lint.outcomes import Coverage, OutcomeWalker, Subtree
from wizard.tree.loader import LoadedTree
from wizard.tree.problems import Problem


def code_problems(loaded: LoadedTree, shown: str, tabular) -> list[Problem]:  # noqa: ANN001
    """Every code any rule can produce must be a billable code of the tree's ICD release."""
    problems = []
    tree = loaded.tree
    if tree.tree.icd10cm_release != tabular.release:
        problems.append(Problem(shown, "tree.icd10cm_release", f"the tree targets {tree.tree.icd10cm_release} but the ICD data is {tabular.release}.", fix=f"set icd10cm_release = \"{tabular.release}\" after checking every code against it."))
    checked: dict[str, object] = {}  # rules share codes: check each once
    for index, rule in enumerate(tree.rules):
        for code in sorted(set(possible_codes(tree, rule))):
            if code not in checked:
                checked[code] = tabular.check_billable(code)
            problem = checked[code]
            if problem is not None:
                problems.append(Problem(shown, f"rules[{index}].code", f"rule '{rule.id}' can produce {code}: {problem.message}", fix="use a billable FY code (with its 7th character where required)."))
    return problems


def path_findings(loaded: LoadedTree, tabular) -> tuple[Subtree, Coverage]:  # noqa: ANN001
    """Walk every reachable path (sharing alike prefixes) and check the code set at its end."""
    walker = OutcomeWalker(loaded.tree, tabular.excludes1_conflicts, getattr(tabular, "excludes1_partners", None))
    return walker.walk(), walker.coverage


def _describe_path(answers: tuple[tuple[str, object], ...]) -> str:
    return ", ".join(f"{q}={answer_text(a)}" for q, a in answers)


def answer_text(answer: object) -> str:
    """An answer as an answers file writes it: a set of options as a list."""
    if isinstance(answer, (list, tuple)):
        return "[" + ", ".join(f'"{member}"' for member in answer) + "]"
    return str(answer)


def findings_problems(loaded: LoadedTree, shown: str, walked: Subtree, coverage: Coverage) -> list[Problem]:
    tree = loaded.tree
    problems = []
    for (kind, *_), (count, message, example) in walked.findings.items():
        fix = {
            "empty": "add a rule for this path or a [[stops]] entry that explains why there is no code.",
            "excludes1": "tighten the rules' conditions so the two codes never fire together (or use the combination code).",
            "external_first": "external cause codes are never first-listed: add the diagnosis code for this path.",
            "template": "give the derived value an entry for that answer, or narrow the rule's condition.",
        }[kind]
        problems.append(Problem(shown, "", f"{message} on {count:,} path(s), e.g. {_describe_path(example)}.", fix=fix))
    for index, question in enumerate(tree.questions):
        if question.id not in coverage.asked:
            problems.append(Problem(shown, f"questions[{index}]", f"question '{question.id}' is never asked: no path reaches it.", fix="check its `when` condition and the questions before it."))
    for index, rule in enumerate(tree.rules):
        if rule.id not in coverage.fired:
            problems.append(Problem(shown, f"rules[{index}]", f"rule '{rule.id}' never fires on any path.", fix="check its `when` condition against the flow.", kind="warning"))
    for index, stop in enumerate(tree.stops):
        if stop.id not in coverage.stops:
            problems.append(Problem(shown, f"stops[{index}]", f"stop '{stop.id}' is never reached.", fix="check its `when` condition.", kind="warning"))
    return problems

