"""The code set in force on the date of service: dates, releases with dates, the import of an
official release, codes checked against the release in force, diff and lint of a new year.

No FY2027 files can be downloaded here: tests/synthetic_release.py writes a next release from
the FY2026 files simple_icd_10_cm ships, with four known changes. It is imported once for the
whole run (a few seconds); each refused import is checked to leave the folder as it was.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from datetime import date
from hashlib import sha256
from pathlib import Path

import pytest
from fhir.resources.R4B.bundle import Bundle

import synthetic_release as next_year
from conftest import REPO, SHIPPED_TREE
from conftest_hostile import run_cli
from wizard.icd.releases import Installed, Release, fiscal_year_of, read_release
from wizard.icd.tabular import DEFAULT_DATA

IMPORT_TIMEOUT = 300.0
# The shipped tree's BASE answers (tests/cases): low back pain, nothing else -> M54.50.
BASE = {
    "region": "low_back",
    "red_flags": "none",
    "psych_factors": "none",
    "pregnancy": "not_pregnant",
    "injury": "none",
    "prior_surgery": "none",
    "imaging": "none_or_pending",
    "leg_symptoms": "none",
    "lbp_type": "unspecified",
    "chronicity": "not_documented",
    "encounter_purpose": "other",
}
IN_FY2026 = "2026-05-04"
IN_FY2027 = "2026-12-07"


def answers_file(folder: Path, **changes: str) -> Path:
    path = folder / "answers.toml"
    lines = [f'{key} = "{value}"' for key, value in {**BASE, **changes}.items()]
    path.write_text("[answers]\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def run_json(answers: Path, *extra: str):  # noqa: ANN201
    outcome = run_cli(["run", "--answers", str(answers), "--format", "json", *extra])
    assert outcome.code in (0, 1), outcome.err
    return outcome, json.loads(outcome.out)


def folder_state(folder: Path) -> dict[str, str]:
    """Every file of a folder with the hash of its bytes: what an import may not change."""
    return {p.name: sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())} if folder.exists() else {}


@pytest.fixture(scope="session")
def next_release_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return next_year.write_next_release(tmp_path_factory.mktemp("fy2027-files"))


@pytest.fixture(scope="session")
def icd_2027(tmp_path_factory: pytest.TempPathFactory, next_release_files: tuple[Path, Path]) -> Path:
    """A folder of releases holding the made-up FY2027, imported as a user would (codes list first)."""
    folder = tmp_path_factory.mktemp("icd-2027")
    tabular, codes = next_release_files
    outcome = run_cli(["icd", "import", str(codes), str(tabular), "--icd-dir", str(folder)], timeout=IMPORT_TIMEOUT)
    assert outcome.code == 0, outcome.err
    assert "installed FY2027, in force 2026-10-01 to 2027-09-30" in outcome.out
    return folder


# -- the date of service ------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["2026-02-30", "2026-13-01", "12/07/2026", "2026-1-5", "yesterday", ""])
@pytest.mark.parametrize("command", [["run", "--answers", "answers.toml"], []], ids=["run", "ui"])
def test_a_date_of_service_that_is_not_a_real_date_exits_2_with_the_fix(bad: str, command: list[str]) -> None:
    outcome = run_cli([*command, "--date-of-service", bad])
    assert outcome.code == 2
    assert "--date-of-service" in outcome.err and "Fix:" in outcome.err and "Traceback" not in outcome.err


def test_a_date_before_icd10cm_began_exits_2_and_says_so() -> None:
    outcome = run_cli(["run", "--answers", "answers.toml", "--date-of-service", "2015-09-30"])
    assert outcome.code == 2
    assert "before 2015-10-01, when ICD-10-CM replaced ICD-9-CM" in outcome.err


def test_a_run_is_dated_today_unless_told(tmp_path: Path) -> None:
    _, data = run_json(answers_file(tmp_path))
    assert data["date_of_service"] == date.today().isoformat()
    _, data = run_json(answers_file(tmp_path), "--date-of-service", IN_FY2026)
    assert data["date_of_service"] == IN_FY2026


def test_every_export_carries_the_date_of_service(tmp_path: Path) -> None:
    answers = answers_file(tmp_path)
    common = ["run", "--answers", str(answers), "--date-of-service", IN_FY2026]
    text = run_cli([*common, "--format", "text"]).out
    assert f"Date of service: {IN_FY2026}" in text and "ICD-10-CM release: FY2026, in force on the date of service" in text
    markdown = run_cli([*common, "--format", "markdown"]).out
    assert f"- **Date of service:** {IN_FY2026}" in markdown
    bundle = Bundle.model_validate_json(run_cli([*common, "--format", "fhir"]).out)
    resources = [(entry.fullUrl, entry.resource) for entry in bundle.entry]
    [(encounter_url, encounter)] = [(url, r) for url, r in resources if r.get_resource_type() == "Encounter"]
    assert str(encounter.period.start) == IN_FY2026 and str(encounter.period.end) == IN_FY2026
    conditions = [r for _, r in resources if r.get_resource_type() == "Condition"]
    assert conditions and all(c.encounter.reference == encounter_url for c in conditions)
    assert all(c.code.coding[0].version == "FY2026" for c in conditions)
    [provenance] = [r for _, r in resources if r.get_resource_type() == "Provenance"]
    said = [entity.what.display for entity in provenance.entity]
    assert f"ICD-10-CM FY2026: the release in force on the date of service {IN_FY2026}" in said


def test_a_saved_run_keeps_its_date_of_service(tmp_path: Path) -> None:
    folder = tmp_path / "sessions"
    outcome = run_cli(["run", "--answers", str(answers_file(tmp_path)), "--save", "--sessions", str(folder), "--date-of-service", IN_FY2026])
    assert outcome.code == 0, outcome.err
    [session_file] = folder.glob("*.toml")
    assert f"date_of_service = {IN_FY2026}\n" in session_file.read_text(encoding="utf-8")
    exported = run_cli(["sessions", "--sessions", str(folder), "export", session_file.stem, "--format", "json"])
    assert json.loads(exported.out)["date_of_service"] == IN_FY2026


def test_a_session_saved_before_dates_of_service_exports_without_inventing_one(tmp_path: Path) -> None:
    folder = tmp_path / "sessions"
    assert run_cli(["run", "--answers", str(answers_file(tmp_path)), "--save", "--sessions", str(folder), "--date-of-service", IN_FY2026]).code == 0
    [session_file] = folder.glob("*.toml")
    text = session_file.read_text(encoding="utf-8")
    old = "".join(line for line in text.splitlines(keepends=True) if not line.startswith("date_of_service"))
    session_file.write_text(old, encoding="utf-8")
    assert "date_of_service" not in old  # neither the session's nor its result's
    exported = run_cli(["sessions", "--sessions", str(folder), "export", session_file.stem, "--format", "json"])
    assert exported.code == 0, exported.err
    assert json.loads(exported.out)["date_of_service"] is None
    text = run_cli(["sessions", "--sessions", str(folder), "export", session_file.stem]).out
    assert "Date of service" not in text and "ICD-10-CM release: FY2026" in text


# -- releases with dates ------------------------------------------------------------------


def test_the_bundled_data_is_the_fy2026_april_update_and_names_its_files() -> None:
    release = read_release(DEFAULT_DATA, bundled=True)
    assert (release.id, release.effective_from, release.effective_to) == ("FY2026", date(2026, 4, 1), date(2026, 9, 30))
    tabular, codes = next_year.package_files()
    assert release.tabular_file == (tabular.name, sha256(tabular.read_bytes()).hexdigest())
    assert release.codes_file == (codes.name, sha256(codes.read_bytes()).hexdigest())


def test_icd_list_marks_the_release_in_force_on_a_date() -> None:
    in_force = json.loads(run_cli(["icd", "list", "--date", IN_FY2026, "--format", "json"]).out)
    assert in_force == {
        "releases": [
            {
                "release": "FY2026",
                "effective_from": "2026-04-01",
                "effective_to": "2026-09-30",
                "source": in_force["releases"][0]["source"],
                "in_force": True,
            }
        ],
        "date": IN_FY2026,
        "in_force": "FY2026",
    }
    assert "bundled with wizard" in in_force["releases"][0]["source"]
    later = json.loads(run_cli(["icd", "list", "--date", IN_FY2027, "--format", "json"]).out)
    assert later["in_force"] is None and later["releases"][0]["in_force"] is False
    assert json.loads(run_cli(["icd", "list", "--format", "json"]).out)["date"] == date.today().isoformat()


def test_without_the_release_in_force_every_export_says_so_in_one_line(tmp_path: Path) -> None:
    answers = answers_file(tmp_path)
    outcome, data = run_json(answers, "--date-of-service", IN_FY2027)
    assert outcome.code == 0  # every code is valid in the release used; the notice says the rest
    assert data["icd10cm_release"] == "FY2026" and data["release_in_force"] is None
    [notice] = [w for w in data["warnings"] if w["id"] == "release:not_in_force"]
    assert notice["kind"] == "release"
    assert notice["text"] == (
        "Checked against FY2026 (2026-04-01 update); the date of service 2026-12-07 falls in FY2027, which is not installed: wizard icd import <files>"
    )
    for fmt in ("text", "markdown"):
        shown = " ".join(run_cli(["run", "--answers", str(answers), "--date-of-service", IN_FY2027, "--format", fmt]).out.split())
        assert "falls in FY2027, which is not installed: wizard icd import <files>" in shown.replace("\\", "")
    bundle = Bundle.model_validate_json(run_cli(["run", "--answers", str(answers), "--date-of-service", IN_FY2027, "--format", "fhir"]).out)
    [provenance] = [e.resource for e in bundle.entry if e.resource.get_resource_type() == "Provenance"]
    assert any("in force on the date of service 2026-12-07 was not installed" in e.what.display for e in provenance.entity)


def test_a_date_before_the_april_update_says_the_update_was_not_yet_in_force(tmp_path: Path) -> None:
    _, data = run_json(answers_file(tmp_path), "--date-of-service", "2025-12-01")
    [notice] = [w["text"] for w in data["warnings"] if w["id"] == "release:not_in_force"]
    assert "before that update took effect, so codes it added were not yet valid" in notice
    assert data["release_in_force"] is None


def test_a_tree_reviewed_for_another_year_says_so(tmp_path: Path) -> None:
    _, data = run_json(answers_file(tmp_path), "--date-of-service", IN_FY2027)
    assert "Tree reviewed for FY2026; the release in force on 2026-12-07 is FY2027." in [w["text"] for w in data["warnings"]]
    _, data = run_json(answers_file(tmp_path), "--date-of-service", IN_FY2026)
    assert not [w for w in data["warnings"] if w["kind"] == "release"]


def fake_release(release: str, start: str, end: str) -> Release:
    return Release(release, date.fromisoformat(start), date.fromisoformat(end), Path(f"/nowhere/{release}-{start}"), False, ("t", "1"), ("c", "2"), "test")


def test_the_release_in_force_is_the_latest_update_whose_dates_hold_the_day() -> None:
    october = fake_release("FY2026", "2025-10-01", "2026-09-30")
    april = fake_release("FY2026", "2026-04-01", "2026-09-30")
    fy2027 = fake_release("FY2027", "2026-10-01", "2027-09-30")
    found = Installed((october, april, fy2027))
    assert found.in_force_until(october) == date(2026, 3, 31)
    assert found.choose(date(2025, 12, 1)).in_force is october
    assert found.choose(date(2026, 3, 31)).in_force is october
    assert found.choose(date(2026, 4, 1)).in_force is april
    assert found.choose(date(2026, 10, 1)).in_force is fy2027
    beyond = found.choose(date(2028, 1, 5))
    assert beyond.in_force is None and beyond.used is fy2027 and beyond.fiscal_year == "FY2028"
    before = found.choose(date(2016, 1, 5))
    assert before.in_force is None and before.used is october
    assert Installed((april,)).choose(date(2025, 12, 1)).used is april  # its own year's update, not another year
    assert fiscal_year_of(date(2026, 9, 30)) == "FY2026" and fiscal_year_of(date(2026, 10, 1)) == "FY2027"


# -- the import of an official release ------------------------------------------------------


@pytest.mark.slow
def test_importing_the_package_files_reproduces_the_bundled_data_byte_for_byte(tmp_path: Path) -> None:
    folder = tmp_path / "icd"
    tabular, codes = next_year.package_files()
    argv = ["icd", "import", str(tabular), str(codes), "--effective", "2026-04-01", "--icd-dir", str(folder)]
    outcome = run_cli(argv, timeout=IMPORT_TIMEOUT)
    assert outcome.code == 0, outcome.err
    [written] = folder.iterdir()
    assert written.read_bytes() == DEFAULT_DATA.read_bytes()
    again = run_cli(argv, timeout=IMPORT_TIMEOUT)
    assert again.code == 0 and "nothing changed" in again.out
    assert folder_state(folder) == {written.name: sha256(DEFAULT_DATA.read_bytes()).hexdigest()}


@pytest.mark.slow
def test_an_imported_release_is_listed_and_in_force_on_its_dates(icd_2027: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    listed = json.loads(run_cli(["icd", "list", "--icd-dir", str(icd_2027), "--date", IN_FY2027, "--format", "json"]).out)
    assert listed["in_force"] == "FY2027"
    [fy2027] = [r for r in listed["releases"] if r["release"] == "FY2027"]
    assert (fy2027["effective_from"], fy2027["effective_to"], fy2027["in_force"]) == ("2026-10-01", "2027-09-30", True)
    assert "icd10cm_tabular_2027.xml" in fy2027["source"] and "icd10cm-codes-2027.txt" in fy2027["source"]
    # The variable names the folder too.
    monkeypatch.setenv("WIZARD_ICD_DIR", str(icd_2027))
    assert json.loads(run_cli(["icd", "list", "--date", IN_FY2027, "--format", "json"]).out)["in_force"] == "FY2027"


@pytest.mark.slow
def test_diff_finds_each_change_and_nothing_else(icd_2027: Path) -> None:
    outcome = run_cli(["icd", "diff", "FY2026", "FY2027", "--icd-dir", str(icd_2027), "--format", "json"])
    assert outcome.code == 0, outcome.err
    data = json.loads(outcome.out)
    assert (data["from"], data["to"]) == ("FY2026", "FY2027")
    found = {(c["kind"], c["code"]) for c in data["changes"]}
    assert found == {
        ("now_heading", next_year.NOW_HEADING),
        *(("added", code) for code in next_year.ADDED),
        ("deleted", next_year.DELETED),
        ("retitled", next_year.RETITLED),
        ("excludes1_added", next_year.EXCLUDES1_ON),
    }
    details = {c["code"]: c["detail"] for c in data["changes"]}
    assert details[next_year.NOW_HEADING] == f"now a heading whose codes are {', '.join(next_year.ADDED)}"
    assert next_year.NEW_TITLE in details[next_year.RETITLED]
    assert next_year.EXCLUDES1_NOTE in details[next_year.EXCLUDES1_ON]


@pytest.mark.slow
def test_diff_with_the_tree_names_the_rules_that_build_each_code(icd_2027: Path) -> None:
    from wizard.tree import load_tree

    tree = load_tree(SHIPPED_TREE).tree
    outcome = run_cli(["icd", "diff", "FY2026", "FY2027", "--icd-dir", str(icd_2027), "--tree", str(SHIPPED_TREE), "--format", "json"])
    changes = {(c["kind"], c["code"]): c["rules"] for c in json.loads(outcome.out)["changes"]}
    building = {code: [r.id for r in tree.rules if r.code == code] for code in (next_year.NOW_HEADING, next_year.DELETED, next_year.RETITLED)}
    assert all(building.values()), "the made-up changes must touch codes the tree builds"
    assert changes[("now_heading", next_year.NOW_HEADING)] == building[next_year.NOW_HEADING]
    assert changes[("deleted", next_year.DELETED)] == building[next_year.DELETED]
    assert changes[("retitled", next_year.RETITLED)] == building[next_year.RETITLED]
    assert changes[("added", next_year.ADDED[0])] == building[next_year.NOW_HEADING]  # new codes under a code it builds
    assert {r.id for r in tree.rules if r.code == next_year.EXCLUDES1_ON} <= set(changes[("excludes1_added", next_year.EXCLUDES1_ON)])
    text = run_cli(["icd", "diff", "FY2026", "FY2027", "--icd-dir", str(icd_2027), "--tree", str(SHIPPED_TREE)]).out
    assert "touching the codes of tree 'low_back_pain'" in text and building[next_year.DELETED][0] in text


@pytest.mark.slow
def test_lint_against_the_new_release_fails_naming_the_affected_rules(icd_2027: Path) -> None:
    from wizard.tree import load_tree

    tree = load_tree(SHIPPED_TREE).tree
    outcome = run_cli(["lint", str(SHIPPED_TREE), "--release", "FY2027", "--icd-dir", str(icd_2027)])
    assert outcome.code == 1
    for code in (next_year.NOW_HEADING, next_year.DELETED):
        for rule in (r.id for r in tree.rules if r.code == code):
            assert f"rule '{rule}' can produce {code}" in outcome.out
    assert "the tree targets FY2026 but the ICD data is FY2027" in outcome.out
    assert f"{next_year.EXCLUDES1_ON} and {next_year.RETITLED} are reported together" in outcome.out
    assert run_cli(["lint", str(SHIPPED_TREE), "--release", "FY2026", "--icd-dir", str(icd_2027)]).code == 0
    unknown = run_cli(["lint", str(SHIPPED_TREE), "--release", "FY2031", "--icd-dir", str(icd_2027)])
    assert unknown.code == 2 and "installed: FY2026, FY2027" in unknown.err


@pytest.mark.slow
def test_a_code_turned_into_a_heading_is_an_error_on_that_code_and_exit_1(tmp_path: Path, icd_2027: Path) -> None:
    outcome, data = run_json(answers_file(tmp_path), "--date-of-service", IN_FY2027, "--icd-dir", str(icd_2027))
    assert outcome.code == 1
    assert (data["icd10cm_release"], data["release_in_force"]) == ("FY2027", "FY2027")
    [line] = data["codes"]
    assert line["code"] == next_year.NOW_HEADING
    assert f"now a heading whose codes are {', '.join(next_year.ADDED)}" in line["error"]
    assert f"not valid on the date of service {IN_FY2027}: {next_year.NOW_HEADING}" in outcome.err
    assert "release:not_in_force" not in [w["id"] for w in data["warnings"]]
    text = run_cli(["run", "--answers", str(answers_file(tmp_path)), "--date-of-service", IN_FY2027, "--icd-dir", str(icd_2027)])
    assert text.code == 1 and "ERROR: M54.50 is not valid in FY2027" in text.out


@pytest.mark.slow
def test_a_deleted_code_is_an_error_that_says_it_was_deleted(tmp_path: Path, icd_2027: Path) -> None:
    outcome, data = run_json(answers_file(tmp_path, lbp_type="other_specified"), "--date-of-service", IN_FY2027, "--icd-dir", str(icd_2027))
    assert outcome.code == 1
    [line] = data["codes"]
    assert line["code"] == next_year.DELETED and "deleted (it was a billable code in FY2026)" in line["error"]


@pytest.mark.slow
def test_a_retitled_code_keeps_its_place_and_a_new_excludes1_note_is_a_warning(tmp_path: Path, icd_2027: Path) -> None:
    answers = answers_file(tmp_path, leg_symptoms="sciatica", side="right", back_pain="yes", chronicity="chronic", encounter_purpose="pain_management")
    outcome, data = run_json(answers, "--date-of-service", IN_FY2027, "--icd-dir", str(icd_2027))
    assert outcome.code == 0, outcome.err
    assert [c["code"] for c in data["codes"]] == [next_year.EXCLUDES1_ON, next_year.RETITLED]
    assert data["codes"][1]["description"] == next_year.NEW_TITLE and data["codes"][1]["error"] is None
    kinds = {w["kind"]: w for w in data["warnings"]}
    assert f'title now "{next_year.NEW_TITLE}"' in kinds["retitled"]["text"]
    assert kinds["excludes1"]["codes"] == [next_year.EXCLUDES1_ON, next_year.RETITLED]
    # The same encounter in FY2026: the release in force then, nothing to say.
    outcome, data = run_json(answers, "--date-of-service", IN_FY2026, "--icd-dir", str(icd_2027))
    assert outcome.code == 0
    assert (data["icd10cm_release"], data["release_in_force"]) == ("FY2026", "FY2026")
    assert data["warnings"] == [] and all(c["error"] is None for c in data["codes"])


@pytest.mark.slow
def test_the_zips_in_any_order_import_the_same_release(tmp_path: Path, next_release_files: tuple[Path, Path], icd_2027: Path) -> None:
    tabular, codes = next_release_files
    table_zip, codes_zip = tmp_path / "icd10cm-table-index-2027.zip", tmp_path / "icd10cm-codes-2027.zip"
    with zipfile.ZipFile(table_zip, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("icd10cm-table-index-2027/icd10cm_index_2027.xml", "<?xml version='1.0'?>\n<ICD10CM.index><version>2027</version></ICD10CM.index>\n")
        archive.write(tabular, f"icd10cm-table-index-2027/{tabular.name}")
        archive.writestr("icd10cm-table-index-2027/README.pdf", b"%PDF-1.4 made up")
    with zipfile.ZipFile(codes_zip, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("icd10cm_order_2027.txt", "00001 A00     0 Cholera\n00002 A000    1 Cholera due to Vibrio cholerae\n")
        archive.write(codes, codes.name)
        archive.writestr("icd10cm_addenda_2027.txt", "Add: M54.500 Low back pain, unspecified, first made-up subdivision\n")
    folder = tmp_path / "icd"
    outcome = run_cli(["icd", "import", str(codes_zip), str(table_zip), "--icd-dir", str(folder)], timeout=IMPORT_TIMEOUT)
    assert outcome.code == 0, outcome.err
    assert folder_state(folder) == folder_state(icd_2027)  # the same release, byte for byte


def broken_inputs(tmp: Path, tabular: Path, codes: Path) -> dict[str, tuple[list[str], str]]:
    """Each wrong input an import must refuse: the arguments and what the message must say."""
    text = tabular.read_text(encoding="utf-8")
    prose = tmp / "notes.txt"
    prose.write_text("These are the release notes of the year.\nNothing here is a code.\n", encoding="utf-8")
    index = tmp / "icd10cm_index_2027.xml"
    index.write_text("<?xml version='1.0'?>\n<ICD10CM.index><version>2027</version></ICD10CM.index>\n", encoding="utf-8")
    order = tmp / "icd10cm_order_2027.txt"
    order.write_text("00001 A00     0 Cholera\n00002 A000    1 Cholera due to Vibrio cholerae\n", encoding="utf-8")
    empty_zip = tmp / "downloads.zip"
    with zipfile.ZipFile(empty_zip, "w") as archive:
        archive.writestr("README.txt", "Read me first.\n")
        archive.writestr("guidelines.pdf", b"%PDF-1.4")
    cut = tmp / "cut_tabular_2027.xml"
    cut.write_text(text[: len(text) // 2], encoding="utf-8")
    malformed = tmp / "malformed_tabular_2027.xml"
    at = text.index("<name>A00</name>")  # early in the file: the parse stops there
    malformed.write_text(text[:at] + "<name>A00</nam>" + text[at + len("<name>A00</name>") :], encoding="utf-8")
    binary = tmp / "tabular.bin"
    binary.write_bytes(b"\x00\x01\x02binary" * 100)
    fy2026_tabular, fy2026_codes = next_year.package_files()
    return {
        "neither file": ([str(prose), str(tabular)], "notes.txt: neither the tabular XML nor the codes list"),
        "the index": ([str(index), str(codes)], "the alphabetic index, not the tabular"),
        "the order file": ([str(tabular), str(order)], "(icd10cm_order), not the codes list"),
        "a zip without them": ([str(empty_zip)], "a zip without the tabular XML or the codes list"),
        "a binary file": ([str(binary), str(codes)], "a binary file"),
        "cut short": ([str(cut), str(codes)], "cut short: it does not end with </ICD10CM.tabular>"),
        "malformed": ([str(malformed), str(codes)], "the XML is malformed or cut short at line"),
        "codes of another year": ([str(tabular), str(fy2026_codes)], "the codes list does not match the tabular"),
        "only the tabular": ([str(tabular)], "no codes list among them"),
        "two tabulars": ([str(tabular), str(fy2026_tabular), str(codes)], "2 tabular XML files"),
        "no such file": ([str(tmp / "missing.xml"), str(codes)], "missing.xml: no such file"),
        "outside its year": ([str(tabular), str(codes), "--effective", "2027-10-01"], "--effective 2027-10-01 is outside FY2027"),
    }


BROKEN = (
    "neither file", "the index", "the order file", "a zip without them", "a binary file", "cut short", "malformed",
    "codes of another year", "only the tabular", "two tabulars", "no such file", "outside its year",
)


@pytest.mark.slow
@pytest.mark.parametrize("case", BROKEN)
def test_a_wrong_input_is_refused_with_exit_2_and_nothing_installed(case: str, tmp_path: Path, next_release_files: tuple[Path, Path], icd_2027: Path) -> None:
    folder = tmp_path / "icd"
    shutil.copytree(icd_2027, folder)
    before = folder_state(folder)
    argv, said = broken_inputs(tmp_path, *next_release_files)[case]
    outcome = run_cli(["icd", "import", *argv, "--icd-dir", str(folder)], timeout=IMPORT_TIMEOUT)
    assert outcome.code == 2, outcome.err
    assert said in outcome.err
    assert "Fix:" in outcome.err and "Nothing was installed." in outcome.err and "Traceback" not in outcome.err
    assert folder_state(folder) == before


@pytest.mark.slow
def test_other_files_for_an_installed_release_need_replace(tmp_path: Path, next_release_files: tuple[Path, Path], icd_2027: Path) -> None:
    folder = tmp_path / "icd"
    shutil.copytree(icd_2027, folder)
    before = folder_state(folder)
    tabular, codes = next_release_files
    edited = tmp_path / "icd10cm-codes-2027.txt"
    edited.write_text(codes.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    refused = run_cli(["icd", "import", str(tabular), str(edited), "--icd-dir", str(folder)], timeout=IMPORT_TIMEOUT)
    assert refused.code == 2 and "FY2027 (in force from 2026-10-01) is already installed" in refused.err and "--replace" in refused.err
    assert folder_state(folder) == before
    outcome = run_cli(["icd", "import", str(tabular), str(edited), "--replace", "--icd-dir", str(folder)], timeout=IMPORT_TIMEOUT)
    assert outcome.code == 0, outcome.err
    assert "replaces" in outcome.out
    [release] = [r for r in json.loads(run_cli(["icd", "list", "--icd-dir", str(folder), "--format", "json"]).out)["releases"] if r["release"] == "FY2027"]
    assert sha256(edited.read_bytes()).hexdigest()[:12] in release["source"]


def test_the_release_importer_is_loaded_only_by_the_import(tmp_path: Path) -> None:
    """The headless commands and the listing never import the importer or simple_icd_10_cm;
    the import command does (a refused one stops before the package)."""
    from test_startup_discipline import run_fresh

    answers = answers_file(tmp_path)
    out = run_fresh(
        f"""
        import contextlib, io, json, sys
        from wizard.cli import main
        heavy = ("wizard.icd.importer", "wizard.icd.build", "simple_icd_10_cm")
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            codes = [main(["run", "--answers", {str(answers)!r}, "--format", "json"]), main(["icd", "list"]), main(["lint"])]
            before = sorted(m for m in heavy if m in sys.modules)
            refused = main(["icd", "import", {str(answers)!r}])
        after = sorted(m for m in heavy if m in sys.modules)
        print(json.dumps({{"codes": codes, "before": before, "refused": refused, "after": after}}))
        """
    )
    assert json.loads(out) == {"codes": [0, 0, 0], "before": [], "refused": 2, "after": ["wizard.icd.build", "wizard.icd.importer"]}


def test_the_build_script_and_the_import_are_one_code_path() -> None:
    script = (REPO / "scripts" / "build_icd_data.py").read_text(encoding="utf-8")
    assert "from wizard.icd.build import build" in script and "from wizard.icd.importer import" in script
    assert "change_version(" not in script and "xml.etree" not in script  # it reads nothing itself
