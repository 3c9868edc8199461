"""SIGKILL at every step of a long case of the shipped tree loses no answer.

A wizard process records the case's answers one by one, as the UI does, and is killed once per
answer: after the save, or inside it (before the write starts, with the temp file written but
not yet renamed, renamed but the folder not yet synced). The next process resumes the session
from the file and goes on. After every kill the file is readable, holds every answer that was
reported saved and the answer in flight either whole or not at all, no lock is left behind, and
at the end the session holds the case's codes. WIZARD_STRESS_FULL=1 (make fuzz) kills at every
phase of every answer instead of one phase per answer.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path


from conftest import HOSTILE_COUNTS, REPO, SHIPPED_TREE, TESTS
from wizard.engine.engine import Engine
from wizard.quiz import load_cases
from wizard.sessions import SessionRecorder, SessionStore, resume_engine
from wizard.tree.loader import load_tree

CASE = "ddd_back_and_referred_leg_pain_chronic"  # 14 answers, the longest of the library
PHASES = ("saved", "before_write", "temp_written", "renamed")

# One wizard process: starts or resumes a session and records one answer per line of stdin.
# A line "answer phase" stops inside the save at that phase and waits there to be killed.
PROCESS = TESTS / "session_process.py"


def kill_points() -> list[tuple[int, str]]:
    """(answer number, phase) for each kill: one phase per answer, or all of them."""
    count = len(case_answers())
    if os.environ.get("WIZARD_STRESS_FULL"):
        return [(n, phase) for n in range(1, count + 1) for phase in PHASES]
    # The first answer is killed after its save: a kill inside the very first save leaves no file.
    return [(n, PHASES[(n - 1) % len(PHASES)]) for n in range(1, count + 1)]


def case_answers() -> list[object]:
    """The case's answers in the order the tree asks them."""
    from wizard.engine.headless import walk

    engine = Engine(load_tree(SHIPPED_TREE).tree)
    assert walk(engine, load_cases().get(CASE).answers) is None
    return [step.answer for step in engine.path]


def line_of(process: subprocess.Popen[str]) -> list[str]:
    line = process.stdout.readline()
    assert line, process.stderr.read()
    return line.split()


def test_a_long_session_survives_sigkill_at_every_step(tmp_path: Path) -> None:
    answers = case_answers()
    folder = tmp_path / "sessions"
    store = SessionStore(folder)
    session_id = ""
    reported_saved = 0
    points = kill_points()
    for number, phase in points:
        process = subprocess.Popen(
            [sys.executable, str(PROCESS), str(folder), str(SHIPPED_TREE), *([session_id] if session_id else [])],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO,
        )
        try:
            ready, session_id, on_disk = line_of(process)
            assert ready == "ready" and int(on_disk) >= reported_saved
            # Answer from where the file stands up to this kill point's answer.
            for step in range(int(on_disk) + 1, number + 1):
                process.stdin.write(f"{answers[step - 1]} {phase if step == number else 'none'}\n")
                process.stdin.flush()
                reply = line_of(process)
                if step == number and phase != "saved":
                    assert reply == ["paused", phase]
                else:
                    assert reply == ["saved", str(step)], reply
                    reported_saved = step
        finally:
            process.send_signal(signal.SIGKILL)
            process.communicate(timeout=30)
        assert process.returncode == -signal.SIGKILL
        saved = store.load(session_id)
        kept = [a.answer for a in saved.answers]
        assert kept == answers[: len(kept)], "an answer changed or came out of order"
        assert reported_saved <= len(kept) <= number, (number, phase, len(kept))
        if phase in ("saved", "renamed"):
            assert len(kept) == number  # renamed: on disk, only the folder's sync was cut short
        HOSTILE_COUNTS["kill points"] += 1
    # The last answer may have been killed in flight: one more process finishes the case.
    final = store.load(session_id)
    loaded = load_tree(SHIPPED_TREE)
    engine, flags = resume_engine(final, loaded)
    assert not flags
    with SessionRecorder(store, final) as recorder:  # no lock was left by the killed processes
        for value in answers[len(final.answers) :]:
            engine.answer(value)
            assert recorder.answered(engine), recorder.last_error
    done = store.load(session_id)
    assert done.status == "complete" and [a.answer for a in done.answers] == answers
    assert [c.code for c in done.result.codes] == load_cases().get(CASE).expected
    assert [p.name for p in folder.iterdir()] == [f"{session_id}.toml"], "temp files or locks were left behind"
