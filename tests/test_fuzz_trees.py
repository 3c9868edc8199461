"""Fuzzing tree files: mutated and random trees into the loader, `wizard lint`, `wizard run` and
`wizard graph`. Whatever the file holds, the verdict of conftest_hostile.check holds: exit 0-3
with a message, no traceback, no internal error, no hang, nothing a terminal would obey.

Three sources of trees: the demo tree's text edited at random places (syntax), the demo tree's
data with keys deleted and values replaced (schema, references, and trees that load but stress
the engine and lint), and the shipped tree's data mutated the same way (loader and run only:
its lint walks three million paths)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import DEMO_TREE, FUZZ_SETTINGS, SHIPPED_TREE
from conftest_hostile import INJECTIONS, check, counted, mutated_data, run_cli

DEMO_TEXT = DEMO_TREE.read_text(encoding="utf-8")
DEMO_DATA = tomllib.loads(DEMO_TEXT)
SHIPPED_DATA = tomllib.loads(SHIPPED_TREE.read_text(encoding="utf-8"))
DEMO_ANSWERS = {"region": "low_back", "injury": "strain", "encounter": "initial", "pregnant": "yes", "weeks": 20, "chronic": "yes"}

# Pieces of TOML and of the tree format that break things in interesting ways.
FRAGMENTS = (
    '"', "'", '"""', "[", "]", "[[", "]]", "{", "}", "=", ",", ".", "\n", "#", "\\", "\\u001b", "\\u202e", "\\x", "\\U0010FFFF",
    "1e999", "9223372036854775808", "-9223372036854775809", "inf", "nan", "0x10", "true", "1979-05-27T07:32:00Z",
    "[[questions]]\n", "[[rules]]\n", "[conditions]\n", "when = { x = 1 }", "not = ", "is = ", "codes = ", "{n:02}",
    "{seventh}", "id = \"region\"\n", "\x00", "\x1b", "\ufeff", "\u202e", "é",
)


@st.composite
def edited_text(draw: st.DrawFn) -> bytes:
    """The demo tree's text with a few inserts, deletes and replacements at random places."""
    text = DEMO_TEXT
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        at = draw(st.integers(min_value=0, max_value=len(text)))
        span = draw(st.integers(min_value=0, max_value=40))
        piece = draw(st.one_of(st.sampled_from(FRAGMENTS), st.sampled_from(INJECTIONS), st.text(max_size=6)))
        action = draw(st.sampled_from(["insert", "delete", "replace"]))
        if action == "insert":
            text = text[:at] + piece + text[at:]
        elif action == "delete":
            text = text[:at] + text[at + span :]
        else:
            text = text[:at] + piece + text[at + span :]
    raw = text.encode("utf-8", "surrogatepass")
    if draw(st.booleans()):
        # Sometimes bytes that are not UTF-8 at all.
        at = draw(st.integers(min_value=0, max_value=len(raw)))
        raw = raw[:at] + draw(st.binary(min_size=1, max_size=4)) + raw[at:]
    return raw


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("fuzz-trees")
    (folder / "answers.toml").write_text(tomli_w.dumps({"answers": DEMO_ANSWERS}))
    return folder


def exercise(tree: Path, answers: Path, lint: bool = True, formats: tuple[str, ...] = ("text", "markdown", "json", "fhir")) -> None:
    """Every command that reads a tree file, judged by check()."""
    if lint:
        check(run_cli(["lint", str(tree)]))
        check(run_cli(["lint", "--format", "json", str(tree)]))
    check(run_cli(["graph", "--tree", str(tree)]))
    for fmt in formats:
        check(run_cli(["run", "--tree", str(tree), "--answers", str(answers), "--format", fmt]))


def dump(data: dict[str, Any]) -> bytes:
    return tomli_w.dumps(data).encode("utf-8", "surrogatepass")


@FUZZ_SETTINGS
@given(raw=edited_text())
@counted("tree text")
def test_edited_tree_text_never_crashes_the_commands(workspace: Path, raw: bytes) -> None:
    tree = workspace / "edited.toml"
    tree.write_bytes(raw)
    exercise(tree, workspace / "answers.toml")


@FUZZ_SETTINGS
@given(data=mutated_data(DEMO_DATA))
@counted("tree data")
def test_mutated_tree_data_never_crashes_the_commands(workspace: Path, data: dict[str, Any]) -> None:
    tree = workspace / "mutated.toml"
    tree.write_bytes(dump(data))
    exercise(tree, workspace / "answers.toml")


@settings(FUZZ_SETTINGS, max_examples=max(10, FUZZ_SETTINGS.max_examples // 2))  # 60 KB of tree a load
@given(data=mutated_data(SHIPPED_DATA, max_edits=3), case=st.integers(min_value=0, max_value=3))
@counted("shipped tree data")
def test_mutated_shipped_tree_never_crashes_a_run(workspace: Path, data: dict[str, Any], case: int) -> None:
    from wizard.quiz import load_cases

    tree = workspace / "shipped.toml"
    tree.write_bytes(dump(data))
    answers = workspace / f"case{case}.toml"
    if not answers.exists():
        answers.write_text(tomli_w.dumps({"answers": dict(load_cases().cases[case * 7].answers)}))
    exercise(tree, answers, lint=False, formats=("text", "fhir"))


def test_a_tree_of_hostile_text_is_refused_with_the_place(tmp_path: Path) -> None:
    """Control and bidi characters in a tree are errors that name the key, the line and the character."""
    for injection in INJECTIONS:
        data = tomllib.loads(DEMO_TEXT)
        data["questions"][0]["prompt"] = "Where " + injection
        tree = tmp_path / "hostile.toml"
        tree.write_text(tomli_w.dumps(data), encoding="utf-8")
        outcome = check(run_cli(["lint", str(tree)]), codes=(0, 1))
        if any(ch in injection for ch in "\x1b\x07\x08\x0b\x0c\r\x00\x7f\x85\x9b\u202e\u2066\u200f"):
            assert outcome.code == 1
            assert "questions[0].prompt: has the control character U+" in outcome.out
        else:
            assert outcome.code == 0, outcome.out  # markup, HTML and the like are text, shown as written


def test_a_code_one_character_past_a_seventh_character_is_a_lint_problem(tmp_path: Path) -> None:
    tree = tmp_path / "long_code.toml"
    tree.write_text(DEMO_TEXT.replace('subsequent = "D"', 'subsequent = "DA"'))
    outcome = check(run_cli(["lint", str(tree)]))
    assert outcome.code == 1 and "S39.012DA" in outcome.out
