"""The user's cache: work done once (a tree validated, the ICD data unpacked) kept for the next launch.

The root is `$WIZARD_CACHE_DIR`, else `$XDG_CACHE_HOME/wizard`, else `~/.cache/wizard`;
`WIZARD_CACHE_DIR=off` turns caching off. Each kind of entry has its own folder below it
(`trees/`, `icd/`). Folders are private (0700) and files 0600; a file is read only if the user
owns it and no one else can write it, because what is read is trusted (a pickled tree runs
code when loaded). Writes are atomic (temporary file, fsync, rename), so a reader never sees
half a file.

A cache is a convenience: a folder that cannot be made or written, or a damaged entry, means
the work is done again, never an error.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

try:  # the builtin module: hashlib would load OpenSSL, a few ms of every launch
    from _sha256 import sha256 as _sha256
except ImportError:  # Python 3.12 and later name it _sha2
    try:
        from _sha2 import sha256 as _sha256  # type: ignore[no-redef]
    except ImportError:
        from hashlib import sha256 as _sha256  # type: ignore[no-redef]

CACHE_ENV = "WIZARD_CACHE_DIR"
OFF = ("", "off", "0", "no")


def sha256_hex(data: bytes) -> str:
    """The SHA-256 of some bytes, in hex."""
    return _sha256(data).hexdigest()


def cache_root() -> Path | None:
    """The cache's root folder, or None when it is turned off."""
    chosen = os.environ.get(CACHE_ENV)
    if chosen is not None:
        return None if chosen.strip().lower() in OFF else Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "wizard"


class CacheFolder:
    """One kind of cache entry: files by name, at most `keep` of them (the newest)."""

    def __init__(self, folder: Path | None, keep: int = 16, max_bytes: int = 256 * 2**20) -> None:
        self.folder = folder
        self.keep = keep
        self.max_bytes = max_bytes

    @classmethod
    def named(cls, name: str, keep: int = 16) -> CacheFolder:
        root = cache_root()
        return cls(None if root is None else root / name, keep)

    def read(self, name: str) -> bytes | None:
        """The entry's bytes, or None when it is missing, too big, or not trusted."""
        if self.folder is None:
            return None
        try:
            fd = os.open(self.folder / name, os.O_RDONLY | os.O_CLOEXEC | os.O_NOFOLLOW)
        except OSError:
            return None
        try:
            with os.fdopen(fd, "rb") as handle:
                if not trusted(os.fstat(handle.fileno())):
                    return None
                data = handle.read(self.max_bytes + 1)
        except OSError:
            return None
        return data if len(data) <= self.max_bytes else None

    def write(self, name: str, data: bytes) -> None:
        """Store an entry atomically; any failure leaves the cache as it was."""
        if self.folder is None:
            return
        try:
            self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            if not trusted(os.stat(self.folder)):
                return
            import tempfile  # only when writing: most launches only read

            fd, temp = tempfile.mkstemp(dir=self.folder, prefix=".", suffix=".tmp")  # mode 0600
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(temp, self.folder / name)
            except BaseException:
                remove(Path(temp))
                raise
            self._prune()
        except OSError:
            return

    def remove(self, name: str) -> None:
        if self.folder is not None:
            remove(self.folder / name)

    def _prune(self) -> None:
        assert self.folder is not None
        entries = sorted((p for p in self.folder.iterdir() if not p.name.startswith(".")), key=_mtime, reverse=True)
        for old in entries[self.keep :]:
            remove(old)


def trusted(found: os.stat_result) -> bool:
    """Owned by this user and writable by no one else."""
    return found.st_uid == os.geteuid() and not found.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def remove(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass
