"""The sessions commands: run --save, sessions list/show/export/delete, and --resume."""

from __future__ import annotations

import json
import re
import stat
import subprocess
import sys
import types
from pathlib import Path

import pytest
from fhir.resources.R4B.bundle import Bundle

from conftest import DEMO_TREE, REPO
from test_sessions import DEMO_ANSWERS, record_demo
from wizard.cli import main
from wizard.sessions import SessionStore

ANSWERS = '[answers]\nregion = "low_back"\npregnant = "yes"\nweeks = 20\nchronic = "yes"\n'


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "sessions"


@pytest.fixture
def answers(tmp_path: Path) -> Path:
    path = tmp_path / "answers.toml"
    path.write_text(ANSWERS)
    return path


def run_saved(folder: Path, answers: Path, capsys, *extra: str) -> tuple[str, str]:
    """wizard run --save; returns (session id, stdout)."""
    code = main(["run", "--tree", str(DEMO_TREE), "--answers", str(answers), "--save", "--sessions", str(folder), *extra])
    out, err = capsys.readouterr()
    assert code == 0, err
    match = re.search(r"saved session (\S+) in ", err)
    assert match, err
    return match.group(1), out


def test_run_save_prints_the_id_and_export_gives_the_same_output(folder, answers, capsys):
    session_id, out = run_saved(folder, answers, capsys, "--label", "bay 3")
    session = SessionStore(folder).load(session_id)
    assert session.status == "complete" and session.label == "bay 3"
    assert [a.answer for a in session.answers] == list(DEMO_ANSWERS)
    assert main(["sessions", "--sessions", str(folder), "export", session_id]) == 0
    assert capsys.readouterr().out == out
    assert f"Session: {session_id}" in out


def test_run_save_through_a_real_process_and_the_environment(tmp_path, answers):
    env_folder = tmp_path / "env-sessions"
    done = subprocess.run(
        [sys.executable, "-m", "wizard", "run", "--tree", str(DEMO_TREE), "--answers", str(answers), "--save", "--format", "json"],
        capture_output=True, text=True, cwd=REPO, timeout=120, env={**__import__("os").environ, "WIZARD_SESSIONS_DIR": str(env_folder)},
    )
    assert done.returncode == 0, done.stderr
    session_id = json.loads(done.stdout)["session_id"]
    assert session_id in done.stderr
    assert (env_folder / f"{session_id}.toml").is_file()


@pytest.mark.parametrize("fmt", ["text", "markdown", "json", "fhir"])
def test_export_formats_to_a_private_file(folder, answers, capsys, tmp_path, fmt):
    session_id, _ = run_saved(folder, answers, capsys)
    out = tmp_path / f"export.{fmt}"
    assert main(["sessions", "export", session_id, "--format", fmt, "--out", str(out), "--sessions", str(folder)]) == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    text = out.read_text()
    assert "O26.892" in text
    if fmt == "json":
        assert json.loads(text)["session_id"] == session_id
    if fmt == "fhir":
        assert Bundle.model_validate_json(text).entry[0].resource.code.coding[0].code == "O26.892"


def test_fhir_export_with_a_patient_reference(folder, answers, capsys):
    session_id, _ = run_saved(folder, answers, capsys)
    assert main(["sessions", "export", session_id[:12], "--format", "fhir", "--patient-ref", "Patient/42", "--sessions", str(folder)]) == 0
    bundle = Bundle.model_validate_json(capsys.readouterr().out)
    assert bundle.entry[0].resource.subject.reference == "Patient/42"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--format", "text", "--patient-ref", "Patient/1"], "--patient-ref is the subject of a FHIR bundle"),
        (["--format", "fhir", "--patient-ref", "Bob Smith"], "not a patient reference"),
    ],
)
def test_bad_patient_reference_use_exits_2(folder, answers, capsys, argv, message):
    session_id, _ = run_saved(folder, answers, capsys)
    assert main(["sessions", "export", session_id, "--sessions", str(folder), *argv]) == 2
    assert message in capsys.readouterr().err


