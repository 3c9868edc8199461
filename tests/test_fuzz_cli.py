"""Fuzzing the command line: random answers files into `wizard run`, and random argument lists
into every command. The verdict is conftest_hostile.check: exit 0-3 with a message, no
traceback, no internal error, no hang, nothing a terminal would obey.

`wizard` with no command (and `wizard quiz` with no case) would take over the terminal: here
the app is built as usual but not run, so the options around it are fuzzed too."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import tomli_w
from hypothesis import given
from hypothesis import strategies as st

from conftest import BROKEN, DEMO_TREE, FUZZ_SETTINGS
from conftest_hostile import INJECTIONS, check, counted, run_cli, ui_not_run

DEMO_ANSWERS = {"region": "low_back", "injury": "strain", "encounter": "initial", "pregnant": "yes", "weeks": 20, "chronic": "yes"}


@pytest.fixture(scope="module", autouse=True)
def release_locks() -> Iterator[Callable[[], None]]:
    with ui_not_run() as release:
        yield release


@pytest.fixture(scope="module")
def place(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Paths of every kind a user (or an attacker) might name: good files, broken ones, a
    folder, a fifo, a device, a link loop, a path under a file, a name too long, none at all."""
    folder = tmp_path_factory.mktemp("fuzz-cli")
    answers = folder / "answers.toml"
    answers.write_text(tomli_w.dumps({"answers": DEMO_ANSWERS}))
    (folder / "empty.toml").write_text("")
    (folder / "binary.toml").write_bytes(bytes(range(256)))
    os.mkfifo(folder / "fifo.toml")
    (folder / "loop.toml").symlink_to(folder / "loop.toml")
    sessions = folder / "sessions"
    outcome = run_cli(["run", "--tree", str(DEMO_TREE), "--answers", str(answers), "--save", "--label", "fuzz", "--sessions", str(sessions)])
    session_id = outcome.err.split("saved session ")[1].split()[0]
    return {
        "tree": str(DEMO_TREE),
        "broken": str(BROKEN / "typo_key.toml"),
        "syntax": str(BROKEN / "syntax.toml"),
        "answers": str(answers),
        "empty": str(folder / "empty.toml"),
        "binary": str(folder / "binary.toml"),
        "fifo": str(folder / "fifo.toml"),
        "loop": str(folder / "loop.toml"),
        "folder": str(folder),
        "under_file": str(answers / "x.toml"),
        "long": str(folder / ("x" * 300)),
        "missing": str(folder / "missing.toml"),
        "null": "/dev/null",
        "zero": "/dev/zero",
        "sessions": str(sessions),
        "session": session_id,
        "prefix": session_id[:10],
        "out": str(folder / "out.txt"),
    }


def answers_files() -> st.SearchStrategy[bytes]:
    """TOML with an [answers] table of every shape, or other TOML, or bytes."""
    keys = st.one_of(st.sampled_from([*DEMO_ANSWERS, "answers", ""]), st.sampled_from(INJECTIONS), st.text(max_size=10))
    values = st.one_of(
        st.sampled_from(["low_back", "thoracic", "elsewhere", "none", "strain", "yes", "no", "unknown", "initial", ""]),
        st.sampled_from(INJECTIONS),
        st.text(max_size=10),
        st.integers(min_value=-(2**63), max_value=2**63 - 1),
        st.sampled_from([0, 1, 13, 14, 45, 46, -1]),
        st.booleans(),
        st.floats(allow_nan=False),
        st.lists(st.integers(), max_size=2),
        st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    )
    answers = st.builds(lambda base, extra: {**base, **extra}, st.sampled_from([{}, DEMO_ANSWERS, {"region": "thoracic"}]), st.dictionaries(keys, values, max_size=5))
    tables = st.one_of(
        answers.map(lambda a: {"answers": a}),
        answers.map(lambda a: {"answer": a}),
        st.dictionaries(st.text(max_size=5), values, max_size=3).map(lambda d: {"answers": d, "other": 1}),
        values.map(lambda v: {"answers": v}),
    )
    return st.one_of(
        tables.map(lambda d: tomli_w.dumps(d).encode("utf-8", "surrogatepass")),
        st.binary(max_size=60),
        st.text(max_size=60).map(lambda t: t.encode("utf-8", "surrogatepass")),
        st.just(b"answers = " + b"[" * 3000 + b"]" * 3000),
    )


@pytest.fixture(scope="module")
def answers_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz-answers") / "answers.toml"


