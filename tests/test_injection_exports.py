"""Injection through the exports and the command line: text from trees, sessions, answers files
and labels is shown as written. Markup and HTML stay literal text, terminal control and escape
sequences (OSC 52, CSI, C0/C1, bidi overrides) never reach a terminal: text and markdown drop
them, json and FHIR keep the data exactly but write those characters as \\u escapes."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest
import tomli_w

from conftest import DEMO_TREE, HOSTILE_COUNTS
from conftest_hostile import INJECTIONS, OBEYED, check, obeyed, run_cli
from wizard.export import FORMATS, render
from wizard.sessions import SessionStore, session_transcript
from wizard.sessions.store import END_MARK, HEADER
from wizard.text import clean

DEMO_ANSWERS = {"region": "low_back", "injury": "none", "pregnant": "yes", "weeks": 20, "chronic": "yes"}
TEXT_KEYS = ("prompt", "label", "description", "reason", "text", "message", "title", "version")


def saved_session(folder: Path) -> str:
    outcome = check(run_cli(["run", "--tree", str(DEMO_TREE), "--answers", str(answers_file(folder, DEMO_ANSWERS)), "--save", "--sessions", str(folder / "s")]))
    return outcome.err.split("saved session ")[1].split()[0]


def answers_file(folder: Path, answers: dict[str, object]) -> Path:
    path = folder / "answers.toml"
    path.write_text(tomli_w.dumps({"answers": answers}))
    return path


def poison(data: object, injection: str) -> object:
    """Every text field of a session (prompts, labels, reasons, descriptions...) with the injection in it."""
    if isinstance(data, dict):
        return {k: (f"{v} {injection}" if k in TEXT_KEYS and isinstance(v, str) else poison(v, injection)) for k, v in data.items()}
    if isinstance(data, list):
        return [poison(v, injection) for v in data]
    return data


@pytest.fixture(scope="module")
def poisoned(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, str]]:
    """One saved session per injection, every text field of it carrying that injection."""
    HOSTILE_COUNTS["injection strings"] = len(INJECTIONS)
    folder = tmp_path_factory.mktemp("poisoned")
    session_id = saved_session(folder)
    data = tomllib.loads((folder / "s" / f"{session_id}.toml").read_text())
    found = {}
    for n, injection in enumerate(INJECTIONS):
        sessions = folder / f"s{n}"
        sessions.mkdir(mode=0o700)
        hostile = poison(data, injection)
        hostile["label"] = "bay [bold red]3[/]"  # a label may hold markup, never controls
        (sessions / f"{session_id}.toml").write_text(HEADER + tomli_w.dumps(hostile) + END_MARK + "\n")
        found[injection] = (sessions, session_id)
    return found


@pytest.mark.parametrize("injection", INJECTIONS, ids=range(len(INJECTIONS)))
def test_every_export_of_a_poisoned_session_shows_nothing_a_terminal_obeys(poisoned, injection: str) -> None:
    sessions, session_id = poisoned[injection]
    session = SessionStore(sessions).load(session_id)
    transcript = session_transcript(session)
    for fmt in FORMATS:
        text = render(transcript, fmt)
        assert not obeyed(text), (fmt, obeyed(text))
        # The same through the command line, to stdout and to a file.
        out = check(run_cli(["sessions", "--sessions", str(sessions), "export", session_id, "--format", fmt])).out
        assert out == text
    shown = clean(injection).replace("\n", " ").replace("\t", " ")
    text = render(transcript, "text")
    for word in shown.split():
        assert word in text, word  # what remains is shown as written: markup, HTML, braces
    # json and FHIR keep the data exactly.
    data = json.loads(render(transcript, "json"))
    assert data["path"][0]["prompt"] == session.answers[0].prompt
    assert data["codes"][0]["description"] == session.result.codes[0].description
    bundle = json.loads(render(transcript, "fhir"))
    response = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "QuestionnaireResponse")
    assert response["item"][0]["text"] == session.answers[0].prompt


def test_markdown_shows_markup_links_and_html_as_written(poisoned) -> None:
    """A markdown viewer shows these as text: no link, no HTML, no emphasis, no extra column."""
    unescaped = {
        "[click](javascript:alert(1))": r"(?<!\\)\[click(?<!\\)\]\(",
        "<script>alert(1)</script>": r"(?<!\\)<script",
        "`code` *em* _u_ ~s~ &amp;": r"(?<!\\)`code|(?<!\\)\*em|(?<!\\)&amp;",
        "| a | b |\n|---|": r"(?<!\\)\| a (?<!\\)\|",
    }
    for injection, pattern in unescaped.items():
        sessions, session_id = poisoned[injection]
        text = render(session_transcript(SessionStore(sessions).load(session_id)), "markdown")
        assert not re.search(pattern, text), re.search(pattern, text)
        assert "bay \\[bold red\\]3\\[/\\]" in text
        for line in text.splitlines():
            if line.startswith("| "):
                assert len(re.findall(r"(?<!\\)\|", line)) in (3, 4, 6), line  # the table's own columns only


def test_sessions_list_and_show_of_a_poisoned_folder_show_nothing_a_terminal_obeys(poisoned) -> None:
    for sessions, session_id in poisoned.values():
        check(run_cli(["sessions", "--sessions", str(sessions), "list"]))
        check(run_cli(["sessions", "--sessions", str(sessions), "list", "--format", "json"]))
        check(run_cli(["sessions", "--sessions", str(sessions), "show", session_id]))


@pytest.mark.parametrize("injection", INJECTIONS, ids=range(len(INJECTIONS)))
def test_hostile_answers_files_paths_and_options_give_clean_messages(tmp_path: Path, injection: str) -> None:
    answers = {"region": "low_back", injection: "x", "injury": injection, "weeks": 20}
    outcome = check(run_cli(["run", "--tree", str(DEMO_TREE), "--answers", str(answers_file(tmp_path, answers))]))
    assert outcome.code == 2 and "answers that tree 'demo' does not take" in outcome.err
    for argv in (
        ["run", "--tree", str(tmp_path / injection), "--answers", str(tmp_path / "answers.toml")],
        ["run", "--tree", str(DEMO_TREE), "--answers", str(tmp_path / "answers.toml"), "--format", injection],
        ["lint", str(tmp_path / injection)],
        ["sessions", "--sessions", str(tmp_path / "s"), "show", injection],
        ["quiz", "--case", injection, "--answer", injection],
        ["quiz", "--case", "thoracic_spine_pain", "--answer", f"M54.6,{injection}"],
        [injection],
    ):
        check(run_cli(argv))


@pytest.mark.parametrize("injection", INJECTIONS, ids=range(len(INJECTIONS)))
def test_a_label_may_hold_markup_but_never_a_control_character(tmp_path: Path, injection: str) -> None:
    argv = ["run", "--tree", str(DEMO_TREE), "--answers", str(answers_file(tmp_path, DEMO_ANSWERS)), "--save", "--sessions", str(tmp_path / "s")]
    outcome = check(run_cli([*argv, "--label", injection]))
    if OBEYED.search(injection) or "\n" in injection or "\t" in injection:
        assert outcome.code == 2 and "--label" not in outcome.out and "without control characters" in outcome.err
        assert not (tmp_path / "s").exists() or not list((tmp_path / "s").glob("*.toml"))
    else:
        assert outcome.code == 0
        (listing,) = SessionStore(tmp_path / "s").list()
        assert listing.session.label == injection.strip()
        shown = check(run_cli(["sessions", "--sessions", str(tmp_path / "s"), "list"])).out
        assert f"[{injection.strip()}]" in shown
