"""The note reader's own process, as the UI uses it: the same suggestions as a read in process,
one process for every note of an app, and a clear reason whenever there is no answer."""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from conftest import SHIPPED_TREE
from wizard.notes import NoteError, NotesUnavailable
from wizard.notes.service import NoteReaderProcess, ReaderStopped
from wizard.tree import load_tree

pytest.importorskip("medspacy")

TREE = load_tree(SHIPPED_TREE).tree
NOTE = "HPI: chronic low back pain radiating down the right leg. Denies fever.\nAssessment: Chronic low back pain with right sciatica.\n"


@pytest.fixture
def reader():
    process = NoteReaderProcess()
    yield process
    process.close()


def test_the_process_suggests_what_a_read_in_process_suggests(reader: NoteReaderProcess) -> None:
    from wizard.notes.prefill import prefill
    from wizard.notes.reader import read_note

    assert reader.read(TREE, NOTE) == prefill(TREE, read_note(TREE, NOTE), given={})
    assert reader.pid != os.getpid()


def test_every_note_of_an_app_goes_to_the_same_process_and_close_ends_it(reader: NoteReaderProcess) -> None:
    reader.read(TREE, NOTE)
    pid = reader.pid
    assert reader.read(TREE, "Low back pain.").answers["region"] == "low_back"
    assert reader.pid == pid
    reader.close()
    assert reader.pid is None
    with pytest.raises(ProcessLookupError):  # ended and reaped by close()
        os.kill(pid, 0)


def test_a_note_that_cannot_be_one_is_refused_with_the_fix(reader: NoteReaderProcess) -> None:
    with pytest.raises(NoteError, match="is empty. Fix:"):
        reader.read(TREE, "  \n ")


def test_a_reader_killed_between_notes_is_started_again(reader: NoteReaderProcess) -> None:
    reader.read(TREE, NOTE)
    killed = reader.pid
    os.kill(killed, signal.SIGKILL)
    assert reader.read(TREE, NOTE).answers["side"] == "right"
    assert reader.pid != killed


@contextmanager
def reader_with_medspacy(folder: Path, body: str) -> Iterator[NoteReaderProcess]:
    """A reader whose `import medspacy` runs `body` instead (a stand-in put first on its path)."""
    (folder / "medspacy.py").write_text(body, encoding="utf-8")
    reader = NoteReaderProcess(env={**os.environ, "PYTHONPATH": os.pathsep.join([str(folder), *sys.path])})
    try:
        yield reader
    finally:
        reader.close()


def test_a_reader_that_dies_while_reading_says_so(tmp_path: Path) -> None:
    # medspaCy's load ends the process: no answer comes back.
    with reader_with_medspacy(tmp_path, "import os\nos._exit(9)\n") as reader, pytest.raises(ReaderStopped, match=r"the note reader stopped \(exit code 9\)"):
        reader.read(TREE, NOTE)


def test_without_medspacy_in_the_reader_the_ui_is_told_how_to_add_it(tmp_path: Path) -> None:
    with reader_with_medspacy(tmp_path, "raise ImportError('not installed')\n") as reader, pytest.raises(NotesUnavailable, match=r"pip install 'wizard-lbp\[notes\]'"):
        reader.read(TREE, NOTE)


def test_closing_while_a_note_is_read_ends_the_reader_and_the_read(tmp_path: Path) -> None:
    """The app quits while the reader still loads: close() does not wait for the note, and the
    read in flight ends with the reason instead of hanging."""
    import threading

    outcome: list[BaseException] = []

    def read(reader: NoteReaderProcess) -> None:
        try:
            reader.read(TREE, NOTE)
        except BaseException as error:  # noqa: BLE001 - kept for the assertion
            outcome.append(error)

    with reader_with_medspacy(tmp_path, "import time\ntime.sleep(600)\n") as reader:
        worker = threading.Thread(target=read, args=(reader,))
        worker.start()
        while reader.pid is None:  # the read has started its reader
            threading.Event().wait(0.01)
        reader.close()
        worker.join(timeout=60)  # a guard against a hang, not a timing goal
        assert not worker.is_alive()
    assert len(outcome) == 1 and isinstance(outcome[0], ReaderStopped)
