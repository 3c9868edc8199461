"""A trainee's quiz progress: every graded case (id, score, codes given, time) in one TOML file.

The file is `quiz/progress.toml` in the sessions folder (a folder of its own, so that
`wizard sessions list` never mistakes it for a session). Each save takes the file's lock,
reads it, appends the attempt and writes it back atomically (temp file, fsync, os.replace,
mode 0600) with the sessions store's own helpers, so two quiz runs at once never lose an
attempt and a crash leaves the old file or the new one. A damaged file is reported and left
as it is, as the sessions store does with a damaged session.
"""

from __future__ import annotations

import secrets
import time
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Literal

import tomli_w
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from wizard.sessions.files import Busy, FileLock, UnsafeFile, ensure_folder, read_regular, write_atomic
from wizard.tree.models import IDENT

FORMAT = 1
FOLDER = "quiz"
FILE = "progress.toml"
HEADER = (
    "# wizard quiz progress: one [[attempt]] per graded case, oldest first.\n"
    "# Written by 'wizard quiz' after each case; no patient data, only the library's case ids.\n"
)
# Another quiz holds the lock only for one small write; wait this long before giving up.
LOCK_WAIT_SECONDS = 2.0


class Attempt(BaseModel):
    """One graded case."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    case: str = Field(pattern=IDENT)
    score: float = Field(ge=0, le=1)
    given: list[str]
    expected: list[str]
    mode: Literal["typed", "walked"]
    at: AwareDatetime
    run: str = Field(min_length=1, description="the run the attempt belongs to (one `wizard quiz`)")
    order: str = Field(description="library order, or shuffled with its seed")


class ProgressData(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    format: Literal[1]
    attempt: list[Attempt] = Field(default_factory=list)


class ProgressError(Exception):
    """The progress file cannot be read or written; the message names it and ends with the fix."""

    def __init__(self, path: Path, problem: str, fix: str) -> None:
        self.path = path
        self.problem = problem
        self.fix = fix
        super().__init__(f"{path}: {problem}. Fix: {fix}")


def new_run_id(now: datetime) -> str:
    """`YYYYMMDD-HHMMSS-xxxx`: the run's start (UTC) and 16 random bits."""
    return f"{now.astimezone(timezone.utc):%Y%m%d-%H%M%S}-{secrets.token_hex(2)}"


class ProgressFile:
    """The progress file of one sessions folder."""

    def __init__(self, sessions_folder: Path, tighten: bool = False) -> None:
        """tighten: make the folders private (0700) when they exist already; only for
        folders wizard chose itself (see wizard.sessions.location.DEFAULT_SOURCES)."""
        self.sessions_folder = Path(sessions_folder)
        self.folder = self.sessions_folder / FOLDER
        self.path = self.folder / FILE
        self.tighten = tighten

    def __repr__(self) -> str:
        return f"ProgressFile({str(self.path)!r})"

    def load(self) -> list[Attempt]:
        """Every attempt, oldest first; [] when there is no file yet."""
        leave = "wizard leaves the file as it is; fix it by hand or move it away, and the next case starts a new one"
        try:
            raw = read_regular(self.path)
        except FileNotFoundError:
            return []
        except UnsafeFile as error:
            raise ProgressError(self.path, f"{error.strerror}; wizard never reads progress through it", "move it out of the sessions folder") from None
        except OSError as error:
            raise ProgressError(self.path, f"cannot be read ({error.strerror or error})", "check the file's permissions") from None
        try:
            data = tomllib.loads(raw.decode("utf-8"))
        except UnicodeDecodeError as error:
            raise ProgressError(self.path, f"is not UTF-8 text (byte {error.start})", leave) from None
        except tomllib.TOMLDecodeError as error:
            raise ProgressError(self.path, f"is not valid TOML ({error})", leave) from None
        try:
            return list(ProgressData.model_validate(data).attempt)
        except ValidationError as error:
            where = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()[:3])
            raise ProgressError(self.path, f"does not match the progress format ({where})", leave) from None

    def record(self, attempt: Attempt) -> None:
        """Append one attempt: under the lock, read, append, write atomically."""
        try:
            ensure_folder(self.sessions_folder, tighten=self.tighten)
            ensure_folder(self.folder, tighten=self.tighten)
            with self._locked():
                attempts = self.load()
                text = HEADER + tomli_w.dumps(ProgressData(format=FORMAT, attempt=[*attempts, attempt]).model_dump(mode="python"))
                write_atomic(self.path, text.encode("utf-8"))
        except UnsafeFile as error:
            raise ProgressError(self.path, f"{error.strerror}; wizard never writes progress through it", "move it out of the sessions folder") from None
        except Busy:
            raise ProgressError(self.path, "is being written by another wizard quiz", "try again; this case's grade is still shown") from None
        except OSError as error:
            raise ProgressError(
                self.path, f"could not be saved ({error.strerror or error})", "make the sessions folder writable, or choose another with --sessions"
            ) from None

    @contextmanager
    def _locked(self) -> Iterator[None]:
        lock = FileLock(self.folder / f"{FILE}.lock")
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        while True:
            try:
                lock.acquire()
                break
            except Busy:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        try:
            yield
        finally:
            lock.release()
