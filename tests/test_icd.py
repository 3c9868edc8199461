"""The ICD-10-CM module: FY2026 descriptions and billable flags, 7th characters, Excludes1
with inheritance, code references in notes, the data file's reproducibility and lazy loading.

Expected values are the official FY2026 tabular (April 1 2026): the tabular XML that
simple_icd_10_cm ships, from which scripts/build_icd_data.py builds wizard/icd/data; each code's
title and notes can be read there, or in the CDC/CMS FY2026 tabular at that code.
"""

from __future__ import annotations

import gzip
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from wizard.icd import CodeInfo, CodeSpec, Excludes1Conflict, load_tabular
from wizard.icd.tabular import DEFAULT_DATA

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def tab():
    return load_tabular()


def conflict_pairs(tab, codes):
    """(code, excluded, owner) of every Excludes1 conflict among ``codes``."""
    return {(c.code, c.excluded, c.owner) for c in tab.excludes1_conflicts(codes)}


# -- release, descriptions, billable ---------------------------------------------------


def test_data_file_is_stamped_fy2026_from_the_2026_tabular(tab):
    assert tab.release == "FY2026"
    assert "simple_icd_10_cm" in tab.source and "version 2026" in tab.source


def test_low_back_pain_unspecified_is_billable_with_its_official_description(tab):
    assert tab.get("M54.50") == CodeInfo("M54.50", "code", "M54.5", "Low back pain, unspecified", True)
    assert tab.description("M54.50") == "Low back pain, unspecified"
    assert tab.check_billable("M54.50") is None


def test_codes_typed_without_dot_or_in_lower_case_are_found(tab):
    assert tab.get("m5450").code == "M54.50"
    assert tab.is_billable(" s39012a ")


def test_unknown_code_has_no_description(tab):
    assert tab.get("M54.55") is None
    with pytest.raises(KeyError):
        tab.description("M54.55")


def test_m54_5_is_a_header_whose_fix_lists_its_three_billable_codes(tab):
    assert tab.children("M54.5") == ["M54.50", "M54.51", "M54.59"]
    assert not tab.is_billable("M54.5")
    problem = tab.check_billable("M54.5")
    assert problem.kind == "header"
    assert problem.message == (
        "M54.5 is a header (subcategory Low back pain), not billable in FY2026: use one of M54.50, M54.51, M54.59."
    )


def test_category_header_lists_its_subdivisions_with_a_dash_for_headers(tab):
    problem = tab.check_billable("M54")
    assert problem.kind == "header"
    assert "M54.5-" in problem.message and "M54.9" in problem.message and "M54.9-" not in problem.message


def test_lumbar_strain_is_billable_only_with_its_seventh_character(tab):
    assert tab.is_billable("S39.012A")
    assert tab.description("S39.012A") == "Strain of muscle, fascia and tendon of lower back, initial encounter"
    assert tab.children("S39.012") == ["S39.012A", "S39.012D", "S39.012S"]
    problem = tab.check_billable("S39.012")
    assert problem.kind == "needs_7th"
    assert problem.message == (
        "S39.012 needs a 7th character: A (initial encounter), D (subsequent encounter), S (sequela)."
    )


def test_invalid_seventh_character_names_the_valid_ones(tab):
    problem = tab.check_billable("S39.012Z")
    assert problem.kind == "bad_7th"
    assert problem.message == "S39.012Z: Z is not a valid 7th character for S39.012: use A, D or S."


def test_overexertion_code_needs_placeholder_x_before_its_seventh_character(tab):
    assert tab.is_billable("X50.0XXA")
    assert tab.get("X50.0XXA").parent == "X50.0"
    short = tab.check_billable("X50.0A")
    assert short.kind == "bad_7th"
    assert short.message == "X50.0A: the 7th character must be in position 7; use the placeholder X: X50.0XXA."
    bare = tab.check_billable("X50.0")
    assert bare.kind == "needs_7th" and "X50.0XXA (initial encounter)" in bare.message


def test_pregnancy_codes_o99_89_header_and_o99_891_billable(tab):
    assert tab.check_billable("O99.89").kind == "header"
    assert "O99.891" in tab.children("O99.89")
    assert tab.check_billable("O99.891") is None


def test_weeks_of_gestation_z3a_22_is_billable(tab):
    assert tab.check_billable("Z3A.22") is None
    assert tab.description("Z3A.22") == "22 weeks gestation of pregnancy"


