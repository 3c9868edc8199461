"""Starting another encounter in the running app: another tree, or a saved session.

A mixin of WizardApp. Trees and sessions are read on thread workers; the app swaps its
engine when they arrive, and the recorder relay moves to the new session.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import work
from textual.message import Message

from wizard.engine.engine import Engine
from wizard.tree.loader import LoadedTree
from wizard.text import one_line
from wizard.ui.marks import Marks
from wizard.ui.recording import Recorder, RecorderRelay

if TYPE_CHECKING:
    from wizard.sessions import SessionStore
    from wizard.ui.session_link import Resumed, SavedSession


class EncounterActions:
    """Switch tree and open a saved session; expects the app's engine, marks, store and relay."""

    loaded: LoadedTree
    engine: Engine
    marks: Marks
    label: str | None
    session_id: str | None
    store: SessionStore | None
    _relay: RecorderRelay | None
    last_dropped: tuple
    notify: Callable[..., None]
    push_screen: Callable[..., Any]
    post_message: Callable[..., bool]
    sync_screens: Callable[[], None]
    _show_tree_title: Callable[[], None]
    default_date: Any
    reload_release: Callable[[], None]
    suggestions: Any
    note_ticked: set[str]

    class TreeLoaded(Message):
        def __init__(self, loaded: LoadedTree) -> None:
            super().__init__()
            self.loaded = loaded

    class SessionsListed(Message):
        def __init__(self, sessions: list[SavedSession]) -> None:
            super().__init__()
            self.sessions = sessions

    class SessionOpened(Message):
        def __init__(self, resumed: Resumed, open_recorder: Callable[[], Recorder]) -> None:
            super().__init__()
            self.resumed = resumed
            self.open_recorder = open_recorder

    def _start_encounter(self, loaded: LoadedTree, engine: Engine, marks: Marks, label: str | None, session_id: str | None) -> None:
        self.loaded = loaded
        self.engine = engine
        self.marks = marks
        self.label = label
        self.session_id = session_id
        self.last_dropped = ()
        self.suggestions = None  # a note read belongs to the encounter it was read for
        self.note_ticked = set()
        if engine.date_of_service is None:  # a session saved before dates of service were kept
            engine.date_of_service = self.default_date
        # The release for this encounter's date and tree, on a worker; until it arrives the
        # codes are described by the release the last encounter used.
        self.reload_release()
        self._show_tree_title()
        self.sync_screens()

    def action_switch_tree(self) -> None:
        from wizard.tree.loader import shipped_tree_paths
        from wizard.ui.screens.prompt import PromptScreen

        detail = "Path of a tree file (.toml). A new encounter starts; the answers on screen are cleared."
        prompt = PromptScreen("Switch tree", detail, value=one_line(str(self.loaded.path)), suggestions=[str(p) for p in shipped_tree_paths()], confirm="Open")
        self.push_screen(prompt, lambda path: self.load_tree(Path(path).expanduser()) if path else None)

    @work(thread=True, exclusive=True, group="tree", exit_on_error=False)
    def load_tree(self, path: Path) -> None:
        from wizard.tree.loader import load_tree
        from wizard.tree.problems import TreeError

        try:
            loaded = load_tree(path)
        except TreeError as error:
            self.notify(f"{error}\nRun 'wizard lint {path}' for every problem.", title="Tree not opened", severity="error", timeout=20, markup=False)
            return
        self.post_message(self.TreeLoaded(loaded))

    def on_encounter_actions_tree_loaded(self, message: TreeLoaded) -> None:
        loaded = message.loaded
        self._start_encounter(loaded, Engine(loaded.tree, self.engine.coder.describer, self.engine.date_of_service), Marks(), None, None)
        if self._relay is not None:
            if self.store is not None:
                from wizard.ui.session_link import new_session

                self._relay.switch(new_session(self.store, loaded, None))
            else:
                self._relay.switch(lambda: None)
                self.notify("This encounter is not recorded: the session was of the other tree.", severity="warning")

    def action_open_session(self) -> None:
        if self.store is None:
            self.notify("Saved sessions are not available in this run (no sessions folder).", severity="warning")
            return
        self.list_sessions()

    @work(thread=True, exclusive=True, group="sessions", exit_on_error=False)
    def list_sessions(self) -> None:
        from wizard.sessions import SessionError
        from wizard.ui.session_link import saved_sessions

        assert self.store is not None
        try:
            found = saved_sessions(self.store, self.loaded.tree.tree.id)
        except SessionError as error:
            self.notify(str(error), title="Sessions not listed", severity="error", timeout=15, markup=False)
            return
        self.post_message(self.SessionsListed([s for s in found if s.id != self.session_id]))

    def on_encounter_actions_sessions_listed(self, message: SessionsListed) -> None:
        from wizard.ui.screens.sessions import SessionsScreen

        assert self.store is not None
        self.push_screen(SessionsScreen(message.sessions, str(self.store.folder)), lambda chosen: self.open_session(chosen) if chosen else None)

    @work(thread=True, exclusive=True, group="sessions", exit_on_error=False)
    def open_session(self, session_id: str) -> None:
        from wizard.sessions import SessionError
        from wizard.ui.session_link import open_saved

        assert self.store is not None
        try:
            resumed, open_recorder = open_saved(self.store, session_id, self.loaded, self.engine.coder.describer)
        except SessionError as error:
            self.notify(str(error), title="Session not opened", severity="error", timeout=15, markup=False)
            return
        self.post_message(self.SessionOpened(resumed, open_recorder))

    def on_encounter_actions_session_opened(self, message: SessionOpened) -> None:
        resumed = message.resumed
        marks = Marks(set(resumed.checked), set(resumed.acknowledged))
        self._start_encounter(self.loaded, resumed.engine, marks, resumed.label, resumed.session_id)
        if self._relay is None:
            self._relay = RecorderRelay(self, opener=message.open_recorder)
            self._relay.start()
            self._relay.go()  # long after the first paint: record from now on
        else:
            self._relay.switch(message.open_recorder)
        if resumed.tree_changed:
            self.notify(resumed.tree_changed, title="Tree changed", severity="warning", timeout=30)
        if resumed.flags:
            self.notify("\n".join(resumed.flags), title="Saved answers that no longer fit", severity="warning", timeout=30, markup=False)
