"""`wizard quiz` in the terminal: cases one after another, typed or walked, graded with the rules.

The QuizApp owns the run (wizard.quiz.run.QuizRun) and moves between its screens: a case,
the tree walked for it (the wizard's question screen), the feedback, and the run's summary.
The first case is painted at once; the ICD tabular loads on a thread worker and each graded
case is appended to the progress file on another.
"""

from __future__ import annotations

import argparse
import secrets
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar

from textual import work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.message import Message

from wizard.engine.engine import Engine
from wizard.quiz.grading import grade
from wizard.quiz.progress import Attempt, ProgressError, ProgressFile, new_run_id
from wizard.quiz.run import DEFAULT_COUNT, Graded, Order, QuizRun, answer_differences, plan
from wizard.tree.loader import LoadedTree
from wizard.tree.models import Answer
from wizard.ui.base import CommonApp, KeySections, run_to_exit
from wizard.ui.icd_loading import IcdLoading
from wizard.ui.quiz.case import QuizCaseScreen
from wizard.ui.quiz.feedback import QuizFeedbackScreen
from wizard.ui.quiz.help import QuizHelpScreen
from wizard.ui.quiz.summary import QuizSummaryScreen
from wizard.ui.quiz.walk import QuizWalkScreen
from wizard.ui.screens.help import HelpScreen
from wizard.ui.screens.question import QuestionScreen
from wizard.ui.widgets.code_entry import CodeEntry


class QuizApp(CommonApp, App[int]):
    """One quiz run over a tree's cases; the QuizRun is the truth, screens render it."""

    CSS_PATH = "../app.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "help", "Help", key_display="F1", id="help", tooltip="How the quiz works, and every key"),
        Binding("ctrl+q", "quit", "Quit", id="quit", priority=True, tooltip="Quit; every graded case is saved already"),
    ]

    class ProgressFailed(Message):
        def __init__(self, reason: str) -> None:
            super().__init__()
            self.reason = reason

    def __init__(
        self,
        loaded: LoadedTree,
        run: QuizRun,
        *,
        tabular: Any | None = None,
        progress: ProgressFile | None = None,
        now: Callable[[], datetime] = lambda: datetime.now().astimezone(),
        icd_dir: Path | None = None,
    ) -> None:
        """tabular: the ICD tabular to use at once (tests); without it, it loads on a worker.
        progress: where each graded case is appended; None saves nothing.
        icd_dir: the folder of imported releases (default: $WIZARD_ICD_DIR, else the user data folder)."""
        super().__init__()
        self.icd_dir = icd_dir
        self.loaded = loaded
        self.quiz_run = run
        self.tabular = tabular
        self.progress = progress
        self.now = now
        self.run_id = new_run_id(now())
        self.progress_problem: str | None = None
        # A walk that ended before the tabular arrived: graded as soon as it does.
        self._waiting: tuple[list[str], str, dict[str, Answer] | None] | None = None

    # -- start ---------------------------------------------------------------------------

    def on_mount(self) -> None:
        self.title = f"Quiz: {self.loaded.tree.tree.title}"
        self._show_case(first=True)
        self.start(load_icd=self.tabular is None)

    def open_icd(self) -> tuple[Any, None]:
        """The release the tree was reviewed for: the cases' expected codes are written for it."""
        from wizard.icd.release_check import tabular_of_release

        return tabular_of_release(self.loaded.tree.tree.icd10cm_release, self.icd_dir), None

    def prepare_tabular(self, tabular: Any) -> None:
        tabular.search("pain", 1)  # builds the search index on the worker, not on the first keystroke

    def on_icd_loading_tabular_loaded(self, message: IcdLoading.TabularLoaded) -> None:
        self.tabular = message.tabular
        for screen in self.screen_stack:
            if isinstance(screen, (QuizCaseScreen, QuizWalkScreen)):
                screen.tabular_ready(message.tabular)
        if self._waiting is not None:
            waiting, self._waiting = self._waiting, None
            self._grade(*waiting)

    def on_icd_loading_tabular_failed(self, message: IcdLoading.TabularFailed) -> None:
        # The quiz cannot grade without it: say why, and how to get it back.
        self.notify(
            f"The ICD-10-CM data could not be loaded ({message.reason}), so codes cannot be checked or graded. "
            "Fix: reinstall wizard, then run 'wizard quiz' again.",
            title="ICD data not loaded",
            severity="error",
            timeout=30,
            markup=False,
        )

    # -- the round -----------------------------------------------------------------------

    def _show_case(self, first: bool = False) -> None:
        case = self.quiz_run.current
        assert case is not None
        self.sub_title = f"{self.quiz_run.position.capitalize()} · {self.quiz_run.order.label}"
        screen = QuizCaseScreen(case, self.tabular)
        if first:
            self.push_screen(screen)
        else:
            self.switch_screen(screen)

    def start_walk(self) -> None:
        case = self.quiz_run.current
        assert case is not None
        self.push_screen(QuizWalkScreen(case, self.loaded.tree, self.tabular))

    def grade_typed(self, codes: list[str]) -> None:
        self._grade(codes, "typed", None)

    def walk_finished(self, engine: Engine) -> None:
        self.pop_screen()  # back to the case, which the feedback then replaces
        given, answers = engine.result().code_list, engine.answers
        if self.tabular is None:
            self._waiting = (given, "walked", answers)
            self.notify("Your walk is graded as soon as the ICD-10-CM data has loaded.", timeout=3)
            return
        self._grade(given, "walked", answers)

    def _grade(self, given: list[str], mode: str, walked: dict[str, Answer] | None) -> None:
        case = self.quiz_run.current
        assert case is not None and self.tabular is not None
        result = grade(case, given, self.loaded.tree, self.tabular)
        self.quiz_run.record(result, mode)
        if self.progress is not None:
            attempt = Attempt(
                case=case.id,
                score=result.score,
                given=result.given,
                expected=result.expected,
                mode=mode,  # type: ignore[arg-type]
                at=self.now().replace(microsecond=0),
                run=self.run_id,
                order=self.quiz_run.order.label,
            )
            self.save_attempt(attempt)
        differences = answer_differences(self.loaded.tree, case.answers, walked) if walked is not None else None
        self.switch_screen(QuizFeedbackScreen(case, Graded(result, mode), differences, self._describe))

    def _describe(self, code: str) -> str:
        try:
            return self.tabular.description(code)  # type: ignore[union-attr]
        except KeyError:
            return "not an ICD-10-CM code"

    @work(thread=True, group="progress", exit_on_error=False)
    def save_attempt(self, attempt: Attempt) -> None:
        assert self.progress is not None
        try:
            self.progress.record(attempt)
        except ProgressError as error:
            self.post_message(self.ProgressFailed(str(error)))

    def on_quiz_app_progress_failed(self, message: ProgressFailed) -> None:
        self.progress_problem = message.reason
        self.notify(message.reason, title="Progress not saved", severity="warning", timeout=15, markup=False)

    def next_case(self) -> None:
        if self.quiz_run.advance() is None:
            self.sub_title = f"Done · {self.quiz_run.position} · {self.quiz_run.order.label}"
            self.switch_screen(QuizSummaryScreen(self.quiz_run, self._saved_line()))
        else:
            self._show_case()

    def retry(self) -> None:
        self._show_case()

    def new_run(self) -> None:
        self.quiz_run = QuizRun(self.quiz_run.cases, self.quiz_run.order)
        self.run_id = new_run_id(self.now())
        self._show_case()

    def _saved_line(self) -> str:
        if self.progress is None:
            return "Progress is not saved in this run."
        if self.progress_problem:
            return f"Progress not saved: {self.progress_problem}"
        return f"Each graded case was saved to {self.progress.path}."

    # -- keys and help -------------------------------------------------------------------

    def action_back(self) -> None:
        # The question screen's number box sends "back" to the app when it is empty.
        if isinstance(self.screen, QuizWalkScreen):
            self.screen.action_back()

    def binding_sections(self) -> KeySections:
        """Where each set of bindings applies, for the help screen."""
        return self.key_sections(
            ("Case", QuizCaseScreen.BINDINGS),
            ("Codes box", CodeEntry.BINDINGS),
            # The quiz never reads a note for the trainee: its help has no key to accept one.
            ("Walking the tree", [*(b for b in QuestionScreen.BINDINGS if getattr(b, "action", None) != "accept_note"), *QuizWalkScreen.BINDINGS]),
            ("Feedback", QuizFeedbackScreen.BINDINGS),
            ("End of the run", QuizSummaryScreen.BINDINGS),
        )

    def action_help(self) -> None:
        screen = self.screen
        if isinstance(screen, HelpScreen):
            return
        if isinstance(screen, QuizWalkScreen):
            self.push_screen(HelpScreen(screen.shown_question(), screen.host.engine.result(), self.binding_sections()))
        else:
            self.push_screen(QuizHelpScreen(self.binding_sections()))