def test_lumbar_disc_degeneration_m51_36_is_a_header_over_m51_360(tab):
    assert tab.check_billable("M51.36").kind == "header"
    assert tab.children("M51.36") == ["M51.360", "M51.361", "M51.362", "M51.369"]
    assert tab.is_billable("M51.360")


def test_unknown_code_suggests_close_billable_codes_of_its_category(tab):
    problem = tab.check_billable("Q99.999")
    assert problem.kind == "unknown"
    assert problem.message.startswith("Q99.999 is not an ICD-10-CM FY2026 code. Did you mean ")
    suggested = problem.message.removeprefix("Q99.999 is not an ICD-10-CM FY2026 code. Did you mean ")
    suggested = suggested.rstrip("?").replace(" or ", ", ").split(", ")
    assert suggested and all(code.startswith("Q99") and tab.is_billable(code) for code in suggested)


def test_nonsense_input_is_unknown_without_a_suggestion(tab):
    problem = tab.check_billable("hello")
    assert problem.kind == "unknown"
    assert problem.message == "HELLO is not an ICD-10-CM FY2026 code."


def test_kinds_from_chapter_down_to_code(tab):
    assert [tab.get(c).kind for c in ("13", "M50-M54", "M54", "M54.5", "M54.50")] == [
        "chapter", "block", "category", "subcategory", "code",
    ]
    assert tab.ancestors("M54.50") == ["M54.5", "M54", "M50-M54", "M40-M54", "13"]


def test_billable_count_matches_the_fy2026_code_set(tab):
    # CMS publishes 74,719 valid FY2026 codes; chapters, blocks and headers are never billable.
    assert sum(1 for code in tab if tab.is_billable(code)) == 74_719


def test_search_completes_by_code_prefix_then_by_description_words(tab):
    assert [c.code for c in tab.search("m54.5")] == ["M54.50", "M54.51", "M54.59"]
    assert [c.code for c in tab.search("S39012")][:3] == ["S39.012A", "S39.012D", "S39.012S"]
    found = [c.code for c in tab.search("low back pain")]
    assert {"M54.50", "M54.51", "M54.59"} <= set(found)
    assert all(tab.is_billable(code) for code in found)
    assert [c.code for c in tab.search("strain tendon lower back initial")] == ["S39.012A"]
    assert len(tab.search("pain", limit=5)) == 5


# -- Excludes1 with inheritance ---------------------------------------------------------


def test_low_back_pain_inherits_excludes1_from_subcategory_category_and_block(tab):
    notes = tab.excludes1_notes("M54.50")
    owners = [n.owner for n in notes]
    assert owners == ["M54.5"] * 5 + ["M54", "M50-M54", "M50-M54"]
    assert [str(s) for n in notes[:5] for s in n.specs] == ["M51.360", "M51.370", "S39.012", "M51.2-", "M54.4-"]
    assert notes[5].text == "psychogenic dorsalgia (F45.41)"
    assert notes[6].specs == ()  # "current injury - see injury of spine by body region"


def test_chronic_pain_inherits_excludes1_from_g89_2_and_g89(tab):
    owners = {n.owner for n in tab.excludes1_notes("G89.29")}
    assert owners == {"G89.2", "G89"}


@pytest.mark.parametrize(
    ("codes", "expected"),
    [
        (["M54.50", "S39.012A"], {("M54.50", "S39.012A", "M54.5")}),
        (["M54.50", "M54.41"], {("M54.50", "M54.41", "M54.5")}),
        (["M54.50", "M51.26"], {("M54.50", "M51.26", "M54.5")}),
        (["M54.50", "M51.360"], {("M54.50", "M51.360", "M54.5")}),
        (["M54.41", "M51.16"], {("M54.41", "M51.16", "M54.4")}),
        (["G89.29", "G89.4"], {("G89.29", "G89.4", "G89.2")}),
        (["G89.29", "F45.41"], {("G89.29", "F45.41", "G89")}),
        (["M54.50", "F45.41"], {("M54.50", "F45.41", "M54")}),
        (["Z33.1", "O26.891"], {("Z33.1", "O26.891", "Z33.1")}),
        (["M54.50", "M46.46"], {("M54.50", "M46.46", "M50-M54")}),
        # Both directions: M54.1 excludes M51.1-, and M51.1 excludes M54.16.
        (["M54.16", "M51.16"], {("M54.16", "M51.16", "M54.1"), ("M51.16", "M54.16", "M51.1")}),
        # A heading block's notes are inherited: Transport accidents (V00-V99) excludes Y03.-.
        (["V43.52XA", "Y03.8XXA"], {("V43.52XA", "Y03.8XXA", "V00-V99")}),
    ],
)
def test_excludes1_conflict_names_the_code_and_where_the_note_is_written(tab, codes, expected):
    assert conflict_pairs(tab, codes) == expected


