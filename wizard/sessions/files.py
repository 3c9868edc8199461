"""Careful file operations for the sessions folder: atomic writes, no-follow reads, lock files.

Writes go to a fresh temp file in the same folder (O_EXCL|O_NOFOLLOW, mode 0600), are
fsynced, renamed over the target with os.replace and the folder is fsynced, so a crash at
any instant leaves either the old file or the new one. A lock is an exclusive flock on a
`<id>.lock` sidecar: the kernel drops it when its process dies, even by SIGKILL, so a
killed wizard never leaves a session locked.
"""

from __future__ import annotations

import errno
import fcntl
import os
import stat
from pathlib import Path

FOLDER_MODE = 0o700
FILE_MODE = 0o600
MAX_BYTES = 4 * 1024 * 1024  # a session is a few kilobytes; anything this big is not one


class UnsafeFile(OSError):
    """A path holds something wizard will not read or write through (a link, a folder, a device)."""


class Busy(OSError):
    """A lock file is held by another open file, normally another wizard process."""

    def __init__(self, path: Path, pid: int | None) -> None:
        super().__init__(errno.EWOULDBLOCK, "locked", str(path))
        self.pid = pid


def ensure_folder(folder: Path, tighten: bool) -> None:
    """Create the folder (mode 0700); with tighten, also take group and other access away."""
    try:
        folder.mkdir(mode=FOLDER_MODE, parents=True)
    except FileExistsError:
        if not folder.is_dir():
            raise UnsafeFile(errno.ENOTDIR, "is not a folder", str(folder)) from None
        if tighten:
            info = folder.stat()
            if info.st_mode & 0o077 and info.st_uid == os.getuid():
                folder.chmod(FOLDER_MODE)


def fsync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def check_target(path: Path) -> None:
    """Refuse a target that is a link or anything but a regular file."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return
    if stat.S_ISLNK(info.st_mode):
        raise UnsafeFile(errno.ELOOP, "is a symbolic link", str(path))
    if not stat.S_ISREG(info.st_mode):
        raise UnsafeFile(errno.EINVAL, "is not a regular file", str(path))


def write_atomic(path: Path, data: bytes) -> None:
    """Replace path with data, all or nothing, never through a link."""
    check_target(path)
    import secrets  # here, not at the top: the first question is painted before any write

    temp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, FILE_MODE)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise
    fsync_folder(path.parent)


def read_regular(path: Path, limit: int = MAX_BYTES) -> bytes:
    """The bytes of a regular file, refusing links, devices, pipes and oversized files."""
    try:
        # O_NONBLOCK so that a fifo planted here cannot hang the reader.
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise UnsafeFile(errno.ELOOP, "is a symbolic link", str(path)) from None
        raise
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UnsafeFile(errno.EINVAL, "is not a regular file", str(path))
        if info.st_size > limit:
            raise UnsafeFile(errno.EFBIG, f"is {info.st_size:,} bytes, too big for a session", str(path))
    except BaseException:
        os.close(fd)
        raise
    with os.fdopen(fd, "rb") as handle:
        return handle.read(limit + 1)


class FileLock:
    """An exclusive, non-blocking flock on a sidecar file, released by release() or process exit."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> None:
        """Take the lock or raise Busy naming the holder's pid."""
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, FILE_MODE)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                pid = _read_pid(fd)
                os.close(fd)
                raise Busy(self.path, pid) from None
            except BaseException:
                os.close(fd)
                raise
            # The holder before us may have unlinked the file as it let go; a lock on an
            # unlinked file guards nothing, so start again on the file now at the path.
            try:
                same = os.stat(self.path, follow_symlinks=False).st_ino == os.fstat(fd).st_ino
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            os.unlink(self.path)  # while still locked, so nobody is left holding a stale file
        except OSError:
            pass
        os.close(fd)


def _read_pid(fd: int) -> int | None:
    try:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None
