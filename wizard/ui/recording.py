"""Hands session events to the recorder on one thread worker, in order, off the UI's path.

The recorder (wizard.sessions) writes to disk; the UI must not wait for it. Events go
through a queue to a single thread so that two quick answers are saved in the order they
were given. Each `answered` event carries a copy of the engine made on the UI thread, so
the recorder never reads an engine that the next answer is changing under it.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from textual.message import Message

from wizard.engine.engine import Engine

if TYPE_CHECKING:
    from textual.app import App

_CLOSE = object()


class Recorder(Protocol):
    """What the UI calls; wizard.sessions.SessionRecorder is one. A False return means not saved."""

    def answered(self, engine: Engine) -> object: ...

    def ticked(self, item_id: str, checked: bool) -> object: ...

    def acknowledged(self, warning_id: str) -> object: ...


def engine_snapshot(engine: Engine) -> Engine:
    """A separate engine in the same state: same answers, same kept answers, same describer and release."""
    copy = engine.blank()
    copy.replay({**engine.answers, **{step.question: step.answer for step in engine.pending}})
    copy.origins = dict(engine.origins)
    return copy


class RecorderRelay:
    """Queues recorder calls and runs them, one at a time, on a thread worker of the app.

    The recorder is either given (the caller owns it) or opened by `opener` on the worker,
    so that creating a session file never delays the first question; an opened recorder is
    closed by the relay (its `close()`, which lets go of the session's lock).
    """

    class Opened(Message):
        """A recorder was opened on the worker; `session_id` when it records a session."""

        def __init__(self, session_id: str | None) -> None:
            super().__init__()
            self.session_id = session_id

    def __init__(self, app: App[Any], recorder: Recorder | None = None, opener: Callable[[], Recorder] | None = None) -> None:
        self.app = app
        self._queue: queue.Queue[object] = queue.Queue()
        self._done = threading.Event()
        self._done.set()
        # Set once the first question is painted (`go`): opening a session file imports and
        # builds the session models (pydantic), which would compete with the first paint.
        self._go = threading.Event()
        # Touched only on the worker thread once started.
        self._recorder: Recorder | None = recorder
        self._owned = False
        self._failing = False
        if opener is not None:
            self.switch(opener)

    def start(self) -> None:
        """Start the worker; it runs what is queued once `go` is called."""
        self._done.clear()
        self.app.run_worker(self._drain, thread=True, name="recorder", group="recorder", exit_on_error=False)

    def go(self) -> None:
        self._go.set()

    # -- the events ---------------------------------------------------------------------

    def answered(self, engine: Engine) -> None:
        snapshot = engine_snapshot(engine)
        self._queue.put(lambda: self._record(lambda r: r.answered(snapshot)))

    def ticked(self, item_id: str, checked: bool) -> None:
        self._queue.put(lambda: self._record(lambda r: r.ticked(item_id, checked)))

    def acknowledged(self, warning_id: str) -> None:
        self._queue.put(lambda: self._record(lambda r: r.acknowledged(warning_id)))

    def switch(self, opener: Callable[[], Recorder | None]) -> None:
        """Record into another session from now on (a new tree, a session opened from the list)."""
        self._queue.put(lambda: self._open(opener))

    # -- lifetime -----------------------------------------------------------------------

    def join(self) -> None:
        """Wait until every queued call has run (tests; the worker goes even before a paint)."""
        self._go.set()
        self._queue.join()

    def close(self, timeout: float = 5.0) -> None:
        """Let the queued writes finish, close an opened recorder, stop the worker thread."""
        self._go.set()
        self._queue.put(_CLOSE)
        self._done.wait(timeout)

    def _drain(self) -> None:
        self._go.wait()
        try:
            while True:
                item = self._queue.get()
                try:
                    if item is _CLOSE:
                        self._close_owned()
                        return
                    item()  # type: ignore[operator]
                finally:
                    self._queue.task_done()
        finally:
            self._done.set()

    # -- on the worker thread -----------------------------------------------------------

    def _open(self, opener: Callable[[], Recorder | None]) -> None:
        self._close_owned()
        try:
            self._recorder = opener()
        except Exception as error:  # noqa: BLE001 - the encounter goes on without saving; say so
            self._recorder = None
            self._tell(f"This encounter is not being saved: {error}", "Session not started", "error")
            return
        self._owned = True
        self._failing = False
        session = getattr(self._recorder, "session", None)
        self.app.post_message(self.Opened(getattr(session, "id", None)))
        self._check(getattr(self._recorder, "last_error", None) is None)

    def _close_owned(self) -> None:
        if self._owned and self._recorder is not None:
            close = getattr(self._recorder, "close", None)
            if close is not None:
                close()
        if self._owned:
            self._recorder = None
            self._owned = False

    def _record(self, call: Callable[[Recorder], object]) -> None:
        if self._recorder is None:
            return
        try:
            saved = call(self._recorder) is not False
        except Exception as error:  # noqa: BLE001 - a failed save must not end the encounter
            self._failing = True
            self._tell(f"The session could not be saved ({error}). Export the transcript before quitting.", "Session not saved", "error")
            return
        self._check(saved)

    def _check(self, saved: bool) -> None:
        """Say once when saving starts failing, and once when it works again."""
        if not saved and not self._failing:
            self._failing = True
            error = getattr(self._recorder, "last_error", None)
            self._tell(f"{error or 'The session could not be saved.'} Your answers stay on screen; each change tries again.", "Session not saved", "error")
        elif saved and self._failing:
            self._failing = False
            self._tell("The session is saved again.", "Session saved", "information")

    def _tell(self, message: str, title: str, severity: str) -> None:
        # notify() posts a message, which is safe from a thread and never waits for the UI
        # (call_from_thread would wait, and dead-lock while the app closes the relay).
        self.app.notify(message, title=title, severity=severity, timeout=15, markup=False)  # type: ignore[arg-type]
