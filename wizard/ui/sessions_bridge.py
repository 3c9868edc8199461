"""The UI's only contact with wizard.sessions, which may not be in this build.

Everything the UI assumes about that package is here, so that adapting to it is one edit:
`wizard.sessions.load_session(ref, directory)` returns an object with `answers` (question id
to answer) and, optionally, `checked`, `acknowledged` (ids) and `label`.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from wizard.tree.models import Answer


class SessionUnavailable(Exception):
    """A saved session could not be opened; the message says why and what to do."""


@dataclass(frozen=True)
class SavedSession:
    answers: Mapping[str, Answer]
    checked: frozenset[str] = field(default_factory=frozenset)
    acknowledged: frozenset[str] = field(default_factory=frozenset)
    label: str | None = None


def sessions_available() -> bool:
    return importlib.util.find_spec("wizard.sessions") is not None


def load_saved(ref: str, directory: Path | None = None) -> SavedSession:
    try:
        from wizard.sessions import load_session  # type: ignore[attr-defined]
    except ImportError:
        raise SessionUnavailable("Saved sessions are not available in this build; start a new encounter.") from None
    try:
        session = load_session(ref, directory)
    except (OSError, ValueError, KeyError) as error:
        raise SessionUnavailable(f"Session '{ref}' could not be opened: {error}. Check the id or path.") from None
    return SavedSession(
        answers=dict(getattr(session, "answers", {})),
        checked=frozenset(getattr(session, "checked", ())),
        acknowledged=frozenset(getattr(session, "acknowledged", ())),
        label=getattr(session, "label", None),
    )
