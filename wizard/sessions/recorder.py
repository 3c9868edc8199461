"""The recorder: keeps a Session in step with an Engine and saves it after every change.

The UI calls it from a worker thread, so each method takes a lock. A save that fails (a
read-only or full folder) never raises into the UI: the session stays in memory, the error
is kept in `last_error`, and the next change tries again.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from datetime import datetime

from wizard.engine.engine import Engine, Step
from wizard.engine.result import NOTE_CONFIRMED, Origin, origin_in
from wizard.sessions.errors import SessionError, SessionLocked
from wizard.sessions.ids import now
from wizard.sessions.models import AnswerRecord, ResultRecord, Session
from wizard.sessions.store import SessionStore


def apply_engine(session: Session, engine: Engine, when: datetime) -> None:
    """Copy the engine's answers and result into the session.

    An answer the session already holds (same question, same answer) keeps its record: the
    time it was given and the prompt and label as they were shown then.
    """
    known = {(r.question, r.answer): r for r in [*session.answers, *session.pending]}
    session.answers = _records(engine.path, known, when, engine.origins)
    session.pending = _records(engine.pending, known, when, engine.origins)
    result = engine.result()
    session.result = ResultRecord.of(result)
    session.icd10cm_release = result.release or engine.tree.tree.icd10cm_release
    if engine.date_of_service is not None:
        session.date_of_service = engine.date_of_service
    session.status = "complete" if engine.finished else "in_progress"


def _records(steps: Iterable[Step], known: dict[tuple[str, object], AnswerRecord], when: datetime, origins: Mapping[str, Origin]) -> list[AnswerRecord]:
    records = []
    for step in steps:
        origin = origin_in(origins, step.question)
        # The note's words are kept only behind an answer the person confirmed (SECURITY.md).
        quote = origin.quote or None if origin.kind == NOTE_CONFIRMED else None
        record = known.get((step.question, step.answer))
        if record is not None and (record.origin, record.quote) == (origin.kind, quote):
            records.append(record)
        else:
            at = record.at if record is not None else when
            records.append(AnswerRecord(question=step.question, prompt=step.prompt, answer=step.answer, label=step.label, at=at, origin=origin.kind, quote=quote))
    return records


class SessionRecorder:
    """Records one session for one process; holds the session's lock while open.

    Raises SessionLocked if another process has the session open. Use close() (or a with
    block) to let go of the lock; a process that dies lets go of it too.
    """

    def __init__(self, store: SessionStore, session: Session) -> None:
        self.store = store
        self.session = session
        self.last_error: SessionError | None = None
        self.saved_at: datetime | None = None
        self._lock = threading.RLock()
        self._claimed = False
        try:
            self._claim()
        except SessionLocked:
            raise  # the UI must say so, not record over the other process
        except SessionError as error:
            self.last_error = error  # e.g. a read-only folder: record in memory, say so

    # -- the calls the UI makes ---------------------------------------------------------------

    def answered(self, engine: Engine) -> bool:
        """After an answer, a change, back or restart: record the engine's state and save."""
        with self._lock:
            when = now()
            apply_engine(self.session, engine, when)
            self.session.updated = when
            return self.save()

    def ticked(self, item_id: str, checked: bool) -> bool:
        with self._lock:
            ticks = [i for i in self.session.checked if i != item_id]
            if checked:
                ticks.append(item_id)
            self.session.checked = ticks
            self.session.updated = now()
            return self.save()

    def acknowledged(self, warning_id: str) -> bool:
        with self._lock:
            if warning_id not in self.session.acknowledged:
                self.session.acknowledged = [*self.session.acknowledged, warning_id]
            self.session.updated = now()
            return self.save()

    def save(self) -> bool:
        """Save now; True when it is on disk. On failure the error is kept in last_error."""
        with self._lock:
            try:
                self._claim()
                self.store.save(self.session)
            except SessionError as error:
                self.last_error = error
                return False
            self.last_error = None
            self.saved_at = now()
            return True

    # -- lifetime ---------------------------------------------------------------------------

    def _claim(self) -> None:
        if not self._claimed:
            self.store.claim(self.session.id)
            self._claimed = True

    def close(self) -> None:
        with self._lock:
            if self._claimed:
                self.store.release(self.session.id)
                self._claimed = False

    def __enter__(self) -> SessionRecorder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
