"""The on-disk format of the ICD-10-CM data file, read and written in one place.

The file is gzip-compressed UTF-8 text (gzip mtime 0, so a rebuild gives the same bytes).
Lines starting with ``#`` are the header, one ``#key<TAB>value`` per line: ``format``; the
release and the dates it is in force, ``release`` (e.g. FY2027), ``effective_from`` and
``effective_to`` (ISO dates); what it was built from, ``tabular_version`` (the XML's
``<version>``), ``tabular_file`` and ``codes_file`` (each a file name, a tab and the file's
sha-256) and ``builder`` (the package and version that read them); then ``columns`` and
``index``. Then comes one line per item of the tabular, in tabular order, in one of two shapes:

* a full row, tab-separated: code, kind, parent, billable (``1``/``0``), description,
  Excludes1 notes, Excludes2 notes, 7th-character definition. Notes are joined with ``|``;
  the definition is ``A=initial encounter;D=subsequent encounter;...``. Notes and
  definitions are those written on the item itself: inheritance is the reader's job.
* a bare code: a code with its 7th character (e.g. a placeholder-padded injury code). Its
  parent is the nearest full row above it and its description is the parent's description,
  ``", "`` and the meaning of its 7th character, exactly as the source library builds it;
  the build script checks both for every such code. This keeps about half of the items at a few
  bytes each.

Last comes the index of the headings: one fixed-width record per chapter, block and category
(and three-character code), sorted by code: the code padded with spaces to the width given in the ``index`` header
(``#index<TAB>count<TAB>code width<TAB>offset width``), then the byte offset of its line in
the decompressed file, in digits. Every other item lies under its category (the first three
characters of its code), between the category's line and the next heading's, so the reader
finds any code by a binary search over the index and a search in that stretch of bytes:
loading is one gunzip, with no parsing and no dictionary of 98,000 codes.

Tabs, newlines, ``|``, ``;`` and ``=`` never occur in the official text; :func:`check_text`
fails the build if one ever does.
"""

from __future__ import annotations

import bisect
import functools
import os
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from wizard.record import record

FORMAT_VERSION = "3"
# The header keys every data file of this format has, in the order they are written.
HEADER_KEYS = ("release", "effective_from", "effective_to", "tabular_version", "tabular_file", "codes_file", "builder")
# The index record: code (padded) then offset (zero-padded digits) then a newline.
INDEX_CODE_WIDTH = 8
INDEX_OFFSET_WIDTH = 8
COLUMNS = ("code", "kind", "parent", "billable", "description", "excludes1", "excludes2", "seventh")
KINDS = ("chapter", "block", "category", "subcategory", "code")
# Written in the index: these kinds, and codes of three characters (a category that is itself
# billable); every other item is found under its category.
HEADINGS = ("chapter", "block", "category")
NOTE_SEP = "|"
SEVENTH_SEP = ";"
SEVENTH_KV = "="
FORBIDDEN = ("\t", "\n", "\r", NOTE_SEP, SEVENTH_SEP, SEVENTH_KV)


@record
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
    """The complete, compressed file: header, one line per item, the index; reproducibly gzipped."""
    lines = list(lines)
    headings: dict[str, int] = {}
    offsets: list[int] = []
    offset = 0
    for line in lines:
        offsets.append(offset)
        offset += len(line.encode("utf-8")) + 1
    for line, at in zip(lines, offsets, strict=True):
        code, _, rest = line.partition("\t")
        if rest.partition("\t")[0] in HEADINGS or len(code) <= 3:
            if code in headings:
                raise ValueError(f"{code}: two headings share a code; the index needs one per code")
            headings[code] = at
        elif code[:3] not in headings:
            raise ValueError(f"{code}: not under the category {code[:3]}; the reader could not find it")
    if tuple(header) != HEADER_KEYS:
        raise ValueError(f"the header must have the keys {HEADER_KEYS}, in that order; got {tuple(header)}")
    head = [f"#format\t{FORMAT_VERSION}"]
    head += [f"#{key}\t{value}" for key, value in header.items()]
    head.append("#columns\t" + "\t".join(COLUMNS))
    head.append(f"#index\t{len(headings)}\t{INDEX_CODE_WIDTH}\t{INDEX_OFFSET_WIDTH}")
    head_bytes = "".join(line + "\n" for line in head).encode("utf-8")
    body = "".join(line + "\n" for line in lines).encode("utf-8")
    index = "".join(_index_record(code, len(head_bytes) + headings[code]) for code in sorted(headings))
    # mtime=0 and no file name in the gzip header: the same input gives the same bytes.
    import gzip

    return gzip.compress(head_bytes + body + index.encode("ascii"), compresslevel=9, mtime=0)


