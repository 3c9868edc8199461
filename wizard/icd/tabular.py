"""The FY-stamped ICD-10-CM tabular: look-ups, hierarchy, Excludes notes, search.

:func:`load_tabular` reads the data file written by ``scripts/build_icd_data.py`` (cached:
the first call costs ~50 ms, later calls nothing) and returns a :class:`Tabular`. Items are
parsed only when asked for, so loading stays cheap; Excludes notes are inherited by walking
from a code up through its parents to the chapter, as the tabular's convention requires.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Sequence
from pathlib import Path

from wizard.icd import datafile
from wizard.icd.checks import billing_problem
from wizard.icd.codespec import dotless, dotted, parse_specs
from wizard.icd.values import CodeInfo, CodeProblem, Excludes1Conflict, ExcludesNote

# A code typed without its dot: category, then one to four more characters.
_UNDOTTED = re.compile(r"[A-Z][0-9][0-9A-Z][0-9A-Z]{1,4}")
DEFAULT_DATA = Path(__file__).parent / "data" / "icd10cm_fy2026.tsv.gz"


class Tabular:
    """Read-only view of one release of the tabular; build it with :func:`load_tabular`."""

    def __init__(self, raw: datafile.RawData, path: Path) -> None:
        self._raw = raw
        self.path = path
        # Parsed notes per (line, column); filled on demand, never changes what is answered.
        self._note_cache: dict[tuple[int, str], tuple[ExcludesNote, ...]] = {}

    # -- identity -----------------------------------------------------------------------

    @property
    def release(self) -> str:
        """The fiscal-year release, e.g. ``FY2026``."""
        return self._raw.header["release"]

    @property
    def source(self) -> str:
        """Where the data came from: package, version and tabular file."""
        return f"{self._raw.header['source']}, {self._raw.header['tabular']}"

    def __len__(self) -> int:
        return len(self._raw.lines)

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and self._find(code) is not None

    def __iter__(self) -> Iterator[str]:
        """Every item's code (chapters and blocks included), in tabular order."""
        return iter(self._raw.index)

    # -- items --------------------------------------------------------------------------

    def normalize(self, code: str) -> str:
        """Upper-case, trimmed, dotted where the tabular has the dotted form (``m5450`` -> ``M54.50``)."""
        code = code.strip().upper()
        if code not in self._raw.index and _UNDOTTED.fullmatch(code):
            return dotted(code)
        return code

    def get(self, code: str) -> CodeInfo | None:
        """The item, or None if the release does not have it."""
        pos = self._find(code)
        return None if pos is None else self._info(pos)

    def description(self, code: str) -> str:
        """The official description; KeyError if the release does not have the code."""
        return self._info(self._require(code)).description

    def is_billable(self, code: str) -> bool:
        """Whether the code is a complete, billable code in this release."""
        info = self.get(code)
        return info is not None and info.billable

    def check_billable(self, code: str) -> CodeProblem | None:
        """None for a billable code, otherwise what is wrong and how to fix it."""
        return billing_problem(self, code)

    def children(self, code: str) -> list[str]:
        """Direct subdivisions in tabular order (7th-character codes included); KeyError if unknown."""
        pos = self._require(code)
        return [self._code_at(j) for j, parent in self._descendants(pos) if parent == pos]

    def descendants(self, code: str) -> list[str]:
        """Everything under the item, in tabular order; KeyError if unknown."""
        return [self._code_at(j) for j, _ in self._descendants(self._require(code))]

    def ancestors(self, code: str) -> list[str]:
        """Parent, grandparent, ... up to the chapter; KeyError if unknown."""
        return [self._code_at(p) for p in self._chain(self._require(code))][1:]

    def seventh_characters(self, code: str) -> dict[str, str]:
        """For a code that needs a 7th character, the valid ones and their meaning; else {}."""
        pos = self._require(code)
        return {self._code_at(j)[-1]: self._seventh_meaning(pos, self._code_at(j)[-1]) for j in self._bare_children(pos)}

    # -- Excludes -----------------------------------------------------------------------

    def excludes1_notes(self, code: str) -> list[ExcludesNote]:
        """The code's Excludes1 notes and those inherited from every ancestor, nearest first."""
        return self._inherited(self._require(code), "excludes1")

    def excludes2_notes(self, code: str) -> list[ExcludesNote]:
        """The code's Excludes2 notes and those inherited from every ancestor, nearest first."""
        return self._inherited(self._require(code), "excludes2")

    def is_sequela(self, code: str) -> bool:
        """True for a code whose 7th character means sequela (S39.012S, X50.0XXS)."""
        pos = self._find(code)
        if pos is None or not self._is_bare(pos):
            return False
        parent = self._parent_pos(pos)
        meaning = self._seventh_meaning(parent, self._code_at(pos)[-1]) if parent is not None else ""
        return "sequela" in meaning.lower()

    def excludes1_conflicts(self, codes: Sequence[str]) -> list[Excludes1Conflict]:
        """Every pair of ``codes`` where one's Excludes1 notes (inherited ones too) name the other.

        Codes are reported normalized; codes the release lacks have no notes but can still be
        named by another code's note. A pair with a sequela code is not a conflict: Guidelines
        I.C.19.a require both the residual condition and the injury code with 7th character S,
        and the Excludes1 notes that name an injury (e.g. "low back strain") mean the current
        injury, not its late effect.
        """
        norm = list(dict.fromkeys(self.normalize(c) for c in codes))
        conflicts: list[Excludes1Conflict] = []
        for i, a in enumerate(norm):
            for b in norm[i + 1 :]:
                if self.is_sequela(a) or self.is_sequela(b):
                    continue
                conflicts.extend(self._excludes(a, b))
                conflicts.extend(self._excludes(b, a))
        return list(dict.fromkeys(conflicts))

    def _excludes(self, code: str, other: str) -> Iterator[Excludes1Conflict]:
        """Conflicts where a note of ``code`` names ``other``."""
        pos = self._find(code)
        if pos is None:
            return
        for note in self._inherited(pos, "excludes1"):
            if note.covers(other):
                yield Excludes1Conflict(code=code, excluded=other, owner=note.owner, note=note.text)

    def _inherited(self, pos: int, column: str) -> list[ExcludesNote]:
        return [note for p in self._chain(pos) for note in self._own_notes(p, column)]

    def _own_notes(self, pos: int, column: str) -> tuple[ExcludesNote, ...]:
        """Notes written on the item at ``pos`` (7th-character codes carry none)."""
        key = (pos, column)
        if key not in self._note_cache:
            notes: tuple[ExcludesNote, ...] = ()
            if not self._is_bare(pos):
                row = datafile.decode_row(self._raw.lines[pos])
                texts = row.excludes1 if column == "excludes1" else row.excludes2
                notes = tuple(ExcludesNote(row.code, t, parse_specs(t, self._raw.index)) for t in texts)
            self._note_cache[key] = notes
        return self._note_cache[key]

    # -- search -------------------------------------------------------------------------

    def search(self, text: str, limit: int = 20) -> list[CodeInfo]:
        """Billable codes whose code starts with ``text`` (dot optional), then those whose
        description contains every word of it; both in tabular order."""
        words = text.lower().split()
        if not words or limit <= 0:
            return []
        prefix = dotless(text.strip().upper())
        found: list[int] = []
        entries = self._search_entries
        for pos, key, _ in entries:
            if key.startswith(prefix):
                found.append(pos)
                if len(found) >= limit:
                    return [self._info(p) for p in found]
        by_code = set(found)
        for pos, _, desc in entries:
            if pos not in by_code and all(w in desc for w in words):
                found.append(pos)
                if len(found) >= limit:
                    break
        return [self._info(p) for p in found]

    @functools.cached_property
    def _search_entries(self) -> list[tuple[int, str, str]]:
        """(line, dotless code, lower-case description) of every billable code, built once.

        One pass over the lines, without :meth:`_info`: 7th-character codes are 70% of the
        billable codes and rebuilding each one's ancestry would make the first search slow.
        """
        entries: list[tuple[int, str, str]] = []
        index = self._raw.index
        nearest: dict[int, str] = {}  # line -> raw 7th-character definition in force there
        parsed: dict[str, dict[str, str]] = {"": {}}
        description = ""
        row = -1  # the nearest full row above: a bare code's parent
        for pos, line in enumerate(self._raw.lines):
            if "\t" in line:
                code, _, parent, billable, description, _, _, seventh = line.split("\t")
                nearest[pos] = seventh or nearest.get(index.get(parent, -1), "")
                row = pos
                if billable == "1":
                    entries.append((pos, dotless(code), description.lower()))
                continue
            definition = nearest[row]
            if definition not in parsed:
                parsed[definition] = dict(datafile.decode_seventh(definition))
            entries.append((pos, dotless(line), f"{description}, {parsed[definition].get(line[-1], '')}".lower()))
        return entries

    # -- internals ----------------------------------------------------------------------

    def _find(self, code: str) -> int | None:
        return self._raw.index.get(self.normalize(code))

    def _require(self, code: str) -> int:
        pos = self._find(code)
        if pos is None:
            raise KeyError(f"{code!r} is not an ICD-10-CM {self.release} code")
        return pos

    def _is_bare(self, pos: int) -> bool:
        return self._raw.is_bare(pos)

    def _code_at(self, pos: int) -> str:
        return self._raw.lines[pos].split("\t", 1)[0]

    def _parent_pos(self, pos: int) -> int | None:
        line = self._raw.lines[pos]
        if "\t" not in line:
            return self._raw.bare_parent(pos)
        return self._raw.index.get(line.split("\t", 3)[2])

    def _chain(self, pos: int) -> Iterator[int]:
        """The item, then each ancestor up to its chapter."""
        current: int | None = pos
        while current is not None:
            yield current
            current = self._parent_pos(current)

    def _descendants(self, pos: int) -> Iterator[tuple[int, int]]:
        """(line, parent line) of every item under ``pos``: the lines after it, in pre-order,
        until one whose parent lies outside the subtree."""
        inside = {pos}
        for j in range(pos + 1, len(self._raw.lines)):
            parent = self._parent_pos(j)
            if parent is None or parent not in inside:
                return
            inside.add(j)
            yield j, parent

    def _bare_children(self, pos: int) -> list[int]:
        """The 7th-character codes directly under ``pos``: the bare lines right after it."""
        found: list[int] = []
        j = pos + 1
        while j < len(self._raw.lines) and self._is_bare(j):
            found.append(j)
            j += 1
        return found

    def _seventh_meaning(self, pos: int, char: str) -> str:
        """Meaning of a 7th character for the code at ``pos``, from the nearest definition."""
        return self._seventh_definition(pos).get(char, "")

    def _seventh_definition(self, pos: int) -> dict[str, str]:
        """The 7th-character definition nearest to ``pos``: its own, else an ancestor's."""
        for p in self._chain(pos):
            if not self._is_bare(p):
                seventh = dict(datafile.decode_row(self._raw.lines[p]).seventh)
                if seventh:
                    return seventh
        return {}

    def _info(self, pos: int) -> CodeInfo:
        line = self._raw.lines[pos]
        if "\t" in line:
            row = datafile.decode_row(line)
            return CodeInfo(row.code, row.kind, row.parent, row.description, row.billable)
        base = self._raw.bare_parent(pos)
        parent = datafile.decode_row(self._raw.lines[base])
        description = f"{parent.description}, {self._seventh_meaning(base, line[-1])}"
        return CodeInfo(line, "code", parent.code, description, True)


@functools.lru_cache(maxsize=4)
def load_tabular(path: Path | None = None) -> Tabular:
    """The tabular from ``path`` (default: the packaged FY2026 file), loaded once per path."""
    path = DEFAULT_DATA if path is None else Path(path)
    return Tabular(datafile.read(path), path)
