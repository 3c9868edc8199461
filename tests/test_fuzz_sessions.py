"""Fuzzing the sessions folder: mutated and random session files into `wizard sessions list`,
`show`, `export` (every format), `delete` and `wizard --resume`. Whatever the folder holds,
the verdict of conftest_hostile.check holds: exit 0-3 with a message, no traceback, no
internal error, no hang, nothing a terminal would obey; and a file wizard cannot read is left
exactly as it was."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from hypothesis import given
from hypothesis import strategies as st

from conftest import DEMO_TREE, FUZZ_SETTINGS
from conftest_hostile import INJECTIONS, check, counted, mutated_data, run_cli, ui_not_run
from wizard.engine.engine import Engine
from wizard.sessions import SessionRecorder, SessionStore
from wizard.sessions.store import END_MARK, HEADER
from wizard.tree.loader import load_tree

ID = "20260101-120000-0123abcd"


def base_sessions(folder: Path) -> list[dict[str, Any]]:
    """Two real sessions as data: one complete with ticks, one in progress with a flag and kept answers."""
    store = SessionStore(folder)
    loaded = load_tree(DEMO_TREE)
    found = []
    for answers, change in ((("low_back", "none", "yes", 20, "yes"), None), (("low_back", "strain", "initial", "yes"), ("injury", "none"))):
        engine = Engine(loaded.tree)
        session = store.new(loaded, label="base [b]x[/b]")
        with SessionRecorder(store, session) as recorder:
            for answer in answers:
                engine.answer(answer)
                recorder.answered(engine)
            if change:
                engine.change(*change)
                recorder.answered(engine)
            recorder.ticked("region", True)
        found.append(tomllib.loads(store.path_of(session.id).read_text()))
    found[1]["flagged"] = [
        dict(found[1]["answers"][0], reason="not_reached", message="set aside \x1b[31m", flagged_at=found[1]["answers"][0]["at"], tree_sha256="0" * 64)
    ]
    return found


@pytest.fixture(scope="module")
def bases(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    return base_sessions(tmp_path_factory.mktemp("fuzz-session-bases"))


@pytest.fixture(scope="module", autouse=True)
def release_locks() -> Iterator[Callable[[], None]]:
    with ui_not_run() as release:
        yield release


def session_text(data: dict[str, Any], session_id: str = ID) -> str:
    data = dict(data, id=session_id) if "id" in data else data
    return HEADER + tomli_w.dumps(data) + END_MARK + "\n"


def hostile_strings(data: Any) -> Any:
    """Every string of the session replaced by an injection (ids stay, so the file still loads)."""
    if isinstance(data, dict):
        return {k: v if k in ("id", "question", "schema_version", "status", "role", "reason", "created", "updated", "at", "flagged_at") else hostile_strings(v) for k, v in data.items()}
    if isinstance(data, list):
        return [hostile_strings(v) for v in data]
    if isinstance(data, str):
        return "x " + INJECTIONS[len(data) % len(INJECTIONS)]
    return data


@st.composite
def session_files(draw: st.DrawFn, bases: list[dict[str, Any]]) -> bytes:
    base = draw(st.sampled_from(bases))
    kind = draw(st.sampled_from(["data", "data", "hostile", "text", "bytes", "cut"]))
    if kind == "hostile":
        return session_text(hostile_strings(draw(mutated_data(base, max_edits=2)))).encode("utf-8", "surrogatepass")
    if kind == "data":
        return session_text(draw(mutated_data(base))).encode("utf-8", "surrogatepass")
    text = session_text(base)
    if kind == "cut":
        return text.encode()[: draw(st.integers(min_value=0, max_value=len(text)))]
    if kind == "bytes":
        return draw(st.binary(max_size=200))
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        at = draw(st.integers(min_value=0, max_value=len(text) - len(END_MARK) - 2))
        piece = draw(st.one_of(st.sampled_from(INJECTIONS), st.text(max_size=5), st.sampled_from(['"', "[", "]", "=", "\n", "1", "\\"])))
        text = text[:at] + piece + text[at + draw(st.integers(min_value=0, max_value=8)) :]
    return text.encode("utf-8", "surrogatepass")


def plant(folder: Path, raw: bytes, extra: str) -> None:
    """The session file, and sometimes something odd beside it."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    for leftover in folder.iterdir():
        if leftover.is_dir() and not leftover.is_symlink():
            leftover.rmdir()
        else:
            leftover.unlink()
    (folder / f"{ID}.toml").write_bytes(raw)
    other = folder / "20260101-120001-00000000.toml"
    if extra == "link":
        other.symlink_to(folder / f"{ID}.toml")
    elif extra == "fifo":
        os.mkfifo(other)
    elif extra == "folder":
        other.mkdir()
    elif extra == "foreign":
        (folder / "notes [b]x[b] \x1b[31m.toml").write_text('title = "not a session"\n')


@FUZZ_SETTINGS
@given(data=st.data(), extra=st.sampled_from(["", "", "link", "fifo", "folder", "foreign"]))
@counted("session files")
def test_random_session_files_never_crash_the_sessions_commands(
    tmp_path_factory: pytest.TempPathFactory, bases: list[dict[str, Any]], release_locks: Callable[[], None], data: st.DataObject, extra: str
) -> None:
    folder = tmp_path_factory.getbasetemp() / "fuzz-sessions"
    raw = data.draw(session_files(bases))
    plant(folder, raw, extra)
    where = ["--sessions", str(folder)]
    try:
        check(run_cli(["sessions", *where, "list"]))
        check(run_cli(["sessions", *where, "list", "--format", "json"]))
        check(run_cli(["sessions", *where, "show", ID]))
        for fmt in ("text", "markdown", "json", "fhir"):
            check(run_cli(["sessions", *where, "export", ID, "--format", fmt]))
        # With --tree, or with the tree the session names (any path a file may hold).
        check(run_cli([*where, *data.draw(st.sampled_from([["--tree", str(DEMO_TREE)], []])), "--resume", ID]))
        release_locks()
        if (folder / f"{ID}.toml").read_bytes() != raw:
            # Only a readable session is ever written, and then as wizard writes it.
            assert SessionStore(folder).load(ID).id == ID
        check(run_cli(["sessions", *where, "delete", ID, "--yes"]))
    finally:
        release_locks()


@pytest.mark.parametrize(("field", "value"), [("code", ""), ("code", "M54  50"), ("answer", ""), ("answer", " low_back"), ("question", "")])
def test_a_session_fhir_cannot_hold_is_a_message_and_the_other_formats_still_work(tmp_path: Path, bases: list[dict[str, Any]], field: str, value: str) -> None:
    data = tomllib.loads(session_text(bases[0]))
    if field == "code":
        data["result"]["codes"][0]["code"] = value
    else:
        data["answers"][0][field] = value
    folder = tmp_path / "sessions"
    folder.mkdir()
    (folder / f"{ID}.toml").write_text(session_text(data))
    outcome = check(run_cli(["sessions", "--sessions", str(folder), "export", ID, "--format", "fhir"]))
    assert outcome.code == 2 and f"session {ID} cannot be written as a FHIR R4 bundle" in outcome.err and repr(value) in outcome.err
    for fmt in ("text", "markdown", "json"):
        assert check(run_cli(["sessions", "--sessions", str(folder), "export", ID, "--format", fmt])).code == 0