def _index_record(code: str, offset: int) -> str:
    if len(code) > INDEX_CODE_WIDTH or not code.isascii() or offset >= 10**INDEX_OFFSET_WIDTH:
        raise ValueError(f"{code!r} at {offset} does not fit an index record")
    return f"{code:<{INDEX_CODE_WIDTH}}{offset:0{INDEX_OFFSET_WIDTH}d}\n"


# The header is the first few hundred bytes of the unpacked file; this much of the packed file
# always holds it, and a listing of releases unpacks nothing more.
HEADER_PEEK = 16 * 1024


def read_header(path: Path) -> dict[str, str]:
    """A data file's header (without ``columns`` and ``index``), unpacking only its start.

    ValueError when the file is not a data file of this format (the message says which file).
    """
    import zlib

    with path.open("rb") as handle:
        packed = handle.read(HEADER_PEEK)
    try:
        start = zlib.decompressobj(wbits=31).decompress(packed, HEADER_PEEK)  # 31: a gzip stream
    except zlib.error:
        raise ValueError(f"{path}: not a gzip-compressed ICD data file") from None
    header: dict[str, str] = {}
    for line in start.split(b"\n")[:-1]:
        if not line.startswith(b"#"):
            break
        key, _, value = line[1:].decode("utf-8", "replace").partition("\t")
        header[key] = value
    if header.get("format") != FORMAT_VERSION or any(key not in header for key in HEADER_KEYS):
        raise ValueError(f"{path}: not an ICD data file of format {FORMAT_VERSION}")
    return {key: header[key] for key in HEADER_KEYS}


def read(path: Path) -> DataFile:
    """Read a data file: decompress it, read the header; items are found through the index.

    The decompressed bytes are kept in the user's cache (`wizard.cache`, folder `icd/`) under
    the file's name, size and time: reading them back takes a fraction of unpacking them, which
    is most of what loading the data costs.
    """
    from wizard.cache import CacheFolder

    cache = CacheFolder.named("icd", keep=2)
    with path.open("rb") as handle:
        found = os.fstat(handle.fileno())
        handle.seek(-4, os.SEEK_END)
        size = int.from_bytes(handle.read(4), "little")  # gzip's trailer: the unpacked size, mod 2**32
    name = f"{path.name}-{found.st_size}-{found.st_mtime_ns}.tsv"
    data = cache.read(name)
    if data is None or len(data) % 2**32 != size or not data.startswith(b"#format"):
        import gzip  # only to unpack: the cache holds the unpacked copy

        data = gzip.decompress(path.read_bytes())
        cache.write(name, data)
    return DataFile(data, path)


