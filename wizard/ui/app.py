"""The Textual app: owns the Engine and the encounter's marks, moves between screens, runs slow work on workers.

The first question is painted before anything slow happens: the ICD tabular, the session
file and exports are loaded, written or imported later, on thread workers or when first used;
so are the screens a launch does not show at once (help, export, confirm, prompts, sessions).
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import App
from textual.binding import Binding, BindingType
from textual.notifications import SeverityLevel
from textual.reactive import reactive

from wizard.engine.engine import Engine, Step
from wizard.engine.result import ENTERED
from wizard.text import clean, one_line
from wizard.tree.loader import LoadedTree
from wizard.tree.models import Answer
from wizard.ui.base import CommonApp, KeySections, run_to_exit
from wizard.ui.encounters import EncounterActions
from wizard.ui.icd_loading import IcdLoading
from wizard.ui.marks import Marks
from wizard.ui.moves import EngineMoves
from wizard.ui.note_reading import NoteReading
from wizard.ui.outputs import OutputActions
from wizard.ui.recording import Recorder, RecorderRelay
from wizard.ui.screens.question import QuestionScreen

if TYPE_CHECKING:
    from textual.command import Provider

    from wizard.sessions import SessionStore
    from wizard.ui.screens.result import ResultScreen
    from wizard.ui.session_link import Resumed

EXIT_USAGE = 2
# After an answer is painted, the collector's full pass is run at once unless more than this
# many passes over its middle generation are still to come before Python would run it itself.
FULL_PASS_HEADROOM = 5


def palette_commands() -> type[Provider]:
    """The palette's own commands, imported when the palette first opens."""
    from wizard.ui.commands import WizardCommands

    return WizardCommands


