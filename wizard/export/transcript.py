"""The Transcript: what a finished (or stopped) encounter says, ready for any export."""

from __future__ import annotations

from datetime import datetime

from wizard.engine.engine import Engine, Step
from wizard.engine.result import ENTERED, FROM_NOTE, NOTE_CONFIRMED, Origin, Result, origin_in
from wizard.record import Factory, record
from wizard.tree.models import Answer


@record
class TreeRef:
    id: str
    title: str
    version: str
    sha256: str = ""
    path: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"id": self.id, "title": self.title, "version": self.version, "sha256": self.sha256, "path": self.path}


@record
class FlaggedStep:
    """An answer set aside when a session was resumed on a changed tree, and why."""

    question: str
    prompt: str
    answer: Answer
    label: str
    reason: str


@record
class Transcript:
    tree: TreeRef
    release: str
    path: tuple[Step, ...]
    result: Result
    label: str | None = None
    created: datetime | None = None
    checked: frozenset[str] = Factory(frozenset)
    acknowledged: frozenset[str] = Factory(frozenset)
    session_id: str | None = None
    app_version: str = ""
    updated: datetime | None = None
    answered_at: tuple[datetime, ...] = ()  # beside path, when the session knows the times
    flagged: tuple[FlaggedStep, ...] = ()
    origins: dict[str, Origin] = Factory(dict)  # by question id; an answer not here was entered

    def origin_of(self, question_id: str) -> Origin:
        return origin_in(self.origins, question_id)

    @property
    def open_items(self) -> list[str]:
        return [item.id for item in self.result.checklist if item.id not in self.checked]


def release_line(t: Transcript) -> str:
    """The release the codes were checked against and the one in force, for a header."""
    result = t.result
    if not result.date_of_service:
        return t.release
    if result.release_in_force is None:
        return f"{t.release} (the release in force on the date of service is not installed; see the warnings)"
    if result.release_in_force != t.release:
        return f"{t.release} (in force: {result.release_in_force})"
    return f"{t.release}, in force on the date of service"


__all__ = ["ENTERED", "FROM_NOTE", "NOTE_CONFIRMED", "FlaggedStep", "Origin", "Transcript", "TreeRef", "release_line", "transcript_from_engine"]


def transcript_from_engine(engine: Engine, sha256: str = "", path: str = "", **extra: object) -> Transcript:
    from wizard import __version__

    info = engine.tree.tree
    result = engine.result()
    return Transcript(
        tree=TreeRef(info.id, info.title, info.version, sha256, path),
        release=result.release or info.icd10cm_release,
        path=tuple(engine.path),
        result=result,
        app_version=__version__,
        **({"origins": dict(engine.origins)} | extra),  # type: ignore[arg-type]
    )
