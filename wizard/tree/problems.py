"""Problems found in a tree file, with the place (TOML path and line) and the fix."""

from __future__ import annotations

import re
from pathlib import Path

from wizard.record import record


@record
class Problem:
    """One thing wrong with a file: where it is, what is wrong, and how to fix it."""

    file: str
    where: str  # a TOML path such as questions[2].options[1].id, or "" for the whole file
    message: str
    line: int | None = None
    fix: str | None = None
    kind: str = "error"  # error, warning

    def render(self) -> str:
        place = self.file
        if self.line:
            place += f":{self.line}"
        if self.where:
            place += f": {self.where}"
        text = f"{place}: {self.message}"
        if self.fix:
            text += f" Fix: {self.fix}"
        return text

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "where": self.where,
            "line": self.line,
            "kind": self.kind,
            "message": self.message,
            "fix": self.fix,
        }


class TreeError(Exception):
    """A tree that cannot be used; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem] | None = None) -> None:
        super().__init__()
        self.problems: list[Problem] = problems if problems is not None else []

    def __str__(self) -> str:
        return "\n".join(p.render() for p in self.problems)


def toml_path(loc: tuple[object, ...]) -> str:
    """Join a pydantic `loc` into a TOML path: ('questions', 2, 'id') -> questions[2].id."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


class LineFinder:
    """Finds the line of a TOML path in the source text, as well as a reader would.

    It follows `[[array]]` and `[table]` headers and then looks for the last key of the
    path inside that block. Good enough to point a reviewer at the right line; None when unsure.
    """

    _header = re.compile(r"^\s*\[\[?\s*([A-Za-z0-9_.\-\"]+)\s*\]\]?")

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()

    def find(self, loc: tuple[object, ...]) -> int | None:
        start, end = self._block(loc)
        if start is None:
            return None
        keys = [p for p in loc if isinstance(p, str)]
        for key in reversed(keys):
            pattern = re.compile(rf"(^|[{{,\s]){re.escape(key)}\s*=")
            for number in range(start, end):
                if pattern.search(self.lines[number]):
                    return number + 1
        return start + 1 if start < len(self.lines) else None

    def _block(self, loc: tuple[object, ...]) -> tuple[int | None, int]:
        if not loc or not isinstance(loc[0], str):
            return 0, len(self.lines)
        name = loc[0]
        index = loc[1] if len(loc) > 1 and isinstance(loc[1], int) else None
        seen = -1
        start: int | None = None
        for number, line in enumerate(self.lines):
            match = self._header.match(line)
            if not match:
                continue
            if start is not None:
                return start, number
            header = match.group(1)
            if header == name or header.startswith(name + "."):
                if line.lstrip().startswith("[[") and header == name:
                    seen += 1
                    if index is None or seen == index:
                        start = number
                elif index is None:
                    start = number
        if start is None:
            # Keys at the top level of the file, or inline tables.
            return 0, len(self.lines)
        return start, len(self.lines)


def display_path(path: Path) -> str:
    """A path as the user typed it or relative to the working directory when shorter."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except (ValueError, OSError, RuntimeError):  # RuntimeError: a symlink loop (Python 3.11, 3.12)
        return str(path)
