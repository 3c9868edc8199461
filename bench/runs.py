"""The command line, timed as a user starts it: `wizard run` against its floor, and `wizard lint`.

Each is a fresh process (`python -m wizard ...`), timed from start to exit; output goes to
a pipe that is read to the end, as a script would.
"""

from __future__ import annotations

import resource
import subprocess

from bench.common import CASE, PYTHON, REPO, Row, alternate, child_env, timed

# What any headless run of a tree needs from Python: the validation, flow and file libraries.
FLOOR = [PYTHON, "-c", "import pydantic, transitions, tomllib"]


# CPU seconds (user + system) of each process timed, in order: a busy machine stretches wall
# time much more than CPU time, so the table shows both for the commands.
CPU: list[float] = []


def run_process(argv: list[str], cache: bool = True) -> float:
    def run() -> None:
        done = subprocess.run(argv, cwd=REPO, env=child_env(cache), stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(argv)} exited {done.returncode}: {done.stderr.decode()[-2000:]}")

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    elapsed = timed(run)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return elapsed


def cpu_of(runs: int) -> list[float]:
    """The CPU times of the last `runs` processes timed."""
    return CPU[-runs:]


def measure_headless(runs: int) -> Row:
    wizard = [PYTHON, "-m", "wizard", "run", "--answers", str(CASE), "--format", "json"]
    wizard_times, floor_times = alternate(runs, lambda: run_process(wizard), lambda: run_process(FLOOR))
    row = Row("`wizard run`, whole case, json", wizard_times, "s", "<= 1.3x floor", False, floor_times, "(import pydantic, transitions, tomllib)")
    row.cpu = CPU[-2 * runs :: 2]
    row.passed = row.ratio is not None and row.ratio <= 1.3
    return row


def measure_headless_uncached(runs: int) -> Row:
    """The same run with no cache: the first launch after an install or an edit of the tree."""
    wizard = [PYTHON, "-m", "wizard", "run", "--answers", str(CASE), "--format", "json"]
    (times,) = alternate(runs, lambda: run_process(wizard, cache=False))
    return Row("`wizard run`, no cache (first launch after an install or a tree edit; for information)", times, "s", "-", True, cpu=cpu_of(runs))


def measure_lint(runs: int) -> Row:
    wizard = [PYTHON, "-m", "wizard", "lint"]
    (times,) = alternate(runs, lambda: run_process(wizard))
    row = Row("`wizard lint` of the shipped trees (every path, ICD checks, cases)", times, "s", "< 0.5 s", False, cpu=cpu_of(runs))
    row.passed = row.value < 0.5
    return row
