"""The tree format: pydantic models that validate a decision tree written in TOML.

Every model forbids unknown keys so that a typo in a tree is an error, not a silent no-op.
A valid tree is turned into the plain records the engine runs (`wizard.tree.models`, same
class and field names) by :func:`to_runtime`; only the loader imports this module, and only
when its cache does not already hold the tree.
"""

from __future__ import annotations

import difflib
import re
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError

from wizard.tree import models
from wizard.tree.models import IDENT, RESERVED_KEYS
from wizard.tree.problems import LineFinder, Problem, TreeError, toml_path

Ident = Annotated[str, Field(pattern=IDENT, max_length=64)]
Confidence = Literal["high", "medium", "low"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Citation(Strict):
    """Where a rule comes from: `{ source = "GL", section = "I.C.6.b.1" }` or the string "GL I.C.6.b.1".

    The source is one of models.SOURCES; whether a `RULES n` section exists is lint's to check
    (it reads docs/coding-rules.md, which a launch has no reason to open)."""

    source: str
    section: str = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, value: Any) -> Any:
        if isinstance(value, str):
            source, _, section = value.strip().partition(" ")
            return {"source": source, "section": section.strip()}
        return value

    @model_validator(mode="after")
    def _known_source(self) -> Citation:
        if self.source not in models.SOURCES:
            raise PydanticCustomError("citation_source", "unknown citation source", {"source": self.source, "section": self.section})
        return self


def _check_cue(value: str) -> str:
    """A cue is a phrase ("radiating down the leg", matched as words, any case) or, after
    ``re:``, a regular expression (any case); neither may be empty or match nothing but space."""
    text = value.strip()
    if not text:
        raise ValueError("a cue is a phrase or re:pattern, not an empty string")
    pattern = models.cue_pattern(text)
    if pattern is not None:
        try:
            compiled = re.compile(pattern, re.IGNORECASE)
        except re.error as error:
            raise ValueError(f"the pattern of cue {value!r} is not a regular expression ({error}); fix it or write the cue as a phrase") from None
        if compiled.fullmatch("") is not None or compiled.fullmatch(" ") is not None:
            raise ValueError(f"cue {value!r} matches empty text, so it would match anywhere; make it name some words")
    elif not any(ch.isalnum() for ch in text):
        raise ValueError(f"cue {value!r} has no letter or digit; a phrase names the words a note uses")
    return text


# Checked by the models that hold cues (one validator each, not one per cue: a validator per
# list item makes pydantic build a schema per field, which `wizard lint` pays at every start).
Cue = str


def _check_cues(cues: list[str]) -> list[str]:
    return [_check_cue(cue) for cue in cues]


class Option(Strict):
    id: Ident
    label: str = Field(min_length=1)
    description: str | None = None


class NumberSpec(Strict):
    """A whole-number answer within bounds, e.g. weeks of gestation 1..45."""

    min: int
    max: int
    unit: str | None = None

    @model_validator(mode="after")
    def _ordered(self) -> NumberSpec:
        if self.min > self.max:
            raise ValueError(f"min ({self.min}) is greater than max ({self.max})")
        return self


