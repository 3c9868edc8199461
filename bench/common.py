"""What the measurements share: paths, the child environment, statistics and the results table."""

from __future__ import annotations

import atexit
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
TREE = REPO / "trees" / "low_back_pain.toml"
CASE = REPO / "bench" / "lbp_case.toml"
# Every child writes its sessions here, never into the user's folder or the checkout.
SESSIONS = Path(tempfile.mkdtemp(prefix="wizard-bench-sessions-"))
atexit.register(shutil.rmtree, SESSIONS, ignore_errors=True)
# Reads imported ICD-10-CM releases from here (none: the bundled release), never the user's.
ICD = Path(tempfile.mkdtemp(prefix="wizard-bench-icd-"))
atexit.register(shutil.rmtree, ICD, ignore_errors=True)
# And keeps its cache (validated trees, unpacked ICD data) here: the warm-up round of each
# measure fills it, as a user's first launch does, and the timed rounds find it.
CACHE = Path(tempfile.mkdtemp(prefix="wizard-bench-cache-"))
atexit.register(shutil.rmtree, CACHE, ignore_errors=True)


def child_env(cache: bool = True) -> dict[str, str]:
    """The environment of every process the benchmark starts: a plain 256-colour terminal, no
    Textual dev tools, sessions and the cache in scratch folders (`cache=False`: no cache, as
    on the first launch after an install or an edit of the tree)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("TEXTUAL")}
    env.update(TERM="xterm-256color", COLORTERM="truecolor", WIZARD_SESSIONS_DIR=str(SESSIONS), WIZARD_ICD_DIR=str(ICD), PYTHONDONTWRITEBYTECODE="1")
    env["WIZARD_CACHE_DIR"] = str(CACHE) if cache else "off"
    env.pop("NO_COLOR", None)
    return env


def package_release_files() -> list[Path]:
    """The tabular XML and codes list that simple_icd_10_cm ships: a whole official release
    (found without importing the package, which parses the XML)."""
    import importlib.util

    spec = importlib.util.find_spec("simple_icd_10_cm")
    assert spec is not None and spec.submodule_search_locations, "simple_icd_10_cm is not installed"
    data = Path(next(iter(spec.submodule_search_locations))) / "data"
    return sorted([*data.glob("*.xml"), *data.glob("*.txt")])


def compile_bytecode() -> None:
    """Write the wizard package's .pyc files, as installing a wheel does. An editable install
    (make run) under PYTHONDONTWRITEBYTECODE, as the children run, would otherwise compile
    every module from source at each launch, which no installed copy does."""
    import compileall

    compileall.compile_dir(str(REPO / "wizard"), quiet=1)


def alternate(runs: int, *measures: Callable[[], float]) -> list[list[float]]:
    """Run the measures in turn, `runs` rounds, so that a slow spell of the machine hits all
    of them alike; one warm-up round first (page cache, .pyc files) is thrown away."""
    for measure in measures:
        measure()
    samples: list[list[float]] = [[] for _ in measures]
    for _ in range(runs):
        for index, measure in enumerate(measures):
            samples[index].append(measure())
    return samples


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def percentile(values: Sequence[float], share: float) -> float:
    """The value below which `share` of the values lie (nearest rank)."""
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))
    return ordered[rank]


@dataclass
class Row:
    """One line of the results table."""

    measure: str
    samples: list[float]
    unit: str  # "s", "ms" or "MB"
    target: str
    passed: bool
    floor: list[float] | None = None
    floor_name: str = ""
    statistic: str = "median"  # or "p95"
    cpu: list[float] | None = None  # CPU seconds of the same processes, when they are processes

    @property
    def value(self) -> float:
        if self.statistic == "p95":
            return percentile(self.samples, 0.95)
        return statistics.median(self.samples)

    @property
    def ratio(self) -> float | None:
        return self.value / statistics.median(self.floor) if self.floor else None


def show(value: float, unit: str) -> str:
    if unit == "ms":
        return f"{value * 1000:.1f} ms"
    if unit == "s":
        return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"
    return f"{value:.0f} MB"


def table(rows: list[Row]) -> str:
    """The results as a Markdown table: medians (or p95), floors, ratios, min-max, targets."""
    lines = [
        "| Measure | wizard | floor | ratio | wizard min-max (n) | target | |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        value = show(row.value, row.unit) + (" (p95)" if row.statistic == "p95" else "")
        if row.cpu:
            value += f" (cpu {show(statistics.median(row.cpu), row.unit)})"
        floor = f"{show(statistics.median(row.floor), row.unit)} {row.floor_name}".strip() if row.floor else "-"
        ratio = f"{row.ratio:.2f}x" if row.ratio is not None else "-"
        spread = f"{show(min(row.samples), row.unit)} - {show(max(row.samples), row.unit)} ({len(row.samples)})"
        lines.append(f"| {row.measure} | {value} | {floor} | {ratio} | {spread} | {row.target} | {'ok' if row.passed else 'MISSED'} |")
    return "\n".join(lines)
