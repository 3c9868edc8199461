"""From answers to a Result: which rules fire, the codes they build, their order and roles.

Descriptions and Excludes1 checks come from the ICD tabular through a `Describer`; the
engine takes one so that tests and the start-up path can avoid loading the tabular.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date
from typing import Protocol, TypeVar

from wizard.engine.conditions import ConditionEvaluator
from wizard.engine.result import Because, ChecklistItem, CodeLine, Result, StopInfo, Warning
from wizard.tree.models import Answer, DerivedValue, Rule, Stop, Tree

TEMPLATE_FIELD = re.compile(r"\{([a-z][a-z0-9_]*)\}")
T = TypeVar("T")


class Describer(Protocol):
    """What the coder needs of the ICD tabular (wizard.icd.Tabular satisfies it)."""

    release: str

    def description(self, code: str) -> str: ...

    def excludes1_conflicts(self, codes: list[str]) -> list: ...


class ReleaseCheck(Protocol):
    """The codes against the release in force on the date of service (wizard.icd.release_check)."""

    date_of_service: date
    release_in_force: str | None

    def notices(self) -> list[tuple[str, str]]: ...

    def code_problem(self, code: str) -> str | None: ...

    def code_notice(self, code: str) -> str | None: ...


class TemplateError(ValueError):
    pass


def derive(value: DerivedValue, answer: Answer | None) -> str | None:
    """The text a derived value takes for an answer, or None when it has none."""
    if answer is None:
        return None
    if isinstance(answer, str):
        return value.map.get(answer)
    for band in value.ranges:
        if band.min <= answer <= band.max:
            return band.value.replace("{n:02}", f"{answer:02d}").replace("{n}", str(answer))
    return None


def build_code(template: str, tree: Tree, answers: Mapping[str, Answer]) -> str:
    """Fill a code template such as `S39.012{seventh}` from the answers."""
    return compile_template(template, tree)(answers)


def compile_template(template: str, tree: Tree) -> Callable[[Mapping[str, Answer]], str]:
    """`build_code` for one template, parsed once: lint builds codes on every path."""
    if "{" not in template:
        return lambda answers: template
    values = {v.id: v for v in tree.values}
    pieces = TEMPLATE_FIELD.split(template)  # literal, field, literal, field, ..., literal
    literals = pieces[0::2]
    fields = [values[name] for name in pieces[1::2]]

    def build(answers: Mapping[str, Answer]) -> str:
        parts = [literals[0]]
        for value, literal in zip(fields, literals[1:], strict=True):
            text = derive(value, answers.get(value.source))
            if text is None:
                raise TemplateError(f"value '{value.id}' has nothing for {value.source} = {answers.get(value.source)!r}")
            parts += (text, literal)
        return "".join(parts)

    return build


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


class Coder:
    """Applies a tree's rules, checklist and sequence to a set of answers."""

    def __init__(self, tree: Tree, describer: Describer | None = None) -> None:
        self.tree = tree
        self.evaluator = ConditionEvaluator(tree)
        self.describer = describer
        self._slot_index = {s.id: i for i, s in enumerate(tree.sequence)}
        self._slot_role = {s.id: s.role for s in tree.sequence}
        self._rule_index = {r.id: i for i, r in enumerate(tree.rules)}

    # -- codes --------------------------------------------------------------------------

    def fired_rules(self, answers: Mapping[str, Answer]) -> list[Rule]:
        return [r for r in self.tree.rules if self.evaluator.holds(r.when, answers)]

    def codes(self, answers: Mapping[str, Answer]) -> tuple[list[tuple[str, Rule]], list[Warning]]:
        """(code, rule) pairs in reporting order, and warnings for rules that could not build a code."""
        built: list[tuple[str, Rule]] = []
        warnings: list[Warning] = []
        for rule in self.fired_rules(answers):
            try:
                built.append((build_code(rule.code, self.tree, answers), rule))
            except TemplateError as error:
                warnings.append(Warning(f"template:{rule.id}", "template", f"Rule {rule.id} could not build its code: {error}."))
        return self.arrange(built), warnings

    def arrange(self, built: list[tuple[str, Rule]]) -> list[tuple[str, Rule]]:
        """Reporting order: by slot, then by rule order; a code built twice is kept once, first rule wins."""
        by_rule = sorted(built, key=lambda pair: self._rule_index[pair[1].id])
        seen: set[str] = set()
        unique = [pair for pair in by_rule if not (pair[0] in seen or seen.add(pair[0]))]
        return sorted(unique, key=lambda pair: (self._slot_index[pair[1].slot], self._rule_index[pair[1].id]))

    def code_strings(self, answers: Mapping[str, Answer]) -> list[str]:
        return [code for code, _ in self.codes(answers)[0]]

    # -- the whole result ---------------------------------------------------------------

    def result(
        self,
        answers: Mapping[str, Answer],
        complete: bool,
        stop: Stop | None = None,
        date_of_service: date | None = None,
        release_check: ReleaseCheck | None = None,
    ) -> Result:
        """The code set for these answers; with a release check, each code is checked against
        the release in force on the date of service (the check's date wins over the one given)."""
        # A stop with no_code ends the tree with no code: what it found is coded elsewhere.
        built, warnings = ([], []) if stop is not None and stop.no_code else self.codes(answers)
        codes = [code for code, _ in built]
        lines = tuple(self._line(index, code, rule, answers, release_check) for index, (code, rule) in enumerate(built))
        checklist = self._checklist(answers, codes, [rule for _, rule in built])
        warnings += self._rule_warnings(built)
        warnings += self._excludes1_warnings(codes)
        release = self.describer.release if self.describer else self.tree.tree.icd10cm_release
        stop_info = StopInfo(stop.id, stop.message, tuple(str(c) for c in stop.cite)) if stop else None
        in_force = None
        if release_check is not None:
            warnings += _release_warnings(release_check, codes)
            date_of_service, in_force = release_check.date_of_service, release_check.release_in_force
        day = date_of_service.isoformat() if date_of_service else ""
        return Result(lines, checklist, tuple(warnings), complete, stop_info, release, date_of_service=day, release_in_force=in_force)

    def _line(self, index: int, code: str, rule: Rule, answers: Mapping[str, Answer], release_check: ReleaseCheck | None = None) -> CodeLine:
        role_of_slot = self._slot_role[rule.slot]
        if role_of_slot == "external_cause":
            role = "external cause"
        elif index == 0:
            role = "first-listed"
        else:
            role = "additional"
        description = self._describe(code)
        return CodeLine(
            code=code,
            description=description,
            role=role,  # type: ignore[arg-type]
            slot=rule.slot,
            rule=rule.id,
            reason=rule.reason,
            because=self.because(rule, answers),
            cite=tuple(str(c) for c in rule.cite),
            confidence=rule.confidence,
            error=(release_check.code_problem(code) or "") if release_check is not None else "",
        )

    def because(self, rule: Rule, answers: Mapping[str, Answer]) -> tuple[Because, ...]:
        """The answers that decide a rule, in the order the questions are asked."""
        read = self.evaluator.shown_reads(rule.when)
        read |= {v.source for v in self.tree.values if "{" + v.id + "}" in rule.code}
        steps = []
        for question in self.tree.questions:
            if question.id in read and question.id in answers:
                answer = answers[question.id]
                steps.append(Because(question.id, question.prompt, answer, answer_label(self.tree, question.id, answer)))
        return tuple(steps)

    def _describe(self, code: str) -> str:
        if self.describer is None:
            return ""
        try:
            return self.describer.description(code)
        except KeyError:
            return "(not an ICD-10-CM code)"

    def _checklist(self, answers: Mapping[str, Answer], codes: list[str], rules: list[Rule]) -> tuple[ChecklistItem, ...]:
        items = [
            ChecklistItem(e.id, e.text, e.kind, tuple(str(c) for c in e.cite))
            for e in self.tree.checklist
            if self.evaluator.holds(e.when, answers, codes)
        ]
        for rule in rules:
            if rule.query:
                items.append(ChecklistItem(f"query:{rule.id}", rule.query, "query", tuple(str(c) for c in rule.cite)))
        unique: dict[str, ChecklistItem] = {}
        for item in items:
            unique.setdefault(item.id, item)
        return tuple(unique.values())

    def _rule_warnings(self, built: list[tuple[str, Rule]]) -> list[Warning]:
        return [Warning(f"rule:{rule.id}", "rule", rule.warning, (code,)) for code, rule in built if rule.warning]

    def _excludes1_warnings(self, codes: list[str]) -> list[Warning]:
        if self.describer is None or len(codes) < 2:
            return []
        warnings = []
        for conflict in first_note_per_pair(self.describer.excludes1_conflicts(codes)):
            text = (
                f"Excludes1: {conflict.code} excludes {conflict.excluded} (note under {conflict.owner}: "
                f"\"{conflict.note}\"). Report both only if the provider documents the two conditions as "
                f"unrelated (Guidelines I.A.12.a); acknowledge it in the session."
            )
            warnings.append(Warning(f"excludes1:{conflict.code}:{conflict.excluded}", "excludes1", text, (conflict.code, conflict.excluded)))
        return warnings


