"""Reading a provider's note: cues in the tree format, the reader (medspaCy with ConText), the
prefill rules, `wizard prefill`, `wizard run --note`, bad notes, and the reader's discipline
(imported only when a note is read, silent on the terminal).

The notes are made up, written the way clinicians write; each test states the rule it checks.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import REPO, SHIPPED_TREE
from conftest_hostile import run_cli
from wizard.tree import load_tree

pytest.importorskip("medspacy")

TREE = load_tree(SHIPPED_TREE).tree


def suggest(note: str, given: dict | None = None):  # noqa: ANN201
    from wizard.notes.prefill import prefill
    from wizard.notes.reader import read_note

    return prefill(TREE, read_note(TREE, note), given)


def note_file(folder: Path, text: str | bytes, name: str = "note.txt") -> Path:
    path = folder / name
    (path.write_bytes if isinstance(text, bytes) else path.write_text)(text)  # type: ignore[operator]
    return path


SCIATICA_NOTE = """HPI: 52 yo M with chronic low back pain radiating down the right leg to the calf. No trauma.
Denies bowel or bladder incontinence. No prior back surgery.
Exam: SLR positive on the right. Strength, reflexes and sensation normal.
Imaging: none.
Assessment: Chronic low back pain with right sciatica.
Plan: PT, NSAIDs; pain management follow-up.
"""


# -- a note in pieces --------------------------------------------------------------------


def test_a_long_note_read_in_pieces_finds_what_reading_it_whole_finds(monkeypatch: pytest.MonkeyPatch) -> None:
    """The reader goes through a note in pieces of whole lines (ConText's cost grows with the
    square of a text's length); every mention, its place, its reading and its sentence are the
    ones a read of the whole note gives."""
    from wizard.notes import reader
    from wizard.quiz.cases import load_cases

    vignettes = [case.vignette for case in load_cases().cases]
    note = "\n\n".join(vignettes) + "\nDenies fever, chills or\nweight loss.\n\n\nR/o cauda equina. 22 weeks\ngestation."
    assert len(list(reader.line_pieces(note))) > 50
    in_pieces = reader.read_note(TREE, note)
    monkeypatch.setattr(reader, "PIECE", len(note) + 1)
    assert len(list(reader.line_pieces(note))) == 1
    whole = reader.read_note(TREE, note)
    assert len(whole) > 1000
    assert in_pieces == whole
    for mention in in_pieces:
        assert note[mention.start : mention.end] == mention.quote


@pytest.mark.parametrize("size", [1, 7, 40, 1000])
def test_the_pieces_are_whole_lines_that_make_up_the_note(size: int) -> None:
    from wizard.notes.reader import line_pieces

    note = "HPI: back pain.\n\nExam: " + "normal " * 30 + "\nPlan: PT\n"
    pieces = list(line_pieces(note, size))
    assert "".join(piece for _, piece in pieces) == note
    assert all(note[offset : offset + len(piece)] == piece for offset, piece in pieces)
    assert all(piece.endswith("\n") for _, piece in pieces)  # a line is never cut
    assert list(line_pieces("", size)) == []


def test_a_note_wrapped_at_a_fixed_width_reads_as_the_note_unwrapped() -> None:
    """A line break inside a sentence is a space to the reader: a sign denied on the line
    before stays denied, a phrase across two lines is found, and the quote is the note's own."""
    wrapped = (
        "HPI: 52 yo M with chronic low back pain radiating down the\nright leg to the calf. Denies fever, chills or\n"
        "weight loss. No bowel or bladder incontinence. Return to the\nED for saddle numbness.\n"
        "Assessment: Chronic low back pain with right sciatica.\n"
    )
    found = suggest(wrapped)
    assert found.answers["red_flags"] == "none"
    assert found.answers.get("red_flag_signs", ()) == ()  # the weight loss is denied, the saddle numbness hypothetical
    assert (found.answers["leg_symptoms"], found.answers["side"]) == ("sciatica", "right")
    across = [e for e in found.evidence_for("side") if "\n" in e.quote]
    assert [e.quote for e in across] == ["down the\nright leg"]  # found across the line break
    assert all(wrapped[e.start : e.end] == e.quote for e in found.evidence)


def test_a_line_that_ends_its_sentence_stays_a_sentence_of_its_own() -> None:
    from wizard.notes.reader import unwrap

    lines = "Fever: no\nWeight loss: yes\nHPI: back pain\nExam: normal.\nthen more\nPlan: PT\n- follow up"
    assert unwrap(lines) == lines
    assert unwrap("chills or\nweight loss") == "chills or weight loss"
    assert unwrap("return to the\r\nED") == "return to the\r ED"


# -- what the note states -----------------------------------------------------------------


def test_a_note_states_its_answers_each_with_the_words_it_came_from() -> None:
    found = suggest(SCIATICA_NOTE)
    for question, answer in {"region": "low_back", "leg_symptoms": "sciatica", "side": "right", "back_pain": "yes", "chronicity": "chronic", "injury": "none", "prior_surgery": "none"}.items():
        assert found.answers[question] == answer, question
    for evidence in found.evidence:
        assert SCIATICA_NOTE[evidence.start : evidence.end] == evidence.quote  # the exact words
    assert "psych_factors" in found.not_stated  # silence states nothing


def test_a_negated_sign_states_red_flags_none_and_a_rule_out_states_suspected() -> None:
    assert suggest("Low back pain. No saddle anaesthesia, bowel and bladder normal.").answers["red_flags"] == "none"
    assert suggest("Low back pain with urinary retention; r/o cauda equina.").answers["red_flags"] == "suspected"
    assert suggest("Rule out spinal malignancy given night pain.").answers["red_flags"] == "suspected"
    assert suggest("Assessment: cauda equina syndrome, confirmed on MRI.").answers["red_flags"] == "confirmed"
    # "no red flags" beside a rule-out is the rule-out: an absence yields to what is suspected.
    assert suggest("No red flags except night pain; rule out a spinal malignancy.").answers["red_flags"] == "suspected"


def test_signs_documented_are_the_set_and_signs_only_denied_are_none_of_them() -> None:
    found = suggest("Concern for cauda equina: urinary retention and saddle anesthesia on exam.")
    assert found.answers["red_flag_signs"] == ("urinary_retention", "saddle_anesthesia")
    assert suggest("Rule out neoplasm. No fever, no weight loss.").answers["red_flag_signs"] == ()


def test_chronic_only_from_the_word_never_from_a_duration() -> None:
    assert "chronicity" not in suggest("Low back pain for 8 months, worse with sitting.").answers
    assert suggest("Chronic low back pain.").answers["chronicity"] == "chronic"
    assert suggest("Chronic pain syndrome. Low back pain.").answers["chronicity"] == "chronic_pain_syndrome"


def test_two_answers_are_a_conflict_with_both_quotes_and_no_suggestion() -> None:
    found = suggest("Acute low back pain after lifting. Chronic low back pain for years.")
    assert "chronicity" not in found.answers
    conflict = found.conflict_for("chronicity")
    assert conflict is not None and set(conflict.answers) == {"acute", "chronic"}
    assert any("Acute" in quote for quote in conflict.quotes) and any("Chronic" in quote for quote in conflict.quotes)


@pytest.mark.parametrize(
    ("note", "question"),
    [
        ("Family history of sciatica; mother had back surgery. Low back pain.", "leg_symptoms"),
        ("Low back pain. Return if fever or weight loss develops.", "red_flag_signs"),
        ("Low back pain. If the pain becomes chronic, refer to the pain clinic.", "chronicity"),
        ("Low back pain. Denies radiating pain. Sciatica two years ago, resolved.", "side"),
    ],
    ids=["family history", "hypothetical sign", "hypothetical chronic", "resolved history"],
)
def test_family_hypothetical_and_resolved_mentions_never_state_an_answer(note: str, question: str) -> None:
    found = suggest(note)
    assert question not in found.answers or found.answers[question] in ((), "none")
    if question == "leg_symptoms":
        assert found.answers.get(question) != "sciatica"


def test_a_denied_symptom_states_its_absence() -> None:
    assert suggest("Low back pain, denies radiating pain.").answers["leg_symptoms"] == "none"
    assert suggest("Left sciatica. He has no low back pain.").answers["back_pain"] == "no"


def test_weeks_of_gestation_are_read_as_a_number_within_the_range() -> None:
    assert suggest("G2P1 at 22 weeks gestation with low back pain.").answers["gestation_weeks"] == 22
    assert "gestation_weeks" not in suggest("Low back pain; pregnant, 60 weeks gestation (typo).").answers


def test_an_imaging_finding_the_provider_does_not_adopt_is_provider_dx_no() -> None:
    found = suggest("Imaging: MRI lumbar spine: L4-L5 disc bulge with Modic changes.\nAssessment: Low back pain.\n")
    assert found.answers["imaging"] == "abnormal" and found.answers["provider_dx"] == "no"
    adopted = suggest("Imaging: MRI: L4-L5 disc protrusion.\nAssessment: L4-L5 disc herniation with left sciatica.\n")
    assert adopted.answers["provider_dx"] == "yes" and adopted.answers["finding"] == "disc_herniation"


def test_answers_already_given_win_over_the_note() -> None:
    found = suggest(SCIATICA_NOTE, given={"chronicity": "acute", "side": "left"})
    assert "chronicity" not in found.answers and "side" not in found.answers


def test_the_note_documents_checklist_items_with_its_words() -> None:
    found = suggest(SCIATICA_NOTE)
    assert found.documented["chronic_words"].quote.lower() == "chronic low back pain"
    assert "side_documented" in found.documented and "red_flags_assessed" in found.documented
    assert "chronic_words" not in suggest("Low back pain for a year. If chronic, refer.").documented


# -- the tree format ------------------------------------------------------------------------


def tree_with(tmp_path: Path, question_extra: str) -> Path:
    demo = (REPO / "tests" / "trees" / "demo.toml").read_text(encoding="utf-8")
    marker = demo.index("[[questions]]", demo.index("[[questions]]") + 1)
    path = tmp_path / "tree.toml"
    path.write_text(demo[:marker] + question_extra + "\n" + demo[marker:], encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("extra", "said"),
    [
        ('[questions.cues]\nlow_back = ["re:(unclosed"]\n', "is not a regular expression"),
        ('[questions.cues]\nlow_bak = ["low back pain"]\n', "cues.low_bak names no option of 'region' (did you mean 'low_back'?)"),
        ('[questions.cues]\nlow_back = ["  "]\n', "not an empty string"),
        ('[questions.cues]\nlow_back = ["re:.*"]\n', "matches empty text"),
        ('[questions.read]\nnegated = "nothing"\n', "read.negated = 'nothing' is not an option of 'region'"),
        ('[questions.read]\nsubject = ["back"]\n', "read.affirmed must say which option"),
    ],
    ids=["bad pattern", "unknown option", "empty", "matches anything", "read names no option", "subject without affirmed"],
)
def test_lint_refuses_a_cue_it_cannot_use_and_says_where(tmp_path: Path, extra: str, said: str) -> None:
    outcome = run_cli(["lint", str(tree_with(tmp_path, extra))])
    assert outcome.code == 1, outcome.out + outcome.err
    assert said in outcome.out and "questions[0]" in outcome.out


# -- the command line ------------------------------------------------------------------------


def test_prefill_json_has_the_answers_the_evidence_the_conflicts_and_what_is_open(tmp_path: Path) -> None:
    note = note_file(tmp_path, SCIATICA_NOTE + "Acute on chronic low back pain.\n")
    outcome = run_cli(["prefill", str(note), "--format", "json"])
    assert outcome.code == 0, outcome.err
    data = json.loads(outcome.out)
    assert set(data) == {"answers", "evidence", "conflicts", "not_stated"}
    assert data["answers"]["side"] == "right"
    assert all(set(e) == {"question", "answer", "quote", "start", "end", "context"} for e in data["evidence"])
    assert [c["question"] for c in data["conflicts"]] == ["chronicity"]
    assert set(data["conflicts"][0]) == {"question", "answers", "quotes"}
    assert "psych_factors" in data["not_stated"]


def test_prefill_toml_is_an_answers_file_with_each_quote_and_runs(tmp_path: Path) -> None:
    import tomllib

    note = note_file(tmp_path, SCIATICA_NOTE)
    outcome = run_cli(["prefill", str(note)])
    assert outcome.code == 0, outcome.err
    assert 'side = "right"  # "down the right leg"' in outcome.out
    answers = tomllib.loads(outcome.out)["answers"]
    answers.update(psych_factors="none", pregnancy="not_pregnant")
    path = tmp_path / "answers.toml"
    path.write_text("[answers]\n" + "".join(f'{k} = {json.dumps(v)}\n' for k, v in answers.items()), encoding="utf-8")
    run = run_cli(["run", "--answers", str(path), "--format", "json", "--date-of-service", "2026-05-04"])
    assert run.code == 0, run.err
    assert [c["code"] for c in json.loads(run.out)["codes"]] == ["G89.29", "M54.41"]


def test_run_with_a_note_asks_for_the_first_open_question_and_the_file_wins(tmp_path: Path) -> None:
    note = note_file(tmp_path, SCIATICA_NOTE)
    open_run = run_cli(["run", "--note", str(note), "--date-of-service", "2026-05-04"])
    assert open_run.code == 3 and "the run reached 'psych_factors'" in open_run.err and "neither the answers file nor the note" in open_run.err
    answers = note_file(tmp_path, '[answers]\npsych_factors = "none"\npregnancy = "not_pregnant"\nside = "left"\n', "answers.toml")
    outcome = run_cli(["run", "--note", str(note), "--answers", str(answers), "--format", "json", "--date-of-service", "2026-05-04"])
    assert outcome.code == 0, outcome.err
    data = json.loads(outcome.out)
    steps = {p["question"]: p for p in data["path"]}
    assert steps["side"]["answer"] == "left" and steps["side"]["origin"] == "entered"  # the file wins
    assert steps["leg_symptoms"]["origin"] == "note" and steps["leg_symptoms"]["quote"]
    assert "M54.42" in [c["code"] for c in data["codes"]]
    text = run_cli(["run", "--note", str(note), "--answers", str(answers), "--date-of-service", "2026-05-04"]).out
    assert "(from the note, not confirmed:" in " ".join(text.split())


@pytest.mark.parametrize(
    ("content", "said"),
    [
        ("", "is empty"),
        ("   \n\t\n", "is empty"),
        (b"\x00\x01binary\x00", "is binary"),
        (b"caf\xe9 latin-1 note", "is not UTF-8 text"),
        ("x" * (1024 * 1024 + 1), "too big for a note file"),
    ],
    ids=["empty", "blank", "binary", "not utf-8", "over 1 MB"],
)
def test_a_note_that_cannot_be_one_exits_2_with_the_fix(tmp_path: Path, content: str | bytes, said: str) -> None:
    note = note_file(tmp_path, content)
    for argv in (["prefill", str(note)], ["run", "--note", str(note)]):
        outcome = run_cli(argv)
        assert outcome.code == 2 and said in outcome.err and "Fix:" in outcome.err, (argv, outcome.err)
    assert run_cli(["prefill", str(tmp_path / "missing.txt")]).code == 2


def test_any_text_in_a_note_is_data_and_never_reaches_the_terminal_raw(tmp_path: Path) -> None:
    note = note_file(tmp_path, "Chronic low back pain \x1b[31m[bold]radiating\x1b[0m down the right leg. Привет <b>sciatica</b>.\n")
    for fmt in ("toml", "json"):
        outcome = run_cli(["prefill", str(note), "--format", fmt])  # run_cli fails on raw control characters
        assert outcome.code == 0 and "\x1b" not in outcome.out


def fresh(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, cwd=REPO, timeout=180)


def test_without_medspacy_reading_a_note_says_how_to_add_it_and_the_rest_works(tmp_path: Path) -> None:
    note = note_file(tmp_path, SCIATICA_NOTE)
    answers = note_file(tmp_path, '[answers]\nregion = "thoracic"\n', "answers.toml")
    done = fresh(
        f"""
        import contextlib, io, sys
        sys.modules["medspacy"] = None  # as if the notes extra were not installed
        from wizard.cli import main
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            codes = [main(["prefill", {str(note)!r}]), main(["run", "--answers", {str(answers)!r}])]
        print(codes, err.getvalue().strip().splitlines()[0])
        """
    )
    assert done.returncode == 0, done.stderr
    assert "[2, 0]" in done.stdout and "pip install 'wizard-lbp[notes]'" in done.stdout


def test_reading_a_note_writes_nothing_to_the_terminal_but_its_result(tmp_path: Path) -> None:
    """medspaCy's PyRuSH logs every sentence it splits; spaCy warns: none of it is shown."""
    note = note_file(tmp_path, SCIATICA_NOTE)
    done = subprocess.run([sys.executable, "-m", "wizard", "prefill", str(note)], capture_output=True, text=True, cwd=REPO, timeout=180)
    assert done.returncode == 0 and done.stderr == ""


def test_the_reader_is_imported_only_when_a_note_is_read(tmp_path: Path) -> None:
    """`wizard run` without a note and the structural lint never import medspaCy; reading a
    note does (and `wizard lint`, which reads the case library's vignettes as notes)."""
    answers = note_file(tmp_path, '[answers]\nregion = "thoracic"\n', "answers.toml")
    note = note_file(tmp_path, SCIATICA_NOTE)
    done = fresh(
        f"""
        import contextlib, io, json, sys
        from wizard.cli import main
        heavy = ("medspacy", "spacy", "PyRuSH")
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            main(["run", "--answers", {str(answers)!r}]); main(["lint", "--no-notes"])
            before = sorted(m for m in heavy if m in sys.modules)
            main(["prefill", {str(note)!r}])
        print(json.dumps({{"before": before, "after": sorted(m for m in heavy if m in sys.modules)}}))
        """
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"before": [], "after": ["PyRuSH", "medspacy", "spacy"]}


def test_lint_reads_every_vignette_of_the_case_library_as_a_note(tmp_path: Path) -> None:
    """A vignette whose words the reader takes for another answer than the case's is a warning
    that names the words; the shipped library reads clean."""
    outcome = run_cli(["lint", str(SHIPPED_TREE), "--format", "json"])
    assert outcome.code == 0, outcome.out
    [report] = json.loads(outcome.out)["files"]
    assert report["vignettes_read"] == report["cases_checked"] > 0
    assert not [p for p in report["problems"] if "the note reads" in p["message"]]
    trees = tmp_path / "trees"
    (trees / "cases").mkdir(parents=True)
    (trees / "tree.toml").write_text(SHIPPED_TREE.read_text(encoding="utf-8"), encoding="utf-8")
    cases = (REPO / "trees" / "cases" / "low_back_pain.toml").read_text(encoding="utf-8")
    start = cases.index('id = "thoracic_spine_pain"')
    end = cases.index("[[case]]", start)
    case = cases[start:end].replace("between the shoulder blades", "in the low back").replace("Thoracic spine pain.", "Low back pain.")
    (trees / "cases" / "cases.toml").write_text(cases[:start] + case + cases[end:], encoding="utf-8")
    outcome = run_cli(["lint", str(trees / "tree.toml")])
    assert "warning:" in outcome.out and "the note reads region = " in outcome.out and "but the case answers thoracic" in outcome.out
