"""Hostile and failing files around sessions: a sessions folder that cannot be written (read-only,
full), a symbolic link planted where a session file or its lock goes, and a tree file edited
while a session of it was away. Nothing is lost, nothing is written through a link, and what
happened is said plainly."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path
from typing import Any

import pytest
import tomli_w

from conftest import DEMO_TREE
from conftest_hostile import check, run_cli, ui_not_run
from conftest_ui import answer_by_keys, demo_tree, settle
from wizard.engine.engine import Engine
from wizard.sessions import SessionRecorder, SessionStore
from wizard.sessions import store as store_module
from wizard.sessions.files import FileLock
from wizard.tree.loader import load_tree
from wizard.ui.app import WizardApp
from wizard.ui.screens.export import ExportRequest
from wizard.ui.session_link import new_session

ANSWERS = {"region": "low_back", "injury": "none", "pregnant": "no", "chronic": "yes"}
CODES = ["M54.50", "G89.29"]
ROOT = os.geteuid() == 0  # root writes into a read-only folder all the same


def answers_file(folder: Path, answers: dict[str, object] = ANSWERS) -> Path:
    path = folder / "answers.toml"
    path.write_text(tomli_w.dumps({"answers": answers}))
    return path


def saved_run(tmp_path: Path, tree: Path = DEMO_TREE) -> tuple[Path, str]:
    sessions = tmp_path / "sessions"
    outcome = check(run_cli(["run", "--tree", str(tree), "--answers", str(answers_file(tmp_path)), "--save", "--sessions", str(sessions)]))
    return sessions, outcome.err.split("saved session ")[1].split()[0]


# ---- a folder that cannot be written ---------------------------------------------------------


def fail_saves(monkeypatch: pytest.MonkeyPatch, how: str) -> None:
    """Make saving fail the way a read-only or a full disk does."""
    if how == "read-only":  # the lock file is the first thing a save creates

        def refuse(lock: FileLock) -> None:
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(lock.path))

        monkeypatch.setattr(FileLock, "acquire", refuse)
    else:

        def full(path: Path, data: bytes) -> None:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

        monkeypatch.setattr(store_module, "write_atomic", full)


@pytest.mark.parametrize("how", ["read-only", "full"])
def test_run_save_into_a_folder_that_cannot_be_written_prints_the_result_and_says_so(tmp_path, monkeypatch, how: str) -> None:
    fail_saves(monkeypatch, how)
    sessions = tmp_path / "sessions"
    outcome = check(run_cli(["run", "--tree", str(DEMO_TREE), "--answers", str(answers_file(tmp_path)), "--save", "--format", "json", "--sessions", str(sessions)]))
    assert outcome.code == 2
    assert [c["code"] for c in json.loads(outcome.out)["codes"]] == CODES  # the result is not lost
    reason = "Read-only file system" if how == "read-only" else "No space left on device"
    assert "the session was NOT saved" in outcome.err and reason in outcome.err and "Fix:" in outcome.err
    assert not list(sessions.glob("*.toml"))


@pytest.mark.skipif(ROOT, reason="root writes into a read-only folder; the simulated cases above cover it")
def test_run_save_into_a_really_read_only_folder(tmp_path) -> None:
    sessions = tmp_path / "sessions"
    sessions.mkdir(mode=0o500)
    try:
        outcome = check(run_cli(["run", "--tree", str(DEMO_TREE), "--answers", str(answers_file(tmp_path)), "--save", "--sessions", str(sessions)]))
    finally:
        sessions.chmod(0o700)
    assert outcome.code == 2 and "Permission denied" in outcome.err and "M54.50" in outcome.out


@pytest.mark.asyncio
@pytest.mark.parametrize("how", ["read-only", "full"])
async def test_the_ui_keeps_a_session_it_cannot_save_says_so_exports_it_and_saves_it_later(tmp_path, monkeypatch, how: str) -> None:
    store = SessionStore(tmp_path / "sessions")
    loaded = demo_tree()
    with monkeypatch.context() as failing:
        fail_saves(failing, how)
        app = WizardApp(loaded, open_recorder=new_session(store, loaded, "bay 3"), store=store, export_dir=tmp_path, load_icd=False)
        async with app.run_test(size=(100, 30), notifications=True) as pilot:
            await answer_by_keys(pilot, ANSWERS)
            app._relay.join()
            await pilot.pause()
            (notice,) = [n for n in app._notifications if n.title == "Session not saved"]
            reason = "Read-only file system" if how == "read-only" else "No space left on device"
            assert reason in notice.message and "Your answers stay on screen" in notice.message
            assert app.engine.result().code_list == CODES  # the encounter goes on
            assert not list(store.folder.glob("*.toml")) if store.folder.exists() else True
            # It can be exported all the same.
            app._export(ExportRequest("text", tmp_path / "kept.txt"))
            await settle(app)
            assert "M54.50" in (tmp_path / "kept.txt").read_text()
            assert (tmp_path / "kept.txt").stat().st_mode & 0o777 == 0o600  # private, as the CLI's --out
            failing.undo()  # space freed, folder writable again
            app.set_checked("region", True)
            app._relay.join()
            await pilot.pause()
            assert any(n.title == "Session saved" and "saved again" in n.message for n in app._notifications)
    (listing,) = store.list()
    assert {a.question: a.answer for a in listing.session.answers} == ANSWERS and listing.session.checked == ["region"]


# ---- links planted where wizard writes ---------------------------------------------------------


def test_a_link_planted_as_a_session_file_is_never_followed(tmp_path) -> None:
    sessions, session_id = saved_run(tmp_path)
    path = sessions / f"{session_id}.toml"
    victim = tmp_path / "victim.toml"
    victim.write_bytes(path.read_bytes())  # a readable session, so only the link can stop wizard
    path.unlink()
    path.symlink_to(victim)
    where = ["--sessions", str(sessions)]
    for argv in (["sessions", *where, "show", session_id], ["sessions", *where, "export", session_id, "--format", "json"]):
        outcome = check(run_cli(argv))
        assert outcome.code == 2 and "is a symbolic link; wizard never reads a session through it" in outcome.err
    with ui_not_run():
        outcome = check(run_cli([*where, "--resume", session_id]))
    assert outcome.code == 2 and "symbolic link" in outcome.err
    listed = check(run_cli(["sessions", *where, "list"])).out
    assert f"{session_id}  UNREADABLE: is a symbolic link" in listed
    before = victim.read_bytes()
    check(run_cli(["sessions", *where, "delete", session_id, "--yes"]))
    assert not path.is_symlink() and victim.read_bytes() == before  # the link went, its target stayed


def test_a_link_planted_under_a_running_session_is_not_written_through(tmp_path) -> None:
    """Swapped in while the session is open: the next save refuses it, the session stays in memory."""
    store = SessionStore(tmp_path / "sessions")
    loaded = demo_tree()
    engine = Engine(loaded.tree)
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    with SessionRecorder(store, store.new(loaded)) as recorder:
        engine.answer("low_back")
        assert recorder.answered(engine)
        path = store.path_of(recorder.session.id)
        path.unlink()
        path.symlink_to(victim)
        engine.answer("none")
        assert not recorder.answered(engine)
        assert "is a symbolic link; wizard never writes a session through it" in str(recorder.last_error)
        assert [a.answer for a in recorder.session.answers] == ["low_back", "none"]  # kept in memory
    assert victim.read_text() == "precious\n"


def test_a_link_planted_as_the_lock_file_is_not_followed(tmp_path) -> None:
    sessions, session_id = saved_run(tmp_path)
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    (sessions / f"{session_id}.lock").symlink_to(victim)
    with ui_not_run():
        outcome = check(run_cli(["--sessions", str(sessions), "--resume", session_id]))
    assert outcome.code == 2 and "lock file cannot be made" in outcome.err
    assert victim.read_text() == "precious\n"


# ---- a tree edited while its session was away -------------------------------------------------


@pytest.fixture
def ui_glance(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """`wizard` runs its UI headless: it starts, settles, notes its notifications, and quits."""
    seen: dict[str, Any] = {}
    run = WizardApp.run

    def glance(self: WizardApp, *args: object, **kwargs: object) -> object:
        async def look(pilot) -> None:  # noqa: ANN001
            await settle(self)
            self._relay.join()
            await pilot.pause()
            seen["notices"] = {n.title: n.message for n in self._notifications}
            seen["path"] = [(s.question, s.answer) for s in self.engine.path]
            self.exit()

        return run(self, headless=True, size=(100, 30), auto_pilot=look)

    monkeypatch.setattr(WizardApp, "run", glance)
    return seen


@pytest.mark.parametrize("edit", ["help text", "question renamed"])
def test_a_tree_edited_under_a_session_is_detected_on_resume_through_the_cli(tmp_path, ui_glance, edit: str) -> None:
    tree = tmp_path / "tree.toml"
    tree.write_text(DEMO_TREE.read_text())
    answers = {"region": "low_back", "injury": "none", "pregnant": "no"}  # in progress: chronic is next
    sessions = tmp_path / "sessions"
    loaded = load_tree(tree)
    store = SessionStore(sessions)
    engine = Engine(loaded.tree)
    with SessionRecorder(store, store.new(loaded, label="edited")) as recorder:
        for value in answers.values():
            engine.answer(value)
            recorder.answered(engine)
        session_id = recorder.session.id
    old_sha = loaded.sha256
    text = tree.read_text().replace('version = "1.0.0"', 'version = "1.0.1"')
    if edit == "help text":
        text = text.replace("Pregnancy codes come first.", "Pregnancy codes are sequenced first.")
    else:
        text = text.replace('id = "injury"', 'id = "trauma"').replace("injury = ", "trauma = ")
    tree.write_text(text)

    outcome = check(run_cli(["--sessions", str(sessions), "--resume", session_id]))  # the tree comes from the session
    assert outcome.code == 0
    notices = ui_glance["notices"]
    assert "Tree 'demo' changed since this session was saved (v1.0.0 then, v1.0.1 now" in notices["Tree changed"]
    saved = store.load(session_id)
    assert saved.tree.sha256 != old_sha and saved.tree.version == "1.0.1"
    if edit == "help text":
        assert "all of them still apply" in notices["Tree changed"] and "Saved answers that no longer fit" not in notices
        assert [a.answer for a in saved.answers] == list(answers.values()) and saved.flagged == []
    else:
        assert "no longer has the question 'injury'" in notices["Saved answers that no longer fit"]
        assert [(f.question, f.reason) for f in saved.flagged] == [("injury", "unknown_question")]
        assert ("injury", "none") not in ui_glance["path"]
