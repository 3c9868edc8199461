"""The command line through a real subprocess: outputs and the exit codes scripts rely on."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import BROKEN, DEMO_TREE, REPO


def wizard(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "wizard", *args], capture_output=True, text=True, cwd=cwd, timeout=120)


def answers_file(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "answers.toml"
    path.write_text(body, encoding="utf-8")
    return path


def test_run_prints_json_with_codes_in_reporting_order(tmp_path):
    answers = answers_file(tmp_path, '[answers]\nregion = "low_back"\npregnant = "yes"\nweeks = 20\nchronic = "yes"\n')
    done = wizard("run", "--tree", str(DEMO_TREE), "--answers", str(answers), "--format", "json")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["icd10cm_release"] == "FY2026"
    assert out["tree"]["id"] == "demo"
    assert [c["code"] for c in out["codes"]] == ["O26.892", "M54.50", "G89.29"]
    assert out["codes"][1]["description"] == "Low back pain, unspecified"
    assert out["codes"][0]["role"] == "first-listed"
    assert {"code", "description", "role", "reason"} <= set(out["codes"][0])
    assert [step["question"] for step in out["path"]] == ["region", "injury", "pregnant", "weeks", "chronic"]
    assert any(item["kind"] == "query" for item in out["checklist"])


def test_run_text_and_markdown_formats(tmp_path):
    answers = answers_file(tmp_path, '[answers]\nregion = "thoracic"\n')
    text = wizard("run", "--tree", str(DEMO_TREE), "--answers", str(answers))
    assert text.returncode == 0 and "M54.6" in text.stdout and "Pain in thoracic spine" in text.stdout
    assert max(len(line) for line in text.stdout.splitlines()) <= 72
    markdown = wizard("run", "--tree", str(DEMO_TREE), "--answers", str(answers), "--format", "markdown")
    assert "| 1 | `M54.6` |" in markdown.stdout


def test_unknown_question_exits_2_with_did_you_mean(tmp_path):
    answers = answers_file(tmp_path, '[answers]\nregoin = "low_back"\n')
    done = wizard("run", "--tree", str(DEMO_TREE), "--answers", str(answers))
    assert done.returncode == 2
    assert "Did you mean 'region'" in done.stderr and "Traceback" not in done.stderr


def test_unknown_option_exits_2_with_the_valid_choices(tmp_path):
    answers = answers_file(tmp_path, '[answers]\nregion = "lower_back"\n')
    done = wizard("run", "--tree", str(DEMO_TREE), "--answers", str(answers))
    assert done.returncode == 2
    assert "low_back, thoracic, elsewhere" in done.stderr


def test_reached_but_unanswered_question_exits_3_naming_it(tmp_path):
    answers = answers_file(tmp_path, '[answers]\nregion = "low_back"\n')
    done = wizard("run", "--tree", str(DEMO_TREE), "--answers", str(answers))
    assert done.returncode == 3
    assert "'pregnant'" in done.stderr and "no, yes" in done.stderr


def test_answers_to_questions_not_reached_are_ignored(tmp_path):
    answers = answers_file(tmp_path, '[answers]\nregion = "thoracic"\ninjury = "strain"\nweeks = 12\n')
    done = wizard("run", "--tree", str(DEMO_TREE), "--answers", str(answers), "--format", "json")
    assert done.returncode == 0
    assert [c["code"] for c in json.loads(done.stdout)["codes"]] == ["M54.6"]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("region = ", "TOML syntax error"),
        ("[other]\nx = 1\n", "no [answers] table"),
        ("[answers]\nregion = true\n", "an answer is an option id"),
    ],
)
def test_bad_answers_files_exit_2_with_a_fix(tmp_path, body, expected):
    done = wizard("run", "--tree", str(DEMO_TREE), "--answers", str(answers_file(tmp_path, body)))
    assert done.returncode == 2 and expected in done.stderr and "Traceback" not in done.stderr


def test_missing_answers_file_and_broken_tree_exit_2(tmp_path):
    done = wizard("run", "--tree", str(DEMO_TREE), "--answers", str(tmp_path / "none.toml"))
    assert done.returncode == 2 and "no such answers file" in done.stderr
    answers = answers_file(tmp_path, '[answers]\nregion = "low_back"\n')
    done = wizard("run", "--tree", str(BROKEN / "typo_key.toml"), "--answers", str(answers))
    assert done.returncode == 2 and "did you mean 'help'" in done.stderr


def test_bad_arguments_exit_2_without_traceback():
    done = wizard("run", "--format", "pdf")
    assert done.returncode == 2 and "Traceback" not in done.stderr


def test_no_arguments_means_what_the_parser_makes_of_none():
    """`wizard` alone skips the parser (a launch is quicker without it); it must still start
    the UI exactly as the parser's defaults would."""
    from wizard.cli import default_arguments
    from wizard.cli.parser import build_parser

    assert vars(default_arguments()) == vars(build_parser().parse_args([]))


