"""Text from files and the command line made safe to show in a terminal.

Trees, sessions, answers files, labels and paths are data, but a terminal obeys some
characters as commands: ESC and the 8-bit C1 controls start sequences that move the
cursor, recolour or clear the screen, set the window title or write the clipboard
(OSC 52); a carriage return or a backspace overwrites what was printed; the Unicode bidi
controls reorder what a reader sees (the "Trojan Source" trick). `clean` removes all of
them; `find_unsafe` says where the first one is, for errors that name the place;
`json_safe` escapes them inside JSON text, which keeps the data and shows nothing raw.

Rich markup (`[bold]`) is not handled here: that is a concern of the UI, which renders
data as Content or Text objects and never as markup.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

# A whole escape sequence, 7-bit (ESC ...) or 8-bit (a C1 introducer), so that its payload
# (an OSC 52 clipboard text, a CSI's parameters) goes with it rather than being shown:
SEQUENCE = "|".join(
    (
        # CSI: parameters, intermediates, a final byte (an unfinished one is cut short).
        r"(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?",
        # OSC, DCS, SOS, PM, APC: a string up to BEL or ST (ESC \ or 0x9c), or the line end.
        r"(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)?",
        # Any other ESC sequence: intermediates and a final byte (ESC c resets the terminal).
        r"\x1b[\x20-\x2f]*[\x30-\x7e]?",
    )
)
# What remains unsafe one character at a time: C0 controls but tab and newline, DEL, C1,
# the Bidi_Control characters, and lone surrogates (argv bytes that are not UTF-8).
UNSAFE_CHAR = "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
# Every character the patterns match is a control (Cc), format (Cf) or surrogate (Cs)
# character, none of which str.isprintable() accepts: printable text needs no pattern.


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """SEQUENCE, UNSAFE_CHAR and either, compiled the first time a text is not printable:
    compiling them takes a millisecond or so that a launch mostly does without."""
    return re.compile(SEQUENCE), re.compile(UNSAFE_CHAR), re.compile(f"{SEQUENCE}|{UNSAFE_CHAR}")


_NAMES = {0x00: "NUL", 0x07: "BEL", 0x08: "BS", 0x0D: "CR", 0x1B: "ESC", 0x7F: "DEL", 0x9B: "CSI", 0x9D: "OSC"}


def clean(text: str) -> str:
    """text without escape sequences or unsafe characters; newlines and tabs stay.

    A lone surrogate becomes U+FFFD so that the text can always be written as UTF-8.
    """
    if text.isprintable():
        return text  # the common case, and no copy
    sequence, unsafe_char, unsafe = _patterns()
    if not unsafe.search(text):
        return text
    text = sequence.sub("", text)
    return unsafe_char.sub(lambda m: "\ufffd" if "\ud800" <= m.group() <= "\udfff" else "", text)


def one_line(text: str) -> str:
    """clean(text) with each newline and tab as a space: for a line of a listing or a title."""
    return clean(text).translate(_BREAKS)


_BREAKS = {ord("\n"): " ", ord("\t"): " "}


def find_unsafe(text: str) -> tuple[int, str] | None:
    """The position and a name of the first character clean() would remove, or None."""
    match = None if text.isprintable() else _patterns()[1].search(text)
    if match is None:
        return None
    return match.start(), describe_char(match.group())


def describe_char(char: str) -> str:
    """`U+001B (ESC)`, `U+202E (RIGHT-TO-LEFT OVERRIDE)`."""
    code = ord(char)
    name = _NAMES.get(code) or unicodedata.name(char, "")
    if not name:
        name = "C1 control" if 0x80 <= code <= 0x9F else "surrogate" if 0xD800 <= code <= 0xDFFF else "control"
    return f"U+{code:04X} ({name})"


def json_safe(text: str) -> str:
    """JSON text with every unsafe character written as a \\uXXXX escape.

    Only valid on JSON: outside strings such characters cannot occur, and inside them the
    escape decodes to the same character, so the data is kept exactly.
    """
    return _patterns()[1].sub(lambda m: f"\\u{ord(m.group()):04x}", text)


# What a stream whose encoding cannot hold a character writes instead: its \\uXXXX escape
# (a surrogate pair beyond the BMP), which is also how JSON writes it, so a JSON export stays
# valid JSON and a text one stays exact.
FALLBACK = "wizard-escape"


def _escaped(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    text = error.object[error.start : error.end]
    units = text.encode("utf-16-be", "surrogatepass")
    return "".join(f"\\u{int.from_bytes(units[i : i + 2], 'big'):04x}" for i in range(0, len(units), 2)), error.end


def printable_streams(*streams: object) -> None:
    """Let stdout and stderr write any text whatever their encoding (LANG=C, a pipe declared
    ASCII): what the encoding cannot hold is written as its escape, never an error."""
    import codecs

    try:
        codecs.lookup_error(FALLBACK)
    except LookupError:
        codecs.register_error(FALLBACK, _escaped)
    for stream in streams:
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "")
        if encoding in ("utf8", "utf16", "utf32") or not hasattr(stream, "reconfigure"):
            continue
        try:
            stream.reconfigure(errors=FALLBACK)
        except (ValueError, OSError):  # a stream that cannot be reconfigured now: left as it is
            pass


__all__ = ["clean", "describe_char", "find_unsafe", "json_safe", "one_line", "printable_streams"]