class NoteReading(Strict):
    """How a mention in a provider's note counts for a question (wizard.notes).

    A mention is one of the question's `cues` (words that state an option), or one of the
    `subject` cues here (the question's subject, e.g. "cauda equina" for red flags). ConText
    tells whether it is affirmed, negated, possible ("rule out"), historical, hypothetical or
    of a family member. An affirmed option cue states its option; an affirmed subject cue
    states `affirmed`. A negated, possible or historical mention states the option named
    here, or nothing when none is named; `keep` counts it as affirmed. Hypothetical and
    family mentions never count.
    """

    subject: list[Cue] = Field(default_factory=list)
    # By option: words whose denial states that option ("no saddle anaesthesia": red flags
    # none), while their other mentions state nothing (a sign found confirms no red flag).
    denied: dict[str, list[Cue]] = Field(default_factory=dict)
    affirmed: str | None = None
    negated: str | None = None
    possible: str | None = None
    historical: str | None = None
    # Options that count only when the note states no other ("back pain" beside "low back pain").
    fallback: list[str] = Field(default_factory=list)
    # An option the note states by stating all of others ("a strain and a sprain": both).
    combine: dict[str, list[str]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _cues_usable(self) -> NoteReading:
        _check_cues(self.subject)
        for cues in self.denied.values():
            _check_cues(cues)
        return self


class Question(Strict):
    id: Ident
    prompt: str = Field(min_length=1)
    help: str = Field(min_length=1, description="why we ask")
    teaching: str | None = None
    options: list[Option] = Field(default_factory=list)
    number: NumberSpec | None = None
    # "many": the answer is any number of the options (none included), e.g. the signs found.
    select: Literal["one", "many"] = "one"
    # One option id; for select = "many" a list of them (default = [] for none chosen).
    default: str | list[str] | None = None
    when: Condition | None = None
    cite: list[Citation] = Field(default_factory=list)
    # The words that state each answer in a provider's note, by option id; for a number
    # question, `number` holds patterns (re:...) whose first group is the number.
    cues: dict[str, list[Cue]] = Field(default_factory=dict)
    read: NoteReading | None = None

    @field_validator("id")
    @classmethod
    def _not_reserved(cls, value: str) -> str:
        if value in RESERVED_KEYS:
            raise ValueError(f"'{value}' is a reserved word in conditions; choose another question id")
        return value

    @model_validator(mode="after")
    def _has_answers(self) -> Question:
        if not self.options and self.number is None:
            raise ValueError("a question needs options or a number range (or both)")
        ids = [o.id for o in self.options]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"option ids must be unique; repeated: {', '.join(dupes)}")
        self._check_reading(ids)
        if self.select == "many":
            return self._many_answers(ids)
        if isinstance(self.default, list):
            raise ValueError(f"default is a list, but '{self.id}' takes one answer; set it to one of the options ({', '.join(ids)}), or add select = \"many\"")
        if self.default is not None and self.default not in ids:
            raise ValueError(f"default '{self.default}' is not one of the options ({', '.join(ids)}); set it to one of them")
        return self

    def _check_reading(self, ids: list[str]) -> None:
        """Cues name options of this question (or `number`); `read` names options too."""
        for key, cues in self.cues.items():
            _check_cues(cues)
            if key == models.NUMBER_CUES and self.number is not None:
                for cue in cues:
                    pattern = models.cue_pattern(cue)
                    if pattern is None or re.compile(pattern, re.IGNORECASE).groups < 1:
                        raise ValueError(f"cues.number {cue!r} must be a pattern (re:...) whose first group ( ) holds the number")
            elif key not in ids:
                allowed = ids + ([models.NUMBER_CUES] if self.number is not None else [])
                close = difflib.get_close_matches(key, allowed, n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                raise ValueError(f"cues.{key} names no option of '{self.id}'{hint}; a cue states one of {', '.join(allowed)}")
        if self.read is None:
            return
        read = self.read
        if read.subject and read.affirmed is None:
            raise ValueError("read.subject names the question's subject, so read.affirmed must say which option an affirmed mention states")
        named = [(f"read.{name}", getattr(read, name), name != "affirmed") for name in ("affirmed", "negated", "possible", "historical")]
        named += [("read.fallback", option, False) for option in read.fallback]
        named += [(f"read.denied.{option}", option, False) for option in read.denied]
        for option, parts in read.combine.items():
            named += [(f"read.combine.{option}", name, False) for name in [option, *parts]]
            if len(parts) < 2:
                raise ValueError(f"read.combine.{option} lists {len(parts)} option(s); it names the two or more options that together state {option}")
        for where, value, may_keep in named:
            allowed = ids + ([models.KEEP] if may_keep else [])
            if value is not None and value not in allowed:
                close = difflib.get_close_matches(value, allowed, n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                raise ValueError(f"{where} = '{value}' is not an option of '{self.id}'{hint}; choose one of {', '.join(allowed)}")

    def _many_answers(self, ids: list[str]) -> Question:
        """A question with several answers: options only, and a default that is a list of them."""
        if self.number is not None:
            raise ValueError("a question with select = \"many\" takes options, not a number; remove number or select")
        if not self.options:
            raise ValueError("a question with select = \"many\" needs options to choose from")
        if isinstance(self.default, str):
            raise ValueError(f"'{self.id}' takes several answers, so its default is a list: default = [\"{self.default}\"] (or [] for none)")
        if self.default is not None:
            unknown = [d for d in self.default if d not in ids]
            if unknown:
                raise ValueError(f"default names {', '.join(repr(u) for u in unknown)}, not among the options ({', '.join(ids)})")
            if len(set(self.default)) != len(self.default):
                raise ValueError("default names an option twice; name each once")
        return self


class Range(Strict):
    """Inclusive numeric range of an answer; either bound may be left open."""

    min: int | None = None
    max: int | None = None


class Answered(Strict):
    answered: bool


class NotIn(Strict):
    not_: list[str] = Field(alias="not")

    @field_validator("not_", mode="before")
    @classmethod
    def _listify(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value


class Includes(Strict):
    """For a question with several answers: the answer holds at least one of these options."""

    includes: list[str] = Field(min_length=1)

    @field_validator("includes", mode="before")
    @classmethod
    def _listify(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value


# A matcher tests one answer: "x" (equals), ["x", "y"] (any of), { not = [..] } (answered and
# none of), { min = 1, max = 13 } (a number in range), { answered = true|false }; for a question
# with several answers, { includes = "x" } or { includes = ["x", "y"] } (holds one of them).
Matcher = Union[str, list[str], NotIn, Range, Answered, Includes]


class Condition(BaseModel):
    """A condition over the answers (and, for checklist items, the codes).

    Keys are question ids (all must match) plus the combinators `all`, `any`, `not`,
    `is` (names of conditions defined under [conditions]) and `codes` (the result contains a
    code matching one of these patterns; `M54.4-` matches the family).
    """

    model_config = ConfigDict(extra="allow", frozen=True, populate_by_name=True)

    all: list[Condition] = Field(default_factory=list)
    any: list[Condition] = Field(default_factory=list)
    not_: Condition | None = Field(default=None, alias="not")
    is_: list[Ident] = Field(default_factory=list, alias="is")
    codes: list[str] = Field(default_factory=list)
    _matchers: dict[str, Matcher] = PrivateAttr(default_factory=dict)

    @field_validator("is_", "codes", mode="before")
    @classmethod
    def _listify(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @model_validator(mode="after")
    def _parse_matchers(self) -> Condition:
        parsed: dict[str, Matcher] = {}
        for key, raw in (self.model_extra or {}).items():
            if not re.match(IDENT, key):
                raise ValueError(f"'{key}' is not a question id (lowercase letters, digits, _)")
            parsed[key] = _parse_matcher(key, raw)
        self._matchers = parsed
        return self

    @property
    def matchers(self) -> dict[str, Matcher]:
        """The per-question tests of this condition (its keys other than the combinators)."""
        return self._matchers


def _parse_matcher(key: str, raw: Any) -> Matcher:
    if isinstance(raw, str):
        return raw
    if isinstance(raw, list):
        if not raw or not all(isinstance(x, str) for x in raw):
            raise ValueError(f"{key}: a list must hold option ids (strings)")
        return list(raw)
    if isinstance(raw, dict):
        keys = set(raw)
        if keys == {"not"}:
            return NotIn.model_validate(raw)
        if keys == {"answered"}:
            return Answered.model_validate(raw)
        if keys == {"includes"}:
            return Includes.model_validate(raw)
        if keys and keys <= {"min", "max"}:
            return Range.model_validate(raw)
    raise ValueError(
        f"{key}: expected an option id, a list of option ids, {{ not = [...] }}, "
        f"{{ min = N, max = N }}, {{ answered = true }} or, for a question with several answers, "
        f"{{ includes = \"option\" }}; got {raw!r}"
    )


class DerivedValue(Strict):
    """A value computed from one answer, used inside code templates: `S39.012{seventh}`."""

    id: Ident
    source: Ident = Field(alias="from")
    map: dict[str, str] = Field(default_factory=dict)
    ranges: list[RangeValue] = Field(default_factory=list)


class RangeValue(Strict):
    min: int
    max: int
    # "{n:02}" formats the number itself; any other text is taken as written.
    value: str


class Slot(Strict):
    """A place in the reporting order; rules name the slot their code goes in."""

    id: Ident
    role: Literal["diagnosis", "external_cause", "status"] = "diagnosis"
    # A slot whose codes may be first-listed; the first code of the result takes role first-listed.
    description: str | None = None


class Rule(Strict):
    id: Ident
    code: str = Field(min_length=3)
    slot: Ident
    when: Condition
    reason: str = Field(min_length=1)
    cite: list[Citation] = Field(min_length=1)
    confidence: Confidence = "high"
    query: str | None = None
    warning: str | None = None

    @model_validator(mode="after")
    def _query_when_unsure(self) -> Rule:
        if self.confidence != "high" and not self.query:
            raise ValueError(
                f"confidence is {self.confidence}: add a `query` for the provider so the checklist asks for it"
            )
        return self


class Stop(Strict):
    id: Ident
    when: Condition
    message: str = Field(min_length=1)
    cite: list[Citation] = Field(default_factory=list)
    # true: the tree ends with no code at all (what is found is coded outside this tree).
    no_code: bool = False


class ChecklistEntry(Strict):
    id: Ident
    text: str = Field(min_length=1)
    when: Condition
    kind: Literal["document", "query", "workup"] = "document"
    cite: list[Citation] = Field(default_factory=list)
    # Words that show a note already documents the item (affirmed or denied, not hypothetical),
    # and questions whose cues, mentioned in the note, document it too.
    cues: list[Cue] = Field(default_factory=list)
    documented_by: list[Ident] = Field(default_factory=list)

    @field_validator("cues")
    @classmethod
    def _cues_usable(cls, cues: list[str]) -> list[str]:
        return _check_cues(cues)


class TreeInfo(Strict):
    id: Ident
    title: str
    version: str
    icd10cm_release: str = Field(pattern=r"^FY\d{4}$")
    scope: str


class Tree(Strict):
    tree: TreeInfo
    conditions: dict[Ident, Condition] = Field(default_factory=dict)
    values: list[DerivedValue] = Field(default_factory=list)
    questions: list[Question] = Field(min_length=1)
    sequence: list[Slot] = Field(min_length=1)
    rules: list[Rule] = Field(default_factory=list)
    stops: list[Stop] = Field(default_factory=list)
    checklist: list[ChecklistEntry] = Field(default_factory=list)


Question.model_rebuild()
Condition.model_rebuild()
DerivedValue.model_rebuild()


_LEAVES = frozenset({str, int, float, bool, type(None)})
# For each model: its runtime class, and the fields whose values may hold models (the rest are
# strings, numbers or lists of strings, and are taken over as they are).
_RUNTIME: dict[type, tuple[type, tuple[str, ...]]] = {}


def _holds_model(annotation: Any) -> bool:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return True
    return any(_holds_model(arg) for arg in getattr(annotation, "__args__", ()) or ())


def _runtime_of(kind: type[BaseModel]) -> tuple[type, tuple[str, ...]]:
    found = _RUNTIME.get(kind)
    if found is None:
        nested = tuple(name for name, field in kind.model_fields.items() if _holds_model(field.annotation))
        found = _RUNTIME[kind] = (getattr(models, kind.__name__), nested)
    return found


def to_runtime(value: Any) -> Any:
    """The records the engine runs (`wizard.tree.models`) for a validated tree, or part of one."""
    kind = type(value)
    if kind in _LEAVES:
        return value
    if kind is list:
        return [item if type(item) in _LEAVES else to_runtime(item) for item in value] if value else []
    if kind is dict:
        return {key: item if type(item) in _LEAVES else to_runtime(item) for key, item in value.items()}
    runtime, nested = _runtime_of(kind)
    # A pydantic model keeps its fields' values in __dict__ (extra keys go elsewhere). A big
    # tree has a hundred thousand parts: only the fields that may hold models are walked.
    fields = dict(value.__dict__)
    for name in nested:
        fields[name] = to_runtime(fields[name])
    if kind is Condition:
        fields["matchers"] = to_runtime(value.matchers)
    return runtime(**fields)


def validate(data: dict, shown: str, text: str, problems: list[Problem]) -> models.Tree:
    """The runtime tree for parsed TOML, or TreeError with `problems` and every schema problem."""
    try:
        return to_runtime(Tree.model_validate(data))
    except ValidationError as error:
        raise TreeError(problems + schema_problems(error, shown, text)) from None


def schema_problems(error: ValidationError, shown: str, text: str) -> list[Problem]:
    finder = LineFinder(text)
    problems = []
    for item in error.errors():
        loc = tuple(p for p in item["loc"] if not (isinstance(p, str) and p.startswith("function-after")))
        where = toml_path(loc)
        fix = None
        if item["type"] == "extra_forbidden":
            key = str(loc[-1])
            model = _model_at(Tree, loc[:-1])
            known = sorted(_aliases(model)) if model else []
            close = difflib.get_close_matches(key, known, n=1)
            message = f"unknown key '{key}'."
            fix = f"did you mean '{close[0]}'?" if close else f"remove it; allowed keys: {', '.join(known)}."
        elif item["type"] == "missing":
            message = f"'{loc[-1]}' is required here."
            fix = f"add {loc[-1]} = ..."
        elif item["type"] == "citation_source":
            message, fix = citation_source_problem(item["ctx"]["source"], item["ctx"]["section"])
        else:
            message = item["msg"].removeprefix("Value error, ").rstrip(".") + "."
            fix = "see 'Tree format' in the README for what this key takes."
        problems.append(Problem(shown, where, message, line=finder.find(loc), fix=fix))
    return problems


def citation_source_problem(source: str, section: str) -> tuple[str, str]:
    """The message and the fix for a citation whose source is not one of models.SOURCES."""
    known = ", ".join(f"{name} ({what})" for name, what in models.SOURCES.items())
    close = difflib.get_close_matches(source.upper(), list(models.SOURCES), n=1, cutoff=0.5)
    message = f"the citation '{source} {section}' names the source '{source}', which wizard does not know; the known sources are {known}."
    if close and close[0] != source:
        return message, f"did you mean '{close[0]} {section}'?"
    fix = (
        "cite what a reader can open: an official source (\"TAB M54.5\", \"GL I.C.6.b.1\", \"IDX Pain, back\") "
        "or the section of docs/coding-rules.md that explains the rule (\"RULES 7\")."
    )
    return message, fix


def _aliases(model: type[BaseModel]) -> set[str]:
    return {f.alias or name for name, f in model.model_fields.items()}


def _model_at(model: type[BaseModel], loc: tuple[object, ...]) -> type[BaseModel] | None:
    """Follow a loc through nested models to find which model a key belongs to."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        field = next((f for n, f in current.model_fields.items() if (f.alias or n) == part), None)
        if field is None:
            return None
        current = _model_type(field.annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _model_type(annotation: Any) -> Any:
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _model_type(arg)
        if isinstance(found, type) and issubclass(found, BaseModel):
            return found
    return annotation
