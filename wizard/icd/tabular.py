"""The FY-stamped ICD-10-CM tabular: look-ups, hierarchy, Excludes notes, search.

:func:`load_tabular` reads the data file written by ``scripts/build_icd_data.py`` (cached:
the first call costs ~50 ms, later calls nothing) and returns a :class:`Tabular`. Items are
parsed only when asked for, so loading stays cheap; Excludes notes are inherited by walking
from a code up through its parents to the chapter, as the tabular's convention requires.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import NamedTuple

from wizard.icd import datafile
from wizard.icd.checks import billing_problem
from wizard.icd.codespec import CodeSpec, dotless, dotted, parse_specs
from wizard.icd.values import CodeInfo, CodeProblem, Excludes1Conflict, ExcludesNote

# A code typed without its dot: category, then one to four more characters.
_UNDOTTED = re.compile(r"[A-Z][0-9][0-9A-Z][0-9A-Z]{1,4}")
DEFAULT_DATA = Path(__file__).parent / "data" / "icd10cm_fy2026.tsv.gz"


class Entry(NamedTuple):
    """One item as a pass over the whole release reads it: its own Excludes1 notes only, and
    ``bare`` for a code written with its 7th character. (A tuple: a pass makes 98,000.)"""

    pos: int
    code: str
    kind: str
    parent: str
    billable: bool
    description: str
    excludes1: tuple[str, ...]
    bare: bool


class Tabular:
    """Read-only view of one release of the tabular; build it with :func:`load_tabular`."""

    def __init__(self, raw: datafile.DataFile, path: Path) -> None:
        self._raw = raw
        self.path = path
        # Parsed notes per (line, column); filled on demand, never changes what is answered.
        self._note_cache: dict[tuple[int, str], tuple[ExcludesNote, ...]] = {}
        self._inherited_cache: dict[tuple[int, str], list[ExcludesNote]] = {}
        self._sequela: dict[str, bool] = {}

    # -- identity -----------------------------------------------------------------------

    @property
    def release(self) -> str:
        """The fiscal-year release, e.g. ``FY2026``."""
        return self._raw.header["release"]

    @property
    def source(self) -> str:
        """Where the data came from: the tabular and codes files, and the package that read them."""
        header = self._raw.header
        files = ", ".join(header[key].partition("\t")[0] for key in ("tabular_file", "codes_file"))
        return f"{files} (tabular version {header['tabular_version']}, read by {header['builder']})"

    def __len__(self) -> int:
        return self._raw.count

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and self._find(code) is not None

    def __iter__(self) -> Iterator[str]:
        """Every item's code (chapters and blocks included), in tabular order."""
        return iter(self._raw.index)

    # -- items --------------------------------------------------------------------------

    def normalize(self, code: str) -> str:
        """Upper-case, trimmed, dotted where the tabular has the dotted form (``m5450`` -> ``M54.50``)."""
        code = code.strip().upper()
        if self._raw.find(code) is None and _UNDOTTED.fullmatch(code):
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
        if self._is_bare(pos):  # a code that already has its 7th character takes no other
            return {}
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
        known = self._sequela.get(code)
        if known is None:
            known = self._sequela[code] = self._is_sequela(code)
        return known

    def _is_sequela(self, code: str) -> bool:
        pos = self._find(code)
        if pos is None or not self._is_bare(pos):
            return False
        parent = self._parent_pos(pos)
        meaning = self._seventh_meaning(parent, self._code_at(pos)[-1]) if parent is not None else ""
        return "sequela" in meaning.lower()

    def excludes1_conflicts(self, codes: Sequence[str]) -> list[Excludes1Conflict]:
        """Every pair of ``codes`` where one's Excludes1 notes (inherited ones too) name the other.

        Codes are reported normalized; codes the release lacks have no notes but can still be
        named by another code's note. A note never excludes a sequela code (7th character S):
        the injury a note names (e.g. M54.5's "low back strain (S39.012)") is the current
        injury, not its late effect, and Guidelines I.C.19.a require the residual condition
        and the injury code with S together. A sequela code's own notes, those of its injury's
        category, are read as written: S33's "nontraumatic rupture or displacement of lumbar
        intervertebral disc NOS (M51.-)" names the whole family M51.- (degeneration and annular
        defects too, not only the displacement its words name), and it is S33.5XXS's note as
        much as S33.5XXA's: a sprain is not a disc disorder, late effect or not.
        """
        norm = list(dict.fromkeys(self.normalize(c) for c in codes))
        conflicts: list[Excludes1Conflict] = []
        for i, a in enumerate(norm):
            for b in norm[i + 1 :]:
                if not self.is_sequela(b):
                    conflicts.extend(self._excludes(a, b))
                if not self.is_sequela(a):
                    conflicts.extend(self._excludes(b, a))
        return list(dict.fromkeys(conflicts))

    def excludes1_partners(self, codes: Iterable[str]) -> dict[str, set[str]]:
        """For each of ``codes``, the others that :meth:`excludes1_conflicts` would pair it with.

        The same test (a note of either code names the other; a note never names a sequela
        code), made note by note over the whole set rather than pair by pair: lint asks it of
        every code a tree can build, and a thousand codes would otherwise be half a million pairs.
        """
        given = list(dict.fromkeys(codes))
        partners: dict[str, set[str]] = {code: set() for code in given}
        owners: dict[str, list[str]] = {}  # normalized code -> the codes given for it
        named: dict[str, list[str]] = {}  # the same, for the codes a note can name
        for code in given:
            norm = self.normalize(code)
            owners.setdefault(norm, []).append(code)
            if not self.is_sequela(norm):
                named.setdefault(norm, []).append(code)
        by_key = sorted((dotless(norm), norm) for norm in named)
        keys = [key for key, _ in by_key]
        # For references that are ranges: the codes by where their category stands in the tabular.
        # (Codes without a category in the release are compared in string order: see CodeSpec.)
        placed = sorted((self._raw.find(norm[:3]) or -1, norm) for norm in named)
        places = [place for place, _ in placed]
        unplaced = [(-1, norm) for place, norm in placed if place < 0]
        covered: dict[CodeSpec, list[str]] = {}
        for norm in owners:
            pos = self._raw.find(norm)
            if pos is None:
                continue
            for note in self._inherited(pos, "excludes1"):
                for spec in note.specs:
                    if spec not in covered:
                        covered[spec] = self._covered(spec, by_key, keys, placed, places, unplaced)
                    for other in covered[spec]:
                        if other != norm:
                            for a in owners[norm]:
                                for b in named[other]:
                                    partners[a].add(b)
                                    partners[b].add(a)
        return partners

    def _covered(
        self, spec: CodeSpec, by_key: list[tuple[str, str]], keys: list[str], placed: list[tuple[int, str]], places: list[int], unplaced: list[tuple[int, str]]
    ) -> list[str]:
        """Which of the codes a reference covers. A code or a family is a prefix of the codes it
        covers; a range in tabular order covers codes whose category lies between the
        categories of its two ends (a code under a category lies right after it in the file)."""
        if spec.is_range:
            first, last = self._raw.find(spec.start[:3]), self._raw.find(spec.end[:3])
            if first is None or last is None or spec.order is None or spec.start not in spec.order or spec.end not in spec.order:
                candidates = by_key  # read in string order (see CodeSpec): try them all
            else:
                candidates = unplaced + placed[bisect.bisect_left(places, first) : bisect.bisect_right(places, last)]
        else:
            prefix = dotless(spec.start)
            start = bisect.bisect_left(keys, prefix)
            end = bisect.bisect_left(keys, prefix + "\x7f")
            candidates = by_key[start:end]
        return [norm for _, norm in candidates if spec.covers(norm)]

    def _excludes(self, code: str, other: str) -> Iterator[Excludes1Conflict]:
        """Conflicts where a note of ``code`` names ``other``."""
        pos = self._find(code)
        if pos is None:
            return
        for note in self._inherited(pos, "excludes1"):
            if note.covers(other):
                yield Excludes1Conflict(code=code, excluded=other, owner=note.owner, note=note.text)

    def _inherited(self, pos: int, column: str) -> list[ExcludesNote]:
        key = (pos, column)
        notes = self._inherited_cache.get(key)
        if notes is None:
            notes = self._inherited_cache[key] = [note for p in self._chain(pos) for note in self._own_notes(p, column)]
        return list(notes)

    def _own_notes(self, pos: int, column: str) -> tuple[ExcludesNote, ...]:
        """Notes written on the item at ``pos`` (7th-character codes carry none)."""
        key = (pos, column)
        if key not in self._note_cache:
            notes: tuple[ExcludesNote, ...] = ()
            if not self._is_bare(pos):
                row = datafile.decode_row(self._raw.line(pos))
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
        """(offset, dotless code, lower-case description) of every billable code, built once.

        One pass over the lines, without :meth:`_info`: 7th-character codes are 70% of the
        billable codes and rebuilding each one's ancestry would make the first search slow.
        """
        return [(e.pos, dotless(e.code), e.description.lower()) for e in self.entries() if e.billable]

    def entries(self) -> Iterator[Entry]:
        """Every item, in tabular order, in one pass over the file (search, comparing releases)."""
        nearest: dict[str, str] = {}  # code -> raw 7th-character definition in force there
        parsed: dict[str, dict[str, str]] = {"": {}}
        code = description = ""  # of the nearest full row above: a bare code's parent
        for pos, line in self._raw.rows():
            if "\t" in line:
                code, kind, parent, billable, description, excludes1, _, seventh = line.split("\t")
                nearest[code] = seventh or nearest.get(parent, "")
                notes = tuple(excludes1.split(datafile.NOTE_SEP)) if excludes1 else ()
                yield Entry(pos, code, kind, parent, billable == "1", description, notes, False)
                continue
            definition = nearest[code]
            if definition not in parsed:
                parsed[definition] = dict(datafile.decode_seventh(definition))
            yield Entry(pos, line, "code", code, True, f"{description}, {parsed[definition].get(line[-1], '')}", (), True)

    # -- internals ----------------------------------------------------------------------

    def _find(self, code: str) -> int | None:
        return self._raw.find(self.normalize(code))

    def _require(self, code: str) -> int:
        pos = self._find(code)
        if pos is None:
            raise KeyError(f"{code!r} is not an ICD-10-CM {self.release} code")
        return pos

    def _is_bare(self, pos: int) -> bool:
        return self._raw.is_bare(pos)

    def _code_at(self, pos: int) -> str:
        return self._raw.code_at(pos)

    def _parent_pos(self, pos: int) -> int | None:
        line = self._raw.line(pos)
        if "\t" not in line:
            return self._raw.bare_parent(pos)
        return self._raw.find(line.split("\t", 3)[2])

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
        j = self._raw.next_pos(pos)
        while j is not None:
            parent = self._parent_pos(j)
            if parent is None or parent not in inside:
                return
            inside.add(j)
            yield j, parent
            j = self._raw.next_pos(j)

    def _bare_children(self, pos: int) -> list[int]:
        """The 7th-character codes directly under ``pos``: the bare lines right after it."""
        found: list[int] = []
        j = self._raw.next_pos(pos)
        while j is not None and self._is_bare(j):
            found.append(j)
            j = self._raw.next_pos(j)
        return found

    def _seventh_meaning(self, pos: int, char: str) -> str:
        """Meaning of a 7th character for the code at ``pos``, from the nearest definition."""
        return self._seventh_definition(pos).get(char, "")

    def _seventh_definition(self, pos: int) -> dict[str, str]:
        """The 7th-character definition nearest to ``pos``: its own, else an ancestor's."""
        for p in self._chain(pos):
            if not self._is_bare(p):
                seventh = dict(datafile.decode_row(self._raw.line(p)).seventh)
                if seventh:
                    return seventh
        return {}

    def _info(self, pos: int) -> CodeInfo:
        line = self._raw.line(pos)
        if "\t" in line:
            row = datafile.decode_row(line)
            return CodeInfo(row.code, row.kind, row.parent, row.description, row.billable)
        base = self._raw.bare_parent(pos)
        parent = datafile.decode_row(self._raw.line(base))
        description = f"{parent.description}, {self._seventh_meaning(base, line[-1])}"
        return CodeInfo(line, "code", parent.code, description, True)


@functools.lru_cache(maxsize=4)
def load_tabular(path: Path | None = None) -> Tabular:
    """The tabular from ``path`` (default: the packaged FY2026 file), loaded once per path."""
    path = DEFAULT_DATA if path is None else Path(path)
    return Tabular(datafile.read(path), path)
