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

from wizard.engine.engine import Engine

if TYPE_CHECKING:
    from textual.app import App

_CLOSE = object()


class Recorder(Protocol):
    """What the UI calls; wizard.sessions provides the implementation."""

    def answered(self, engine: Engine) -> None: ...

    def ticked(self, item_id: str, checked: bool) -> None: ...

    def acknowledged(self, warning_id: str) -> None: ...


def engine_snapshot(engine: Engine) -> Engine:
    """A separate engine in the same state: same answers, same kept answers, same describer."""
    copy = Engine(engine.tree, engine.coder.describer)
    copy.replay({**engine.answers, **{step.question: step.answer for step in engine.pending}})
    return copy


class RecorderRelay:
    """Queues recorder calls and runs them, one at a time, on a thread worker of the app."""

    def __init__(self, app: App[Any], recorder: Recorder) -> None:
        self.app = app
        self.recorder = recorder
        self._queue: queue.Queue[object] = queue.Queue()
        self._done = threading.Event()
        self._done.set()

    def start(self) -> None:
        self._done.clear()
        self.app.run_worker(self._drain, thread=True, name="recorder", group="recorder", exit_on_error=False)

    def answered(self, engine: Engine) -> None:
        snapshot = engine_snapshot(engine)
        self._queue.put(lambda: self.recorder.answered(snapshot))

    def ticked(self, item_id: str, checked: bool) -> None:
        self._queue.put(lambda: self.recorder.ticked(item_id, checked))

    def acknowledged(self, warning_id: str) -> None:
        self._queue.put(lambda: self.recorder.acknowledged(warning_id))

    def join(self) -> None:
        """Wait until every queued call has run (tests, and before the app exits)."""
        self._queue.join()

    def close(self, timeout: float = 2.0) -> None:
        """Let the queued writes finish, then stop the worker thread."""
        self._queue.put(_CLOSE)
        self._done.wait(timeout)

    def _drain(self) -> None:
        try:
            while True:
                item = self._queue.get()
                try:
                    if item is _CLOSE:
                        return
                    self._call(item)  # type: ignore[arg-type]
                finally:
                    self._queue.task_done()
        finally:
            self._done.set()

    def _call(self, call: Callable[[], None]) -> None:
        try:
            call()
        except Exception as error:  # noqa: BLE001 - a failed save must not end the encounter
            self.app.call_from_thread(
                self.app.notify,
                f"The session could not be saved ({error}). Your answers are still on screen; export them before quitting.",
                title="Session not saved",
                severity="error",
                timeout=15,
                markup=False,
            )
