"""Real processes: a session survives SIGKILL after every answer, locks keep processes apart,
and processes writing into one folder at once never mix their files."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import DEMO_TREE, REPO, TESTS
from test_sessions import DEMO_ANSWERS
from wizard.cli import main
from wizard.sessions import SessionLocked, SessionRecorder, SessionStore

# One wizard process: starts (or resumes) a session on a tree and answers one question per
# line of stdin, as the UI would, reporting after each save.
SESSION_PROCESS = TESTS / "session_process.py"

# Many sessions, each answered to the end, into one shared folder.
WRITER_PROCESS = """
import sys, time
from pathlib import Path
from wizard.engine.engine import Engine
from wizard.sessions import SessionRecorder, SessionStore
from wizard.tree.loader import load_tree

folder, tree, tag, count, start = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), float(sys.argv[5])
while time.time() < start:
    time.sleep(0.001)
store = SessionStore(Path(folder))
loaded = load_tree(tree)
for n in range(count):
    engine = Engine(loaded.tree)
    session = store.new(loaded, label=f"{tag}-{n}")
    with SessionRecorder(store, session) as recorder:
        for answer in ("low_back", "none", "yes", 20 + n % 20, "yes"):
            engine.answer(answer)
            assert recorder.answered(engine), recorder.last_error
            recorder.ticked("region", True)
print("done", flush=True)
"""


@pytest.fixture
def script(tmp_path: Path):
    def write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(text)
        return path

    return write


def start(script_path: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(script_path), *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )


def read_line(process: subprocess.Popen[str]) -> str:
    line = process.stdout.readline()
    assert line, process.stderr.read()
    return line.strip()


def kill(process: subprocess.Popen[str]) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    for stream in (process.stdin, process.stdout, process.stderr):
        try:
            stream.close()
        except OSError:
            pass


def test_session_survives_sigkill_after_every_answer(tmp_path):
    store = SessionStore(tmp_path / "sessions")
    session_id = ""
    for count, answer in enumerate(DEMO_ANSWERS, 1):
        process = start(SESSION_PROCESS, str(store.folder), str(DEMO_TREE), *([session_id] if session_id else []))
        ready = read_line(process).split()
        assert ready[0] == "ready"
        session_id = ready[1]
        process.stdin.write(f"{answer}\n")
        process.stdin.flush()
        assert read_line(process) == f"saved {count}"
        kill(process)
        saved = store.load(session_id)
        assert [a.answer for a in saved.answers] == list(DEMO_ANSWERS[:count])
        assert saved.label == "killed"
    final = store.load(session_id)
    assert final.status == "complete"
    assert [c.code for c in final.result.codes] == ["O26.892", "M54.50", "G89.29"]
    # The killed processes left no lock behind: this process can open the session.
    with SessionRecorder(store, final) as recorder:
        assert recorder.ticked("region", True)


def test_kills_at_random_moments_leave_a_readable_prefix(tmp_path):
    store = SessionStore(tmp_path / "sessions")
    chance = random.Random(5)
    for _ in range(8):
        process = start(SESSION_PROCESS, str(store.folder), str(DEMO_TREE))
        session_id = read_line(process).split()[1]
        process.stdin.write("".join(f"{a}\n" for a in DEMO_ANSWERS))
        process.stdin.flush()
        time.sleep(chance.uniform(0, 0.05))
        kill(process)
        if store.path_of(session_id).exists():
            answers = [a.answer for a in store.load(session_id).answers]
            assert answers == list(DEMO_ANSWERS[: len(answers)])
    assert all(item.ok for item in store.list())
    # The next save of a session sweeps the temp files its killed writers left. (A writer
    # killed inside its very first save leaves a hidden temp file and no session at all.)
    saved = [item.session for item in store.list()]
    for session in saved:
        store.save(session)
    assert not [p.name for p in store.folder.iterdir() if p.name.endswith(".tmp") and any(s.id in p.name for s in saved)]


def test_a_session_open_in_another_process_is_refused_with_its_pid(tmp_path, capsys):
    store = SessionStore(tmp_path / "sessions")
    process = start(SESSION_PROCESS, str(store.folder), str(DEMO_TREE))
    try:
        session_id = read_line(process).split()[1]
        process.stdin.write("low_back\n")
        process.stdin.flush()
        assert read_line(process) == "saved 1"
        session = store.load(session_id)
        with pytest.raises(SessionLocked) as caught:
            SessionRecorder(store, session)
        assert caught.value.pid == process.pid
        assert f"pid {process.pid}" in str(caught.value) and "Fix:" in str(caught.value)
        with pytest.raises(SessionLocked):
            store.delete(session_id)
        with pytest.raises(SessionLocked):
            store.save(session)
        assert main(["--sessions", str(store.folder), "--resume", session_id]) == 2
        assert f"open in another wizard process (pid {process.pid})" in capsys.readouterr().err
        assert main(["sessions", "--sessions", str(store.folder), "delete", session_id, "--yes"]) == 2
        assert store.path_of(session_id).exists()
    finally:
        kill(process)
    with SessionRecorder(store, store.load(session_id)):
        pass


def test_processes_writing_at_once_never_mix_their_files(tmp_path, script):
    program = script("writer.py", WRITER_PROCESS)
    folder = tmp_path / "sessions"
    writers, per_writer = 4, 6
    begin = time.time() + 1.5
    processes = [start(program, str(folder), str(DEMO_TREE), f"w{n}", str(per_writer), str(begin)) for n in range(writers)]
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
    listing = SessionStore(folder).list()
    assert len(listing) == writers * per_writer
    assert all(item.ok for item in listing), [item.error for item in listing if not item.ok]
    labels = sorted(item.session.label for item in listing)
    assert labels == sorted(f"w{w}-{n}" for w in range(writers) for n in range(per_writer))
    for item in listing:
        session = item.session
        n = int(session.label.split("-")[1])
        assert [a.answer for a in session.answers] == ["low_back", "none", "yes", 20 + n % 20, "yes"]
        assert session.checked == ["region"] and session.status == "complete"
    leftovers = [p.name for p in folder.iterdir() if not p.name.endswith(".toml")]
    assert leftovers == []
    assert all(not name.startswith(".") for name in os.listdir(folder))
