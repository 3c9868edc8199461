"""The wheel carries the shipped trees, the coding rules they cite and the ICD data, and works installed outside the checkout."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import pytest

from conftest import REPO


def test_every_package_folder_is_listed_in_pyproject():
    listed = set(tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {
        ".".join(path.parent.relative_to(REPO).parts)
        for path in (REPO / "wizard").rglob("__init__.py")
    }
    assert found <= listed, f"add to [tool.setuptools] packages: {sorted(found - listed)}"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(REPO)],
        check=True, capture_output=True, timeout=300,
    )
    [built] = out.glob("*.whl")
    return built


def test_wheel_ships_trees_coding_rules_and_icd_data(wheel: Path):
    names = zipfile.ZipFile(wheel).namelist()
    assert "wizard/bundled_trees/low_back_pain.toml" in names
    assert "wizard/bundled_docs/coding-rules.md" in names  # lint checks RULES citations against it
    assert any(n.startswith("wizard/icd/data/") for n in names)


def test_installed_outside_the_checkout_finds_the_default_tree(wheel: Path, tmp_path: Path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    site = Path(subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip())
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    # The dependencies come from the test environment; wizard itself only from the wheel.
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",)}
    done = subprocess.run(
        [str(venv / "bin" / "python"), "-c",
         "import wizard, sys; from wizard.tree.loader import default_tree_path; "
         "p = default_tree_path(); print(wizard.__file__); print(p); sys.exit(0 if p.is_file() else 1)"],
        capture_output=True, text=True, cwd=elsewhere, env=env, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    module_file, tree_path = done.stdout.split()
    assert str(site) in module_file and str(REPO) not in tree_path
    lint = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "wizard", "lint"], capture_output=True, text=True, cwd=elsewhere, env=env, timeout=300,
    )
    # Clean, which needs the coding rules the tree cites (RULES n) found inside the wheel.
    assert "low_back_pain.toml: ok" in lint.stdout and lint.returncode == 0, lint.stdout + lint.stderr
