"""Keypress to the next question rendered, in a Pilot run through the whole benchmark case.

Every answer but the last brings the next question; the last brings the result screen, which
is timed too but reported on its own row (it is a new screen, not the next question).

The app is the real WizardApp on the shipped tree, with the ICD data loaded (on its worker,
as in use) and no session recording; each round runs in a fresh process (`python -m
bench.keys` prints one round's samples), as the app runs once per launch. Pilot runs headless, where Textual skips turning a
frame into terminal output; the benchmark does that step itself, so each sample covers what
a real terminal costs: from the key event handed to the app to the first frame, encoded
for the terminal, that shows the next question's prompt (or, after the last answer, the
result's status line). Pilot's own waits for idleness come after that instant and are not
counted.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time

from bench.common import PYTHON, REPO, Row, child_env, percentile
from bench.terminal import squeeze

SIZE = (100, 30)


async def _run_case(samples: list[float], results: list[float], note: str | None = None) -> None:
    """With `note`, the app reads it from the start (wizard --note): the keys are pressed while
    medspaCy loads in the reader's process, and only the samples taken while it loads are kept."""
    from textual._compositor import CompositorUpdate

    from bench.common import TREE
    from bench.startup import case_keys
    from wizard.tree import load_tree
    from wizard.ui.app import WizardApp

    app = WizardApp(load_tree(TREE), note_text=note)
    frames: list[tuple[float, bytes]] = []
    display = app._display

    def encode_and_display(screen, renderable):  # noqa: ANN001, ANN202 - wraps App._display
        if isinstance(renderable, CompositorUpdate):
            text = renderable.render_segments(app.console)
            frames.append((time.perf_counter(), squeeze(text)))
        display(screen, renderable)

    app._display = encode_and_display  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        while app.icd_loading and note is None:  # a clinician starts once the screen is up; so does the benchmark
            await pilot.pause(0.05)
        while note is not None and not app.note_reading:  # the reader starts loading just after the paint
            await pilot.pause(0.01)
        if note is None:
            await pilot.pause()  # (it would wait for the reader's worker too)
        # While the reader loads, the process is never idle, and each of Pilot's presses and
        # pauses waits up to a second for it to be (textual._wait.wait_for_idle): a clinician's
        # keys do not wait so, so then the keys go to the app as Pilot sends them, without the wait.
        press = pilot.press if note is None else (lambda *keys: _send_keys(app, keys))
        pause = pilot.pause if note is None else asyncio.sleep
        for keys, shows in case_keys():
            # A number is typed, then Enter answers; an option is one key.
            typed, last = (list(keys[:-1]), "enter") if keys.endswith("\r") else ([], keys)
            if typed:
                await press(*typed)
            wanted = squeeze(shows)
            seen = len(frames)
            loading = app.note_reading
            start = time.perf_counter()
            await press(last)
            for _ in range(5000):
                if note is not None and app.engine.current is None:
                    break  # the result: a toast of the note may hide its codes, and it is not measured here
                shown = next((at for at, text in frames[seen:] if wanted in text), None)
                if shown is not None:
                    if note is None or loading:
                        (samples if app.engine.current is not None else results).append(shown - start)
                    break
                await pause(0.01 if note is None else 0.002)
            else:
                raise TimeoutError(f"{shows!r} never rendered")
            if note is not None and app.engine.current is None:
                break
        await pilot.press("q")


async def _send_keys(app, keys: tuple[str, ...]) -> None:  # noqa: ANN001
    """Keys to the app as Pilot sends them (textual.app.App._press_keys), without its waits."""
    from textual import events

    for key in keys:
        event = events.Key(key, "\r" if key == "enter" else key)
        event.set_sender(app)
        app._driver.send_message(event)
    await asyncio.sleep(0)


def measure_keys(rounds: int) -> list[Row]:
    """Each round in a fresh process, as a clinician starts the app for a patient (one app per
    process: several in one would share, and collect, each other's garbage)."""
    samples: list[float] = []
    results: list[float] = []
    for round_ in range(rounds + 1):
        done = subprocess.run([PYTHON, "-m", "bench.keys"], cwd=REPO, env=child_env(), capture_output=True, text=True, check=True)
        questions, result = json.loads(done.stdout.splitlines()[-1])
        if round_:  # the first round warms the page cache and the .pyc files
            samples += questions
            results += result
    row = Row("Keypress to next question rendered (Pilot, whole case)", samples, "ms", "p95 < 30 ms", False, statistic="p95")
    row.passed = percentile(samples, 0.95) < 0.030
    result = Row("Last answer to the result screen rendered (for information)", results, "ms", "-", True)
    return [row, result]


def main() -> int:
    """One round: print [question samples, result samples] as JSON (with --note FILE: the
    samples taken while the note reader loads)."""
    note = open(sys.argv[2], encoding="utf-8").read() if sys.argv[1:2] == ["--note"] else None
    questions: list[float] = []
    results: list[float] = []
    asyncio.run(_run_case(questions, results, note))
    print(json.dumps([questions, results]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
