"""The tree the engine runs: plain, read-only records, one class per part of a tree.

A tree is a decision table. Questions are asked in the order they are written, each only when
its `when` condition holds; rules add codes when their `when` holds over the answers; stops end
the tree early; checklist items are triggered by answers or codes.

These records are built only from a tree that `wizard.tree.schema` (pydantic) has validated,
or read back from the loader's cache of such trees (`wizard.tree.cache`). They are plain
classes with slots, not pydantic models, so that a launch that finds its tree in the cache
neither imports pydantic's model machinery nor builds a schema: that is most of the time a
clinician would otherwise wait before the first question. The fields mirror the schema's, and
a test checks that they stay the same.

Why not `wizard.record.@record`, which the engine's results use: a tree is the one set of records
that can be large (the 20,000-question benchmark tree has 150,000 parts), and lint reads them in
its hottest loops. Slots and an __init__ that takes every field by name make them smaller and
quicker to build; built with `@record`, that lint took 0.1-0.2 s longer (measured).
"""

from __future__ import annotations

from typing import Any, Union

IDENT = r"^[a-z][a-z0-9_]*$"
# Keys with a meaning of their own inside a condition table; a question may not use them as its id.
RESERVED_KEYS = frozenset({"all", "any", "not", "is", "codes"})
# What a citation may name, by its source: the official ICD-10-CM texts, or a section of the
# coding rules shipped in the repository. Each names something a reader can open.
SOURCES = {
    "TAB": "a code in the Tabular List",
    "IDX": "an entry of the Alphabetic Index",
    "GL": "a section of the Official Guidelines for Coding and Reporting",
    "RULES": "a section of docs/coding-rules.md",
}

# An answer: an option id, a whole number, or, for a question with several answers
# (`select = "many"`), the option ids chosen, as a tuple in the order the options are written
# (so that the same choice is always the same value, and can key a dictionary); () is none.
Answer = Union[str, int, tuple[str, ...]]


def same_answer(a: object, b: object) -> bool:
    """Answers compare as values: a set answer is the same in any order, as a list (a file,
    JSON) or a tuple."""
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return set(a) == set(b)
    return a == b


def _rebuild(cls: type[Record], values: tuple) -> Record:
    record = object.__new__(cls)
    for name, value in zip(cls.__slots__, values, strict=True):
        object.__setattr__(record, name, value)
    return record


class Record:
    """Named fields, set once: `Option(id="right", label="Right", description=None)`.

    Every field is given when a record is made (the schema supplies the defaults); records
    compare by value, as the pydantic models they come from do.
    """

    __slots__: tuple[str, ...] = ()

    def __init__(self, **fields: Any) -> None:
        if len(fields) != len(self.__slots__):
            unknown = set(fields) - set(self.__slots__)
            raise TypeError(f"{type(self).__name__} has no field {', '.join(sorted(unknown))}" if unknown else f"{type(self).__name__} needs every field")
        setter = object.__setattr__
        for name in self.__slots__:
            setter(self, name, fields[name])

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is read-only")

    def _values(self) -> tuple:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and self._values() == other._values()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((type(self).__name__, self._values()))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{name}={getattr(self, name)!r}' for name in self.__slots__)})"

    def __reduce__(self) -> tuple:
        # Slots and a read-only __setattr__: pickle (the loader's cache) rebuilds the record
        # from its values instead of setting attributes one by one.
        return (_rebuild, (type(self), self._values()))


class Citation(Record):
    """Where a rule comes from: a source of SOURCES (TAB, IDX, GL, RULES) and its section."""

    __slots__ = ("source", "section")
    source: str
    section: str

    def __str__(self) -> str:
        return f"{self.source} {self.section}"


# A cue that is a regular expression rather than a phrase starts with this.
CUE_REGEX = "re:"


def cue_pattern(cue: str) -> str | None:
    """The regular expression of a `re:` cue; None for a phrase."""
    return cue[len(CUE_REGEX) :] if cue.startswith(CUE_REGEX) else None
# In a question's `read`: a negated, possible or historical mention counts as affirmed.
KEEP = "keep"
# In a number question's `cues`: the patterns whose first group is the number.
NUMBER_CUES = "number"


class Option(Record):
    __slots__ = ("id", "label", "description")
    id: str
    label: str
    description: str | None


class NumberSpec(Record):
    """A whole-number answer within bounds, e.g. weeks of gestation 1..45."""

    __slots__ = ("min", "max", "unit")
    min: int
    max: int
    unit: str | None


class NoteReading(Record):
    """How a mention in a provider's note counts for a question (see wizard.tree.schema)."""

    __slots__ = ("subject", "denied", "affirmed", "negated", "possible", "historical", "fallback", "combine")
    subject: list[str]
    denied: dict[str, list[str]]
    affirmed: str | None
    negated: str | None
    possible: str | None
    historical: str | None
    fallback: list[str]
    combine: dict[str, list[str]]


class Range(Record):
    """Inclusive numeric range of an answer; either bound may be left open."""

    __slots__ = ("min", "max")
    min: int | None
    max: int | None

    def contains(self, value: int) -> bool:
        return (self.min is None or value >= self.min) and (self.max is None or value <= self.max)


