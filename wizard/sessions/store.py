"""The sessions store: one TOML file per session in one folder, written atomically.

`<id>.toml` holds the session, `<id>.lock` is its lock while a process has it open, and
`.<id>.toml.*.tmp` are writes in flight. A file that cannot be read (corrupt, cut short,
written by a newer wizard, a link) is reported with the reason and left exactly as it is.

The session models (pydantic) are imported by the methods that make or read a session, not
here: the UI makes its store before the first question is painted and uses it only after.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from wizard.record import record
from wizard.sessions.errors import SessionError, SessionLocked
from wizard.sessions.files import Busy, FileLock, UnsafeFile, ensure_folder, fsync_folder, read_regular, write_atomic
from wizard.sessions.ids import ID_SHAPE, SCHEMA_VERSION, now, valid_id
from wizard.sessions.location import DEFAULT_SOURCES, Location, resolve_location
from wizard.tree.loader import LoadedTree

if TYPE_CHECKING:
    from pydantic import ValidationError

    from wizard.sessions.models import Session, TreeRecord

HEADER = (
    "# A wizard session (schema_version 1), written by wizard after every answer.\n"
    "# Keep patient identifiers out of the label. Edit with care: the last line must stay.\n"
)
END_MARK = "# end of wizard session"
PREFIX = re.compile(r"^[0-9a-f-]{1,24}$")
# A write in flight, as write_atomic names it: `.<id>.toml.<12 hex>.tmp`.
TEMP_FILE = re.compile(r"^\.[0-9]{8}-[0-9]{6}-[0-9a-f]{8}\.toml\.[0-9a-f]{12}\.tmp$")
# A write takes milliseconds: a temp file this old was left by a writer that was killed.
STALE_AFTER = 60.0


@record
class SessionListing:
    """One file of the folder: its session, or why it cannot be read."""

    id: str
    path: Path
    session: Session | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.session is not None


def tree_record(loaded: LoadedTree) -> TreeRecord:
    from wizard.sessions.models import TreeRecord

    info = loaded.tree.tree
    return TreeRecord(id=info.id, title=info.title, version=info.version, sha256=loaded.sha256, path=str(loaded.path.absolute()))


class SessionStore:
    """Sessions in one folder. Safe to share between threads; processes coordinate by locks."""

    def __init__(self, folder: Path, source: str = "given") -> None:
        location = Location(Path(folder), source)
        self._start(lambda: location)

    @classmethod
    def resolve(cls, cli_dir: Path | None, environ: Mapping[str, str] | None = None, cwd: Path | None = None) -> SessionStore:
        """The store for this run: --sessions, then WIZARD_SESSIONS_DIR, the checkout, the user folder.

        The rules are applied when the store is first used, to the environment and folder of
        now: telling the checkout from another project reads a pyproject.toml, and the UI
        takes its store before the first question is painted but uses it only after.
        """
        environ = dict(os.environ if environ is None else environ)
        cwd = Path.cwd() if cwd is None else cwd
        store = cls.__new__(cls)
        store._start(lambda: resolve_location(cli_dir, environ, cwd))
        return store

    def _start(self, locate: Callable[[], Location]) -> None:
        self._locate = locate
        self._claims: dict[str, tuple[FileLock, int]] = {}
        self._guard = threading.Lock()
        self._exposure_told = False

    @cached_property
    def location(self) -> Location:
        location = self._locate()
        self._remove_stale_temps(location.folder)
        return location

    @staticmethod
    def _remove_stale_temps(folder: Path) -> None:
        """Remove the temp files a killed writer left, the first time the folder is used.

        A save sweeps its own session's leftovers, but a writer killed during a session's
        first save leaves one that no later save of that session sweeps. Only files of the
        store's own name pattern, and only those older than STALE_AFTER, so that a write in
        flight in another process is never touched.
        """
        import time

        try:
            entries = list(os.scandir(folder))
        except OSError:
            return  # no folder yet, or one we cannot read: nothing of ours to tidy
        limit = time.time() - STALE_AFTER
        for entry in entries:
            try:
                if TEMP_FILE.match(entry.name) and entry.is_file(follow_symlinks=False) and entry.stat(follow_symlinks=False).st_mtime < limit:
                    os.unlink(entry.path)
            except OSError:
                pass

    @property
    def folder(self) -> Path:
        return self.location.folder

    @property
    def source(self) -> str:
        """Which rule chose the folder, for messages."""
        return self.location.source

    def __repr__(self) -> str:
        return f"SessionStore({str(self.folder)!r}, source={self.source!r})"

    def exposure_notice(self) -> str | None:
        """Once per store: a sentence when a folder the user chose is open to other users.

        wizard makes the folders it picks itself private, but leaves the mode of one named by
        --sessions or WIZARD_SESSIONS_DIR as the user set it (it may be shared on purpose); the
        user is told, once, so that they can decide. The files in it are 0600 either way.
        """
        if self._exposure_told or self.source in DEFAULT_SOURCES:
            return None
        self._exposure_told = True
        try:
            mode = os.stat(self.folder).st_mode
        except OSError:
            return None  # made by the first save, private
        if not mode & 0o066:
            return None
        could = "read and change" if mode & 0o022 else "read"
        return (
            f"the sessions folder {self.folder} ({self.source}) is open to other users (mode {mode & 0o777:o}): they can "
            f"{could} the list of sessions there, though not the sessions themselves (each file is 0600). "
            f"wizard leaves it as it is; to make it private: chmod 700 {self.folder}"
        )

    # -- paths -----------------------------------------------------------------------------

    def path_of(self, session_id: str) -> Path:
        """The file of a session id; anything but a well-formed id is refused, so no path escapes."""
        if not isinstance(session_id, str) or not valid_id(session_id):
            raise SessionError(
                self.folder,
                f"{session_id!r} is not a session id (ids look like {ID_SHAPE})",
                "copy an id from 'wizard sessions list'",
            )
        return self.folder / f"{session_id}.toml"

    def _lock_path(self, session_id: str) -> Path:
        return self.path_of(session_id).with_suffix(".lock")

    # -- new, save, load ---------------------------------------------------------------------

    def new(self, loaded: LoadedTree, label: str | None = None) -> Session:
        """A new, unsaved session for a tree; the first save writes it."""
        from pydantic import ValidationError

        from secrets import token_hex

        from wizard import __version__
        from wizard.sessions.models import ResultRecord, Session

        created = now()
        while True:
            session_id = f"{created:%Y%m%d-%H%M%S}-{token_hex(4)}"
            if not os.path.lexists(self.path_of(session_id)):
                break
        release = loaded.tree.tree.icd10cm_release
        try:
            return Session(
                id=session_id,
                created=created,
                updated=created,
                label=label,
                app_version=__version__,
                tree=tree_record(loaded),
                icd10cm_release=release,
                result=ResultRecord(release=release),
            )
        except ValidationError as error:
            problem = "; ".join(e["msg"].removeprefix("Value error, ") for e in error.errors())
            raise SessionError(self.folder, f"the label cannot be used: {problem}", "give a short one-line label, or none") from None

    def save(self, session: Session) -> None:
        """Write the session atomically (temp file, fsync, rename, fsync of the folder)."""
        import tomli_w  # the session file's writer, only when a session is saved

        path = self.path_of(session.id)
        text = HEADER + tomli_w.dumps(session.model_dump(mode="python", exclude_none=True)) + END_MARK + "\n"
        try:
            ensure_folder(self.folder, tighten=self.source in DEFAULT_SOURCES)
            with self._locked(session.id):
                write_atomic(path, text.encode("utf-8"))
                self._sweep(session.id)
        except UnsafeFile as error:
            raise SessionError(path, f"{error.strerror}; wizard never writes a session through it", "move it out of the sessions folder") from None
        except OSError as error:
            raise SessionError(
                path,
                f"could not be saved ({error.strerror or error})",
                "make the folder writable or free some space; the session is kept in memory and the next change saves it again",
            ) from None

    def _sweep(self, session_id: str) -> None:
        """Remove temp files that a killed writer of this session left; we hold its lock."""
        for stale in self.folder.glob(f".{session_id}.toml.*.tmp"):
            try:
                stale.unlink()
            except OSError:
                pass

    def load(self, session_id: str) -> Session:
        path = self.path_of(session_id)
        return self._read(path, session_id)

    def _read(self, path: Path, session_id: str) -> Session:
        leave = f"wizard leaves the file as it is; restore it from a backup, or remove it with 'wizard sessions delete {session_id}'"
        try:
            raw = read_regular(path)
        except FileNotFoundError:
            raise SessionError(path, f"no session {session_id} in {self.folder}", "run 'wizard sessions list' for the ids in this folder") from None
        except UnsafeFile as error:
            raise SessionError(path, f"{error.strerror}; wizard never reads a session through it", leave) from None
        except OSError as error:
            raise SessionError(path, f"cannot be read ({error.strerror or error})", "check the file's permissions") from None
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise SessionError(path, f"is not UTF-8 text (byte {error.start}): the file is corrupt", leave) from None
        import tomllib  # only when a session is read: the UI's start needs the folder, not a file

        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise SessionError(path, f"is not valid TOML ({error}): the file is corrupt or cut short", leave) from None
        except RecursionError:  # tomllib recurses once per nested list or table
            raise SessionError(path, "nests lists or tables too deeply to be a session file", leave) from None
        version = data.get("schema_version")
        if isinstance(version, int) and not isinstance(version, bool) and version > SCHEMA_VERSION:
            raise SessionError(
                path,
                f"was written by a newer wizard (schema_version {version}; this wizard reads {SCHEMA_VERSION})",
                "open it with that newer wizard, or upgrade this one",
            )
        if version != SCHEMA_VERSION:
            raise SessionError(path, f"has schema_version {version!r}, not {SCHEMA_VERSION}: it is not a session file wizard can read", leave)
        if text.rstrip().rsplit("\n", 1)[-1].strip() != END_MARK:
            raise SessionError(path, f"is cut short: its last line is not '{END_MARK}'", leave)
        from pydantic import ValidationError

        from wizard.sessions.models import Session

        try:
            session = Session.model_validate(data)
        except ValidationError as error:
            raise SessionError(path, f"does not match the session format: {_problems(error)}", leave) from None
        if session.id != session_id:
            raise SessionError(path, f"holds session {session.id}, not {session_id}", f"rename it to {session.id}.toml")
        return session

    # -- listing, finding, deleting ----------------------------------------------------------

    def list(self) -> list[SessionListing]:
        """Every session file, newest first; unreadable ones carry the reason. Never raises for a file."""
        try:
            names = sorted((e.name for e in os.scandir(self.folder)), reverse=True)
        except FileNotFoundError:
            return []
        except OSError as error:
            raise SessionError(self.folder, f"the sessions folder cannot be read ({error.strerror})", "check its permissions, or choose another with --sessions") from None
        listings = []
        for name in names:
            if not name.endswith(".toml") or name.startswith("."):
                continue
            path = self.folder / name
            session_id = name.removesuffix(".toml")
            if not valid_id(session_id):
                listings.append(SessionListing(session_id, path, error=f"the file name is not a session id ({ID_SHAPE}.toml)"))
                continue
            try:
                listings.append(SessionListing(session_id, path, session=self._read(path, session_id)))
            except SessionError as error:
                listings.append(SessionListing(session_id, path, error=error.problem))
        return listings

    def latest_in_progress(self) -> Session | None:
        sessions = [item.session for item in self.list() if item.session and item.session.status == "in_progress"]
        return max(sessions, key=lambda s: s.updated, default=None)

    def match(self, text: str) -> str:
        """A full id, or the one id that starts with text."""
        if valid_id(text):
            return text
        if not PREFIX.fullmatch(text or ""):
            self.path_of(text)  # raises with the message about what an id looks like
        try:
            ids = [n.removesuffix(".toml") for n in os.listdir(self.folder) if n.endswith(".toml")]
        except OSError:
            ids = []
        found = sorted(i for i in ids if valid_id(i) and i.startswith(text))
        if len(found) == 1:
            return found[0]
        if not found:
            raise SessionError(self.folder, f"no session id starts with '{text}'", "run 'wizard sessions list' for the ids in this folder")
        raise SessionError(self.folder, f"'{text}' starts {len(found)} session ids ({', '.join(found[:4])}{', ...' if len(found) > 4 else ''})", "give more of the id")

    def delete(self, session_id: str) -> None:
        """Remove a session file (readable or not); refused while another process has it open."""
        path = self.path_of(session_id)
        with self._locked(session_id):
            try:
                os.unlink(path)  # unlinks a planted link itself, never its target
            except FileNotFoundError:
                raise SessionError(path, f"no session {session_id} in {self.folder}", "run 'wizard sessions list' for the ids in this folder") from None
            except OSError as error:
                raise SessionError(path, f"cannot be deleted ({error.strerror})", "check the folder's permissions") from None
            fsync_folder(self.folder)

    # -- locks ------------------------------------------------------------------------------

    def claim(self, session_id: str) -> None:
        """Hold the session's lock until release() or the end of the process.

        Raises SessionLocked when another process holds it, SessionError when the lock file
        cannot be made (a read-only folder). Claims by one store nest.
        """
        with self._guard:
            if session_id in self._claims:
                lock, count = self._claims[session_id]
                self._claims[session_id] = (lock, count + 1)
                return
            lock = self._acquire(session_id)
            self._claims[session_id] = (lock, 1)

    def release(self, session_id: str) -> None:
        with self._guard:
            if session_id not in self._claims:
                return
            lock, count = self._claims.pop(session_id)
            if count > 1:
                self._claims[session_id] = (lock, count - 1)
            else:
                lock.release()

    def _acquire(self, session_id: str) -> FileLock:
        lock = FileLock(self._lock_path(session_id))
        try:
            ensure_folder(self.folder, tighten=False)
            lock.acquire()
        except Busy as busy:
            raise SessionLocked(self.path_of(session_id), session_id, busy.pid) from None
        except OSError as error:
            raise SessionError(lock.path, f"the session's lock file cannot be made ({error.strerror or error})", "make the sessions folder writable") from None
        return lock

    @contextmanager
    def _locked(self, session_id: str) -> Iterator[None]:
        """The session's lock for the length of a write (nested inside a claim, if any)."""
        self.claim(session_id)
        try:
            yield
        finally:
            self.release(session_id)


def _problems(error: ValidationError) -> str:
    parts = []
    for item in error.errors()[:4]:
        where = ".".join(f"[{p}]" if isinstance(p, int) else str(p) for p in item["loc"]).replace(".[", "[")
        parts.append(f"{where or 'the file'}: {item['msg']}")
    more = len(error.errors()) - 4
    return "; ".join(parts) + (f"; and {more} more" if more > 0 else "")
