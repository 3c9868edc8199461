"""From mentions to suggested answers: what the note states, what it leaves open, what conflicts.

The rules (each a test in tests/test_notes.py):

* An affirmed cue of an option supports that option; an affirmed cue of the question's
  subject supports `read.affirmed`. A negated, possible or historical mention supports what
  the question's `read` says for it (an option, or `keep`: as if affirmed), else nothing.
  A `read.denied` cue supports its option when it is negated, and nothing otherwise.
  Family and hypothetical mentions never support anything.
* Options the note states together make the option `read.combine` names for them; a
  `read.fallback` option counts only when no other option is supported.
* A question is suggested only when the note supports exactly one of its answers; two or more
  make a conflict, reported with a quote for each and suggested as nothing. A question with
  several answers is suggested as the options the note supports, when it supports any, and as
  none of them when the note only denies them.
* A number question takes the number a pattern found, when it is within the question's range.
* Answers already given (an answers file, the person's own choice) win: their questions are
  not suggested at all.
* A checklist item is documented when one of its cues is mentioned, affirmed or not (a denied
  sign is documented too), but not when the mention is hypothetical or of the family.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from wizard.notes.reader import AFFIRMED, CHECKLIST, DENIED, FAMILY, HISTORICAL, HYPOTHETICAL, NEGATED, NUMBER, OPTION, POSSIBLE, SUBJECT, Mention
from wizard.record import Factory, record
from wizard.tree.models import KEEP, Answer, NoteReading, Question, Tree

if TYPE_CHECKING:
    from wizard.engine.engine import Engine


@record
class Evidence:
    """The words behind a suggested answer (or a documented checklist item)."""

    question: str  # the question id, or the checklist item id
    answer: Answer  # for a question with several answers: the option this mention states
    quote: str  # the note's words, exactly: note[start:end]
    start: int
    end: int
    context: str  # how ConText read the mention: affirmed, negated, possible, historical
    sentence: str

    def as_dict(self) -> dict[str, object]:
        return {"question": self.question, "answer": json_answer(self.answer), "quote": self.quote, "start": self.start, "end": self.end, "context": self.context}


@record
class Conflict:
    """A question the note answers two (or more) ways: nothing is suggested, both are shown."""

    question: str
    answers: tuple[Answer, ...]
    quotes: tuple[str, ...]

    def as_dict(self) -> dict[str, object]:
        return {"question": self.question, "answers": [json_answer(a) for a in self.answers], "quotes": list(self.quotes)}


@record
class Prefill:
    """What a note suggests for a tree: answers with their evidence, conflicts, what it leaves open."""

    answers: dict[str, Answer] = Factory(dict)
    evidence: tuple[Evidence, ...] = ()
    conflicts: tuple[Conflict, ...] = ()
    not_stated: tuple[str, ...] = ()
    documented: dict[str, Evidence] = Factory(dict)  # checklist item id -> the words that document it

    def evidence_for(self, question_id: str) -> list[Evidence]:
        return [e for e in self.evidence if e.question == question_id]

    def first_quote(self, question_id: str) -> str:
        """The first words behind a suggested answer, as an answer's origin keeps them ("" for none)."""
        return next((e.quote for e in self.evidence if e.question == question_id), "")

    def conflict_for(self, question_id: str) -> Conflict | None:
        return next((c for c in self.conflicts if c.question == question_id), None)

    def as_dict(self) -> dict[str, object]:
        return {
            "answers": {question: json_answer(answer) for question, answer in self.answers.items()},
            "evidence": [e.as_dict() for e in self.evidence],
            "conflicts": [c.as_dict() for c in self.conflicts],
            "not_stated": list(self.not_stated),
        }


def json_answer(answer: Answer) -> object:
    """An answer as JSON and TOML write it: a set answer as a list."""
    return list(answer) if isinstance(answer, tuple) else answer


def suggest(tree: Tree, text: str, given: Mapping[str, Answer] | None = None) -> Prefill:
    """Read a note's text and make its suggestions: what every reader of a note calls."""
    from wizard.notes.reader import read_note

    return prefill(tree, read_note(tree, text), given)


