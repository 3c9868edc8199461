"""Errors of the sessions store: each names the file, says what is wrong and ends with the fix."""

from __future__ import annotations

from pathlib import Path


class SessionError(Exception):
    """A session cannot be read, written or found. `problem` is the short reason, for listings."""

    def __init__(self, path: Path | str, problem: str, fix: str) -> None:
        self.path = Path(path)
        self.problem = problem
        self.fix = fix
        super().__init__(f"{path}: {problem}. Fix: {fix}")


class SessionLocked(SessionError):
    """The session is open in another running wizard process."""

    def __init__(self, path: Path | str, session_id: str, pid: int | None) -> None:
        holder = f"another wizard process (pid {pid})" if pid else "another wizard process"
        super().__init__(
            path,
            f"session {session_id} is open in {holder}",
            "finish or quit it there first; wizard frees the session as soon as that process ends",
        )
        self.session_id = session_id
        self.pid = pid
