"""The sessions store: atomic TOML files, one per encounter, with locking and resume.

`SessionStore.resolve(cli_dir)` finds the folder (see wizard.sessions.location), `new`,
`save`, `load`, `list` and `delete` manage the files, a `SessionRecorder` saves a session
after every answer, tick and acknowledgement, and `resume_engine` replays a saved session
on the tree as it is now.

The names below are imported when first used (PEP 562): the UI takes its SessionStore before
the first question is painted, and the session models (pydantic) come only with a session.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

_HOMES = {
    "SessionError": "errors",
    "SessionLocked": "errors",
    "ENV_VAR": "location",
    "Flag": "models",
    "Session": "models",
    "SessionRecorder": "recorder",
    "apply_engine": "recorder",
    "resume_engine": "resume",
    "SessionListing": "store",
    "SessionStore": "store",
    "session_transcript": "transcript",
}

__all__ = sorted(_HOMES)

if TYPE_CHECKING:
    from wizard.sessions.errors import SessionError, SessionLocked
    from wizard.sessions.location import ENV_VAR
    from wizard.sessions.models import Flag, Session
    from wizard.sessions.recorder import SessionRecorder, apply_engine
    from wizard.sessions.resume import resume_engine
    from wizard.sessions.store import SessionListing, SessionStore
    from wizard.sessions.transcript import session_transcript


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'wizard.sessions' has no attribute '{name}'")
    value = getattr(import_module(f"wizard.sessions.{home}"), name)
    globals()[name] = value
    return value