class WizardApp(EncounterActions, OutputActions, NoteReading, EngineMoves, CommonApp, App[int]):
    """Walks one tree for one encounter; the Engine is the truth, screens render it."""

    # The question screen's styles (all under `QuestionScreen`) load with the app's, and the
    # screen is the default screen: a mode would load them when it starts, which makes
    # Textual parse every stylesheet again just before the first paint (about 25 ms).
    CSS_PATH = ["app.tcss", "screens/question.tcss"]
    COMMANDS = App.COMMANDS | {palette_commands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("b,backspace", "back", "Back", key_display="b", id="back", tooltip="Undo the last answer"),
        Binding("r", "restart", "Restart", id="restart", tooltip="Clear every answer (asks first)"),
        Binding("question_mark,f1", "help", "Help", key_display="?", id="help", tooltip="This question's help and every key"),
        Binding("q", "quit", "Quit", id="quit", tooltip="Quit the wizard"),
        # Shown on the right of the footer by Footer itself.
        Binding("ctrl+p", "command_palette", "Commands", show=False, priority=True, id="command_palette", tooltip="Restart, export, date of service, switch tree, theme"),
    ]
    # The right of the title bar: the date of service and the release the codes are checked
    # against, and whether that is not the one in force (shown as a warning).
    title_status: reactive[tuple[str, bool]] = reactive(("", False))

    def __init__(
        self,
        loaded: LoadedTree,
        *,
        describer: Any | None = None,
        load_icd: bool = True,
        recorder: Recorder | None = None,
        open_recorder: Callable[[], Recorder] | None = None,
        store: SessionStore | None = None,
        resumed: Resumed | None = None,
        label: str | None = None,
        export_dir: Path | None = None,
        now: Callable[[], datetime] = datetime.now,
        date_of_service: date | None = None,
        icd_dir: Path | None = None,
        note_text: str | None = None,
    ) -> None:
        """Set up one encounter.

        describer: the ICD tabular (or a stand-in) to use at once; without it the tabular
            loads on a worker after the first paint, unless load_icd is False.
        recorder: called after every move, tick and acknowledgement (on a worker thread);
            open_recorder: makes one there instead (a new session file is written off the first paint).
        store: the sessions folder, for "open a saved session" and a new session on a tree switch.
        resumed: a saved encounter to continue (wizard.ui.session_link.resume).
        date_of_service: the encounter's (default: today, by `now`); a resumed session keeps its own.
        icd_dir: the folder of imported releases (default: $WIZARD_ICD_DIR, else the user data folder).
        note_text: a provider's note to read once the first question is painted (its answers are
            suggested, each for the person to confirm; see wizard.ui.note_reading).
        """
        super().__init__()
        self.loaded = loaded
        self.engine = resumed.engine if resumed else Engine(loaded.tree, describer)
        if resumed and describer is not None:
            self.engine.coder.describer = describer
        self.marks = Marks(set(resumed.checked), set(resumed.acknowledged)) if resumed else Marks()
        self.label = (resumed.label if resumed else None) or label
        self.session_id = resumed.session_id if resumed else None
        self.store = store
        self.recorder = recorder
        self.export_dir = export_dir
        self.now = now
        self.default_date = date_of_service or now().date()
        self._note_text = note_text
        self.note_ticked: set[str] = set()
        self.icd_dir = icd_dir
        if self.engine.date_of_service is None:
            self.engine.date_of_service = self.default_date
        self.show_teaching = False
        self.icd_loading = self.engine.coder.describer is None and load_icd
        # Whether the app reads the installed releases itself (it does unless a describer was
        # given, as tests do): then a new date or tree loads the release in force for it.
        self.reads_releases = self.icd_loading
        self.last_dropped: tuple[Step, ...] = ()
        self._notices = resumed.flags if resumed else ()
        self._tree_changed = resumed.tree_changed if resumed else None
        has_recorder = recorder is not None or open_recorder is not None
        self._relay = RecorderRelay(self, recorder, open_recorder) if has_recorder else None

    # -- start and stop -----------------------------------------------------------------

    def get_default_screen(self) -> QuestionScreen:
        return QuestionScreen()

    def on_mount(self) -> None:
        self._show_tree_title()
        self.show_release_status()
        if self._relay is not None:
            self._relay.start()
            self.call_after_refresh(self._relay.go)
        self.sync_screens()
        if self._tree_changed:
            self.notify(self._tree_changed, title="Tree changed", severity="warning", timeout=30)
        if self._notices:
            self.notify("\n".join(self._notices), title="Saved answers that no longer fit", severity="warning", timeout=30, markup=False)
        self.start(load_icd=self.icd_loading)
        if self._note_text is not None:
            # Read after the first paint, on a worker: medspaCy takes a second or two to load.
            note, self._note_text = self._note_text, None
            self.call_after_refresh(self.read_note_text, note)
        # The engine makes its state machine at the first move; made now, while the first
        # question is read, it is not part of the first answer's time.
        self.call_after_refresh(lambda: self.engine.machine)
        self.call_after_refresh(self._settle_memory)

    # -- memory ---------------------------------------------------------------------------

    def _settle_memory(self) -> None:
        """Start-up is over once the first question is painted. What it built (modules, the
        tree, the screen) lives as long as the app, so it leaves the cyclic collector's full
        scans, which otherwise land on an answer now and then and take longer than the answer
        (40-60 ms against 8-17, bench/keys.py). Only the first app of a process does this: a
        frozen object that becomes garbage is never collected. The command line turns the
        collector off while starting (nothing worth collecting is made then, and its passes
        cost a tenth of the start-up); it is turned back on here."""
        if not gc.get_freeze_count():
            gc.freeze()
        gc.enable()

    def _collect_if_due(self) -> None:
        """Run the collector's full pass now, just after an answer is painted, if it could
        otherwise come due during the next answer. The full pass follows the eleventh pass
        over the middle generation (gc.get_threshold()[2]); an answer makes up to three of
        those, typing a number a few more. It scans everything made since start-up (the
        screen's cached lines among it), which takes 8-12 ms, and landed on an answer once a
        case (bench/keys.py); here it runs while the clinician reads the question."""
        if gc.isenabled() and gc.get_count()[2] >= gc.get_threshold()[2] - FULL_PASS_HEADROOM:
            gc.collect()

    def on_recorder_relay_opened(self, message: RecorderRelay.Opened) -> None:
        self.session_id = message.session_id
        notice = self.store.exposure_notice() if self.store is not None else None
        if notice:
            self.notify(notice[0].upper() + notice[1:], title="Sessions folder open to others", severity="warning", timeout=20)

    def on_unmount(self) -> None:
        self.save_before_abandoning()
        self.close_note_reader()

    def save_before_abandoning(self) -> None:
        """The terminal is gone and the process ends now (wizard.ui.signals.end): the writes
        queued for the session finish and its lock is let go, as on a normal exit."""
        if self._relay is not None:
            self._relay.close()

    def _show_tree_title(self) -> None:
        info = self.loaded.tree.tree
        self.title = one_line(info.title)
        self.sub_title = one_line(self.label or f"{info.id} v{info.version}")

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information", timeout: float | None = None, markup: bool = True) -> None:
        """Every notification, shown as written: messages quote tree text, labels, paths and
        errors, so neither markup nor terminal control sequences in them may act."""
        super().notify(clean(message), title=one_line(title), severity=severity, timeout=timeout, markup=False)

    # -- the ICD tabular, after the first paint -------------------------------------------

    def open_icd(self) -> tuple[Any, Any]:
        """The release in force on the encounter's date of service (or the nearest installed)."""
        from wizard.icd.release_check import open_release_check

        check = open_release_check(self.engine.date_of_service or self.default_date, self.loaded.tree.tree.icd10cm_release, self.icd_dir)
        return check.tabular, check

    def on_icd_loading_tabular_loaded(self, message: IcdLoading.TabularLoaded) -> None:
        check = message.check
        if check is not None:
            if (check.date_of_service, check.tree_release) != (self.engine.date_of_service, self.loaded.tree.tree.icd10cm_release):
                return  # for a date or tree this encounter no longer has: the newer one is on its way
            self.engine.use_release(check, message.tabular)
        else:
            self.engine.coder.describer = message.tabular
        self.icd_loading = False
        self.show_release_status()
        self.refresh_views()
        if self._relay is not None and self.engine.path:
            # A resumed session was replayed without descriptions; save them with it.
            self._relay.answered(self.engine)

    def on_icd_loading_tabular_failed(self, message: IcdLoading.TabularFailed) -> None:
        # The tree works without descriptions: say why they are missing.
        self.icd_loading = False
        self.show_release_status()
        self.refresh_views()
        self.notify(
            f"Codes are shown without official descriptions or Excludes1 checks ({message.reason}).",
            title="ICD data not loaded",
            severity="warning",
            timeout=10,
            markup=False,
        )

    # -- the date of service and the release in force -------------------------------------

    def show_release_status(self) -> None:
        """The title bar's right: DOS, the release checked against, and a warning when it is
        not the one in force that day (the full sentence is on the result screen)."""
        day = self.engine.date_of_service
        parts = [f"DOS {day.isoformat()}"] if day else []
        check = self.engine.release_check
        warning = False
        if check is not None:
            parts.append(check.choice.used.id)
            short = check.choice.short_notice()
            if short:
                parts.append(short)
                warning = True
        elif self.engine.coder.describer is not None:
            parts.append(self.engine.coder.describer.release)
        elif self.icd_loading:
            parts.append("ICD data loading")
        self.title_status = (" · ".join(parts), warning)

    def reload_release(self) -> None:
        """Load the release for the encounter's date and tree again, when the app reads releases."""
        if self.reads_releases:
            self.engine.release_check = None
            self.icd_loading = True
            self.load_tabular()
        self.show_release_status()

    def change_date_of_service(self, day: date) -> None:
        """Code this encounter for another date: the release in force that day is loaded on a
        worker, and the codes are checked against it once it arrives."""
        if day == self.engine.date_of_service:
            return
        self.engine.date_of_service = day
        self.reload_release()
        self.refresh_views()
        if self._relay is not None:
            self._relay.answered(self.engine)  # the session keeps the new date at once

    def action_read_note(self) -> None:
        from wizard.ui.screens.note import NoteScreen

        self.push_screen(NoteScreen(), lambda text: self.read_note_text(text) if text else None)

    def action_date_of_service(self) -> None:
        from wizard.icd.releases import parse_date_of_service
        from wizard.ui.screens.prompt import PromptScreen

        def problem(text: str) -> str | None:
            try:
                parse_date_of_service(text)
            except ValueError as error:
                return f"{error}."
            return None

        def chosen(text: str | None) -> None:
            if text is not None:
                self.change_date_of_service(parse_date_of_service(text))

        current = self.engine.date_of_service or self.default_date
        detail = "YYYY-MM-DD. The codes are checked against the ICD-10-CM release in force on that day."
        self.push_screen(PromptScreen("Date of service", detail, value=current.isoformat(), confirm="Change", check=problem), chosen)

    # -- moves: every change of the answers goes through here (answer, step_back: EngineMoves)

    def _answered(self, question_id: str, value: Answer) -> None:
        """EngineMoves' hook: the answer marked as entered or as the note's, confirmed."""
        origin = self.origin_of_answer(question_id, value)
        if origin.kind == ENTERED:
            self.engine.origins.pop(question_id, None)
        else:
            self.engine.origins[question_id] = origin

    def change(self, question_id: str, value: Answer) -> list[Step]:
        """EngineMoves.change, and a notice naming the answers it dropped."""
        dropped = super().change(question_id, value)
        if dropped:
            names = "; ".join(f"{s.prompt} {s.label}" for s in dropped)
            self.notify(f"Dropped: {names}", title="Answers no longer asked", severity="warning", markup=False)
        return dropped

    def begin_change(self, question_id: str) -> None:
        """Show an answered question again so its answer can be changed."""
        for screen in self.screen_stack:
            if isinstance(screen, QuestionScreen):
                screen.changing = question_id
        while self.screen in self._result_screens():
            self.pop_screen()
        self.refresh_views()

    def end_change(self) -> None:
        """The user kept the answer: return to where the tree stands."""
        self.sync_screens()

    def action_back(self) -> None:
        if not self.step_back():
            self.notify("This is the first question; there is nothing to go back to.", timeout=3)

    def action_restart(self) -> None:
        def restart(confirmed: bool | None) -> None:
            if confirmed:
                self.engine.restart()
                self.marks.clear()
                self.note_ticked.clear()  # the note's documented items are ticked again on the new result
                self.last_dropped = ()
                self._moved()

        count = len(self.engine.path)
        answers = "1 answer" if count == 1 else f"{count} answers"
        detail = f"The {answers} and the checklist ticks of this encounter will be cleared."
        from wizard.ui.screens.confirm import ConfirmScreen

        self.push_screen(ConfirmScreen("Restart from the first question?", detail, confirm="Restart"), restart)

    def _moved(self) -> None:
        if self._relay is not None:
            self._relay.answered(self.engine)
        self.sync_screens()
        self.call_after_refresh(self._collect_if_due)

    def sync_screens(self) -> None:
        """Show the result once the tree has ended and the question otherwise, both refreshed."""
        if self.engine.finished and not self._result_screens():
            from wizard.ui.screens.result import ResultScreen

            self.push_screen(ResultScreen())
        elif not self.engine.finished:
            while self._result_screens():
                self.pop_screen()
        for screen in self.screen_stack:
            if isinstance(screen, QuestionScreen):
                screen.changing = None
        self.refresh_views()

    def refresh_views(self) -> None:
        results = self._result_screens()
        for screen in self.screen_stack:
            if (isinstance(screen, QuestionScreen) or screen in results) and screen.is_mounted:
                screen.refresh_view()

    def _result_screens(self) -> list[ResultScreen]:
        """The result screens on the stack. Their module is imported with the first of them
        (the first paint does without it), so until then there is none."""
        module = sys.modules.get("wizard.ui.screens.result")
        return [] if module is None else [s for s in self.screen_stack if isinstance(s, module.ResultScreen)]

    # -- marks on the result -------------------------------------------------------------

    def set_checked(self, item_id: str, checked: bool) -> None:
        (self.marks.checked.add if checked else self.marks.checked.discard)(item_id)
        if self._relay is not None:
            self._relay.ticked(item_id, checked)

    def acknowledge(self, warning_id: str) -> None:
        self.marks.acknowledged.add(warning_id)
        if self._relay is not None:
            self._relay.acknowledged(warning_id)

    # -- help, theme ---------------------------------------------------------------------

    def binding_sections(self) -> KeySections:
        """Where each set of bindings applies, for the help screen."""
        from wizard.ui.screens.confirm import ConfirmScreen
        from wizard.ui.screens.export import ExportScreen
        from wizard.ui.screens.prompt import PromptScreen
        from wizard.ui.screens.result import ResultScreen
        from wizard.ui.screens.sessions import SessionsScreen
        from wizard.ui.widgets.tick_list import TickList

        return self.key_sections(
            ("Question", QuestionScreen.BINDINGS),
            ("List to tick (several answers)", TickList.BINDINGS),
            ("Result", ResultScreen.BINDINGS),
            ("Confirm", ConfirmScreen.BINDINGS),
            ("Export", ExportScreen.BINDINGS),
            ("Switch tree", PromptScreen.BINDINGS),
            ("Saved sessions", SessionsScreen.BINDINGS),
        )

    def action_help(self) -> None:
        question = self.engine.current
        for screen in self.screen_stack:
            if isinstance(screen, QuestionScreen) and screen.changing:
                question = self.engine.tree.question(screen.changing)
        from wizard.ui.screens.help import HelpScreen

        self.push_screen(HelpScreen(question, self.engine.result(), self.binding_sections()))

    def action_toggle_dark(self) -> None:
        self.theme = "textual-light" if self.current_theme.dark else "textual-dark"


