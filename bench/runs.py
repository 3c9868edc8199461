"""The command line, timed as a user starts it: `wizard run` against its floor, and `wizard lint`.

Each is a fresh process (`python -m wizard ...`), timed from start to exit; output goes to
a pipe that is read to the end, as a script would.
"""

from __future__ import annotations

import subprocess

from bench.common import CASE, PYTHON, REPO, Row, alternate, child_env, timed

# What any headless run of a tree needs from Python: the validation, flow and file libraries.
FLOOR = [PYTHON, "-c", "import pydantic, transitions, tomllib"]


def run_process(argv: list[str]) -> float:
    def run() -> None:
        done = subprocess.run(argv, cwd=REPO, env=child_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(argv)} exited {done.returncode}: {done.stderr.decode()[-2000:]}")

    return timed(run)


def measure_headless(runs: int) -> Row:
    wizard = [PYTHON, "-m", "wizard", "run", "--answers", str(CASE), "--format", "json"]
    wizard_times, floor_times = alternate(runs, lambda: run_process(wizard), lambda: run_process(FLOOR))
    row = Row("`wizard run`, whole case, json", wizard_times, "s", "<= 1.3x floor", False, floor_times, "(import pydantic, transitions, tomllib)")
    row.passed = row.ratio is not None and row.ratio <= 1.3
    return row


def measure_lint(runs: int) -> Row:
    wizard = [PYTHON, "-m", "wizard", "lint"]
    (times,) = alternate(runs, lambda: run_process(wizard))
    row = Row("`wizard lint` of the shipped trees (every path, ICD checks, cases)", times, "s", "< 0.5 s", False)
    row.passed = row.value < 0.5
    return row
