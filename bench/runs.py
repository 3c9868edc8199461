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


def measure_lint(runs: int) -> list[Row]:
    """The checks of the tree itself (target), and with its vignettes read as notes (for information)."""
    structural = [PYTHON, "-m", "wizard", "lint", "--no-notes"]
    (times,) = alternate(runs, lambda: run_process(structural))
    row = Row("`wizard lint --no-notes` of the shipped trees (every path, ICD checks, cases)", times, "s", "< 0.5 s", False, cpu=cpu_of(runs))
    row.passed = row.value < 0.5
    whole = [PYTHON, "-m", "wizard", "lint"]
    (times,) = alternate(max(3, runs // 2), lambda: run_process(whole))
    notes = Row("`wizard lint`, the case library's vignettes read as notes too (for information)", times, "s", "-", True, cpu=cpu_of(max(3, runs // 2)))
    return [row, notes]


# A whole import in one fresh process, reporting its own peak memory (ru_maxrss, KiB on Linux)
# on its last line of stderr: children's rusage would give the peak of every child so far.
IMPORT_SCRIPT = (
    "import resource, sys\n"
    "from wizard.cli import main\n"
    "code = main(sys.argv[1:])\n"
    "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
    "sys.exit(code)\n"
)


def measure_import(runs: int) -> list[Row]:
    """`wizard icd import` of a full release (the FY2026 files simple_icd_10_cm ships), each
    time into an empty folder: its wall time and its peak memory."""
    import tempfile
    from pathlib import Path

    from bench.common import package_release_files

    files = [str(path) for path in package_release_files()]
    peaks: list[float] = []

    def one() -> float:
        with tempfile.TemporaryDirectory(prefix="wizard-bench-icd-") as folder:
            argv = [PYTHON, "-c", IMPORT_SCRIPT, "icd", "import", *files, "--effective", "2026-04-01", "--icd-dir", folder]

            def run() -> None:
                done = subprocess.run(argv, cwd=REPO, env=child_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
                if done.returncode != 0:
                    raise RuntimeError(f"wizard icd import exited {done.returncode}: {done.stderr.decode()[-2000:]}")
                peaks.append(int(done.stderr.decode().strip().splitlines()[-1]) / 1024)

            elapsed = timed(run)
            assert any(Path(folder).iterdir()), "the import wrote nothing"
            return elapsed

    (times,) = alternate(runs, one)
    peaks = peaks[1:]  # the warm-up round's
    duration = Row("`wizard icd import` of a full release (tabular XML + codes list)", times, "s", "< 30 s", False)
    duration.passed = duration.value < 30
    memory = Row("Peak memory of that import (ru_maxrss)", peaks, "MB", "< 600 MB", False)
    memory.passed = memory.value < 600
    return [duration, memory]