@pytest.mark.parametrize(
    "codes",
    [
        ["M54.50", "G89.29"],  # G89 lists lumbar region pain (M54.5-) under Excludes2 only
        ["G89.4", "M54.50"],
        ["M54.41", "M54.42"],  # siblings: no note names the other
        ["M54.50", "M51.16"],  # M54.5 excludes M51.2- and M54.4-, not M51.1-
        ["M54.50", "S33.5XXA"],  # lumbar sprain is not "low back strain (S39.012)"
    ],
)
def test_pairs_the_tabular_allows_are_not_conflicts(tab, codes):
    assert tab.excludes1_conflicts(codes) == []


def test_conflict_carries_the_note_text(tab):
    assert tab.excludes1_conflicts(["S39.012A", "M54.50"]) == [
        Excludes1Conflict("M54.50", "S39.012A", "M54.5", "low back strain (S39.012)")
    ]


def test_excludes2_notes_are_inherited_from_the_chapter(tab):
    owners = {n.owner for n in tab.excludes2_notes("M54.50")}
    assert "13" in owners
    lumbar = [n for n in tab.excludes2_notes("G89.29") if n.text == "lumbar region pain (M54.5-)"]
    assert lumbar and lumbar[0].covers("M54.50")


# -- code references in notes -----------------------------------------------------------


def only_spec(text, order=None):
    [spec] = CodeSpec.parse(text, order)
    return spec


def test_range_o00_o9a_covers_o9a_and_o26_but_not_perinatal_codes(tab):
    spec = only_spec("complications of pregnancy (O00-O9A)", tab._raw.index)
    assert spec.is_range and (spec.start, spec.end) == ("O00", "O9A")
    assert spec.covers("O9A.1") and spec.covers("O26.891") and spec.covers("O00.0")
    assert not spec.covers("P00.0") and not spec.covers("N99.9")


def test_family_covers_its_subdivisions_only(tab):
    spec = only_spec("lumbago due to intervertebral disc displacement (M51.2-)")
    assert spec.family and str(spec) == "M51.2-"
    assert spec.covers("M51.26") and spec.covers("M51.2")
    assert not spec.covers("M51.16") and not spec.covers("M51.36")


def test_single_code_reference_covers_its_descendants():
    assert only_spec("low back strain (S39.012)").covers("S39.012A")
    assert only_spec("radiculopathy (M54.1)").covers("M54.16")
    assert not only_spec("back pain (M54.9)").covers("M54.5")


def test_subcategory_ranges_include_both_endpoints_and_their_subdivisions():
    chest = only_spec("chest pain (R07.1-R07.9)")
    assert chest.covers("R07.1") and chest.covers("R07.89") and chest.covers("R07.9")
    assert not chest.covers("R07.0") and not chest.covers("R07")
    sciatica = only_spec("sciatica (M54.3-M54.4)")
    assert sciatica.covers("M54.31") and sciatica.covers("M54.42")
    assert not sciatica.covers("M54.50") and not sciatica.covers("M54.2")


def test_ranges_follow_tabular_order_not_string_order(tab):
    # M1A (chronic gout) sits before M10 in the tabular, inside block M05-M14.
    assert only_spec("(M05-M14)", tab._raw.index).covers("M1A.00X0")
    assert not only_spec("(M05-M14)").covers("M1A.00X0")


def test_lists_families_and_typos_are_all_read():
    specs = CodeSpec.parse("pain from prosthetic devices, implants, and grafts (T82.84, T83.84, T84.84, T85.84-)")
    assert [str(s) for s in specs] == ["T82.84", "T83.84", "T84.84", "T85.84-"]
    assert only_spec("spine pain (M54.-)").covers("M54.50")
    typo = only_spec("sciatica due to intervertebral disc disorder (M51.1.-)")
    assert typo.covers("M51.16") and not typo.covers("M51.26")


def test_dash_and_to_ranges_in_irregular_spelling():
    assert str(only_spec("apnea of newborn (P28.3- - P28.4-)")) == "P28.3-P28.4"
    specs = CodeSpec.parse("concussion classified in subcategories S06.1- to S06.6-, and S06.81- to S06.89-, code to it")
    assert [str(s) for s in specs] == ["S06.1-S06.6", "S06.81-S06.89"]


