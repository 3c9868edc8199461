"""Start-up to the first question painted, and the UI's peak memory, in a real terminal.

Start-up: `python -m wizard` (the shipped tree) against bench/floor_app.py (Textual painting
the same prompt and options, nothing else), alternating, each on a fresh pty of 100x30 (see
bench/terminal.py). The clock runs from fork to the read that brings the prompt and the start
of every option label onto the screen.

Memory: the UI answers the whole benchmark case through its keys and shows the result; its
peak resident set size is then read from the kernel (VmHWM in /proc/PID/status), so nothing
in the process measures itself. (Not ru_maxrss: a forked child starts with its parent's peak,
and this benchmark's own process is large by then.)
"""

from __future__ import annotations

import tomllib

from bench.common import CASE, PYTHON, REPO, TREE, Row, alternate, child_env
from bench.terminal import Terminal


def first_question() -> tuple[str, list[str]]:
    """The shipped tree's first question: its prompt and option labels."""
    data = tomllib.loads(TREE.read_text(encoding="utf-8"))
    question = data["questions"][0]
    return question["prompt"], [o["label"] for o in question.get("options", [])]


def painted(prompt: str, labels: list[str]) -> list[str]:
    """What shows that the first question is painted: the prompt and the start of every option
    label (a long label wraps, and the wizard draws a border between its lines)."""
    return [prompt] + ["".join(label.split())[:12] for label in labels]


def paint_time(argv: list[str], texts: list[str]) -> float:
    terminal = Terminal(argv, child_env(), cwd=str(REPO))
    try:
        return terminal.wait_for(texts)
    finally:
        terminal.kill()


def measure_startup(runs: int) -> Row:
    prompt, labels = first_question()
    texts = painted(prompt, labels)
    wizard = [PYTHON, "-m", "wizard"]
    floor = [PYTHON, str(REPO / "bench" / "floor_app.py"), prompt, *labels]
    wizard_times, floor_times = alternate(runs, lambda: paint_time(wizard, texts), lambda: paint_time(floor, texts))
    row = Row("Launch to first question painted (pty 100x30)", wizard_times, "s", "<= 1.2x floor", False, floor_times, "(Textual prompt + options)")
    row.passed = row.ratio is not None and row.ratio <= 1.2
    return row


def case_keys() -> list[tuple[str, str]]:
    """(keys to type, text that shows the next screen) for each answer of the benchmark case."""
    from wizard.engine import Engine
    from wizard.tree import load_tree

    answers = tomllib.loads(CASE.read_text(encoding="utf-8"))["answers"]
    engine = Engine(load_tree(TREE).tree)
    steps = []
    while (question := engine.current) is not None:
        # A question the case leaves out takes its default, as in a headless run; the
        # clinician still answers it with a key.
        answer = answers.get(question.id, question.default)
        keys = f"{answer}\r" if isinstance(answer, int) else str(question.option_ids().index(answer) + 1)
        engine.answer(answer)
        after = engine.current
        # The start of the next prompt (a long one wraps), or the result's status line, which
        # only the result screen shows (its last code can be below the fold at 100x30).
        steps.append((keys, "".join(after.prompt.split())[:24] if after else result_line(engine)))
    return steps


def result_line(engine) -> str:  # noqa: ANN001
    """The result screen's status line for a tree that ended with codes (after its bold
    "Complete.", which the terminal output splits from the rest with a style change)."""
    count = len(engine.result().code_list)
    return f"{count} code{'s' if count != 1 else ''} in reporting order."


def peak_memory(argv: list[str], first: list[str], steps: list[tuple[str, str]], quit_keys: str) -> float:
    """Peak RSS in MB of a program driven through its keys, then quit."""
    terminal = Terminal(argv, child_env(), cwd=str(REPO))
    try:
        terminal.wait_for(first)
        for keys, shows in steps:
            mark = terminal.mark()
            terminal.send(keys)
            terminal.wait_for([shows], since=mark)
        terminal.drain(0.5)  # the result's descriptions, the session written
        peak = peak_rss(terminal.pid)
        terminal.send(quit_keys)
        terminal.wait_exit()
    finally:
        if terminal.rusage is None:
            terminal.kill()
    return peak


def peak_rss(pid: int) -> float:
    """The peak resident set size of a running process, in MB (Linux: VmHWM)."""
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    raise RuntimeError("no VmHWM in /proc: the memory benchmark needs Linux")


def measure_memory(runs: int) -> Row:
    prompt, labels = first_question()
    steps = case_keys()
    wizard = [PYTHON, "-m", "wizard"]
    floor = [PYTHON, str(REPO / "bench" / "floor_app.py"), prompt, *labels]
    wizard_mb, floor_mb = alternate(
        runs,
        lambda: peak_memory(wizard, painted(prompt, labels), steps, "q"),
        lambda: peak_memory(floor, painted(prompt, labels), [], "\x11"),  # ctrl+q
    )
    row = Row("Peak memory of the UI, whole case (VmHWM)", wizard_mb, "MB", "< 120 MB", False, floor_mb, "(Textual floor)")
    row.passed = row.value < 120
    return row
