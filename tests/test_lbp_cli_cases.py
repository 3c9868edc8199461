"""Every engine case of the low back pain tree through `wizard run`, as a script would call it.

Every case goes through the command's own entry point in this process (a subprocess each would
take a minute); the given cases also go through a real `python -m wizard run` subprocess.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import tomli_w

from conftest import REPO
from wizard.cli import main

CASES = tomllib.loads((REPO / "tests" / "cases" / "lbp_cases.toml").read_text())["case"]
GIVEN = {"acute_nonspecific", "chronic_pain_mgmt", "vertebrogenic_chronic", "bilateral_sciatica",
         "strain_sequela", "preg_related_11w", "psychogenic", "thoracic"}


def answers_file(tmp_path: Path, case: dict) -> Path:
    path = tmp_path / f"{case['id']}.toml"
    path.write_text(tomli_w.dumps({"answers": case["answers"]}), encoding="utf-8")
    return path


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_wizard_run_gives_the_expected_codes_in_order(case, tmp_path, capsys):
    assert main(["run", "--answers", str(answers_file(tmp_path, case)), "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [c["code"] for c in out["codes"]] == case["expected"]
    assert all(c["description"] for c in out["codes"])


@pytest.mark.parametrize("case", [c for c in CASES if c["id"] in GIVEN], ids=lambda c: c["id"])
def test_wizard_run_subprocess(case, tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "wizard", "run", "--answers", str(answers_file(tmp_path, case)), "--format", "json"],
        capture_output=True, text=True, cwd=REPO, timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert [c["code"] for c in json.loads(done.stdout)["codes"]] == case["expected"]
