"""Concurrent use: 8 processes write sessions into one folder at once while another lists it.

Each writer makes session after session until the time is up, answering each to the end with
answers of its own (so a mixed-up file shows), ticking and re-saving as the UI does; it reports
what it saved. Afterwards every reported session is in the folder, readable, with its own label
and answers; nothing else is there; and the lister never saw an unreadable file. 2 seconds in
the suite; WIZARD_STRESS_SECONDS=10 (make fuzz) for the long run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from conftest import DEMO_TREE, HOSTILE_COUNTS, REPO
from wizard.sessions import SessionStore

WRITERS = 8
SECONDS = float(os.environ.get("WIZARD_STRESS_SECONDS", "2"))

WRITER = """
import json, sys, time
from pathlib import Path
from wizard.engine.engine import Engine
from wizard.sessions import SessionRecorder, SessionStore
from wizard.tree.loader import load_tree

folder, tree, tag, start, seconds = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]), float(sys.argv[5])
store = SessionStore(Path(folder))
loaded = load_tree(tree)
saved = []
while time.time() < start:
    time.sleep(0.001)
n = 0
while n == 0 or time.time() < start + seconds:  # at least one, however late this process started
    answers = ["low_back", "none", "yes", 1 + (int(tag) * 7 + n) % 45, "yes"]
    engine = Engine(loaded.tree)
    session = store.new(loaded, label=f"w{tag}-{n}")
    with SessionRecorder(store, session) as recorder:
        for answer in answers:
            engine.answer(answer)
            assert recorder.answered(engine), recorder.last_error
        assert recorder.ticked("region", True), recorder.last_error
    saved.append({"id": session.id, "label": session.label, "answers": answers})
    n += 1
print(json.dumps(saved), flush=True)
"""

LISTER = """
import json, sys, time
from pathlib import Path
from wizard.sessions import SessionStore

folder, start, seconds = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
store = SessionStore(Path(folder))
listings, bad = 0, []
while time.time() < start:
    time.sleep(0.001)
while listings == 0 or time.time() < start + seconds:
    for item in store.list():
        if not item.ok:
            bad.append([item.id, item.error])
    listings += 1
print(json.dumps({"listings": listings, "bad": bad}), flush=True)
"""


def spawn(script: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, str(script), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO)


def test_eight_writers_and_a_lister_share_one_folder(tmp_path: Path) -> None:
    folder = tmp_path / "sessions"
    writer, lister = tmp_path / "writer.py", tmp_path / "lister.py"
    writer.write_text(WRITER)
    lister.write_text(LISTER)
    start = time.time() + 2.5  # every process imported and ready before the clock starts
    processes = [spawn(writer, str(folder), str(DEMO_TREE), str(n), str(start), str(SECONDS)) for n in range(WRITERS)]
    watcher = spawn(lister, str(folder), str(start), str(SECONDS))
    reports = []
    for process in processes:
        out, err = process.communicate(timeout=120 + SECONDS)
        assert process.returncode == 0, err
        reports.append(json.loads(out))
    out, err = watcher.communicate(timeout=120 + SECONDS)
    assert watcher.returncode == 0, err
    watched = json.loads(out)
    assert watched["bad"] == [], "the lister saw an unreadable session while they were written"
    assert watched["listings"] > 0

    saved = [entry for report in reports for entry in report]
    assert all(report for report in reports), "a writer saved nothing"
    listing = {item.id: item for item in SessionStore(folder).list()}
    assert sorted(listing) == sorted(entry["id"] for entry in saved), "a session was lost, or one appeared from nowhere"
    for entry in saved:
        session = listing[entry["id"]].session
        assert session is not None, listing[entry["id"]].error
        assert session.label == entry["label"] and [a.answer for a in session.answers] == entry["answers"]
        assert session.status == "complete" and session.checked == ["region"]
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{i}.toml" for i in listing), "temp or lock files were left"
    HOSTILE_COUNTS["concurrent writers"] = WRITERS
    HOSTILE_COUNTS["sessions written at once"] += len(saved)
    HOSTILE_COUNTS["listings while writing"] += watched["listings"]
