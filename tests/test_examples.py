"""The answers files in examples/ run through `wizard run` to the codes their header names."""

from __future__ import annotations

import json
import re

import pytest

from conftest import REPO
from wizard.cli import main

EXAMPLES = sorted((REPO / "examples").glob("*.toml"))


def test_there_are_examples_of_one_and_of_several_answers() -> None:
    texts = [path.read_text(encoding="utf-8") for path in EXAMPLES]
    assert len(EXAMPLES) >= 3 and any("red_flag_signs = [" in text for text in texts)


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_an_example_gives_the_codes_its_header_names(path, capsys) -> None:
    named = re.search(r"^# Codes: (.+)$", path.read_text(encoding="utf-8"), flags=re.MULTILINE)
    assert named, f"{path.name}: no '# Codes:' line"
    assert main(["run", "--answers", str(path), "--format", "json"]) == 0
    codes = [c["code"] for c in json.loads(capsys.readouterr().out)["codes"]]
    assert codes == [c.strip() for c in named.group(1).split(",")]
