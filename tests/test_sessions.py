"""The sessions store: saving, loading, listing, deleting, the recorder and where the folder is."""

from __future__ import annotations

import errno
import os
import stat
import threading
from pathlib import Path

import pytest

from conftest import DEMO_TREE
from wizard.engine.engine import Engine
from wizard.icd import load_tabular
from wizard.sessions import Session, SessionError, SessionRecorder, SessionStore
from wizard.sessions.location import ENV_VAR, resolve_location
from wizard.sessions.ids import SESSION_ID
from wizard.tree.loader import load_tree

DEMO_ANSWERS = ("low_back", "none", "yes", 20, "yes")


# ---- helpers (other test_sessions* and test_export* modules import these) -------------------


def demo_loaded():
    return load_tree(DEMO_TREE)


def record_demo(store: SessionStore, answers=DEMO_ANSWERS, label: str | None = "bay 3", describer=None) -> tuple[Session, Engine]:
    """A session on the demo tree with the answers recorded one by one, as the UI does."""
    loaded = demo_loaded()
    engine = Engine(loaded.tree, describer)
    session = store.new(loaded, label=label)
    with SessionRecorder(store, session) as recorder:
        for answer in answers:
            engine.answer(answer)
            assert recorder.answered(engine), recorder.last_error
    return session, engine


@pytest.fixture
def store(tmp_path: Path) -> SessionStore:
    return SessionStore(tmp_path / "sessions")


# ---- save and load --------------------------------------------------------------------------


def test_saved_session_loads_back_equal(store):
    session, engine = record_demo(store, describer=load_tabular())
    loaded = store.load(session.id)
    assert loaded == session
    assert [a.question for a in loaded.answers] == ["region", "injury", "pregnant", "weeks", "chronic"]
    assert loaded.answers[3].answer == 20 and loaded.answers[3].label == "20 weeks"
    assert loaded.status == "complete"
    assert [c.code for c in loaded.result.codes] == engine.result().code_list == ["O26.892", "M54.50", "G89.29"]
    assert loaded.result.codes[1].description == "Low back pain, unspecified"
    assert loaded.result.codes[0].reason and loaded.result.codes[0].because
    assert loaded.tree.id == "demo" and len(loaded.tree.sha256) == 64 and Path(loaded.tree.path).is_absolute()
    assert loaded.icd10cm_release == "FY2026" and loaded.schema_version == 1
    assert loaded.created.tzinfo is not None and loaded.updated >= loaded.created


def test_session_file_is_toml_with_an_end_mark_and_private_modes(store):
    session, _ = record_demo(store)
    path = store.path_of(session.id)
    text = path.read_text(encoding="utf-8")
    assert "schema_version = 1" in text
    assert text.rstrip().endswith("# end of wizard session")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(store.folder.stat().st_mode) == 0o700
    # No temp or lock files left behind once the recorder is closed.
    assert sorted(p.name for p in store.folder.iterdir()) == [path.name]


def test_new_session_is_not_written_until_saved(store):
    session = store.new(demo_loaded())
    assert SESSION_ID.fullmatch(session.id)
    assert not store.folder.exists()
    store.save(session)
    assert store.load(session.id).answers == []


def test_ids_are_unique_and_well_formed(store):
    loaded = demo_loaded()
    ids = {store.new(loaded).id for _ in range(2000)}
    assert len(ids) == 2000
    assert all(SESSION_ID.fullmatch(i) for i in ids)


@pytest.mark.parametrize("label", ["line\nbreak", "tab\there", "x" * 201])
def test_labels_are_one_short_line(store, label):
    with pytest.raises(SessionError, match="label"):
        store.new(demo_loaded(), label=label)


def test_blank_label_is_none(store):
    assert store.new(demo_loaded(), label="   ").label is None


# ---- list, match, delete ----------------------------------------------------------------------


def test_list_is_newest_first_and_latest_in_progress_is_found(store):
    done, _ = record_demo(store)
    half, _ = record_demo(store, answers=("low_back", "none"))
    listed = store.list()
    assert [item.id for item in listed] == sorted([done.id, half.id], reverse=True)
    assert all(item.ok for item in listed)
    assert store.latest_in_progress().id == half.id


def test_list_of_a_missing_folder_is_empty(tmp_path):
    assert SessionStore(tmp_path / "nowhere").list() == []


def test_match_takes_a_unique_prefix(store):
    session, _ = record_demo(store)
    assert store.match(session.id[:10]) == session.id
    assert store.match(session.id) == session.id
    with pytest.raises(SessionError, match="no session id starts with"):
        store.match("1999")


