"""Damaged, hostile and foreign files in the sessions folder: reported, never followed, never overwritten."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from test_sessions import demo_loaded, record_demo
from wizard.sessions import SessionError, SessionStore
from wizard.sessions.ids import SESSION_ID

FAKE_ID = "20260101-120000-0123abcd"


@pytest.fixture
def store(tmp_path: Path) -> SessionStore:
    return SessionStore(tmp_path / "sessions")


@pytest.fixture
def saved(store):
    session, _ = record_demo(store)
    return session


def plant(store: SessionStore, data: bytes, session_id: str = FAKE_ID) -> Path:
    store.folder.mkdir(parents=True, exist_ok=True)
    path = store.folder / f"{session_id}.toml"
    path.write_bytes(data)
    return path


def assert_unreadable(store: SessionStore, session_id: str, reason: str) -> None:
    path = store.folder / f"{session_id}.toml"
    before = path.read_bytes() if path.is_file() and not path.is_symlink() else None
    with pytest.raises(SessionError) as caught:
        store.load(session_id)
    message = str(caught.value)
    assert str(path) in message and reason in message and "Fix:" in message
    listing = {item.id: item for item in store.list()}
    assert not listing[session_id].ok and reason in listing[session_id].error
    if before is not None:
        assert path.read_bytes() == before, "an unreadable file was changed"


# ---- corrupt, cut short, future ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"\x00\xff\xfe garbage", "not UTF-8"),
        (b"schema_version = 1\nid = [unclosed\n", "not valid TOML"),
        (b"", "schema_version None"),
        (b'title = "my notes"\n', "schema_version None"),
        (b'schema_version = "1"\n# end of wizard session\n', "schema_version '1'"),
    ],
)
def test_corrupt_files_are_reported_and_left_alone(store, data, reason):
    plant(store, data)
    assert_unreadable(store, FAKE_ID, reason)


def test_future_schema_asks_for_a_newer_wizard(store, saved):
    path = store.path_of(saved.id)
    path.write_text(path.read_text().replace("schema_version = 1", "schema_version = 2"))
    assert_unreadable(store, saved.id, "newer wizard (schema_version 2")


def test_unknown_keys_and_wrong_types_are_named(store, saved):
    path = store.path_of(saved.id)
    path.write_text(path.read_text().replace('status = "complete"', 'status = "complete"\nmood = "good"'))
    assert_unreadable(store, saved.id, "mood")
    path.write_text(path.read_text().replace('mood = "good"\n', "").replace('status = "complete"', 'status = "finished"'))
    assert_unreadable(store, saved.id, "status")


def test_a_file_holding_another_id_is_refused(store, saved):
    other = "20200101-000000-00000000"
    store.path_of(saved.id).rename(store.path_of(other))
    assert_unreadable(store, other, f"holds session {saved.id}")


def test_every_truncation_is_detected(store, saved):
    data = store.path_of(saved.id).read_bytes()
    cuts = {n for n in range(len(data)) if data[n - 1 : n] == b"\n"} | set(range(0, len(data), 37))
    for cut in sorted(cuts):
        plant(store, data[:cut])
        with pytest.raises(SessionError):
            store.load(FAKE_ID)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(position=st.integers(min_value=0), byte=st.integers(min_value=0, max_value=255))
def test_a_flipped_byte_never_crashes_the_reader(store, saved, position, byte):
    data = bytearray(store.path_of(saved.id).read_bytes())
    data[position % len(data)] = byte
    plant(store, bytes(data))
    try:
        store.load(FAKE_ID)
    except SessionError:
        pass
    assert len(store.list()) == 2


def test_big_files_and_non_files_are_refused(store):
    plant(store, b"#" * (5 * 1024 * 1024))
    assert_unreadable(store, FAKE_ID, "too big")
    (store.folder / f"{FAKE_ID}.toml").unlink()
    (store.folder / f"{FAKE_ID}.toml").mkdir()
    assert_unreadable(store, FAKE_ID, "not a regular file")


def test_fifo_does_not_hang_the_listing(store):
    store.folder.mkdir(parents=True)
    os.mkfifo(store.folder / f"{FAKE_ID}.toml")
    assert_unreadable(store, FAKE_ID, "not a regular file")


def test_foreign_toml_files_are_listed_with_the_reason(store, saved):
    plant(store, b"x = 1\n", session_id="notes")
    (store.folder / ".hidden.toml").write_text("x")
    (store.folder / "readme.txt").write_text("x")
    listing = {item.id: item for item in store.list()}
    assert set(listing) == {saved.id, "notes"}
    assert "not a session id" in listing["notes"].error


# ---- links -------------------------------------------------------------------------------------


def test_a_linked_session_file_is_never_read(store, saved, tmp_path):
    outside = tmp_path / "outside.toml"
    outside.write_bytes(store.path_of(saved.id).read_bytes().replace(saved.id.encode(), FAKE_ID.encode()))
    (store.folder / f"{FAKE_ID}.toml").symlink_to(outside)
    assert_unreadable(store, FAKE_ID, "symbolic link")


def test_save_refuses_a_link_planted_where_the_session_goes(store, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    session = store.new(demo_loaded())
    store.folder.mkdir(parents=True)
    store.path_of(session.id).symlink_to(victim)
    with pytest.raises(SessionError, match="symbolic link"):
        store.save(session)
    assert victim.read_text() == "precious"
    assert store.path_of(session.id).is_symlink()


def test_save_refuses_a_link_planted_as_the_lock(store, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    session = store.new(demo_loaded())
    store.folder.mkdir(parents=True)
    (store.folder / f"{session.id}.lock").symlink_to(victim)
    with pytest.raises(SessionError, match="lock file"):
        store.save(session)
    assert victim.read_text() == "precious"


def test_delete_removes_a_planted_link_but_not_its_target(store, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    store.folder.mkdir(parents=True)
    (store.folder / f"{FAKE_ID}.toml").symlink_to(victim)
    store.delete(FAKE_ID)
    assert victim.read_text() == "precious"
    assert not (store.folder / f"{FAKE_ID}.toml").is_symlink()


# ---- ids never escape the folder ------------------------------------------------------------------


BAD_IDS = [
    "../x",
    "../../etc/passwd",
    "/etc/passwd",
    "/tmp/20260101-120000-0123abcd",
    "20260101-120000-0123abcd/../../x",
    "20260101-120000-0123abcd.toml",
    "20260101-120000-0123ABCD",
    "20260101-120000-0123abcd\n",
    "20260101-120000-0123abc\x00d",
    "２0260101-120000-0123abcd",
    "",
    ".",
    "..",
    "~",
    "a" * 300,
]


@pytest.mark.parametrize("bad", BAD_IDS)
def test_malformed_ids_are_refused_everywhere(store, saved, bad):
    for call in (store.load, store.delete, store.path_of, store.claim):
        with pytest.raises(SessionError, match="not a session id"):
            call(bad)
    with pytest.raises(SessionError):
        store.match(bad)
    assert store.load(saved.id) == saved


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=40))
def test_only_well_formed_ids_name_a_file_and_it_is_inside_the_folder(text):
    store = SessionStore(Path("/nonexistent/sessions"))
    if SESSION_ID.fullmatch(text):
        assert store.path_of(text).parent == store.folder
    else:
        with pytest.raises(SessionError):
            store.path_of(text)
