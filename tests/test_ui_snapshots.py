"""Screenshots of the three screens a clinician sees most, at 80x24 and 120x36.

Deterministic: fixed descriptions (no ICD load), no clock in the view, no cursor blink
in a headless run. Update after an intended change with `pytest --snapshot-update`.
"""

from __future__ import annotations

import pytest

from conftest_ui import SIGNS, make_app

SIZES = {"80x24": (80, 24), "120x36": (120, 36)}

# Demo tree: low back, no injury, not pregnant -> the chronic question, with M54.50 so far.
MID_TREE = ["1", "1", "1"]
# ... and chronic yes -> the result with two codes, a warning and the checklist.
RESULT = [*MID_TREE, "2"]


@pytest.mark.parametrize("size", SIZES.values(), ids=SIZES.keys())
def test_snapshot_first_question(snap_compare, size: tuple[int, int]) -> None:  # noqa: ANN001
    assert snap_compare(make_app(), terminal_size=size)


@pytest.mark.parametrize("size", SIZES.values(), ids=SIZES.keys())
def test_snapshot_mid_tree_with_codes_building_up(snap_compare, size: tuple[int, int]) -> None:  # noqa: ANN001
    assert snap_compare(make_app(), press=MID_TREE, terminal_size=size)


@pytest.mark.parametrize("size", SIZES.values(), ids=SIZES.keys())
def test_snapshot_result(snap_compare, size: tuple[int, int]) -> None:  # noqa: ANN001
    assert snap_compare(make_app(), press=RESULT, terminal_size=size)


@pytest.mark.parametrize("size", SIZES.values(), ids=SIZES.keys())
def test_snapshot_list_to_tick(snap_compare, size: tuple[int, int]) -> None:  # noqa: ANN001
    """tests/trees/walks/signs.toml: low back, then the signs with fever and leg weakness ticked."""
    from wizard.tree.loader import load_tree

    assert snap_compare(make_app(load_tree(SIGNS)), press=["1", "1", "5"], terminal_size=size)
