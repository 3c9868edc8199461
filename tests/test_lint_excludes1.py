"""Excludes1 of the codes version 2 of the low back pain tree brings, read from the FY2026
tabular by lint in both directions, and the reading of the S33 note on disc disorders.

Each pair is put in a made-up two-rule tree, in one order and then the other, and lint must
report it on the path that builds both, quoting the note of the code that carries it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from wizard.icd import load_tabular
from wizard.lint import lint_file

TREE = """\
# Made up for a lint test: not clinical advice.
[tree]
id = "pair"
title = "Two codes"
version = "1.0.0"
icd10cm_release = "FY2026"
scope = "Lint test."

[[questions]]
id = "both"
prompt = "Both codes?"
help = "The second code comes with yes."
options = [ { id = "no", label = "No" }, { id = "yes", label = "Yes" } ]

[[sequence]]
id = "diagnosis"

[[rules]]
id = "first"
code = "FIRST"
slot = "diagnosis"
when = { both = ["no", "yes"] }
reason = "The first code."
cite = ["TAB FIRST"]

[[rules]]
id = "second"
code = "SECOND"
slot = "diagnosis"
when = { both = "yes" }
reason = "The second code."
cite = ["TAB SECOND"]
"""

# (a code, a code it may never be reported with, the code whose note says so, the note).
PAIRS = [
    ("M43.06", "M43.16", "M43.0", "spondylolisthesis (M43.1)"),
    ("M43.07", "M43.17", "M43.0", "spondylolisthesis (M43.1)"),
    ("M43.16", "Q76.2", "Q76.2", "spondylolisthesis (acquired) (M43.1-)"),
    ("M43.06", "Q76.2", "Q76.2", "spondylolysis (acquired) (M43.0-)"),
    ("M62.830", "R25.2", "M62", "cramp and spasm (R25.2)"),
    ("M62.81", "R25.2", "M62", "cramp and spasm (R25.2)"),
    ("R53.1", "M62.81", "R53.1", "muscle weakness (generalized) (M62.81)"),
    # The M54 side carries the notes against disc degeneration.
    ("M51.360", "M54.50", "M54.5", "intervertebral disc degeneration, lumbar region with discogenic back pain only (M51.360)"),
    ("M51.372", "M54.42", "M54.4", "intervertebral disc degeneration, lumbosacral region with discogenic back pain and lower extremity pain (M51.372)"),
]


def lint_pair(tmp_path: Path, first: str, second: str):  # noqa: ANN201
    path = tmp_path / f"{first}-{second}.toml"
    path.write_text(TREE.replace("FIRST", first).replace("SECOND", second), encoding="utf-8")
    return lint_file(path)


@pytest.mark.parametrize("order", ["as_listed", "reversed"])
@pytest.mark.parametrize(("code", "excluded", "owner", "note"), PAIRS, ids=[f"{a}-{b}" for a, b, _, _ in PAIRS])
def test_lint_reports_each_new_pair_in_either_order(tmp_path, code, excluded, owner, note, order) -> None:
    first, second = (code, excluded) if order == "as_listed" else (excluded, code)
    report = lint_pair(tmp_path, first, second)
    assert report.errors and all("Excludes1" in p.message and "on 1 path(s), e.g. both=yes" in p.message for p in report.errors)
    assert any(f'{owner} says Excludes1: "{note}"' in p.message for p in report.errors), [p.message for p in report.errors]


def test_the_congenital_and_acquired_forms_exclude_each_other_from_both_sides() -> None:
    owners = {c.owner for c in load_tabular().excludes1_conflicts(["Q76.2", "M43.16"])}
    assert owners == {"Q76.2", "M43.1", "M43"}


# -- the S33 note, read as it is written -----------------------------------------------------------
# S33 Excludes1 "nontraumatic rupture or displacement of lumbar intervertebral disc NOS (M51.-)":
# its reference is the family M51.-, every code under M51 (degeneration and annular defects too,
# not only the displacement the words describe), and it is a note of S33 itself, so it holds for
# the sprain's sequela codes as for its current ones. A note never excludes a sequela code.


@pytest.mark.parametrize("disc", ["M51.26", "M51.16", "M51.360", "M51.372", "M51.A2", "M51.A4"])
@pytest.mark.parametrize("sprain", ["S33.5XXA", "S33.5XXS", "S33.6XXD", "S33.6XXS"])
def test_the_s33_note_excludes_every_m51_code_beside_any_s33_sprain(sprain, disc) -> None:
    (conflict,) = load_tabular().excludes1_conflicts([sprain, disc])
    assert (conflict.code, conflict.excluded, conflict.owner) == (sprain, disc, "S33")
    assert conflict.note == "nontraumatic rupture or displacement of lumbar intervertebral disc NOS (M51.-)"


def test_a_note_that_names_an_injury_does_not_exclude_its_sequela_code() -> None:
    tabular = load_tabular()
    assert tabular.excludes1_conflicts(["M54.50", "S39.012S"]) == []
    assert tabular.excludes1_conflicts(["S39.012S", "M54.50"]) == []
    assert tabular.excludes1_conflicts(["M54.50", "S39.012A"]) != []


def test_lint_reads_the_s33_note_on_a_sequela_sprain(tmp_path) -> None:
    report = lint_pair(tmp_path, "M51.360", "S33.5XXS")
    (problem,) = report.errors
    assert "S33.5XXS and M51.360 are reported together" in problem.message and "S33 says Excludes1" in problem.message


def test_partners_name_every_pair_that_conflicts() -> None:
    """Lint looks up only the pairs `excludes1_partners` names: it must name each conflict."""
    tabular = load_tabular()
    codes = ["S33.5XXS", "S33.6XXA", "M51.A2", "M51.360", "M54.50", "S39.012S", "M43.06", "M43.16", "Q76.2", "M62.81", "R53.1"]
    partners = tabular.excludes1_partners(codes)
    for i, a in enumerate(codes):
        for b in codes[i + 1 :]:
            if tabular.excludes1_conflicts([a, b]):
                assert b in partners[a] and a in partners[b], (a, b)
    assert "S39.012S" not in partners["M54.50"]
