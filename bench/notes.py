"""Reading a provider's note: a 2,000-word note once medspaCy is loaded, and the UI's keypresses
while it loads in the reader's process (`wizard --note FILE`).

The note is made of the case library's vignettes, one after another, to 2,000 words: a long
note written as clinicians write. Each round runs in a fresh process.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import PYTHON, REPO, Row, child_env, percentile

WORDS = 2000


def long_note() -> str:
    """2,000 words of vignettes from the case library."""
    sys.path.insert(0, str(REPO))
    from wizard.quiz.cases import load_cases

    text, count = [], 0
    while count < WORDS:
        for case in load_cases().cases:
            text.append(case.vignette.strip())
            count += len(case.vignette.split())
            if count >= WORDS:
                break
    return " ".join("\n\n".join(text).split(" ")[:WORDS])


def measure_reading(runs: int) -> list[Row]:
    """The library's load (for information) and the reading of the note, each in a fresh process."""
    loads: list[float] = []
    reads: list[float] = []
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as handle:
        handle.write(long_note())
    for round_ in range(runs + 1):
        done = subprocess.run([PYTHON, "-m", "bench.notes", handle.name, str(5)], cwd=REPO, env=child_env(), capture_output=True, text=True, check=True)
        load, samples = json.loads(done.stdout.splitlines()[-1])
        if round_:
            loads.append(load)
            reads += samples
    Path(handle.name).unlink()
    reading = Row(f"Reading a {WORDS:,}-word note, medspaCy loaded (prefill, in process)", reads, "ms", "< 300 ms", False)
    reading.passed = reading.value < 0.3
    loading = Row("Loading medspaCy with the tree's cues (in the UI: in the reader's process; for information)", loads, "s", "-", True)
    return [reading, loading]


def measure_keys_while_loading(runs: int) -> Row:
    """Keypress to the next question while the note reader loads: the UI stays responsive."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as handle:
        handle.write(long_note())
    samples: list[float] = []
    for round_ in range(runs + 1):
        done = subprocess.run([PYTHON, "-m", "bench.keys", "--note", handle.name], cwd=REPO, env=child_env(), capture_output=True, text=True, check=True)
        questions, _ = json.loads(done.stdout.splitlines()[-1])
        if round_:
            samples += questions
    Path(handle.name).unlink()
    if not samples:
        raise RuntimeError("no keypress was measured while the note reader loaded: it loaded before the first key")
    row = Row("Keypress to next question while the note reader loads (Pilot)", samples, "ms", "p95 < 100 ms", False, statistic="p95")
    row.passed = percentile(samples, 0.95) < 0.1
    return row


def main() -> int:
    """One round: print [load seconds, [read seconds ...]] for the note in argv[1]."""
    sys.path.insert(0, str(REPO))
    from wizard.notes.prefill import suggest
    from wizard.notes.reader import load_pipeline
    from wizard.tree.loader import default_tree_path, load_tree

    note = Path(sys.argv[1]).read_text(encoding="utf-8")
    repeats = int(sys.argv[2])
    tree = load_tree(default_tree_path()).tree
    started = time.perf_counter()
    load_pipeline(tree)
    load = time.perf_counter() - started
    reads = []
    for _ in range(repeats):
        started = time.perf_counter()
        suggest(tree, note)
        reads.append(time.perf_counter() - started)
    print(json.dumps([load, reads]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
