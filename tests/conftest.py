"""Shared fixtures: paths to the test trees, and sessions kept out of the real folder."""

from __future__ import annotations

from pathlib import Path

import pytest

TESTS = Path(__file__).parent
DEMO_TREE = TESTS / "trees" / "demo.toml"
BROKEN = TESTS / "trees" / "broken"
REPO = TESTS.parent
SHIPPED_TREE = REPO / "trees" / "low_back_pain.toml"


@pytest.fixture(scope="session")
def _tree_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One tree cache for the whole run, so that tests load trees through it as users do."""
    return tmp_path_factory.mktemp("tree-cache")


@pytest.fixture(autouse=True)
def _isolated_sessions(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch, _tree_cache: Path) -> None:
    """No test ever writes into the user's or the checkout's sessions folder, or the user's cache,
    or reads the user's imported ICD-10-CM releases (each test starts with the bundled one only)."""
    monkeypatch.setenv("WIZARD_SESSIONS_DIR", str(tmp_path_factory.mktemp("sessions")))
    monkeypatch.setenv("WIZARD_ICD_DIR", str(tmp_path_factory.mktemp("icd")))
    monkeypatch.setenv("WIZARD_CACHE_DIR", str(_tree_cache))


@pytest.fixture
def demo_tree():
    from wizard.tree import load_tree

    return load_tree(DEMO_TREE).tree


# ---- fuzzing: hypothesis profiles and the count of examples tried ---------------------------
# The fuzz targets (tests/test_fuzz*.py) take their settings from FUZZ_SETTINGS: the profile
# named by HYPOTHESIS_PROFILE, "ci" by default (a few seconds a target, the same examples on
# every run); `make fuzz` sets HYPOTHESIS_PROFILE=fuzz for a long, random search. Other
# hypothesis tests keep hypothesis's defaults.

import os  # noqa: E402
from collections import Counter  # noqa: E402

from hypothesis import HealthCheck, settings  # noqa: E402

settings.register_profile("ci", max_examples=30, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("fuzz", max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FUZZ_PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
FUZZ_SETTINGS = settings.get_profile(FUZZ_PROFILE if FUZZ_PROFILE in ("ci", "fuzz") else "ci")

# Examples run per fuzz target (counted by tests/conftest_hostile.py), and what the hostile
# tests tried (kill points, concurrent writers...), printed at the end of the run.
FUZZ_EXAMPLES: Counter[str] = Counter()
HOSTILE_COUNTS: Counter[str] = Counter()


def pytest_terminal_summary(terminalreporter) -> None:  # noqa: ANN001
    if FUZZ_EXAMPLES:
        total = sum(FUZZ_EXAMPLES.values())
        targets = ", ".join(f"{name} {count}" for name, count in sorted(FUZZ_EXAMPLES.items()))
        terminalreporter.write_line(f"fuzz: {total} examples tried (profile {FUZZ_PROFILE}): {targets}")
    if HOSTILE_COUNTS:
        terminalreporter.write_line("hostile: " + ", ".join(f"{name} {count}" for name, count in sorted(HOSTILE_COUNTS.items())))