def test_delete_removes_the_file(store):
    session, _ = record_demo(store)
    store.delete(session.id)
    assert list(store.folder.iterdir()) == []
    with pytest.raises(SessionError, match="no session"):
        store.load(session.id)
    with pytest.raises(SessionError, match="no session"):
        store.delete(session.id)


# ---- the recorder ----------------------------------------------------------------------------


def test_recorder_keeps_answer_times_and_follows_back_and_change(store):
    loaded = demo_loaded()
    engine = Engine(loaded.tree)
    session = store.new(loaded)
    with SessionRecorder(store, session) as recorder:
        for answer in ("low_back", "none", "yes", 20):
            engine.answer(answer)
            recorder.answered(engine)
        first = store.load(session.id).answers[0].at
        engine.back()
        recorder.answered(engine)
        assert [a.question for a in store.load(session.id).answers] == ["region", "injury", "pregnant"]
        engine.change("pregnant", "no")
        recorder.answered(engine)
    saved = store.load(session.id)
    assert saved.answers[0].at == first
    assert [(a.question, a.answer) for a in saved.answers] == [("region", "low_back"), ("injury", "none"), ("pregnant", "no")]
    assert saved.status == "in_progress"


def test_ticks_and_acknowledgements_are_saved(store):
    session, engine = record_demo(store)
    with SessionRecorder(store, session) as recorder:
        assert recorder.ticked("region", True)
        recorder.ticked("g89_word", True)
        recorder.ticked("g89_word", False)
        recorder.acknowledged("rule:chronic")
        recorder.acknowledged("rule:chronic")
    saved = store.load(session.id)
    assert saved.checked == ["region"]
    assert saved.acknowledged == ["rule:chronic"]


