"""Scale: lint and engine on generated trees of 1,000, 5,000 and 20,000 questions.

The trees come from bench/gen_tree.py (seed 0). `wizard lint FILE` is timed as a process, as
a user runs it; growth is judged on lint's own time (lint_file in this process, so the fixed
start-up of a process does not flatter the big tree), per question, 20,000 against 1,000.
The engine's build is `Engine(tree)` on a loaded tree.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from bench.common import PYTHON, Row, alternate
from bench.gen_tree import generate
from bench.runs import cpu_of, run_process

SIZES = (1000, 5000, 20000)


def make_trees(folder: Path) -> dict[int, Path]:
    trees = {}
    for size in SIZES:
        path = folder / f"generated_{size}.toml"
        path.write_text(generate(size, seed=0), encoding="utf-8")
        trees[size] = path
    return trees


def lint_in_process(path: Path) -> float:
    from wizard.icd import load_tabular
    from wizard.lint import lint_file

    tabular = load_tabular()
    start = time.perf_counter()
    report = lint_file(path, tabular)
    elapsed = time.perf_counter() - start
    if report.errors:
        raise RuntimeError(f"{path} does not lint clean: {report.errors[0].render()}")
    return elapsed


def engine_build(path: Path) -> float:
    from wizard.engine import Engine
    from wizard.tree import load_tree

    tree = load_tree(path).tree
    start = time.perf_counter()
    Engine(tree)
    return time.perf_counter() - start


def measure_scale(runs: int) -> list[Row]:
    rows = []
    with tempfile.TemporaryDirectory(prefix="wizard-bench-trees-") as folder:
        trees = make_trees(Path(folder))
        own: dict[int, list[float]] = {}
        for size, path in trees.items():
            (wall,) = alternate(runs, lambda path=path: run_process([PYTHON, "-m", "wizard", "lint", str(path)]))
            cpu = cpu_of(runs)
            own[size] = alternate(runs, lambda path=path: lint_in_process(path))[0]
            target = "< 5 s" if size == 20000 else "-"
            row = Row(f"`wizard lint`, generated tree of {size:,} questions", wall, "s", target, True, cpu=cpu)
            row.passed = row.value < 5 if size == 20000 else True
            rows.append(row)
        per_question = {size: sorted(times)[len(times) // 2] / size for size, times in own.items()}
        growth = Row(
            "Lint time per question, 20,000 vs 1,000 (in process)",
            [t / 20000 for t in own[20000]],
            "ms",
            "about linear (<= 1.5x)",
            False,
            floor=[t / 1000 for t in own[1000]],
            floor_name="(per question at 1,000)",
        )
        growth.passed = per_question[20000] <= 1.5 * per_question[1000]
        rows.append(growth)
        for size, path in trees.items():
            (builds,) = alternate(runs, lambda path=path: engine_build(path))
            row = Row(f"Engine build, {size:,} questions", builds, "s", "< 1 s" if size == 20000 else "-", True)
            row.passed = row.value < 1 if size == 20000 else True
            rows.append(row)
    return rows