def test_run_label_without_save_exits_2(answers, capsys):
    assert main(["run", "--tree", str(DEMO_TREE), "--answers", str(answers), "--label", "x"]) == 2
    assert "add --save" in capsys.readouterr().err


def test_run_fhir_format_without_saving(answers, capsys):
    assert main(["run", "--tree", str(DEMO_TREE), "--answers", str(answers), "--format", "fhir"]) == 0
    assert Bundle.model_validate_json(capsys.readouterr().out).type == "collection"


def test_list_shows_readable_and_unreadable_sessions(folder, answers, capsys):
    session_id, _ = run_saved(folder, answers, capsys, "--label", "bay 3")
    broken = folder / "20200101-000000-00000000.toml"
    broken.write_text("schema_version = 1\nid = [")
    assert main(["sessions", "list", "--sessions", str(folder)]) == 0
    out = capsys.readouterr().out
    assert session_id in out and "complete" in out and "O26.892 M54.50 G89.29" in out and "[bay 3]" in out
    assert "20200101-000000-00000000  UNREADABLE: is not valid TOML" in out
    assert main(["sessions", "list", "--format", "json", "--sessions", str(folder)]) == 0
    rows = json.loads(capsys.readouterr().out)["sessions"]
    assert [r["readable"] for r in rows] == [True, False]
    assert broken.read_text() == "schema_version = 1\nid = ["


def test_show_and_export_of_an_unreadable_session_exit_2_naming_the_file(folder, capsys):
    folder.mkdir()
    broken = folder / "20200101-000000-00000000.toml"
    broken.write_text("schema_version = 7\n")
    for action in (["show"], ["export", "--format", "json"]):
        assert main(["sessions", "--sessions", str(folder), action[0], "20200101-000000-00000000", *action[1:]]) == 2
        err = capsys.readouterr().err
        assert str(broken) in err and "newer wizard" in err and "Fix:" in err
    assert broken.read_text() == "schema_version = 7\n"


@pytest.mark.parametrize("bad", ["../x", "/etc/passwd", "..", "a/b"])
def test_path_like_ids_exit_2(folder, capsys, bad):
    for action in ("show", "export", "delete"):
        assert main(["sessions", "--sessions", str(folder), action, bad, *(["--yes"] if action == "delete" else [])]) == 2
        assert "not a session id" in capsys.readouterr().err


def test_show_prints_the_file_status_and_transcript(folder, answers, capsys):
    session_id, _ = run_saved(folder, answers, capsys)
    assert main(["sessions", "show", session_id, "--sessions", str(folder)]) == 0
    out = capsys.readouterr().out
    assert f"Session {session_id}: complete" in out and str(folder / f"{session_id}.toml") in out
    assert "Codes, in reporting order:" in out


def test_empty_folder_lists_nothing_and_sessions_without_action_exits_2(folder, capsys):
    assert main(["sessions", "list", "--sessions", str(folder)]) == 0
    assert "No sessions in" in capsys.readouterr().out
    assert main(["sessions", "--sessions", str(folder)]) == 2
    assert "name an action" in capsys.readouterr().err


def test_delete_without_a_terminal_needs_yes(folder, answers, capsys, monkeypatch):
    session_id, _ = run_saved(folder, answers, capsys)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: False, raising=False)
    assert main(["sessions", "delete", session_id, "--sessions", str(folder)]) == 2
    assert "add --yes" in capsys.readouterr().err
    assert (folder / f"{session_id}.toml").exists()
    assert main(["sessions", "delete", session_id, "--yes", "--sessions", str(folder)]) == 0
    assert not (folder / f"{session_id}.toml").exists()


@pytest.mark.parametrize(("reply", "kept"), [("n", True), ("", True), ("y", False), ("yes", False)])
def test_delete_asks_on_a_terminal(folder, answers, capsys, monkeypatch, reply, kept):
    session_id, _ = run_saved(folder, answers, capsys)
    fake_stdin = types.SimpleNamespace(isatty=lambda: True)
    monkeypatch.setattr(sys, "stdin", fake_stdin)
    asked = []
    monkeypatch.setattr("builtins.input", lambda prompt: asked.append(prompt) or reply)
    assert main(["sessions", "delete", session_id, "--sessions", str(folder)]) == 0
    assert "cannot be undone" in asked[0]
    assert (folder / f"{session_id}.toml").exists() is kept


