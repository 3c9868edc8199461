"""A note as text: from a file or a paste, refused when it is empty, binary or too big.

Any text is data: a note in any language, with markup or escape sequences, is read as it is;
whatever of it is shown later goes through `wizard.text.clean`.
"""

from __future__ import annotations

from pathlib import Path

from wizard.notes import NoteError

# A provider's note is a few kilobytes; a megabyte is a whole chart, or not a note at all.
MAX_NOTE_BYTES = 1024 * 1024


def read_note_file(path: Path) -> str:
    """The text of a note file; NoteError with the file and the fix when it cannot be one."""
    from wizard.tree.loader import FileRefused, read_named_file

    try:
        data = read_named_file(path, MAX_NOTE_BYTES, "note file", "the note of this encounter as a text file")
    except FileRefused as error:
        raise NoteError(str(error)) from None
    return note_text(data, str(path))


def note_text(data: bytes | str, name: str = "the note") -> str:
    """The note as text, checked: not empty, not binary, not over MAX_NOTE_BYTES."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    if len(raw) > MAX_NOTE_BYTES:
        raise NoteError(f"{name}: is over {MAX_NOTE_BYTES // 1024} KiB, too big for a provider's note. Fix: give the note of this encounter only.")
    if b"\0" in raw:
        raise NoteError(f"{name}: is binary (it holds NUL bytes), not a note. Fix: give the note as plain text (export it from the chart as text).")
    try:
        text = raw.decode("utf-8-sig") if isinstance(data, bytes) else data
    except UnicodeDecodeError as error:
        raise NoteError(f"{name}: is not UTF-8 text (byte {error.start:,}). Fix: save the note as UTF-8 text.") from None
    if not text.strip():
        raise NoteError(f"{name}: is empty. Fix: give the provider's note, with its text.")
    return text
