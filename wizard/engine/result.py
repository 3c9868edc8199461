"""The outcome of a run: codes in reporting order, checklist items and warnings.

These are plain frozen values: exports, sessions and the UI all read the same Result.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from wizard.record import Factory, as_dict, record
from wizard.tree.models import Answer

Role = Literal["first-listed", "additional", "external cause"]


@record
class Because:
    """One answer a code depends on, as the user saw it."""

    question: str
    prompt: str
    answer: Answer
    label: str


@record
class CodeLine:
    code: str
    description: str
    role: Role
    slot: str
    rule: str
    reason: str
    because: tuple[Because, ...]
    cite: tuple[str, ...]
    confidence: str = "high"
    # Why the code is not valid in the release in force on the date of service ("" when it is).
    error: str = ""

    def reason_line(self) -> str:
        """The one-line reason shown beside the code: rule, answers, citation, confidence."""
        answers = "; ".join(f"{b.question} = {b.label}" for b in self.because)
        text = self.reason
        if answers:
            text += f" (answers: {answers})"
        if self.cite:
            text += f" [{'; '.join(self.cite)}]"
        if self.confidence != "high":
            text += f" (confidence: {self.confidence}; see query)"
        return text

    def as_dict(self) -> dict[str, object]:
        data = as_dict(self)
        data["because"] = [as_dict(b) for b in self.because]
        data["cite"] = list(self.cite)
        data["reason_line"] = self.reason_line()
        return data


@record
class ChecklistItem:
    id: str
    text: str
    kind: str  # document, query, workup
    cite: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, object]:
        return {"id": self.id, "text": self.text, "kind": self.kind, "cite": list(self.cite)}


@record
class Warning:
    id: str
    kind: str  # excludes1, rule, template, release (the release in force), retitled
    text: str
    codes: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, object]:
        return {"id": self.id, "kind": self.kind, "text": self.text, "codes": list(self.codes)}


@record
class StopInfo:
    id: str
    message: str
    cite: tuple[str, ...] = ()


@record
class Result:
    codes: tuple[CodeLine, ...]
    checklist: tuple[ChecklistItem, ...]
    warnings: tuple[Warning, ...]
    complete: bool
    stop: StopInfo | None = None
    release: str = ""
    notes: tuple[str, ...] = ()
    date_of_service: str = ""  # YYYY-MM-DD
    # The release in force on the date of service; None when it is not installed (or unknown).
    release_in_force: str | None = None

    @property
    def code_list(self) -> list[str]:
        return [c.code for c in self.codes]

    @property
    def errors(self) -> list[CodeLine]:
        """The codes that are not valid in the release in force on the date of service."""
        return [c for c in self.codes if c.error]


# Where an answer came from: chosen or typed by a person, or in an answers file; read from the
# provider's note by a headless run (no person confirmed it); read from the note and confirmed
# by the person in the UI.
ENTERED, FROM_NOTE, NOTE_CONFIRMED = "entered", "note", "note_confirmed"


@record
class Origin:
    """An answer's origin, and for one read from the note the note's words behind it."""

    kind: str  # ENTERED, FROM_NOTE or NOTE_CONFIRMED
    quote: str = ""

    def describe(self) -> str:
        """How an export says it, after the answer ("" for an answer a person entered)."""
        if self.kind == ENTERED:
            return ""
        how = "from the note, confirmed" if self.kind == NOTE_CONFIRMED else "from the note, not confirmed"
        return f'({how}: "{self.quote}")' if self.quote else f"({how})"


def origin_in(origins: Mapping[str, Origin], question_id: str) -> Origin:
    """A question's origin among those kept; an answer not among them was entered."""
    return origins.get(question_id) or Origin(ENTERED)