class DataFile:
    """A decompressed data file. Items are addressed by the byte offset of their line, which
    also orders them in tabular order; nothing is parsed until someone asks for it."""

    def __init__(self, data: bytes, path: Path) -> None:
        self.data = data
        self.header: dict[str, str] = {}
        pos = 0
        while data.startswith(b"#", pos):
            end = data.index(b"\n", pos)
            key, _, value = data[pos + 1 : end].decode("utf-8").partition("\t")
            self.header[key] = value
            pos = end + 1
        if self.header.get("format") != FORMAT_VERSION:
            raise ValueError(f"{path}: unsupported ICD data format {self.header.get('format')!r}; import the release again (wizard icd import)")
        count, code_width, offset_width = (int(n) for n in self.header["index"].split("\t"))
        self._headings = count
        self._record = code_width + offset_width + 1
        self.rows_start = pos
        self.rows_end = len(data) - count * self._record  # where the index starts
        self._code_width = code_width
        self._found: dict[str, int | None] = {}
        self._lines: dict[int, str] = {}
        self.index = CodeIndex(self)

    # -- finding items ------------------------------------------------------------------

    def find(self, code: str) -> int | None:
        """The offset of the item with exactly this code, or None."""
        found = self._found.get(code, -1)
        if found != -1:
            return found
        found = self._heading(code)
        if found is None and len(code) > 3 and code.isascii():
            found = self._under_category(code)
        self._found[code] = found
        return found

    def _heading(self, code: str) -> int | None:
        """A chapter, block or category, by binary search over the index."""
        if len(code) > self._code_width or not code.isascii():
            return None
        key = code.encode("ascii").ljust(self._code_width)
        data, width, size, base = self.data, self._code_width, self._record, self.rows_end
        lo, hi = 0, self._headings
        while lo < hi:
            mid = (lo + hi) // 2
            at = base + mid * size
            if data[at : at + width] < key:
                lo = mid + 1
            else:
                hi = mid
        at = base + lo * size
        if lo < self._headings and data[at : at + width] == key:
            return int(data[at + width : at + size - 1])
        return None

    def _under_category(self, code: str) -> int | None:
        """Any other item: its line lies between its category's and the next heading's."""
        start = self._heading(code[:3])
        if start is None:
            return None
        after = bisect.bisect_right(self._heading_offsets, start)
        end = self._heading_offsets[after] if after < len(self._heading_offsets) else self.rows_end
        needle = b"\n" + code.encode("ascii")
        for ending in (b"\t", b"\n"):
            at = self.data.find(needle + ending, start - 1, end)
            if at != -1:
                return at + 1
        return None

    @functools.cached_property
    def _heading_offsets(self) -> list[int]:
        """The offsets of every heading, in tabular order (the order of the file)."""
        data, width, size, base = self.data, self._code_width, self._record, self.rows_end
        return sorted(int(data[at + width : at + size - 1]) for at in range(base, base + self._headings * size, size))

    @functools.cached_property
    def count(self) -> int:
        """How many items the file holds."""
        return self.data.count(b"\n", self.rows_start, self.rows_end)

    # -- reading lines ------------------------------------------------------------------

    def line(self, pos: int) -> str:
        """The line at ``pos``, decoded (and kept: the same lines are read again and again)."""
        line = self._lines.get(pos)
        if line is None:
            line = self._lines[pos] = self.data[pos : self.data.index(b"\n", pos)].decode("utf-8")
        return line

    def code_at(self, pos: int) -> str:
        return self.line(pos).partition("\t")[0]

    def next_pos(self, pos: int) -> int | None:
        """The item after ``pos`` in tabular order, or None after the last."""
        after = self.data.index(b"\n", pos) + 1
        return after if after < self.rows_end else None

    def prev_pos(self, pos: int) -> int | None:
        """The item before ``pos`` in tabular order, or None before the first."""
        if pos <= self.rows_start:
            return None
        return self.data.rfind(b"\n", self.rows_start - 1, pos - 1) + 1

    def is_bare(self, pos: int) -> bool:
        """Whether the line at ``pos`` is a bare 7th-character code."""
        return "\t" not in self.line(pos)

    def bare_parent(self, pos: int) -> int:
        """The line of a bare code's parent: the nearest full row above it."""
        while self.is_bare(pos):
            previous = self.prev_pos(pos)
            assert previous is not None, "a bare code always follows its parent"
            pos = previous
        return pos

    def rows(self) -> Iterator[tuple[int, str]]:
        """(offset, line) of every item, in tabular order."""
        pos = self.rows_start
        for line in self.data[self.rows_start : self.rows_end].decode("utf-8").split("\n")[:-1]:
            yield pos, line
            pos += (len(line) if line.isascii() else len(line.encode("utf-8"))) + 1


class CodeIndex(Mapping[str, int]):
    """Code -> offset of its line: a read-only mapping over the file's index, in tabular order.

    Offsets grow in tabular order, so the mapping doubles as the tabular order that code ranges
    in notes are read in (see :class:`wizard.icd.codespec.CodeSpec`).
    """

    def __init__(self, data: DataFile) -> None:
        self._data = data

    def __getitem__(self, code: str) -> int:
        pos = self._data.find(code) if isinstance(code, str) else None
        if pos is None:
            raise KeyError(code)
        return pos

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and self._data.find(code) is not None

    def __iter__(self) -> Iterator[str]:
        return (line.partition("\t")[0] for _, line in self._data.rows())

    def __len__(self) -> int:
        return self._data.count