def prefill(tree: Tree, mentions: list[Mention], given: Mapping[str, Answer] | None = None) -> Prefill:
    """The suggestions a note's mentions make for a tree; `given` answers win over them."""
    given = dict(given or {})
    answers: dict[str, Answer] = {}
    evidence: list[Evidence] = []
    conflicts: list[Conflict] = []
    for question in tree.questions:
        if question.id in given:
            continue
        own = [m for m in mentions if m.target.owner == question.id and m.target.kind != CHECKLIST]
        support = _support(question, own)
        if question.many:
            members = tuple(o for o in question.option_ids() if o in support)
            denied = [m for m in own if m.context == NEGATED and m.target.kind == OPTION]
            if members or denied:
                answers[question.id] = members
                evidence += [_evidence(question.id, member, support[member][0]) for member in members] or [_evidence(question.id, (), denied[0])]
            continue
        if not support:
            continue
        if len(support) == 1:
            [(answer, found)] = support.items()
            answers[question.id] = answer
            evidence += [_evidence(question.id, answer, mention) for mention in found]
        else:
            conflicts.append(Conflict(question.id, tuple(support), tuple(found[0].quote for found in support.values())))
    return Prefill(answers, tuple(evidence), tuple(conflicts), not_stated(tree, {**answers, **given}), documented_items(tree, mentions))


def documented_items(tree: Tree, mentions: list[Mention]) -> dict[str, Evidence]:
    """The checklist items a note documents: one of its cues (or of the questions it is
    documented by) mentioned in any way but hypothetically or of the family."""
    counted = [m for m in mentions if m.context not in (FAMILY, HYPOTHETICAL)]
    documented: dict[str, Evidence] = {}
    for item in tree.checklist:
        owners = set(item.documented_by)
        for mention in counted:
            target = mention.target
            if (target.kind == CHECKLIST and target.owner == item.id) or (target.kind != CHECKLIST and target.owner in owners):
                documented[item.id] = _evidence(item.id, "documented", mention)
                break
    return documented


def _support(question: Question, mentions: list[Mention]) -> dict[Answer, list[Mention]]:
    """Each answer the mentions support, with the mentions behind it, in the order of the note;
    combined options joined and fallback options dropped (`read`)."""
    support: dict[Answer, list[Mention]] = {}
    for mention in mentions:
        answer = _stated(question, mention)
        if answer is not None:
            support.setdefault(answer, []).append(mention)
    read = question.read
    if read is None:
        return support
    for option, parts in read.combine.items():
        if all(part in support for part in parts):
            joined = [m for part in parts for m in support.pop(part)]
            support[option] = sorted(support.get(option, []) + joined, key=lambda m: m.start)
    if any(answer not in read.fallback for answer in support):
        support = {answer: found for answer, found in support.items() if answer not in read.fallback}
    return support


def _stated(question: Question, mention: Mention) -> Answer | None:
    """What one mention says of its question, or None."""
    target = mention.target
    if target.kind == OPTION:
        own: Answer | None = target.option
    elif target.kind == SUBJECT:
        own = question.read.affirmed if question.read is not None else None
    elif target.kind == NUMBER:
        spec = question.number
        own = mention.number if spec is not None and mention.number is not None and spec.min <= mention.number <= spec.max else None
    elif target.kind == DENIED:
        return target.option if mention.context == NEGATED else None
    else:
        own = None
    if own is None:
        return None
    return _counted(question.read, mention.context, own)


def _counted(read: NoteReading | None, context: str, own: Answer) -> Answer | None:
    if context == AFFIRMED:
        return own
    if context in (FAMILY, HYPOTHETICAL) or read is None:
        return None
    setting = {NEGATED: read.negated, POSSIBLE: read.possible, HISTORICAL: read.historical}.get(context)
    if setting is None:
        return None
    return own if setting == KEEP else setting


def _evidence(owner: str, answer: Answer, mention: Mention) -> Evidence:
    return Evidence(owner, answer, mention.quote, mention.start, mention.end, mention.context, mention.sentence)


def not_stated(tree: Tree, answers: Mapping[str, Answer]) -> tuple[str, ...]:
    """The questions a walk with these answers reaches but they do not answer. A question with a
    default takes it and the walk goes on; one without stops it there."""
    from wizard.engine.engine import AnswerError, Engine

    engine: Engine = Engine(tree)
    open_questions: list[str] = []
    while (question := engine.current) is not None:
        if question.id in answers:
            try:
                engine.answer(answers[question.id])
                continue
            except AnswerError:
                pass
        open_questions.append(question.id)
        if question.default is None:
            break
        engine.answer(list(question.default) if isinstance(question.default, list) else question.default)
    return tuple(open_questions)
