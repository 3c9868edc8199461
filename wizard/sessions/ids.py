"""What names a session and what a label may hold: the light part of the session format.

Kept apart from the pydantic models (wizard.sessions.models, which re-exports these) so that
the UI can check a --label and the store can find its folder and files without building the
models before the first question is painted.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

from wizard.text import find_unsafe

SCHEMA_VERSION = 1
# YYYYMMDD-HHMMSS-xxxxxxxx: UTC creation time, then 32 random bits. Only these characters
# ever reach a file name, so no id can name a path outside the sessions folder.
SESSION_ID = re.compile(r"^[0-9]{8}-[0-9]{6}-[0-9a-f]{8}$")
ID_SHAPE = "YYYYMMDD-HHMMSS-xxxxxxxx"
LABEL_MAX = 200


def now() -> datetime:
    return datetime.now(timezone.utc)


def valid_id(text: str) -> bool:
    return bool(SESSION_ID.fullmatch(text))


def clean_label(value: str | None) -> str | None:
    """A label is one line of printable text; empty means none.

    No control characters (C0, DEL, C1) and no bidi controls: a label is shown in terminals
    and listings, where they would act or reorder the text instead of being shown.
    """
    if value is None:
        return None
    found = find_unsafe(value)
    if "\t" in value or "\n" in value or found is not None:
        what = f"; this one has {found[1]}" if found else ""
        raise ValueError(f"a label is one line of text without control characters{what}")
    value = value.strip()
    if len(value) > LABEL_MAX:
        raise ValueError(f"a label is at most {LABEL_MAX} characters")
    return value or None