class Answered(Record):
    __slots__ = ("answered",)
    answered: bool


class NotIn(Record):
    __slots__ = ("not_",)
    not_: list[str]


class Includes(Record):
    """For a question with several answers: the answer holds at least one of these options."""

    __slots__ = ("includes",)
    includes: list[str]


# A matcher tests one answer: "x" (equals), ["x", "y"] (any of), { not = [..] } (answered and
# none of), { min = 1, max = 13 } (a number in range), { answered = true|false }; for a question
# with several answers, { includes = "x" } or { includes = ["x", "y"] } (holds one of them).
Matcher = Union[str, list[str], NotIn, Range, Answered, Includes]


class Condition(Record):
    """A condition over the answers (and, for checklist items, the codes).

    `matchers` holds the per-question tests (every one must hold); then the combinators `all`,
    `any`, `not`, `is` (names of conditions defined under [conditions]) and `codes` (the result
    contains a code matching one of these patterns; `M54.4-` matches the family).
    """

    __slots__ = ("all", "any", "not_", "is_", "codes", "matchers")
    all: list[Condition]
    any: list[Condition]
    not_: Condition | None
    is_: list[str]
    codes: list[str]
    matchers: dict[str, Matcher]


class Question(Record):
    __slots__ = ("id", "prompt", "help", "teaching", "options", "number", "select", "default", "when", "cite", "cues", "read")
    id: str
    prompt: str
    help: str
    teaching: str | None
    options: list[Option]
    number: NumberSpec | None
    select: str  # "one" answer, or "many": any number of the options, none included
    default: str | list[str] | None  # a list for select = "many"
    when: Condition | None
    cite: list[Citation]
    cues: dict[str, list[str]]  # option id (or NUMBER_CUES) -> words that state it in a note
    read: NoteReading | None  # how negated, possible and historical mentions count

    @property
    def many(self) -> bool:
        """Whether the answer is a set of options (select = "many") rather than one answer."""
        return self.select == "many"

    def option(self, option_id: str) -> Option | None:
        return next((o for o in self.options if o.id == option_id), None)

    def option_ids(self) -> list[str]:
        return [o.id for o in self.options]


class RangeValue(Record):
    __slots__ = ("min", "max", "value")
    min: int
    max: int
    # "{n:02}" formats the number itself; any other text is taken as written.
    value: str


class DerivedValue(Record):
    """A value computed from one answer, used inside code templates: `S39.012{seventh}`."""

    __slots__ = ("id", "source", "map", "ranges")
    id: str
    source: str
    map: dict[str, str]
    ranges: list[RangeValue]


class Slot(Record):
    """A place in the reporting order; rules name the slot their code goes in."""

    __slots__ = ("id", "role", "description")
    id: str
    role: str  # diagnosis, external_cause or status
    description: str | None


class Rule(Record):
    __slots__ = ("id", "code", "slot", "when", "reason", "cite", "confidence", "query", "warning")
    id: str
    code: str
    slot: str
    when: Condition
    reason: str
    cite: list[Citation]
    confidence: str  # high, medium or low
    query: str | None
    warning: str | None


class Stop(Record):
    __slots__ = ("id", "when", "message", "cite", "no_code")
    id: str
    when: Condition
    message: str
    cite: list[Citation]
    # The tree ends with no code at all: what is found is coded outside the tree, and codes
    # the answers so far would give belong to that coding, not beside it.
    no_code: bool


class ChecklistEntry(Record):
    __slots__ = ("id", "text", "when", "kind", "cite", "cues", "documented_by")
    id: str
    text: str
    when: Condition
    kind: str  # document, query or workup
    cite: list[Citation]
    cues: list[str]  # words that show a note documents the item
    documented_by: list[str]  # questions whose cues, mentioned, document it too


class TreeInfo(Record):
    __slots__ = ("id", "title", "version", "icd10cm_release", "scope")
    id: str
    title: str
    version: str
    icd10cm_release: str
    scope: str


class Tree(Record):
    __slots__ = ("tree", "conditions", "values", "questions", "sequence", "rules", "stops", "checklist", "_by_id")
    tree: TreeInfo
    conditions: dict[str, Condition]
    values: list[DerivedValue]
    questions: list[Question]
    sequence: list[Slot]
    rules: list[Rule]
    stops: list[Stop]
    checklist: list[ChecklistEntry]

    def __init__(self, **fields: Any) -> None:
        super().__init__(**fields, _by_id={q.id: q for q in fields["questions"]})

    def question(self, question_id: str) -> Question | None:
        return self._by_id.get(question_id)

    def reads(self, condition: Condition | None, _seen: frozenset[str] = frozenset()) -> set[str]:
        """Question ids a condition depends on, through named conditions too (loops are cut)."""
        if condition is None:
            return set()
        found = set(condition.matchers)
        for name in condition.is_:
            if name in self.conditions and name not in _seen:
                found |= self.reads(self.conditions[name], _seen | {name})
        for child in [*condition.all, *condition.any, *([condition.not_] if condition.not_ else [])]:
            found |= self.reads(child, _seen)
        return found

    def index(self, question_id: str) -> int:
        """Position of a question in the asking order."""
        return self.questions.index(self._by_id[question_id])
