"""Helpers for the hostile-input tests (tests/test_fuzz*, test_injection*, test_hostile*):
run the CLI in this process and judge what it did, hostile strings, a guard against hangs,
and the count of fuzz examples.

The verdict on any run of the CLI is the same: an exit code of 0, 1, 2 or 3; no traceback;
no "internal error" (the last-resort guard in wizard.cli.main means a bug was hit); and
nothing on stdout or stderr that a terminal would obey instead of showing.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import io
import re
import signal
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import strategies as st

from conftest import FUZZ_EXAMPLES

# Strings that try to act on a terminal or on Rich/Textual markup, or to look like something else.
INJECTIONS = (
    "[bold red]x[/]",
    "[/]",
    "[link=https://evil.example]click[/link]",
    "[@click=app.quit]quit[/]",
    "\x1b]52;c;aGVsbG8gY2xpcGJvYXJk\x07",  # OSC 52: write the clipboard (BEL)
    "\x1b]52;c;aGVsbG8=\x1b\\",  # the same, ended by ST
    "\x1b]0;a new window title\x07",
    "\x1b]8;;https://evil.example\x1b\\a link\x1b]8;;\x1b\\",
    "\x1b[2J\x1b[H",  # CSI: clear the screen, cursor home
    "\x1b[31mred\x1b[0m",
    "\x1b[6n",  # asks the terminal to type its cursor position into our input
    "\x1b[?1049l\x1b[?1000l",  # leave the alternate screen, stop the mouse
    "\x1bc",  # reset the terminal
    "\x1bP+q544e\x1b\\",  # DCS
    "\x9b31m\x9d0;t\x9c",  # 8-bit CSI and OSC
    "\x07\x08\x08\x08\x0b\x0c",
    "hidden\roverwritten",
    "nul\x00del\x7fnel\x85",
    "\u202eevil\u202c",  # right-to-left override (Trojan Source)
    "\u2066isolate\u2069\u200f\u061c",
    "<script>alert(1)</script>",
    "[click](javascript:alert(1))",
    "| a | b |\n|---|",
    "`code` *em* _u_ ~s~ &amp;",
    "{n:02} {0} %s %n",
    "\\u001b \\x1b",
    "ÿ 😀 ﷽ e\u0301",
    "\ttabbed\tand\nnew\nlines",
)

# What a terminal would obey: C0 controls but tab and newline, DEL, C1, and the bidi controls.
# Written here on purpose rather than imported from wizard.text, so that the oracle is not the
# code under test.
OBEYED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def obeyed(text: str) -> list[str]:
    """The characters of text that a terminal would act on (as repr, for a readable failure)."""
    return [repr(m.group()) for m in OBEYED.finditer(text)]


class Hang(BaseException):
    """A run took longer than its guard allows (a BaseException: main's guard must not catch it)."""


@contextlib.contextmanager
def no_hang(seconds: float) -> Iterator[None]:
    """Fail with Hang when the block runs longer than seconds (main thread only)."""

    def alarm(signum: int, frame: object) -> None:
        raise Hang(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@dataclass(frozen=True)
class Outcome:
    argv: tuple[str, ...]
    code: int
    out: str
    err: str


def run_cli(argv: Sequence[str], timeout: float = 20.0) -> Outcome:
    """wizard.cli.main(argv) in this process, its output captured and a hang cut short."""
    from wizard.cli import main

    # A real command line cannot hold a NUL (argv is C strings); everything else may be there.
    argv = [arg.replace("\x00", "") for arg in argv]
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), no_hang(timeout):
        try:
            code = main(argv)
        except SystemExit as leaving:  # argparse: --help, --version and usage errors
            code = leaving.code if isinstance(leaving.code, int) else 0 if leaving.code is None else 2
    return Outcome(tuple(argv), code, out.getvalue(), err.getvalue())


def check(outcome: Outcome, codes: Sequence[int] = (0, 1, 2, 3)) -> Outcome:
    """The verdict: a known exit code with a message, no bug, nothing a terminal would obey."""
    where = f"wizard {' '.join(map(repr, outcome.argv))} exited {outcome.code}\nstdout: {outcome.out[-2000:]!r}\nstderr: {outcome.err[-2000:]!r}"
    assert "internal error" not in outcome.err, where
    assert "Traceback" not in outcome.out + outcome.err, where
    assert outcome.code in codes, where
    if outcome.code != 0:
        assert (outcome.err if outcome.code != 1 else outcome.out).strip(), f"no message: {where}"
    assert not obeyed(outcome.out), f"stdout would act on the terminal: {obeyed(outcome.out)[:5]}\n{where}"
    assert not obeyed(outcome.err), f"stderr would act on the terminal: {obeyed(outcome.err)[:5]}\n{where}"
    return outcome


def counted(target: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Count the examples a fuzz target runs, for the summary at the end of the run."""

    def wrap(test: Callable[..., None]) -> Callable[..., None]:
        @functools.wraps(test)
        def run(*args: object, **kwargs: object) -> None:
            FUZZ_EXAMPLES[target] += 1
            test(*args, **kwargs)

        return run

    return wrap


@contextlib.contextmanager
def ui_not_run() -> Iterator[Callable[[], None]]:
    """`wizard` with no command (and `wizard quiz` with no case) does everything up to taking
    over the terminal: options checked, session resumed and claimed, the app built; then the
    app is not run. Yields a function that lets go of the session locks such runs took (a
    real run lets go when its process ends); they are let go at the end too."""
    from wizard.sessions.files import FileLock
    from wizard.ui.app import WizardApp

    taken: list[FileLock] = []
    acquire = FileLock.acquire

    def remember(lock: FileLock) -> None:
        acquire(lock)
        taken.append(lock)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(WizardApp, "run", lambda self, *a, **k: 0)
        patch.setattr("wizard.cli.quiz.open_quiz", lambda args: 0)
        patch.setattr(FileLock, "acquire", remember)

        def release() -> None:
            while taken:
                taken.pop().release()

        try:
            yield release
        finally:
            release()


# ---- strategies shared by the fuzz targets ------------------------------------------------------


def _containers(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3))


# Values for any key: scalars of every TOML type, hostile text, small lists and tables.
TEMPLATE_VALUES = st.recursive(
    st.one_of(
        st.sampled_from(INJECTIONS),
        st.text(max_size=12),
        st.sampled_from(["", "low_back", "strain", "none", "yes", "no", "FY2026", "FY1999", "TAB M54.6", "GL", "diagnosis", "external_cause"]),
        st.integers(min_value=-(2**63), max_value=2**63 - 1),
        st.sampled_from([0, 1, -1, 45, 46, 2**31, -(2**63), 2**63 - 1]),
        st.booleans(),
        st.floats(allow_nan=False),
    ),
    _containers,
    max_leaves=6,
)


# Values that pass the schema but probe the engine, lint and the ICD look-ups.
TARGETED = {
    "code": ["S39.012{seventh}", "{seventh}", "{trimester}{seventh}", "M54.5", "M54.50", "M5", "A00", "Z99.99999", "O26.89{trimester}{trimester}", "M54.50 x", "...", "", "M54  50", " M54.50"],
    "answer": ["", " low_back", "low  back", 0, -1, 2**63 - 1],
    "question": ["", "region", "gone", "chronic"],
    "prompt": ["", " ", "\n"],
    "label": ["", " ", "\t"],
    "description": ["", " ", "(no description)"],
    "id": ["", "region", "20260101-120000-0123abcd", "../x"],
    "status": ["in_progress", "complete", "done"],
    "role": ["first-listed", "additional", "external cause", "diagnosis", "external_cause", "status"],
    "value": ["{n:02}", "{n}", "{n:x}", "{", "}", "{{n}}", "{n:>999999}", "%s", "A", ""],
    "min": [-(2**63), -1, 0, 1, 44, 2**63 - 1],
    "max": [-(2**63), 0, 1, 45, 10**6, 2**63 - 1],
    "codes": [["-"], ["M54.4-"], [""], ["("], ["*"], ["M54.5", "G89.2-"]],
    "default": ["none", "no", "low_back", "x"],
    "when": [{}, {"region": "low_back"}, {"not": {}}, {"any": []}, {"all": [{}]}, {"weeks": {"min": 1}}, {"is": "injured"}, {"codes": ["M54.50"]}, {"region": {"answered": False}}],
    "from": ["weeks", "encounter", "region", "chronic"],
    "slot": ["diagnosis", "external", "pain", "pregnancy"],
    "number": [{"min": 1, "max": 45}, {"min": -(2**63), "max": 2**63 - 1}, {"min": 0, "max": 0}],
    "options": [[], [{"id": "a", "label": "A"}], [{"id": "none", "label": " "}, {"id": "yes", "label": "\t"}]],
    "cite": [[], ["TAB M54.6"], ["GL"], [{"source": "TAB", "section": "x"}]],
    "confidence": ["high", "medium", "low"],
}


@st.composite
def mutated_data(draw: st.DrawFn, base: dict[str, Any], max_edits: int = 4) -> dict[str, Any]:
    """base with a few edits, each at a random place: delete, replace, duplicate or reorder."""
    data = copy.deepcopy(base)
    for _ in range(draw(st.integers(min_value=1, max_value=max_edits))):
        node: Any = data
        # Walk down a few levels to a container, then edit one of its entries.
        for _ in range(draw(st.integers(min_value=0, max_value=5))):
            children = list(node.items()) if isinstance(node, dict) else list(enumerate(node))
            containers = [(k, v) for k, v in children if isinstance(v, (dict, list)) and v]
            if not containers:
                break
            _, node = draw(st.sampled_from(containers))
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        if not keys:
            continue
        key = draw(st.sampled_from(keys))
        action = draw(st.sampled_from(["delete", "replace", "targeted", "duplicate", "reverse"]))
        if action == "delete":
            del node[key]
        elif action == "replace":
            node[key] = draw(TEMPLATE_VALUES)
        elif action == "targeted":
            name = key if isinstance(key, str) else draw(st.sampled_from(sorted(TARGETED)))
            # A copy: a later edit of this example must not change TARGETED itself.
            node[key] = copy.deepcopy(draw(st.sampled_from(TARGETED.get(name, TARGETED["code"]))))
        elif action == "duplicate" and isinstance(node, list):
            node.append(copy.deepcopy(node[key]))
        elif action == "reverse" and isinstance(node, list):
            node.reverse()
        elif action == "duplicate":
            node[draw(st.sampled_from([*INJECTIONS[:4], "extra", "id", "when"]))] = copy.deepcopy(node[key])
    return data