@FUZZ_SETTINGS
@given(raw=answers_files(), fmt=st.sampled_from(["text", "markdown", "json", "fhir"]), save=st.booleans(), label=st.one_of(st.none(), st.sampled_from(INJECTIONS), st.text(max_size=20)))
@counted("answers files")
def test_random_answers_files_never_crash_a_run(answers_path: Path, place: dict[str, str], raw: bytes, fmt: str, save: bool, label: str | None) -> None:
    answers_path.write_bytes(raw)
    argv = ["run", "--tree", place["tree"], "--answers", str(answers_path), "--format", fmt, "--sessions", place["sessions"]]
    if save:
        argv.append("--save")
    if label is not None:
        argv += ["--label", label]
    check(run_cli(argv))


COMMANDS = (
    ["run"], ["lint"], ["graph"], ["sessions"], ["sessions", "list"], ["sessions", "show"], ["sessions", "export"],
    ["sessions", "delete"], ["quiz"], ["quiz", "--list"], ["quiz", "--case"], [],
)
OPTIONS = (
    "--tree", "--answers", "--format", "--save", "--label", "--patient-ref", "--sessions", "--out", "--yes", "--resume",
    "--list", "--case", "--answer", "--help", "--version", "--", "-", "--tree=", "--format=json",
)
VALUES = ("text", "markdown", "json", "fhir", "xml", "Patient/123", "Patient/", "urn:uuid:x", "M54.50,G89.29", "none", "", " ", "0", "-1")


@st.composite
def argument_lists(draw: st.DrawFn, place: dict[str, str]) -> list[str]:
    tokens = st.one_of(
        st.sampled_from(OPTIONS),
        st.sampled_from(sorted(place)).map(place.__getitem__),
        st.sampled_from(VALUES),
        st.sampled_from(INJECTIONS),
        st.text(max_size=12),
        st.sampled_from(["thoracic_spine_pain", "low_back_pain_unspecified"]),
    )
    argv = list(draw(st.sampled_from(COMMANDS)))
    argv += draw(st.lists(tokens, max_size=8))
    if argv and argv[0] == "run" and draw(st.booleans()):
        argv += ["--tree", place["tree"], "--answers", place["answers"]]
    return argv


@FUZZ_SETTINGS
@given(data=st.data())
@counted("argument lists")
def test_random_argument_lists_never_crash_a_command(place: dict[str, str], release_locks: Callable[[], None], data: st.DataObject) -> None:
    argv = data.draw(argument_lists(place))
    try:
        check(run_cli(argv))
    finally:
        release_locks()


@pytest.mark.parametrize("name", ["empty", "binary", "fifo", "loop", "folder", "under_file", "long", "missing", "null", "zero"])
def test_every_kind_of_bad_path_is_a_message(place: dict[str, str], name: str) -> None:
    """The same paths as the fuzzer's, each tried once for each file a command reads."""
    path = place[name]
    for argv in (
        ["run", "--tree", path, "--answers", place["answers"]],
        ["run", "--tree", place["tree"], "--answers", path],
        ["lint", path],
        ["graph", "--tree", path],
        ["sessions", "--sessions", path, "list"],
        ["sessions", "--sessions", place["sessions"], "export", place["session"], "--out", path],
    ):
        check(run_cli(argv, timeout=10))


def test_deeply_nested_toml_is_a_message_everywhere(tmp_path: Path) -> None:
    """tomllib recurses once per level: a tree, answers or session file nested thousands deep."""
    deep = b"x = " + b"[" * 5000 + b"]" * 5000 + b"\n# end of wizard session\n"
    tree, answers, sessions = tmp_path / "tree.toml", tmp_path / "answers.toml", tmp_path / "sessions"
    tree.write_bytes(deep)
    answers.write_bytes(b"[answers]\n" + deep)
    sessions.mkdir()
    (sessions / "20260101-120000-0123abcd.toml").write_bytes(b"schema_version = 1\n" + deep)
    for argv, message in (
        (["lint", str(tree)], "nested too deeply"),
        (["run", "--tree", str(tree), "--answers", str(answers)], "nested too deeply"),
        (["run", "--tree", str(DEMO_TREE), "--answers", str(answers)], "nested too deeply"),
        (["sessions", "--sessions", str(sessions), "list"], "nests lists or tables too deeply"),
        (["sessions", "--sessions", str(sessions), "show", "20260101"], "nests lists or tables too deeply"),
    ):
        outcome = check(run_cli(argv))
        assert message in outcome.out + outcome.err, outcome
