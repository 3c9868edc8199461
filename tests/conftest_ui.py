"""Helpers for the UI tests of both apps (imported by tests/test_ui_*.py): the demo tree, a fake
ICD describer with stable descriptions, a recorder that remembers its calls, a driver that
answers questions by pressing keys the way a clinician would, the text a screen shows, and the
command palette."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from textual.app import App
from textual.pilot import Pilot

from wizard.engine.engine import Engine
from wizard.engine.headless import walk
from wizard.tree.loader import LoadedTree, load_tree
from wizard.ui.app import WizardApp

DEMO = Path(__file__).parent / "trees" / "demo.toml"
SIGNS = Path(__file__).parent / "trees" / "walks" / "signs.toml"

# Test data only: the demo tree's codes with their tabular descriptions.
DESCRIPTIONS = {
    "M54.50": "Low back pain, unspecified",
    "M54.6": "Pain in thoracic spine",
    "G89.29": "Other chronic pain",
    "O26.891": "Other specified pregnancy related conditions, first trimester",
    "O26.892": "Other specified pregnancy related conditions, second trimester",
    "O26.893": "Other specified pregnancy related conditions, third trimester",
    "O26.899": "Other specified pregnancy related conditions, unspecified trimester",
    "S39.012A": "Strain of muscle, fascia and tendon of lower back, initial encounter",
    "S39.012D": "Strain of muscle, fascia and tendon of lower back, subsequent encounter",
    "S39.012S": "Strain of muscle, fascia and tendon of lower back, sequela",
    # tests/trees/walks/signs.toml
    "R50.9": "Fever, unspecified",
    "R33.9": "Retention of urine, unspecified",
    "R20.2": "Paresthesia of skin",
    "M62.81": "Muscle weakness (generalized)",
    "R53.1": "Weakness",
}


class FakeDescriber:
    """Stands in for the ICD tabular so descriptions are fixed and nothing slow loads."""

    release = "FY2026"

    def description(self, code: str) -> str:
        return DESCRIPTIONS[code]

    def excludes1_conflicts(self, codes: list[str]) -> list:
        return []


@dataclass
class FakeRecorder:
    """Remembers what the app asked it to save, and on which thread."""

    calls: list[tuple[str, object]] = field(default_factory=list)
    threads: set[str] = field(default_factory=set)

    def answered(self, engine: Engine) -> None:
        self._note("answered", dict(engine.answers))

    def ticked(self, item_id: str, checked: bool) -> None:
        self._note("ticked", (item_id, checked))

    def acknowledged(self, warning_id: str) -> None:
        self._note("acknowledged", warning_id)

    def _note(self, kind: str, value: object) -> None:
        self.threads.add(threading.current_thread().name)
        self.calls.append((kind, value))


def demo_tree() -> LoadedTree:
    return load_tree(DEMO)


# Every test app's encounter is on this day (in FY2026, the release the fake describes), so
# that what the title bar shows does not change with the day the tests run.
TEST_DATE = date(2026, 5, 4)


def make_app(loaded: LoadedTree | None = None, **kwargs: object) -> WizardApp:
    kwargs.setdefault("describer", FakeDescriber())
    kwargs.setdefault("date_of_service", TEST_DATE)
    return WizardApp(loaded or demo_tree(), **kwargs)  # type: ignore[arg-type]


def headless_codes(loaded: LoadedTree, answers: Mapping[str, object]) -> list[str]:
    engine = Engine(loaded.tree, FakeDescriber())
    assert walk(engine, answers) is None
    return engine.result().code_list


async def answer_by_keys(pilot: Pilot, answers: Mapping[str, object]) -> None:
    """Answer each question as it comes: the option's number key, or digits and Enter.

    Stops at the end of the tree or at the first question the answers leave open."""
    app = pilot.app
    assert isinstance(app, WizardApp)
    while (question := app.engine.current) is not None:
        value = answers.get(question.id, question.default)
        if value is None:
            return
        if isinstance(value, int):
            await pilot.press(*str(value), "enter")
        elif question.many:
            # Tick each option by its number, then Enter (none ticked: none of them).
            ids = question.option_ids()
            await pilot.press(*(str(ids.index(member) + 1) for member in value), "enter")
        else:
            number = question.option_ids().index(value) + 1
            if question.number is not None:
                # The number box has the focus; the named options are one Tab away.
                await pilot.press("tab")
            await pilot.press(str(number))
        await pilot.pause()


def plain(widget: object) -> str:
    """The text a Static shows, whether it holds a str, Content or a Rich renderable."""
    import io

    from rich.console import Console
    from textual.content import Content

    content = widget.content  # type: ignore[attr-defined]
    if isinstance(content, Content):
        return content.plain
    if isinstance(content, str):
        return content
    console = Console(width=200, file=io.StringIO(), color_system=None)
    console.print(content)
    return console.file.getvalue()  # type: ignore[attr-defined]


def shown_text(app: App, selector: str) -> str:  # type: ignore[type-arg]
    """The text of a Static on the app's screen, each run of spaces and line breaks as one space."""
    from textual.widgets import Static

    return " ".join(plain(app.screen.query_one(selector, Static)).split())


async def run_command(pilot: Pilot, words: str) -> None:
    """Open the command palette, type `words` and run the command it finds first."""
    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*words)
    await pilot.pause(0.3)
    await pilot.press("enter")
    await pilot.pause()


async def settle(app: WizardApp) -> None:
    """Wait for the app's workers, except the recorder's, which runs until the app closes."""
    busy = [worker for worker in app.workers if worker.group != "recorder"]
    if busy:
        await app.workers.wait_for_complete(busy)