def test_lint_clean_tree_exits_0_and_counts_paths():
    done = wizard("lint", str(DEMO_TREE))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "reachable answer paths checked" in done.stdout


def test_lint_problems_exit_1_with_file_and_place():
    done = wizard("lint", str(BROKEN / "header_code.toml"))
    assert done.returncode == 1
    assert "header_code.toml" in done.stdout and "rules[1].code" in done.stdout and "M54.50" in done.stdout


def test_lint_json_format():
    done = wizard("lint", "--format", "json", str(BROKEN / "unknown_slot.toml"), str(DEMO_TREE))
    assert done.returncode == 1
    report = json.loads(done.stdout)
    assert report["ok"] is False
    first, second = report["files"]
    assert first["problems"][0]["where"] == "rules[4].slot"
    assert second["ok"] is True and second["paths_checked"] > 0


def test_lint_missing_file_exits_2(tmp_path):
    done = wizard("lint", str(tmp_path / "none.toml"))
    assert done.returncode == 2 and "no such tree file" in done.stderr


def test_graph_prints_mermaid():
    done = wizard("graph", "--tree", str(DEMO_TREE))
    assert done.returncode == 0
    assert "stateDiagram-v2" in done.stdout
    assert "region --> injury" in done.stdout


def test_headless_path_does_not_import_textual(tmp_path):
    answers = answers_file(tmp_path, '[answers]\nregion = "thoracic"\n')
    code = (
        "import sys; from wizard.cli import main; "
        f"rc = main(['run', '--tree', {str(DEMO_TREE)!r}, '--answers', {str(answers)!r}]); "
        "assert 'textual' not in sys.modules, 'textual was imported'; "
        "assert 'simple_icd_10_cm' not in sys.modules; sys.exit(rc)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert done.returncode == 0, done.stderr


def test_a_refused_launch_of_the_ui_leaves_the_garbage_collector_on(capsys):
    """The UI turns the collector off while it starts; a launch refused before that (here a
    label given to a resumed session) must not leave it off for the rest of the process."""
    import gc

    from wizard.cli import main

    gc.enable()
    assert main(["--resume", "anything", "--label", "x"]) == 2
    assert "--label names a new session" in capsys.readouterr().err
    assert gc.isenabled()


ESCAPED_ASCII = "D\\u00e9mo tree \\u2014 lumbar \\u00b7 spine \\ud83d\\ude00"


@pytest.mark.parametrize(
    ("env", "encoding", "shown"),
    [
        ({"PYTHONIOENCODING": "ascii"}, "ascii", ESCAPED_ASCII),
        ({"PYTHONIOENCODING": "latin-1"}, "latin-1", "Démo tree \\u2014 lumbar · spine \\ud83d\\ude00"),
        ({"LC_ALL": "C", "LANG": "C", "PYTHONCOERCECLOCALE": "0", "PYTHONUTF8": "0"}, "ascii", ESCAPED_ASCII),
    ],
    ids=["ascii pipe", "latin-1 pipe", "LANG=C"],
)
def test_output_the_stream_cannot_hold_is_escaped_never_an_error(tmp_path, env, encoding, shown):
    """A stdout that is not UTF-8 gets \\uXXXX escapes for what it cannot hold: the text
    export stays exact and the JSON export stays valid JSON with the same data."""
    import os

    title = "Démo tree — lumbar · spine 😀"
    tree = tmp_path / "tree.toml"
    tree.write_text(DEMO_TREE.read_text(encoding="utf-8").replace('title = "Demo tree"', f'title = "{title}"'), encoding="utf-8")
    answers = answers_file(tmp_path, '[answers]\nregion = "thoracic"\n')
    environment = {**os.environ, **env}
    for fmt in ("text", "json"):
        done = subprocess.run(
            [sys.executable, "-m", "wizard", "run", "--tree", str(tree), "--answers", str(answers), "--format", fmt],
            capture_output=True, cwd=REPO, timeout=120, env=environment,
        )
        assert done.returncode == 0, done.stderr.decode("ascii", "replace")
        out = done.stdout.decode(encoding)  # nothing the stream's encoding cannot hold reached it
        if fmt == "json":
            assert json.loads(out)["tree"]["title"] == title
        else:
            assert shown in out


def test_a_reader_that_closes_the_pipe_early_ends_the_command_quietly():
    """`wizard quiz --list | head -2`: the pipe closes before the list is written; wizard stops
    with the shell's code for it (141), never an "internal error"."""
    import os

    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the first line
    try:
        done = subprocess.run([sys.executable, "-m", "wizard", "quiz", "--list"], cwd=REPO, stdout=write_end, stderr=subprocess.PIPE, text=True, timeout=60)
    finally:
        os.close(write_end)
    assert done.returncode == 141
    assert done.stderr == ""


@pytest.mark.parametrize("argv", [["quiz", "--note", "note.txt"], ["--note", "note.txt", "quiz"]])
def test_the_quiz_refuses_a_note_with_the_reason_wherever_it_is_given(tmp_path, argv):
    (tmp_path / "note.txt").write_text("Chronic low back pain.\n")
    done = wizard(*argv, cwd=tmp_path)
    assert done.returncode == 2
    assert "trainee mode never reads a note for you: reading the note is the skill the quiz trains" in done.stderr


@pytest.mark.parametrize(
    "argv",
    [
        ["run", "--answers", "a.toml", "--format", "fhir", "--bundle-type", "transaction", "--date-of-service", "2026-12-07", "--sessions", "s"],
        ["lint", "t.toml", "--no-notes", "--release", "FY2027", "--icd-dir", "d"],
        ["icd", "diff", "FY2026", "FY2027", "--tree", "t.toml", "--format", "json"],
        ["icd", "import", "a.xml", "b.txt", "--effective", "2027-04-01", "--replace"],
        ["sessions", "export", "abc", "--format", "markdown", "--out", "o.md"],
        ["sessions", "delete", "abc", "--yes"],
        ["quiz", "--case", "c", "--answer", "M54.50"],
        ["prefill", "n.txt", "--format", "json"],
        ["graph", "--tree", "t.toml"],
        ["--tree", "t.toml", "--label", "run", "lint"],  # a command after the global options: the whole parser
    ],
)
def test_a_command_parsed_with_its_own_options_alone_reads_as_with_every_command(argv):
    """`wizard run ...` builds the options of `run` alone: the arguments it gets are the same."""
    from wizard.cli.parser import build_parser, parser_for

    assert vars(parser_for(argv).parse_args(argv)) == vars(build_parser().parse_args(argv))


def test_the_help_lists_every_command():
    from wizard.cli.parser import COMMANDS

    done = wizard("--help")
    assert done.returncode == 0
    assert all(f"    {name} " in done.stdout for name in COMMANDS)
