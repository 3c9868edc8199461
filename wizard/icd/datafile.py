"""The on-disk format of the ICD-10-CM data file, read and written in one place.

The file is gzip-compressed UTF-8 text (gzip mtime 0, so a rebuild gives the same bytes).
Lines starting with ``#`` are the header, one ``#key<TAB>value`` per line: ``format``,
``release`` (e.g. FY2026), ``source`` (the package and version it was built from),
``tabular`` (the XML file and its ``<version>``) and ``columns``. Every other line is one
item of the tabular, in tabular order, in one of two shapes:

* a full row, tab-separated: code, kind, parent, billable (``1``/``0``), description,
  Excludes1 notes, Excludes2 notes, 7th-character definition. Notes are joined with ``|``;
  the definition is ``A=initial encounter;D=subsequent encounter;...``. Notes and
  definitions are those written on the item itself: inheritance is the reader's job.
* a bare code: a code with its 7th character (e.g. a placeholder-padded injury code). Its
  parent is the nearest full row above it and its description is the parent's description,
  ``", "`` and the meaning of its 7th character, exactly as the source library builds it;
  the build script checks both for every such code. This keeps about half of the items at a few
  bytes each.

Tabs, newlines, ``|``, ``;`` and ``=`` never occur in the official text; :func:`check_text`
fails the build if one ever does.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

FORMAT_VERSION = "1"
COLUMNS = ("code", "kind", "parent", "billable", "description", "excludes1", "excludes2", "seventh")
KINDS = ("chapter", "block", "category", "subcategory", "code")
NOTE_SEP = "|"
SEVENTH_SEP = ";"
SEVENTH_KV = "="
FORBIDDEN = ("\t", "\n", "\r", NOTE_SEP, SEVENTH_SEP, SEVENTH_KV)


@dataclass(frozen=True)
class Row:
    """One full row of the data file, fields decoded."""

    code: str
    kind: str
    parent: str
    billable: bool
    description: str
    excludes1: tuple[str, ...]
    excludes2: tuple[str, ...]
    seventh: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class RawData:
    """A data file split into lines but not parsed: parsing happens per item, on demand.

    ``lines`` holds every item line; ``index`` maps a code to its line number, which is also
    its position in tabular order.
    """

    header: Mapping[str, str]
    lines: Sequence[str]
    index: Mapping[str, int]

    def is_bare(self, pos: int) -> bool:
        """Whether line ``pos`` is a bare 7th-character code."""
        return "\t" not in self.lines[pos]

    def bare_parent(self, pos: int) -> int:
        """The line of a bare code's parent: the nearest full row above it."""
        while self.is_bare(pos):
            pos -= 1
        return pos


def check_text(text: str) -> str:
    """Return ``text`` unchanged if it can be written as a field; fail loudly if not."""
    bad = [ch for ch in FORBIDDEN if ch in text]
    if bad:
        raise ValueError(f"text contains reserved character(s) {bad!r}: {text!r}")
    return text


def encode_row(row: Row) -> str:
    """Render one full row as a line (without the newline)."""
    seventh = SEVENTH_SEP.join(f"{check_text(k)}{SEVENTH_KV}{check_text(v)}" for k, v in row.seventh)
    fields = (
        row.code,
        row.kind,
        row.parent,
        "1" if row.billable else "0",
        check_text(row.description),
        NOTE_SEP.join(check_text(n) for n in row.excludes1),
        NOTE_SEP.join(check_text(n) for n in row.excludes2),
        seventh,
    )
    return "\t".join(fields)


def decode_row(line: str) -> Row:
    """Parse a full row line back into a :class:`Row`."""
    code, kind, parent, billable, description, ex1, ex2, seventh = line.split("\t")
    return Row(
        code=code,
        kind=kind,
        parent=parent,
        billable=billable == "1",
        description=description,
        excludes1=tuple(ex1.split(NOTE_SEP)) if ex1 else (),
        excludes2=tuple(ex2.split(NOTE_SEP)) if ex2 else (),
        seventh=decode_seventh(seventh),
    )


def decode_seventh(field: str) -> tuple[tuple[str, str], ...]:
    """``A=initial encounter;D=...`` -> ``(("A", "initial encounter"), ("D", ...))``."""
    return tuple((k, v) for k, _, v in (item.partition(SEVENTH_KV) for item in field.split(SEVENTH_SEP) if item))


def render(header: Mapping[str, str], lines: Iterable[str]) -> bytes:
    """The complete, compressed file: header, then one line per item, reproducibly gzipped."""
    head = [f"#format\t{FORMAT_VERSION}"]
    head += [f"#{key}\t{value}" for key, value in header.items()]
    head.append("#columns\t" + "\t".join(COLUMNS))
    text = "\n".join([*head, *lines]) + "\n"
    # mtime=0 and no file name in the gzip header: the same input gives the same bytes.
    return gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)


def read(path: Path) -> RawData:
    """Read a data file and index it; rows stay unparsed until someone asks for them."""
    text = gzip.decompress(path.read_bytes()).decode("utf-8")
    all_lines = text.split("\n")
    if all_lines and all_lines[-1] == "":
        all_lines.pop()
    n_head = 0
    header: dict[str, str] = {}
    while n_head < len(all_lines) and all_lines[n_head].startswith("#"):
        key, _, value = all_lines[n_head][1:].partition("\t")
        header[key] = value
        n_head += 1
    if header.get("format") != FORMAT_VERSION:
        raise ValueError(f"{path}: unsupported ICD data format {header.get('format')!r}; rebuild it with scripts/build_icd_data.py")
    lines = all_lines[n_head:]
    # The code is the text before the first tab (all of a bare line). This comprehension is
    # a third of the load time; anything per line beyond it shows up in every start-up.
    index = {line.partition("\t")[0]: pos for pos, line in enumerate(lines)}
    return RawData(header=header, lines=lines, index=index)
