"""`make bench` / `python -m bench`: every measurement, a table of medians, ratios and min-max.

The table is printed and written to bench/results.md with the machine it ran on. Timing goals
live here, never in the test suite: a test fails on wrong behaviour, not on a busy machine.

    python -m bench                 # everything, 7 alternating runs each
    python -m bench --runs 5 --only startup,headless
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from collections.abc import Callable

from bench.common import REPO, Row, compile_bytecode, table

MEASURES = ("startup", "headless", "keys", "lint", "scale", "memory", "import", "notes")


def measures(runs: int) -> dict[str, Callable[[], list[Row]]]:
    from bench import keys, notes, scale, startup
    from bench import runs as cli

    return {
        "startup": lambda: [startup.measure_startup(runs)],
        "headless": lambda: [cli.measure_headless(runs), cli.measure_headless_uncached(runs)],
        "keys": lambda: keys.measure_keys(runs),
        "lint": lambda: cli.measure_lint(runs),
        "scale": lambda: scale.measure_scale(max(3, runs // 2)),
        "memory": lambda: [startup.measure_memory(max(3, runs // 2))],
        "import": lambda: cli.measure_import(3),
        "notes": lambda: [*notes.measure_reading(max(3, runs // 2)), notes.measure_keys_while_loading(max(3, runs // 2))],
    }


def machine() -> str:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (
        f"{platform.python_implementation()} {platform.python_version()}, {platform.system()} {platform.machine()}, "
        f"{os.cpu_count()} CPUs, load average {load:.2f} at the start"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="alternating runs per comparison (at least 5 for the record; default 7)")
    parser.add_argument("--only", default=",".join(MEASURES), help=f"comma-separated subset of {', '.join(MEASURES)}")
    parser.add_argument("--out", default=str(REPO / "bench" / "results.md"), help="where to write the table ('-' for nowhere)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    chosen = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = sorted(set(chosen) - set(MEASURES))
    if unknown:
        parser.error(f"unknown measure(s) {', '.join(unknown)}; choose from {', '.join(MEASURES)}")
    header = machine()
    print(f"wizard benchmarks: {header}", file=sys.stderr)
    compile_bytecode()
    rows: list[Row] = []
    available = measures(args.runs)
    for name in chosen:
        started = time.perf_counter()
        print(f"  {name} ...", end="", flush=True, file=sys.stderr)
        rows += available[name]()
        print(f" {time.perf_counter() - started:.0f} s", file=sys.stderr)
    text = table(rows)
    print(text)
    if args.out != "-":
        note = (
            f"Measured {time.strftime('%Y-%m-%d %H:%M')} with `python -m bench --runs {args.runs}`: {header}.\n"
            "Times are medians (keypresses: 95th percentile) of alternating runs; ratios are of medians "
            "measured side by side in the same run.\n\n"
        )
        with open(args.out, "w", encoding="utf-8") as handle:
            handle.write("# Benchmark results\n\n" + note + text + "\n")
    return 1 if args.strict and not all(row.passed for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
