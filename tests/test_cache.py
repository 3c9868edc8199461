"""The cache of validated trees and unpacked ICD data: what it saves, and that it never decides.

A launch that finds its tree in the cache skips TOML parsing and pydantic; any change to the
file misses; an entry someone else could have written, or a damaged one, is not used; lint
never reads it; WIZARD_CACHE_DIR=off keeps nothing.
"""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import DEMO_TREE, REPO, SHIPPED_TREE

from wizard.cache import CacheFolder
from wizard.icd import datafile
from wizard.icd.tabular import DEFAULT_DATA
from wizard.lint import lint_file
from wizard.tree import load_tree
from wizard.tree.cache import TreeCache


@pytest.fixture
def cache(tmp_path: Path) -> TreeCache:
    return TreeCache(CacheFolder(tmp_path / "trees"))


def entries(cache: TreeCache) -> list[Path]:
    assert cache.folder.folder is not None
    return sorted(cache.folder.folder.glob("*.pickle")) if cache.folder.folder.exists() else []


def test_a_tree_is_stored_once_checked_and_read_back_equal(cache: TreeCache) -> None:
    first = load_tree(DEMO_TREE, cache=cache)
    [entry] = entries(cache)
    assert entry.name.startswith(first.sha256)
    assert entry.stat().st_mode & 0o777 == 0o600
    assert entry.parent.stat().st_mode & 0o777 == 0o700
    again = load_tree(DEMO_TREE, cache=cache)
    assert again.tree == first.tree and again.tree is not first.tree
    assert again.sha256 == first.sha256


def test_an_edited_tree_misses_the_cache_and_is_checked_again(cache: TreeCache, tmp_path: Path) -> None:
    tree = tmp_path / "tree.toml"
    tree.write_text(DEMO_TREE.read_text(encoding="utf-8"), encoding="utf-8")
    load_tree(tree, cache=cache)
    text = tree.read_text(encoding="utf-8")
    tree.write_text(text.replace('id = "demo"', 'id = "demo"\nunknown_key = 1', 1), encoding="utf-8")
    with pytest.raises(Exception, match="unknown key 'unknown_key'"):
        load_tree(tree, cache=cache)


def test_an_entry_others_could_write_or_a_damaged_one_is_not_used(cache: TreeCache) -> None:
    loaded = load_tree(DEMO_TREE, cache=cache)
    [entry] = entries(cache)
    other = load_tree(SHIPPED_TREE, cache=TreeCache.off()).tree
    entry.write_bytes(pickle.dumps(other))  # a planted tree...
    entry.chmod(0o666)  # ...in a file anyone could have written
    assert load_tree(DEMO_TREE, cache=cache).tree == loaded.tree
    entry.write_bytes(b"not a pickle")
    entry.chmod(0o600)
    assert load_tree(DEMO_TREE, cache=cache).tree == loaded.tree
    [rewritten] = entries(cache)
    assert pickle.loads(rewritten.read_bytes()) == loaded.tree


def test_lint_reads_the_file_never_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WIZARD_CACHE_DIR", str(tmp_path / "cache"))
    tree = tmp_path / "tree.toml"
    tree.write_text(DEMO_TREE.read_text(encoding="utf-8"), encoding="utf-8")
    loaded = load_tree(tree)  # stored under the file's sha-256
    [entry] = (tmp_path / "cache" / "trees").glob("*.pickle")
    # Plant the shipped tree under the demo file's name: a run would now take it; lint must not.
    entry.write_bytes(pickle.dumps(load_tree(SHIPPED_TREE, cache=TreeCache.off()).tree))
    assert load_tree(tree).tree.tree.id == "low_back_pain"
    report = lint_file(tree)
    assert report.questions == len(loaded.tree.questions) != len(load_tree(SHIPPED_TREE).tree.questions)


def test_off_keeps_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WIZARD_CACHE_DIR", "off")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setenv("HOME", str(tmp_path))
    load_tree(DEMO_TREE)
    datafile.read(DEFAULT_DATA)
    assert list(tmp_path.iterdir()) == []


def test_an_unwritable_cache_folder_is_no_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("a file where the folder would go")
    monkeypatch.setenv("WIZARD_CACHE_DIR", str(blocked))
    assert load_tree(DEMO_TREE).tree.tree.id == "demo"
    assert datafile.read(DEFAULT_DATA).header["release"] == "FY2026"


def test_the_unpacked_icd_data_is_kept_and_a_short_copy_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WIZARD_CACHE_DIR", str(tmp_path))
    whole = datafile.read(DEFAULT_DATA).data
    [copy] = (tmp_path / "icd").iterdir()
    assert copy.read_bytes() == whole and copy.stat().st_mode & 0o777 == 0o600
    copy.write_bytes(whole[: len(whole) // 2])  # cut short: same start, wrong size
    assert datafile.read(DEFAULT_DATA).data == whole
    assert copy.read_bytes() == whole


def test_a_cached_headless_run_imports_no_pydantic_model_machinery(tmp_path: Path) -> None:
    """The second run of a tree reads it from the cache: no TOML parse of the tree, no pydantic."""
    script = textwrap.dedent(
        """
        import io, json, sys, contextlib
        from wizard.cli import main
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = main(["run", "--answers", "examples/right_sciatica.toml", "--format", "json"])
        codes = [line["code"] for line in json.loads(out.getvalue())["codes"]]
        print(json.dumps({"code": code, "codes": codes, "pydantic": sorted(m for m in sys.modules if m.startswith("pydantic"))}))
        """
    )
    env = {**os.environ, "WIZARD_CACHE_DIR": str(tmp_path)}
    runs = [json.loads(subprocess.run([sys.executable, "-c", script], cwd=REPO, env=env, capture_output=True, text=True, check=True).stdout) for _ in range(2)]
    assert runs[0]["code"] == runs[1]["code"] == 0
    assert runs[0]["codes"] == runs[1]["codes"] == ["G89.29", "M54.41"]
    assert "pydantic.main" in runs[0]["pydantic"]  # the first run validates the tree
    assert "pydantic.main" not in runs[1]["pydantic"]  # the second finds it checked


def test_the_records_the_engine_runs_have_the_fields_the_schema_validates() -> None:
    """wizard.tree.models mirrors wizard.tree.schema class by class, field by field."""
    from pydantic import BaseModel

    from wizard.tree import models, schema

    validated = {name: cls for name, cls in vars(schema).items() if isinstance(cls, type) and issubclass(cls, BaseModel) and cls.__module__ == schema.__name__}
    extra = {"Condition": {"matchers"}, "Tree": {"_by_id"}}
    assert set(validated) - {"Strict"} == {name for name, cls in vars(models).items() if isinstance(cls, type) and issubclass(cls, models.Record) and cls is not models.Record}
    for name, cls in validated.items():
        if name == "Strict":
            continue
        assert set(getattr(models, name).__slots__) == set(cls.model_fields) | extra.get(name, set()), name