def _release_warnings(check: ReleaseCheck, codes: list[str]) -> list[Warning]:
    """The release notices (kind ``release``) and the titles that changed (kind ``retitled``)."""
    warnings = [Warning(key, "release", text) for key, text in check.notices()]
    for code in codes:
        notice = check.code_notice(code)
        if notice:
            warnings.append(Warning(f"retitled:{code}", "retitled", notice, (code,)))
    return warnings


def first_note_per_pair(conflicts: Iterable[T]) -> list[T]:
    """One Excludes1 conflict per pair of codes, the first (nearest) note that names it: M43.1
    and M43 both exclude Q76.2, and a person needs to read that once, a path to count it once."""
    seen: set[tuple[str, str]] = set()
    return [c for c in conflicts if not ((c.code, c.excluded) in seen or seen.add((c.code, c.excluded)))]  # type: ignore[attr-defined]


# How a question with several answers reads when none of its options was chosen, and what
# goes between the labels of the options chosen.
NONE_CHOSEN = "None of these"
MEMBER_SEPARATOR = "; "


def answer_label(tree: Tree, question_id: str, answer: Answer) -> str:
    """How an answer reads to a person: the option label, the number with its unit, or the
    labels of the options chosen, one after another ("None of these" for none)."""
    question = tree.question(question_id)
    if isinstance(answer, tuple):
        if not answer:
            return NONE_CHOSEN
        return MEMBER_SEPARATOR.join(answer_label(tree, question_id, member) for member in answer)
    if question is None:
        return str(answer)
    if isinstance(answer, str):
        option = question.option(answer)
        return option.label if option else answer
    unit = question.number.unit if question.number else None
    return f"{answer} {unit}" if unit else str(answer)


def member_labels(answer: tuple[str, ...], label: str) -> list[str]:
    """The label of each option of a set answer, from the label `answer_label` made of them
    (all a saved session keeps); "" for each when a label itself held the separator."""
    parts = label.split(MEMBER_SEPARATOR) if answer else []
    return parts if len(parts) == len(answer) else [""] * len(answer)
