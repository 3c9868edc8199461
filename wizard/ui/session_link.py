"""The UI's link to wizard.sessions: start a session, resume one, list and open saved ones.

wizard.sessions is imported inside the functions, so importing the UI stays light; the
CLI hands over a SessionStore (and, for --resume, a loaded and claimed Session).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from wizard.engine.engine import Engine
from wizard.record import record
from wizard.tree.loader import LoadedTree

if TYPE_CHECKING:
    from wizard.sessions import Session, SessionRecorder, SessionStore


@record
class Resumed:
    """A saved encounter ready to show: its engine, ticks, label, and what no longer fits."""

    engine: Engine
    session_id: str
    checked: frozenset[str]
    acknowledged: frozenset[str]
    label: str | None
    flags: tuple[str, ...]
    # Set when the tree file is not the one the session was saved with (edited since).
    tree_changed: str | None = None


@record
class SavedSession:
    """One line of the "open a saved session" list."""

    id: str
    label: str | None
    status: str
    updated: datetime
    answers: int

    def describe(self) -> str:
        label = f"{self.label}  " if self.label else ""
        return f"{label}{self.updated:%Y-%m-%d %H:%M}  {self.status.replace('_', ' ')}, {self.answers} answers  ({self.id})"


def resume(session: Session, loaded: LoadedTree, describer: Any | None = None) -> Resumed:
    """Replay a session on the tree as it is now (raises SessionError for another tree)."""
    from wizard.sessions import resume_engine

    before = session.tree
    engine, flags = resume_engine(session, loaded, describer)
    changed = None
    if before.sha256 != loaded.sha256:
        now = loaded.tree.tree
        changed = (
            f"Tree '{now.id}' changed since this session was saved (v{before.version} then, v{now.version} now; "
            f"the file's sha256 differs). The saved answers were replayed on the tree as it is now"
            + ("; those that no longer fit are set aside." if flags else ", and all of them still apply.")
        )
    return Resumed(
        engine=engine,
        session_id=session.id,
        checked=frozenset(session.checked),
        acknowledged=frozenset(session.acknowledged),
        label=session.label,
        flags=tuple(f"{f.prompt} {f.label}: {f.message}" for f in flags),
        tree_changed=changed,
    )


def new_session(store: SessionStore, loaded: LoadedTree, label: str | None) -> Callable[[], SessionRecorder]:
    """Opens the recorder of a new session; run on the recorder's worker, off the first paint."""

    def open_recorder() -> SessionRecorder:
        from wizard.sessions import SessionRecorder

        return SessionRecorder(store, store.new(loaded, label=label))

    return open_recorder


def continue_session(store: SessionStore, session: Session) -> Callable[[], SessionRecorder]:
    """Opens the recorder of a resumed session and saves what resuming changed in it."""

    def open_recorder() -> SessionRecorder:
        from wizard.sessions import SessionRecorder

        recorder = SessionRecorder(store, session)
        recorder.save()
        return recorder

    return open_recorder


def saved_sessions(store: SessionStore, tree_id: str) -> list[SavedSession]:
    """The readable sessions of this tree, newest first (slow: reads every file)."""
    found = []
    for listing in store.list():
        session = listing.session
        if session is not None and session.tree.id == tree_id:
            found.append(SavedSession(session.id, session.label, session.status, session.updated, len(session.answers)))
    return sorted(found, key=lambda s: s.updated, reverse=True)


def open_saved(store: SessionStore, session_id: str, loaded: LoadedTree, describer: Any | None) -> tuple[Resumed, Callable[[], SessionRecorder]]:
    """Load, claim and replay a saved session. Raises SessionError (SessionLocked when open elsewhere)."""
    from wizard.sessions import SessionRecorder

    session = store.load(session_id)
    recorder = SessionRecorder(store, session)  # claims the session, or raises SessionLocked
    try:
        resumed = resume(session, loaded, describer)
    except Exception:
        recorder.close()
        raise

    def open_recorder() -> SessionRecorder:
        recorder.save()
        return recorder

    return resumed, open_recorder
