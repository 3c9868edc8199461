"""Start-up discipline: what each path must not load, checked in fresh interpreters (no timing).

The core never imports Textual (every module outside wizard/ui, and the headless commands run
end to end), and the UI paints its first question before the ICD data file is even opened.
Timing goals live in the benchmark (`make bench`), not here. See also tests/test_ui_startup.py
(importing the UI loads no ICD, export or session module) and tests/test_cli.py (a headless
run imports neither Textual nor simple_icd_10_cm).
"""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
import textwrap
from pathlib import Path

from conftest import DEMO_TREE, REPO

import wizard


def run_fresh(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def core_modules() -> list[str]:
    """Every module of the package outside wizard.ui (wizard.__main__ runs the command line)."""
    found = [m.name for m in pkgutil.walk_packages(wizard.__path__, "wizard.")]
    return sorted(m for m in found if m not in ("wizard.ui", "wizard.__main__") and not m.startswith("wizard.ui."))


def test_no_module_outside_the_ui_imports_textual() -> None:
    modules = core_modules()
    assert "wizard.engine.engine" in modules and "wizard.cli.ui" in modules
    out = run_fresh(
        f"""
        import importlib, json, sys
        for name in {modules!r}:
            importlib.import_module(name)
        print(json.dumps(sorted(m for m in sys.modules if m == "textual" or m.startswith("textual."))))
        """
    )
    assert json.loads(out) == []


def test_headless_commands_import_neither_textual_nor_simple_icd(tmp_path: Path) -> None:
    answers = tmp_path / "answers.toml"
    answers.write_text('[answers]\nregion = "low_back"\npregnant = "no"\nchronic = "yes"\n', encoding="utf-8")
    out = run_fresh(
        f"""
        import contextlib, io, json, sys
        from wizard.cli import main
        codes = []
        for argv in (["run", "--tree", {str(DEMO_TREE)!r}, "--answers", {str(answers)!r}, "--format", "json"],
                     ["lint", {str(DEMO_TREE)!r}], ["graph", "--tree", {str(DEMO_TREE)!r}]):
            with contextlib.redirect_stdout(io.StringIO()):
                codes.append(main(argv))
        loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("textual", "simple_icd_10_cm"))
        print(json.dumps({{"codes": codes, "loaded": loaded}}))
        """
    )
    assert json.loads(out) == {"codes": [0, 0, 0], "loaded": []}


def test_the_first_question_is_painted_before_the_icd_data_file_is_opened() -> None:
    """Runs the real app (Pilot, headless) and watches two moments: the first frame that shows
    the first question, and the opening of the ICD data file (an audit hook sees every open).
    The data loads on a worker after the first paint; it must never come first."""
    out = run_fresh(
        """
        import asyncio, json, sys
        events = []
        from wizard.icd.tabular import DEFAULT_DATA
        data_file = DEFAULT_DATA.name  # the file, or its unpacked copy in the cache (named after it)
        sys.addaudithook(lambda event, args: events.append("icd data opened") if event == "open" and data_file in str(args[0]) else None)

        from textual._compositor import CompositorUpdate
        from wizard.tree import load_tree
        from wizard.tree.loader import default_tree_path
        from wizard.ui.app import WizardApp

        loaded = load_tree(default_tree_path())
        prompt = "".join(loaded.tree.questions[0].prompt.split())
        app = WizardApp(loaded)
        display = app._display

        def watch(screen, renderable):
            if isinstance(renderable, CompositorUpdate) and "first question painted" not in events:
                if prompt in "".join(renderable.render_segments(app.console).split()):
                    events.append("first question painted")
            display(screen, renderable)

        app._display = watch

        async def main():
            async with app.run_test(size=(100, 30)) as pilot:
                for _ in range(200):
                    if not app.icd_loading:
                        break
                    await pilot.pause(0.02)

        asyncio.run(main())
        print(json.dumps({"events": events, "described": app.engine.coder.describer is not None,
                          "simple_icd": "simple_icd_10_cm" in sys.modules}))
        """
    )
    result = json.loads(out)
    assert result["events"][:2] == ["first question painted", "icd data opened"]
    assert result["described"] is True and result["simple_icd"] is False


def test_the_first_question_is_painted_before_pydantic_builds_a_model(tmp_path: Path) -> None:
    """As `wizard` starts it (a session store, a new session recorded from the first answer),
    with the tree in the cache: no pydantic model machinery is loaded until after the first
    paint, when the session file's models come with the session; nor is transitions, whose
    Machine the engine makes at the first answer."""
    out = run_fresh(
        f"""
        import asyncio, json, os, sys
        os.environ["WIZARD_SESSIONS_DIR"] = {str(tmp_path / "sessions")!r}
        os.environ["WIZARD_CACHE_DIR"] = {str(tmp_path / "cache")!r}
        from wizard.tree.loader import default_tree_path, load_tree
        load_tree(default_tree_path())  # fills the cache, as an earlier launch did
        for name in [m for m in sys.modules if m.startswith(("pydantic", "wizard.tree.schema"))]:
            del sys.modules[name]

        from textual._compositor import CompositorUpdate
        from wizard.cli.parser import build_parser
        from wizard.cli.common import session_store
        from wizard.cli.ui import cmd_ui
        import wizard.ui.app as ui

        args = build_parser().parse_args([])
        events = []

        display = ui.WizardApp._display

        def watch(self, screen, renderable):
            if isinstance(renderable, CompositorUpdate) and not events:
                if prompt in "".join(renderable.render_segments(self.console).split()):
                    events.append({{"pydantic": "pydantic.main" in sys.modules, "transitions": "transitions" in sys.modules}})
            display(self, screen, renderable)

        def run(self, *a, **k):  # the real app, under Pilot instead of a terminal
            async def main():
                async with self.run_test(size=(100, 30)) as pilot:
                    await pilot.pause(0.1)
                    await pilot.press("1")
                    for _ in range(100):
                        if "pydantic.main" in sys.modules and self.session_id:
                            break
                        await pilot.pause(0.02)
            asyncio.run(main())

        prompt = "".join(load_tree(default_tree_path()).tree.questions[0].prompt.split())
        ui.WizardApp._display = watch
        ui.WizardApp.run = run
        cmd_ui(args)
        print(json.dumps({{"first": events[0], "after": "pydantic.main" in sys.modules, "saved": len(os.listdir({str(tmp_path / "sessions")!r}))}}))
        """
    )
    result = json.loads(out)
    assert result["first"] == {"pydantic": False, "transitions": False}  # the state machine comes with the first answer
    assert result["after"] is True and result["saved"] >= 1  # the session was written after the paint


def test_with_a_note_the_first_question_is_painted_before_the_note_reader_loads(tmp_path: Path) -> None:
    """`wizard --note FILE`: medspaCy (spaCy, PyRuSH) loads after the first paint, in the
    reader's own process (wizard.notes.service), never in the UI's; the suggestions arrive
    once it has read the note."""
    note = tmp_path / "note.txt"
    note.write_text("Chronic low back pain radiating down the right leg. No trauma.\n", encoding="utf-8")
    out = run_fresh(
        f"""
        import asyncio, json, os, sys
        os.environ["WIZARD_SESSIONS_DIR"] = {str(tmp_path / "sessions")!r}
        from textual._compositor import CompositorUpdate
        from wizard.cli.parser import build_parser
        from wizard.cli.ui import cmd_ui
        from wizard.tree.loader import default_tree_path, load_tree
        import wizard.ui.app as ui

        args = build_parser().parse_args(["--note", {str(note)!r}])
        prompt = "".join(load_tree(default_tree_path()).tree.questions[0].prompt.split())
        events = []
        display = ui.WizardApp._display

        def watch(self, screen, renderable):
            if isinstance(renderable, CompositorUpdate) and not events:
                if prompt in "".join(renderable.render_segments(self.console).split()):
                    events.append(sorted(m for m in ("medspacy", "spacy", "PyRuSH") if m in sys.modules))
            display(self, screen, renderable)

        def run(self, *a, **k):
            async def main():
                async with self.run_test(size=(100, 30)) as pilot:
                    for _ in range(300):
                        if self.suggestions is not None:
                            break
                        await pilot.pause(0.05)
                    events.append(dict(self.suggestions.answers) if self.suggestions else None)
            asyncio.run(main())

        ui.WizardApp._display = watch
        ui.WizardApp.run = run
        cmd_ui(args)
        print(json.dumps({{"at_paint": events[0], "suggested": events[1], "after": "medspacy" in sys.modules}}))
        """
    )
    result = json.loads(out)
    assert result["at_paint"] == []
    assert result["suggested"]["leg_symptoms"] == "sciatica"
    assert result["after"] is False  # read in the reader's process: the UI's never imports medspaCy
