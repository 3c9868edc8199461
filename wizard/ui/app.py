"""The Textual app: owns the Engine and the encounter's marks, moves between screens, runs slow work on workers.

The first question is painted before anything slow happens: the ICD tabular, sessions and
exports are loaded or imported later, on thread workers or when first used.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar

from textual import work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.message import Message

from wizard.engine.engine import Engine, Step
from wizard.tree.loader import LoadedTree
from wizard.tree.models import Answer
from wizard.ui.commands import WizardCommands
from wizard.ui.recording import Recorder, RecorderRelay
from wizard.ui.screens.confirm import ConfirmScreen
from wizard.ui.screens.export import ExportRequest, ExportScreen
from wizard.ui.screens.help import HelpScreen
from wizard.ui.screens.prompt import PromptScreen
from wizard.ui.screens.question import QuestionScreen
from wizard.ui.screens.result import ResultScreen
from wizard.ui import sessions_bridge

EXIT_OK = 0


@dataclass
class Marks:
    """What the clinician ticked on the result: checklist items done, warnings acknowledged."""

    checked: set[str] = field(default_factory=set)
    acknowledged: set[str] = field(default_factory=set)

    def clear(self) -> None:
        self.checked.clear()
        self.acknowledged.clear()


class WizardApp(App[int]):
    """Walks one tree for one encounter; the Engine is the truth, screens render it."""

    CSS_PATH = "app.tcss"
    # A mode rather than get_default_screen(): Textual loads a screen's CSS_PATH for modes.
    MODES = {"encounter": QuestionScreen}
    DEFAULT_MODE = "encounter"
    COMMANDS = App.COMMANDS | {WizardCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("b,backspace", "back", "Back", key_display="b", id="back", tooltip="Undo the last answer"),
        Binding("r", "restart", "Restart", id="restart", tooltip="Clear every answer (asks first)"),
        Binding("question_mark,f1", "help", "Help", key_display="?", id="help", tooltip="Help for this question and every key"),
        Binding("q", "quit", "Quit", id="quit"),
        # Shown on the right of the footer by Footer itself.
        Binding("ctrl+p", "command_palette", "Commands", show=False, priority=True, id="command_palette"),
    ]

    class TabularLoaded(Message):
        def __init__(self, tabular: Any) -> None:
            super().__init__()
            self.tabular = tabular

    class TabularFailed(Message):
        def __init__(self, reason: str) -> None:
            super().__init__()
            self.reason = reason

    class TreeLoaded(Message):
        def __init__(self, loaded: LoadedTree) -> None:
            super().__init__()
            self.loaded = loaded

    def __init__(
        self,
        loaded: LoadedTree,
        *,
        describer: Any | None = None,
        load_icd: bool = True,
        recorder: Recorder | None = None,
        label: str | None = None,
        resume: str | None = None,
        sessions_dir: Path | None = None,
        export_dir: Path | None = None,
        now: Callable[[], datetime] = datetime.now,
    ) -> None:
        """`describer` given: used at once (tests); else the ICD tabular loads on a worker if `load_icd`."""
        super().__init__()
        self.loaded = loaded
        self.engine = Engine(loaded.tree, describer)
        self.marks = Marks()
        self.recorder = recorder
        self.label = label
        self.resume = resume
        self.sessions_dir = sessions_dir
        self.export_dir = export_dir
        self.now = now
        self.show_teaching = False
        self.icd_loading = describer is None and load_icd
        self.last_dropped: tuple[Step, ...] = ()
        self._relay = RecorderRelay(self, recorder) if recorder is not None else None

    # -- start and stop -----------------------------------------------------------------

    def on_mount(self) -> None:
        self._show_tree_title()
        if self._relay is not None:
            self._relay.start()
        if self.resume:
            self.open_session(self.resume)
        self.sync_screens()
        if self.icd_loading:
            self.call_after_refresh(self.load_tabular)

    def on_unmount(self) -> None:
        if self._relay is not None:
            self._relay.close()

    def _show_tree_title(self) -> None:
        info = self.loaded.tree.tree
        self.title = info.title
        self.sub_title = self.label or f"{info.id} v{info.version}"

    # -- slow loads -----------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="icd", exit_on_error=False)
    def load_tabular(self) -> None:
        try:
            from wizard.icd import load_tabular

            tabular = load_tabular()
        except Exception as error:  # noqa: BLE001 - the tree works without descriptions; say why they are missing
            self.post_message(self.TabularFailed(f"{type(error).__name__}: {error}"))
            return
        self.post_message(self.TabularLoaded(tabular))

    def on_wizard_app_tabular_loaded(self, message: TabularLoaded) -> None:
        self.engine.coder.describer = message.tabular
        self.icd_loading = False
        self.refresh_views()

    def on_wizard_app_tabular_failed(self, message: TabularFailed) -> None:
        self.icd_loading = False
        self.refresh_views()
        self.notify(
            f"Codes are shown without official descriptions or Excludes1 checks ({message.reason}).",
            title="ICD data not loaded",
            severity="warning",
            timeout=10,
            markup=False,
        )

    # -- moves: every change of the answers goes through here ---------------------------

    def answer(self, value: Answer) -> None:
        """Answer the current question (raises AnswerError, which the screen shows)."""
        self.engine.answer(value)
        self.last_dropped = ()
        self._moved()

    def change(self, question_id: str, value: Answer) -> list[Step]:
        """Change an earlier answer; later answers that still apply are kept, the rest returned."""
        dropped = self.engine.change(question_id, value)
        self.last_dropped = tuple(dropped)
        self._moved()
        if dropped:
            names = "; ".join(f"{s.prompt} {s.label}" for s in dropped)
            self.notify(f"Dropped: {names}", title="Answers no longer asked", severity="warning", markup=False)
        return dropped

    def begin_change(self, question_id: str) -> None:
        """Show an answered question again so its answer can be changed."""
        for screen in self.screen_stack:
            if isinstance(screen, QuestionScreen):
                screen.changing = question_id
        while isinstance(self.screen, ResultScreen):
            self.pop_screen()
        self.refresh_views()

    def end_change(self) -> None:
        """The user kept the answer: return to where the tree stands."""
        self.sync_screens()

    def action_back(self) -> None:
        if not self.engine.path:
            self.notify("This is the first question; there is nothing to go back to.", timeout=3)
            return
        self.engine.back()
        self.last_dropped = ()
        self._moved()

    def action_restart(self) -> None:
        def restart(confirmed: bool | None) -> None:
            if confirmed:
                self.engine.restart()
                self.marks.clear()
                self.last_dropped = ()
                self._moved()

        count = len(self.engine.path)
        self.push_screen(
            ConfirmScreen(
                "Restart from the first question?",
                f"All {count} answer(s) and the checklist ticks of this encounter are cleared.",
                confirm="Restart",
            ),
            restart,
        )

    def _moved(self) -> None:
        self.record_answers()
        self.sync_screens()

    def sync_screens(self) -> None:
        """Show the result once the tree has ended and the question otherwise, both refreshed."""
        on_result = any(isinstance(s, ResultScreen) for s in self.screen_stack)
        if self.engine.finished and not on_result:
            self.push_screen(ResultScreen())
        elif not self.engine.finished:
            while any(isinstance(s, ResultScreen) for s in self.screen_stack):
                self.pop_screen()
        for screen in self.screen_stack:
            if isinstance(screen, QuestionScreen):
                screen.changing = None
        self.refresh_views()

    def refresh_views(self) -> None:
        for screen in self.screen_stack:
            if isinstance(screen, (QuestionScreen, ResultScreen)) and screen.is_mounted:
                screen.refresh_view()

    # -- marks on the result -------------------------------------------------------------

    def set_checked(self, item_id: str, checked: bool) -> None:
        (self.marks.checked.add if checked else self.marks.checked.discard)(item_id)
        if self._relay is not None:
            self._relay.ticked(item_id, checked)

    def acknowledge(self, warning_id: str) -> None:
        self.marks.acknowledged.add(warning_id)
        if self._relay is not None:
            self._relay.acknowledged(warning_id)

    def record_answers(self) -> None:
        if self._relay is not None:
            self._relay.answered(self.engine)

    # -- help, theme ---------------------------------------------------------------------

    def binding_sections(self) -> list[tuple[str, Iterable[BindingType]]]:
        """Where each set of bindings applies, for the help screen (built from the classes)."""
        everywhere = [b for cls in reversed(type(self).__mro__) for b in cls.__dict__.get("BINDINGS", [])]
        return [
            ("Everywhere", everywhere),
            ("Question", QuestionScreen.BINDINGS),
            ("Result", ResultScreen.BINDINGS),
            ("Confirm", ConfirmScreen.BINDINGS),
            ("Export", ExportScreen.BINDINGS),
            ("Help", HelpScreen.BINDINGS),
        ]

    def action_help(self) -> None:
        question = self.engine.current
        for screen in self.screen_stack:
            if isinstance(screen, QuestionScreen) and screen.changing:
                question = self.engine.tree.question(screen.changing)
        self.push_screen(HelpScreen(question, self.engine.result(), self.binding_sections()))

    def action_toggle_dark(self) -> None:
        self.theme = "textual-light" if self.current_theme.dark else "textual-dark"

    # -- transcript: copy and export -----------------------------------------------------

    def transcript(self):  # noqa: ANN201 - wizard.export.Transcript, imported when first needed
        from wizard.export import transcript_from_engine

        ids = {item.id for item in self.engine.result().checklist}
        warnings = {w.id for w in self.engine.result().warnings}
        return transcript_from_engine(
            self.engine,
            sha256=self.loaded.sha256,
            path=str(self.loaded.path),
            label=self.label,
            created=self.now(),
            checked=frozenset(self.marks.checked & ids),
            acknowledged=frozenset(self.marks.acknowledged & warnings),
        )

    def action_copy_transcript(self) -> None:
        from wizard.export import render

        self.copy_to_clipboard(render(self.transcript(), "text"))
        self.notify(
            "The text transcript is on the clipboard. If nothing pastes, your terminal ignores "
            "clipboard requests (OSC 52): use Export instead.",
            title="Copied",
            timeout=6,
        )

    def default_export_stem(self) -> Path:
        folder = self.export_dir or Path.cwd()
        return folder / f"{self.loaded.tree.tree.id}-{self.now():%Y%m%d-%H%M%S}"

    def action_export(self) -> None:
        from wizard.export import FORMATS

        self.push_screen(ExportScreen(self.default_export_stem(), FORMATS), self._export)

    def _export(self, request: ExportRequest | None) -> None:
        if request is None:
            return
        from wizard.export import render

        self.write_export(request, render(self.transcript(), request.fmt))

    @work(thread=True, group="export", exit_on_error=False)
    def write_export(self, request: ExportRequest, text: str) -> None:
        try:
            with request.path.open("x", encoding="utf-8") as handle:
                handle.write(text)
        except OSError as error:
            reason = error.strerror or str(error)
            self.call_from_thread(
                self.notify,
                f"{request.path} was not saved: {reason}. Export again with another name or folder.",
                title="Export failed",
                severity="error",
                timeout=12,
                markup=False,
            )
            return
        self.call_from_thread(self.notify, f"Saved {request.fmt} to {request.path}", title="Exported", markup=False)

    # -- another tree, a saved session ---------------------------------------------------

    def action_switch_tree(self) -> None:
        from wizard.tree.loader import shipped_tree_paths

        suggestions = [str(p) for p in shipped_tree_paths()]
        self.push_screen(
            PromptScreen(
                "Switch tree",
                "Path of a tree file (.toml). The answers of this encounter are cleared.",
                value=str(self.loaded.path),
                suggestions=suggestions,
                confirm="Open",
            ),
            self._switch_tree,
        )

    def _switch_tree(self, path: str | None) -> None:
        if path:
            self.load_tree(Path(path).expanduser())

    @work(thread=True, exclusive=True, group="tree", exit_on_error=False)
    def load_tree(self, path: Path) -> None:
        from wizard.tree.loader import load_tree
        from wizard.tree.problems import TreeError

        try:
            loaded = load_tree(path)
        except TreeError as error:
            self.call_from_thread(
                self.notify, f"{error}\nRun 'wizard lint {path}' for every problem.", title="Tree not opened", severity="error", timeout=20, markup=False
            )
            return
        self.post_message(self.TreeLoaded(loaded))

    def on_wizard_app_tree_loaded(self, message: TreeLoaded) -> None:
        self.loaded = message.loaded
        self.engine = Engine(message.loaded.tree, self.engine.coder.describer)
        self.marks.clear()
        self.last_dropped = ()
        if self._relay is not None:
            # A session belongs to one tree; a new tree is a new encounter.
            self._relay.close()
            self._relay = None
            self.recorder = None
            self.notify("Session recording stopped: a new tree starts a new encounter.", severity="warning")
        self._show_tree_title()
        self.sync_screens()

    def action_open_session(self) -> None:
        if not sessions_bridge.sessions_available():
            self.notify("Saved sessions are not available in this build.", severity="warning")
            return
        self.push_screen(
            PromptScreen("Open a saved session", "Session id or file path; its answers replace the current ones.", confirm="Open"),
            lambda ref: self.open_session(ref) if ref else None,
        )

    def open_session(self, ref: str) -> None:
        try:
            saved = sessions_bridge.load_saved(ref, self.sessions_dir)
        except sessions_bridge.SessionUnavailable as error:
            self.notify(str(error), title="Session not opened", severity="error", timeout=12, markup=False)
            return
        self.engine.replay(saved.answers)
        self.marks = Marks(set(saved.checked), set(saved.acknowledged))
        if saved.label:
            self.label = saved.label
            self._show_tree_title()
        self.last_dropped = ()
        self.sync_screens()


def run_app(loaded: LoadedTree, args: Any = None, recorder: Recorder | None = None) -> int:
    """Run the UI on a loaded tree; `args` may carry resume, label and sessions (a folder)."""
    app = WizardApp(
        loaded,
        recorder=recorder,
        label=getattr(args, "label", None),
        resume=getattr(args, "resume", None),
        sessions_dir=getattr(args, "sessions", None),
    )
    code = app.run()
    return EXIT_OK if code is None else int(code)