# ---- --resume hands the UI a loaded session --------------------------------------------------


@pytest.fixture
def fake_ui(monkeypatch):
    calls = []
    module = types.ModuleType("wizard.ui.app")
    module.run_app = lambda loaded, args: calls.append((loaded, args)) or 0
    monkeypatch.setitem(sys.modules, "wizard.ui.app", module)
    return calls


def test_resume_without_id_takes_the_latest_session_in_progress(folder, fake_ui, capsys):
    store = SessionStore(folder)
    record_demo(store, answers=DEMO_ANSWERS[:2])
    latest, _ = record_demo(store, answers=DEMO_ANSWERS[:3])
    record_demo(store)  # complete: not resumed
    assert main(["--sessions", str(folder), "--resume"]) == 0
    loaded, args = fake_ui[0]
    assert args.resume_session.id == latest.id
    assert args.resume_session.answers == latest.answers
    assert args.session_store.folder == folder
    assert loaded.tree.tree.id == "demo"  # the tree the session recorded, not the shipped one
    # The session is claimed for this process: the UI's recorder nests inside the claim.
    from wizard.sessions import SessionRecorder

    with SessionRecorder(args.session_store, args.resume_session) as recorder:
        assert recorder.save()


def test_resume_by_id_prefix_and_new_session_label(folder, fake_ui):
    store = SessionStore(folder)
    session, _ = record_demo(store, answers=DEMO_ANSWERS[:1])
    assert main(["--sessions", str(folder), "--resume", session.id[:17]]) == 0
    assert fake_ui[-1][1].resume_session.id == session.id
    assert main(["--sessions", str(folder), "--tree", str(DEMO_TREE), "--label", "bay 9"]) == 0
    assert fake_ui[-1][1].resume_session is None and fake_ui[-1][1].label == "bay 9"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--resume"], "no session in progress"),
        (["--resume", "../../etc"], "not a session id"),
        (["--resume", "2099"], "no session id starts with"),
        (["--label", "two\nlines"], "one line"),
    ],
)
def test_resume_and_label_problems_exit_2(folder, fake_ui, capsys, argv, message):
    assert main(["--sessions", str(folder), "--tree", str(DEMO_TREE), *argv]) == 2
    assert message in capsys.readouterr().err
    assert fake_ui == []


def test_resume_with_a_different_tree_exits_2(folder, fake_ui, capsys, tmp_path):
    store = SessionStore(folder)
    session, _ = record_demo(store, answers=DEMO_ANSWERS[:1])
    other = tmp_path / "other.toml"
    other.write_text(DEMO_TREE.read_text().replace('id = "demo"', 'id = "other"'))
    assert main(["--sessions", str(folder), "--tree", str(other), "--resume", session.id]) == 2
    assert "made with tree 'demo'" in capsys.readouterr().err


@pytest.mark.parametrize(("mode", "told"), [(0o755, "read"), (0o777, "read and change"), (0o700, None)])
def test_a_named_folder_open_to_others_is_left_as_it_is_and_said_once(tmp_path, answers, capsys, mode, told):
    folder = tmp_path / "shared"
    folder.mkdir()
    folder.chmod(mode)
    assert main(["sessions", "--sessions", str(folder), "list"]) == 0
    err = capsys.readouterr().err
    assert stat.S_IMODE(folder.stat().st_mode) == mode  # never changed
    if told is None:
        assert "open to other users" not in err
    else:
        assert err.count("open to other users") == 1
        assert f"they can {told} the list of sessions" in err and f"chmod 700 {folder}" in err
    session_id, _ = run_saved(folder, answers, capsys)
    assert stat.S_IMODE((folder / f"{session_id}.toml").stat().st_mode) == 0o600
