"""One wizard process for the tests that kill processes (test_sessions_processes, test_hostile_crash).

    python tests/session_process.py FOLDER TREE [SESSION_ID]

Starts a session on TREE in FOLDER (or resumes SESSION_ID), prints "ready ID ANSWERS_ON_DISK",
then records one answer per line of stdin, as the UI does, and prints "saved N" (or "failed
REASON N") after each save. A line "ANSWER PHASE" stops inside that answer's save at PHASE
(before_write, temp_written or renamed), prints "paused PHASE" and waits there to be killed.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from wizard.engine.engine import Engine
from wizard.sessions import SessionRecorder, SessionStore, files, resume_engine
from wizard.sessions import store as store_module
from wizard.tree.loader import load_tree

pause_at: str | None = None


def hold(phase: str) -> None:
    if pause_at == phase:
        print("paused", phase, flush=True)
        time.sleep(120)


# Each step of a save goes through hold first; it only stops where a line asked it to.
real_write, real_replace, real_fsync_folder = store_module.write_atomic, os.replace, files.fsync_folder


def write_atomic(path: Path, data: bytes) -> None:
    hold("before_write")
    real_write(path, data)


def replace(src: str, dst: str) -> None:
    hold("temp_written")
    real_replace(src, dst)


def fsync_folder(folder: Path) -> None:
    hold("renamed")
    real_fsync_folder(folder)


store_module.write_atomic, files.os.replace, files.fsync_folder = write_atomic, replace, fsync_folder

folder, tree, resume = sys.argv[1], sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else ""
store = SessionStore(Path(folder))
loaded = load_tree(tree)
if resume:
    session = store.load(resume)
    engine, flags = resume_engine(session, loaded)
    assert not flags, flags
else:
    session = store.new(loaded, label="killed")
    engine = Engine(loaded.tree)
recorder = SessionRecorder(store, session)
print("ready", session.id, len(session.answers), flush=True)
for line in sys.stdin:
    value, *phase = line.split()
    pause_at = phase[0] if phase else None
    engine.answer(int(value) if value.isdigit() else value)
    ok = recorder.answered(engine)
    print("saved" if ok else f"failed {recorder.last_error}", len(session.answers), flush=True)
