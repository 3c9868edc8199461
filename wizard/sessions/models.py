"""The session file: pydantic models for what a saved session holds (schema_version 1).

A session is written as TOML. It keeps the answers as they were shown (prompt, label,
time), the result as it stood at the last save (so a session can be exported without the
tree or the ICD tabular), the checklist ticks and the acknowledged warnings. Every model
forbids unknown keys, so a damaged or hand-mangled file is reported, not half-read.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal, Union

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StrictInt, StrictStr, field_validator

from wizard.engine.result import Because, ChecklistItem, CodeLine, Origin, Result, StopInfo, Warning
from wizard.sessions.ids import LABEL_MAX, SCHEMA_VERSION, SESSION_ID, clean_label

# An option id, a whole number, or the option ids chosen for a question with several answers
# (a TOML list, [] for none; a tuple here, as the engine holds it).
AnswerValue = Union[StrictInt, StrictStr, tuple[StrictStr, ...]]
Status = Literal["in_progress", "complete"]
FlagReason = Literal["unknown_question", "invalid_answer", "not_reached"]


class Record(BaseModel):
    # defer_build: the schemas are built at the first save or load (on the recorder's worker,
    # after the first question is painted), not when the UI's start-up imports this module.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class TreeRecord(Record):
    id: str
    title: str
    version: str
    sha256: str
    path: str


class AnswerRecord(Record):
    """One answer as the user saw it, and when it was given; an answer the person confirmed
    from the provider's note keeps the note's words behind it (and only those: never the note)."""

    question: str
    prompt: str
    answer: AnswerValue
    label: str
    at: AwareDatetime
    origin: Literal["entered", "note", "note_confirmed"] = "entered"  # wizard.engine.result's ENTERED, FROM_NOTE, NOTE_CONFIRMED
    quote: str | None = None

    def origin_value(self) -> Origin:
        return Origin(self.origin, self.quote or "")


class Flag(Record):
    """An answer that no longer fits a changed tree: kept here, out of the result, with the reason."""

    question: str
    prompt: str
    answer: AnswerValue
    label: str
    at: AwareDatetime
    reason: FlagReason
    message: str
    flagged_at: AwareDatetime
    tree_sha256: str = Field(description="the tree the answer was checked against")


class BecauseRecord(Record):
    question: str
    prompt: str
    answer: AnswerValue
    label: str


class CodeRecord(Record):
    code: str
    description: str
    role: Literal["first-listed", "additional", "external cause"]
    slot: str
    rule: str
    reason: str
    because: list[BecauseRecord] = Field(default_factory=list)
    cite: list[str] = Field(default_factory=list)
    confidence: str = "high"
    error: str = ""


class ChecklistRecord(Record):
    id: str
    text: str
    kind: str
    cite: list[str] = Field(default_factory=list)


class WarningRecord(Record):
    id: str
    kind: str
    text: str
    codes: list[str] = Field(default_factory=list)


class StopRecord(Record):
    id: str
    message: str
    cite: list[str] = Field(default_factory=list)


class ResultRecord(Record):
    """The engine's Result as it stood at the last save."""

    complete: bool = False
    release: str = ""
    stop: StopRecord | None = None
    codes: list[CodeRecord] = Field(default_factory=list)
    checklist: list[ChecklistRecord] = Field(default_factory=list)
    warnings: list[WarningRecord] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    date_of_service: str = ""
    release_in_force: str | None = None

    @classmethod
    def of(cls, result: Result) -> ResultRecord:
        # Every record here names its fields as the engine's values do, so the result is read
        # by name, nested values too; to_result is the way back.
        return cls.model_validate(result, from_attributes=True)

    def to_result(self) -> Result:
        return Result(
            codes=tuple(
                CodeLine(
                    code=c.code,
                    description=c.description,
                    role=c.role,
                    slot=c.slot,
                    rule=c.rule,
                    reason=c.reason,
                    because=tuple(Because(b.question, b.prompt, b.answer, b.label) for b in c.because),
                    cite=tuple(c.cite),
                    confidence=c.confidence,
                    error=c.error,
                )
                for c in self.codes
            ),
            checklist=tuple(ChecklistItem(i.id, i.text, i.kind, tuple(i.cite)) for i in self.checklist),
            warnings=tuple(Warning(w.id, w.kind, w.text, tuple(w.codes)) for w in self.warnings),
            complete=self.complete,
            stop=StopInfo(self.stop.id, self.stop.message, tuple(self.stop.cite)) if self.stop else None,
            release=self.release,
            notes=tuple(self.notes),
            date_of_service=self.date_of_service,
            release_in_force=self.release_in_force,
        )


class Session(BaseModel):
    """One encounter's run of a tree, as saved. The recorder changes it in place and saves it."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, defer_build=True)

    schema_version: Literal[1] = SCHEMA_VERSION
    id: Annotated[str, Field(pattern=SESSION_ID.pattern)]
    created: AwareDatetime
    updated: AwareDatetime
    status: Status = "in_progress"
    label: Annotated[str, Field(max_length=LABEL_MAX)] | None = None
    app_version: str
    tree: TreeRecord
    icd10cm_release: str
    # The encounter's date of service; a session saved before wizard recorded one has none
    # (its exports say nothing of a date rather than guess one).
    date_of_service: date | None = None
    answers: list[AnswerRecord] = Field(default_factory=list)
    # Answers kept from a change to an earlier answer, waiting for their question to come round.
    pending: list[AnswerRecord] = Field(default_factory=list)
    flagged: list[Flag] = Field(default_factory=list)
    result: ResultRecord = Field(default_factory=ResultRecord)
    checked: list[str] = Field(default_factory=list)
    acknowledged: list[str] = Field(default_factory=list)

    @field_validator("label")
    @classmethod
    def _one_line(cls, value: str | None) -> str | None:
        return clean_label(value)