def run_quiz(loaded: LoadedTree, args: argparse.Namespace) -> int:
    """`wizard quiz` without --case: the cases written for this tree, as --shuffle/--seed/--count say."""
    from wizard.cli.common import CliError
    from wizard.quiz import load_cases
    from wizard.sessions import SessionStore
    from wizard.sessions.location import DEFAULT_SOURCES

    library = load_cases()
    tree_id = loaded.tree.tree.id
    cases = [case for case in library.cases if library.trees[case.id] == tree_id]
    if not cases:
        raise CliError(f"no case in the library is written for tree '{tree_id}'. Fix: run the quiz on the shipped tree (leave out --tree).")
    count = getattr(args, "count", None)
    if count is not None and count < 0:
        raise CliError(f"--count {count}: give how many cases a run has (1 or more, or 0 for all {len(cases)}).")
    seed = getattr(args, "seed", None)
    shuffled = bool(getattr(args, "shuffle", False)) or seed is not None
    order = Order(shuffled, (seed if seed is not None else secrets.randbelow(10_000)) if shuffled else None)
    run = QuizRun(plan(cases, order, DEFAULT_COUNT if count is None else count), order)
    store = SessionStore.resolve(getattr(args, "sub_sessions", None) or getattr(args, "sessions", None))
    progress = ProgressFile(store.folder, tighten=store.source in DEFAULT_SOURCES)
    return run_to_exit(QuizApp(loaded, run, progress=progress, icd_dir=getattr(args, "icd_dir", None)))