def test_failed_save_keeps_the_session_in_memory_and_does_not_raise(store, monkeypatch):
    import wizard.sessions.store as store_module

    loaded = demo_loaded()
    engine = Engine(loaded.tree)
    session = store.new(loaded)
    recorder = SessionRecorder(store, session)
    engine.answer("low_back")
    assert recorder.answered(engine)

    real = store_module.write_atomic

    def full(path, data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(store_module, "write_atomic", full)
    engine.answer("none")
    assert recorder.answered(engine) is False
    assert recorder.ticked("region", True) is False
    assert "No space left on device" in str(recorder.last_error)
    assert str(store.path_of(session.id)) in str(recorder.last_error)
    assert [a.question for a in recorder.session.answers] == ["region", "injury"]
    assert [a.question for a in store.load(session.id).answers] == ["region"]

    monkeypatch.setattr(store_module, "write_atomic", real)
    engine.answer("no")
    assert recorder.answered(engine)
    assert recorder.last_error is None
    saved = store.load(session.id)
    assert [a.question for a in saved.answers] == ["region", "injury", "pregnant"]
    assert saved.checked == ["region"]
    recorder.close()


def test_recorder_on_an_unusable_folder_records_in_memory(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    store = SessionStore(blocker / "sessions")
    loaded = demo_loaded()
    engine = Engine(loaded.tree)
    recorder = SessionRecorder(store, store.new(loaded))
    assert recorder.last_error is not None
    engine.answer("low_back")
    assert recorder.answered(engine) is False
    assert "Fix:" in str(recorder.last_error)
    assert recorder.session.answers[0].answer == "low_back"


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_recorder_on_a_read_only_folder_records_in_memory(tmp_path):
    folder = tmp_path / "sessions"
    folder.mkdir(mode=0o500)
    store = SessionStore(folder)
    loaded = demo_loaded()
    engine = Engine(loaded.tree)
    recorder = SessionRecorder(store, store.new(loaded))
    engine.answer("low_back")
    assert recorder.answered(engine) is False
    assert recorder.last_error is not None


def test_recorder_is_thread_safe(store):
    session, _ = record_demo(store)
    ids = [f"item_{n}" for n in range(40)]
    with SessionRecorder(store, session) as recorder:
        threads = [threading.Thread(target=recorder.ticked, args=(i, True)) for i in ids]
        threads += [threading.Thread(target=recorder.acknowledged, args=(f"w{n}",)) for n in range(20)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    saved = store.load(session.id)
    assert sorted(saved.checked) == sorted(ids)
    assert len(saved.acknowledged) == 20


# ---- where the folder is ----------------------------------------------------------------------


def _checkout(root: Path, name: str = "wizard-lbp", sessions: bool = True) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text(f'[project]\nname = "{name}"\n')
    if sessions:
        (root / "sessions").mkdir()
    return root


def test_folder_rule_order(tmp_path, monkeypatch):
    import platformdirs

    monkeypatch.setattr(platformdirs, "user_data_dir", lambda app: str(tmp_path / "data" / app))
    checkout = _checkout(tmp_path / "repo")
    inside = checkout / "wizard" / "deep"
    inside.mkdir(parents=True)
    env = {ENV_VAR: str(tmp_path / "from-env")}
    assert resolve_location(tmp_path / "cli", env, inside).folder == tmp_path / "cli"
    assert resolve_location(None, env, inside).folder == tmp_path / "from-env"
    assert resolve_location(None, {ENV_VAR: "  "}, inside).folder == checkout / "sessions"
    assert resolve_location(None, {}, inside).source == "project checkout"
    assert resolve_location(None, {}, tmp_path).folder == tmp_path / "data" / "wizard" / "sessions"
    assert resolve_location(Path("rel"), {}, inside).folder == inside / "rel"


@pytest.mark.parametrize(
    "layout",
    ["other project", "no sessions folder", "other project nested in ours"],
)
def test_only_our_checkout_with_a_sessions_folder_counts(tmp_path, monkeypatch, layout):
    import platformdirs

    monkeypatch.setattr(platformdirs, "user_data_dir", lambda app: str(tmp_path / "data" / app))
    if layout == "other project":
        start = _checkout(tmp_path / "repo", name="something-else")
    elif layout == "no sessions folder":
        start = _checkout(tmp_path / "repo", sessions=False)
    else:
        _checkout(tmp_path / "repo")
        start = _checkout(tmp_path / "repo" / "vendor" / "lib", name="lib", sessions=False)
    assert resolve_location(None, {}, start).source == "user data folder"


def test_store_resolve_uses_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "env-sessions"))
    assert SessionStore.resolve(None).folder == tmp_path / "env-sessions"
    assert SessionStore.resolve(tmp_path / "cli").folder == tmp_path / "cli"


def test_default_folder_is_made_private_but_a_given_one_is_left_alone(tmp_path):
    for source, expected in (("project checkout", 0o700), ("--sessions", 0o755)):
        folder = tmp_path / source.strip("-").replace(" ", "_")
        folder.mkdir()
        folder.chmod(0o755)
        store = SessionStore(folder, source)
        store.save(store.new(demo_loaded()))
        assert stat.S_IMODE(folder.stat().st_mode) == expected


def test_a_save_sweeps_temp_files_left_by_a_killed_writer(store):
    session, _ = record_demo(store)
    stale = store.folder / f".{session.id}.toml.0123456789ab.tmp"
    stale.write_text("half a session")
    other = store.folder / ".20200101-000000-00000000.toml.0123456789ab.tmp"
    other.write_text("another session's write in flight")
    store.save(session)
    assert not stale.exists() and other.exists()


def test_sessions_and_exports_do_not_import_textual(tmp_path):
    import subprocess
    import sys

    from conftest import REPO

    code = (
        "import sys; from pathlib import Path; "
        "from test_sessions import record_demo; from wizard.sessions import SessionStore, session_transcript; "
        "from wizard.export import render; "
        f"store = SessionStore(Path({str(tmp_path / 's')!r})); session, _ = record_demo(store); "
        "[render(session_transcript(store.load(session.id)), f) for f in ('text', 'markdown', 'json', 'fhir')]; "
        "assert 'textual' not in sys.modules, 'textual was imported'"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO / "tests", timeout=60)
    assert done.returncode == 0, done.stderr


def test_the_store_removes_stale_temp_files_of_its_own_when_it_opens_the_folder(tmp_path):
    """A writer killed during a session's first save leaves `.<id>.toml.<hex>.tmp`, which no
    later save of that session sweeps: the store removes such files, once they are a minute
    old, the first time it uses the folder. Nothing else is touched."""
    import os
    import time

    folder = tmp_path / "sessions"
    folder.mkdir()
    old = time.time() - 120
    stale = folder / ".20261207-101010-abcdef01.toml.0123456789ab.tmp"
    fresh = folder / ".20261207-101011-abcdef02.toml.0123456789ac.tmp"  # a write in flight elsewhere
    foreign = [folder / ".notes.tmp", folder / "draft.tmp", folder / ".20261207-101010-abcdef01.toml.tmp"]
    for path in [stale, fresh, *foreign]:
        path.write_text("partial", encoding="utf-8")
    for path in [stale, *foreign]:
        os.utime(path, (old, old))
    target = tmp_path / "elsewhere.txt"
    target.write_text("keep", encoding="utf-8")
    link = folder / ".20261207-101012-abcdef03.toml.0123456789ad.tmp"
    link.symlink_to(target)
    os.utime(link, (old, old), follow_symlinks=False)
    assert SessionStore(folder).list() == []
    assert not stale.exists()
    assert fresh.exists() and all(path.exists() for path in foreign)
    assert link.is_symlink() and target.read_text(encoding="utf-8") == "keep"
