"""The sessions store: atomic TOML files, one per encounter, with locking and resume.

`SessionStore.resolve(cli_dir)` finds the folder (see wizard.sessions.location), `new`,
`save`, `load`, `list` and `delete` manage the files, a `SessionRecorder` saves a session
after every answer, tick and acknowledgement, and `resume_engine` replays a saved session
on the tree as it is now.
"""

from wizard.sessions.errors import SessionError, SessionLocked
from wizard.sessions.location import ENV_VAR
from wizard.sessions.models import Flag, Session
from wizard.sessions.recorder import SessionRecorder, apply_engine
from wizard.sessions.resume import resume_engine
from wizard.sessions.store import SessionListing, SessionStore
from wizard.sessions.transcript import session_transcript

__all__ = [
    "ENV_VAR",
    "Flag",
    "Session",
    "SessionError",
    "SessionListing",
    "SessionLocked",
    "SessionRecorder",
    "SessionStore",
    "apply_engine",
    "resume_engine",
    "session_transcript",
]
