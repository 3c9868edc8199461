"""Shared fixtures: paths to the test trees, and sessions kept out of the real folder."""

from __future__ import annotations

from pathlib import Path

import pytest

TESTS = Path(__file__).parent
DEMO_TREE = TESTS / "trees" / "demo.toml"
BROKEN = TESTS / "trees" / "broken"
REPO = TESTS.parent
SHIPPED_TREE = REPO / "trees" / "low_back_pain.toml"


@pytest.fixture(autouse=True)
def _isolated_sessions(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test ever writes into the user's or the checkout's sessions folder."""
    monkeypatch.setenv("WIZARD_SESSIONS_DIR", str(tmp_path_factory.mktemp("sessions")))


@pytest.fixture
def demo_tree():
    from wizard.tree import load_tree

    return load_tree(DEMO_TREE).tree
