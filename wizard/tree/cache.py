"""Trees already validated, kept so that the next launch with the same file starts at once.

Parsing the TOML and validating it with pydantic costs more than everything else a launch
does before the first question. A tree that passed every check is stored in the user's cache
(`wizard.cache`, folder `trees/`), pickled, under the sha-256 of its bytes and a stamp of the
code that checked it (the tree package's source files and the Python version): any change to
the file or to those checks misses the cache, and the tree is checked again from scratch.
`wizard lint` never reads the cache.
"""

from __future__ import annotations

import os
import pickle
import sys
from pathlib import Path

from wizard.cache import CacheFolder, sha256_hex
from wizard.tree.models import Tree

FORMAT = 1
# The files whose code decides what a valid tree is and what its records hold.
_CHECKED_BY = ("models.py", "schema.py", "loader.py", "problems.py", "cache.py", "../cache.py")


def code_stamp() -> str:
    """Which code checked a tree: the tree package's sources (size and time) and Python's version."""
    here = Path(__file__).parent
    parts = [f"{FORMAT}", sys.version]
    for name in _CHECKED_BY:
        try:
            found = os.stat(here / name)
        except OSError:
            continue
        parts.append(f"{name}:{found.st_size}:{found.st_mtime_ns}")
    return sha256_hex("\n".join(parts).encode())[:16]


class TreeCache:
    """Validated trees by the sha-256 of their file; `TreeCache(CacheFolder(None))` keeps nothing."""

    def __init__(self, folder: CacheFolder) -> None:
        self.folder = folder
        self._stamp = code_stamp() if folder.folder is not None else ""

    @classmethod
    def default(cls) -> TreeCache:
        return cls(CacheFolder.named("trees"))

    @classmethod
    def off(cls) -> TreeCache:
        return cls(CacheFolder(None))

    def _name(self, sha256: str) -> str:
        return f"{sha256}-{self._stamp}.pickle"

    def get(self, sha256: str) -> Tree | None:
        """The tree stored for these bytes, or None (not stored, not trusted, or damaged)."""
        data = self.folder.read(self._name(sha256))
        if data is None:
            return None
        try:
            tree = pickle.loads(data)
        except Exception:  # noqa: BLE001 - a damaged entry is a miss; the tree is checked again
            tree = None
        if not isinstance(tree, Tree):
            self.folder.remove(self._name(sha256))
            return None
        return tree

    def put(self, sha256: str, tree: Tree) -> None:
        """Store a tree that passed every check."""
        if self.folder.folder is None:
            return
        try:
            data = pickle.dumps(tree, protocol=pickle.HIGHEST_PROTOCOL)
        except (pickle.PicklingError, RecursionError):
            return
        self.folder.write(self._name(sha256), data)