def test_note_without_a_code_yields_no_spec():
    assert CodeSpec.parse("current injury - see injury of spine by body region") == ()


def test_bare_codes_count_only_when_no_parenthesis_names_one():
    assert [str(s) for s in CodeSpec.parse("vitamin B12 deficiency anemia (D51.-)")] == ["D51.-"]
    assert [str(s) for s in CodeSpec.parse("torticollis NOS M43.6")] == ["M43.6"]


def test_qualified_references_cover_only_the_qualified_codes():
    diabetes = only_spec("diabetes mellitus (E08-E13 with .42)")
    assert diabetes.covers("E11.42") and not diabetes.covers("E11.9")
    open_fracture = only_spec("open fracture of shoulder and upper arm (S42.- with 7th character B or C)")
    assert open_fracture.covers("S42.001B") and not open_fracture.covers("S42.001A")
    disc = only_spec("rupture or displacement (nontraumatic) of lumbar intervertebral disc NOS (M51.- with fifth character 6)")
    assert disc.covers("M51.26") and not disc.covers("M51.27")
    sequelae = only_spec("aphasia following cerebrovascular disease (I69. with final characters -20)")
    assert sequelae.covers("I69.320") and not sequelae.covers("I69.321")


def test_unreadable_qualifier_covers_nothing_rather_than_everything():
    spec = only_spec("open fracture of elbow and forearm (S52.- with open fracture 7th character)")
    assert spec.qualifier is not None and spec.qualifier.kind == "unknown"
    assert not spec.covers("S52.001B") and not spec.covers("S52.001A")


# -- the data file ----------------------------------------------------------------------


def test_data_file_is_small_and_stores_notes_where_they_are_written():
    assert DEFAULT_DATA.stat().st_size < 4_000_000
    text = gzip.decompress(DEFAULT_DATA.read_bytes()).decode("utf-8")
    [m54_50] = [line for line in text.splitlines() if line.startswith("M54.50\t")]
    assert m54_50.split("\t")[5] == ""  # its Excludes1 come from M54.5 at load time


@pytest.mark.slow
def test_slow_rebuilding_the_data_file_reproduces_the_committed_bytes(tmp_path):
    """Runs scripts/build_icd_data.py (imports simple_icd_10_cm: a few seconds)."""
    out = tmp_path / "fresh.tsv.gz"
    done = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "build_icd_data.py"), "--out", str(out)],
        capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    fresh = out.read_bytes()
    committed = DEFAULT_DATA.read_bytes()
    assert gzip.decompress(fresh) == gzip.decompress(committed), "stale data: run scripts/build_icd_data.py"
    assert fresh == committed


def test_importing_the_module_loads_neither_the_data_nor_simple_icd_10_cm():
    """A fresh interpreter watches file opens: the data file (or its unpacked copy in the cache)
    is read by load_tabular() only."""
    script = textwrap.dedent(
        f"""
        import sys
        opened = []
        sys.addaudithook(lambda event, args: opened.append(str(args[0])) if event == "open" else None)
        import wizard.icd
        # The data file itself, or its unpacked copy in the cache (named after it).
        data = {DEFAULT_DATA.name!r}
        assert "simple_icd_10_cm" not in sys.modules, "import pulled in simple_icd_10_cm"
        assert not any(data in path for path in opened), "import read the data file"
        wizard.icd.load_tabular()
        assert any(data in path for path in opened), "load_tabular() did not read the data file"
        assert "simple_icd_10_cm" not in sys.modules, "load_tabular() pulled in simple_icd_10_cm"
        print("ok")
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def test_loader_is_cached_and_fast():
    import time

    load_tabular.cache_clear()
    start = time.perf_counter()
    first = load_tabular()
    elapsed = time.perf_counter() - start
    assert load_tabular() is first
    # The budget is 150 ms on a developer machine; allow slack for loaded CI runners.
    assert elapsed < 0.5, f"loading took {elapsed * 1000:.0f} ms"


def test_sequela_injury_code_does_not_conflict_with_its_residual_condition():
    # GL I.C.19.a: code the residual condition and the injury with 7th character S together.
    tab = load_tabular()
    assert tab.is_sequela("S39.012S") and tab.is_sequela("X50.0XXS")
    assert not tab.is_sequela("S39.012A") and not tab.is_sequela("M54.50")
    assert tab.excludes1_conflicts(["M54.50", "S39.012S"]) == []
    assert tab.excludes1_conflicts(["M54.50", "S39.012A"]) != []
