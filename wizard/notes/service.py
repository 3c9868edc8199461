"""The note reader in a process of its own, for the UI.

medspaCy takes a second or two to load, and loading it keeps the interpreter busy: on a thread
of the UI's own process it slowed every keypress it overlapped (bench/keys.py: p95 about 100 ms
against 55 ms without it, on a slow day). In a process of its own it loads on the machine's
other core, its memory (spaCy's tables) is not the UI's, and a crash in it is a note not read,
never an encounter lost. The process lives as long as the app, so a second note is read at once.

A request is the tree and the note's text; the answer is the Prefill (or the reason there is
none). Both are pickled and sent length first over the child's stdin and stdout: the note goes
through a pipe, never a file. The child's stderr goes nowhere, as medspaCy's logs must; when
the app ends, the child reads the end of its stdin and ends too.

    python -m wizard.notes.service      (started by NoteReaderProcess; not a command for people)
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import threading
from typing import IO, TYPE_CHECKING

from wizard.notes import NotesUnavailable

if TYPE_CHECKING:
    from wizard.notes.prefill import Prefill
    from wizard.tree.models import Tree

# The answers a child sends, by what the parent raises for them.
OK, UNAVAILABLE, FAILED = "ok", "unavailable", "failed"


class ReaderFailed(RuntimeError):
    """The reader gave no suggestions for a note; the message says why, as the UI shows it."""


class ReaderStopped(ReaderFailed):
    """The reader's process ended without an answer (killed, or crashed)."""


class NoteReaderProcess:
    """One reader process, started at the first note and kept for the next ones."""

    def __init__(self, env: dict[str, str] | None = None) -> None:
        self._env = env
        self._process: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()
        self._closed = False

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def read(self, tree: Tree, text: str) -> Prefill:
        """The suggestions for a note (blocks: a worker calls it). Raises NotesUnavailable,
        NoteError, or ReaderFailed (ReaderStopped when the process ended) with the reason. A text that cannot
        be a note (empty, binary, too big) is refused here, at once, before any process starts."""
        from wizard.notes.note_text import note_text

        text = note_text(text)
        with self._lock:
            reused = self._process is not None and self._process.poll() is None
            try:
                kind, value = self._ask(tree, text)
            except ReaderStopped:
                if not reused:
                    raise
                kind, value = self._ask(tree, text)  # it ended between two notes: a new one reads this
        if kind == OK:
            return value
        if kind == UNAVAILABLE:
            raise NotesUnavailable(value)
        raise ReaderFailed(value)

    def _ask(self, tree: Tree, text: str) -> tuple:
        process = self._started()
        try:
            send(process.stdin, (tree, text))  # type: ignore[arg-type]
            return receive(process.stdout)  # type: ignore[arg-type]
        except (OSError, EOFError, pickle.UnpicklingError):
            self._process = None
            code = _end(process)
            raise ReaderStopped(f"the note reader stopped (exit code {code}); reading the note again starts a new one") from None

    def close(self) -> None:
        """End the reader. A note still being read (the app is quitting) is not waited for: its
        reader is killed, and the read in flight ends with ReaderStopped."""
        self._closed = True
        process, self._process = self._process, None
        if process is None:
            return
        if self._lock.locked():
            process.kill()
        _end(process)

    def _started(self) -> subprocess.Popen[bytes]:
        if self._closed:
            raise ReaderStopped("the note reader was closed with the app")
        if self._process is not None and self._process.poll() is not None:
            _end(self._process)  # ended between two notes: let go of its pipes
            self._process = None
        if self._process is None:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "wizard.notes.service"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                env=self._env,
                # Out of the terminal's process group: the terminal's signals are the UI's to
                # handle; the child ends when the UI's end closes its stdin.
                start_new_session=True,
            )
        return self._process


def _end(process: subprocess.Popen[bytes]) -> int:
    """End a child and let go of its pipes: the end of its stdin (it then ends by itself), or
    a kill if it has not ended two seconds later. Its exit code."""
    try:
        process.stdin.close()  # type: ignore[union-attr]
    except OSError:
        pass  # it is gone already: the pipe had no reader
    try:
        code = process.wait(timeout=2)
    except subprocess.TimeoutExpired:
        process.kill()
        code = process.wait()
    process.stdout.close()  # type: ignore[union-attr]
    return code


def send(stream: IO[bytes], value: object) -> None:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(len(data).to_bytes(8, "big") + data)
    stream.flush()


def receive(stream: IO[bytes]) -> tuple:
    header = stream.read(8)
    if len(header) < 8:
        raise EOFError("no answer")
    size = int.from_bytes(header, "big")
    data = stream.read(size)
    if len(data) < size:
        raise EOFError("a cut answer")
    return pickle.loads(data)


def answer(tree: Tree, text: str) -> tuple[str, object]:
    """What the child sends back for one note."""
    from wizard.notes.prefill import suggest

    try:
        return OK, suggest(tree, text)
    except NotesUnavailable as error:
        return UNAVAILABLE, str(error)
    except Exception as error:  # noqa: BLE001 - the reason goes back to the UI, which says it
        return FAILED, f"the note could not be read ({type(error).__name__}: {error})"


def serve(requests: IO[bytes], answers: IO[bytes]) -> None:
    """The child's loop: a note in, its suggestions out, until the parent closes the pipe."""
    while True:
        try:
            tree, text = receive(requests)
        except EOFError:
            return
        send(answers, answer(tree, text))


def main() -> None:
    # The answers go out on a copy of stdout, and stdout itself goes nowhere: anything a
    # library prints (Python or C) would otherwise corrupt them.
    answers = os.fdopen(os.dup(1), "wb")
    nowhere = os.open(os.devnull, os.O_WRONLY)
    os.dup2(nowhere, 1)
    os.close(nowhere)
    serve(sys.stdin.buffer, answers)


if __name__ == "__main__":
    main()