def run_app(loaded: LoadedTree, args: Any = None, recorder: Recorder | None = None) -> int:
    """Run the UI on a loaded tree.

    From the CLI, `args` carries `session_store` (a wizard.sessions.SessionStore, or None for
    no recording), `resume_session` (a loaded, claimed Session to continue) and `label`.
    """
    store = getattr(args, "session_store", None)
    session = getattr(args, "resume_session", None)
    label = getattr(args, "label", None)
    resumed = None
    open_recorder = None
    if session is not None and store is not None:
        from wizard.sessions import SessionError
        from wizard.ui.session_link import continue_session, resume

        try:
            resumed = resume(session, loaded)
        except SessionError as error:
            import sys

            print(f"wizard: {error}", file=sys.stderr)
            return EXIT_USAGE
        open_recorder = continue_session(store, session)
    elif store is not None and recorder is None:
        from wizard.ui.session_link import new_session

        open_recorder = new_session(store, loaded, label)
    app = WizardApp(
        loaded,
        recorder=recorder,
        open_recorder=open_recorder,
        store=store,
        resumed=resumed,
        label=label,
        date_of_service=getattr(args, "date_of_service", None),
        icd_dir=getattr(args, "icd_dir", None),
        note_text=getattr(args, "note_text", None),
    )
    return run_to_exit(app)
