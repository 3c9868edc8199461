"""A data file from the official tabular XML and codes list, read through simple_icd_10_cm.

One code path for the bundled data (`scripts/build_icd_data.py`, from the two files the
package ships) and every release a site imports (`wizard icd import`, from the CDC/CMS files):
the package's `change_version` reads the files, and :func:`rows` writes every item of the
tabular, in tabular order: chapters, blocks, categories, subcategories, codes and the codes with
a 7th character that the codes list confirms. Notes are written on the item that carries them,
not inherited (the reader walks parents). The app never imports simple_icd_10_cm (2-3 s and
~200 MB) to code; only building a release does.

Text is official text except for one clean-up: the XML indents a few 7th-character notes
with a tab, which the library keeps after the "/" it joins them with ("type I or II/<tab>initial
encounter for open fracture NOS"); the tab is dropped.

The library leaves heading blocks such as "Dorsopathies (M40-M54)" empty and puts the blocks
they head (M40-M43, M45-M49, M50-M54) beside them; some of these headings carry Excludes
notes ("Transport accidents (V00-V99)"), so here a heading block becomes the parent of the
blocks it spans, and its notes are inherited like any ancestor's.

Blocks that hold a single category share its name in the XML (e.g. section ``B99`` holding
category ``B99``); the file needs one key per item, so such a block is written as ``B99-B99``.
"""

from __future__ import annotations

import re
import warnings
from datetime import date
from importlib import metadata
from pathlib import Path
from types import ModuleType

from wizard.icd import datafile
from wizard.icd.values import ReleaseFileError
from wizard.record import record, replace

# A code in a codes list, the first word of its line: undotted or dotted (the package's own
# list also names chapters by number and blocks by range, which it and we both accept).
CODE_WORD = re.compile(r"[A-Z][0-9A-Z]{2}(?:\.?[0-9A-Z]{1,4})?|[A-Z][0-9A-Z]{2}-[A-Z][0-9A-Z]{2}|[0-9]{1,2}")
# How many differences a message lists before it says how many more there are.
SHOWN = 5


@record
class SourceFile:
    """One of the two official files a release is built from, as the data file names it."""

    name: str
    path: Path
    sha256: str

    def field(self) -> str:
        return f"{self.name}\t{self.sha256}"


@record
class Window:
    """A release and the dates it is in force."""

    release: str
    effective_from: date
    effective_to: date


def fiscal_year_window(version: int, effective: date | None = None) -> Window:
    """FY``version`` runs October 1 of the year before to September 30; an update (April 1)
    is in force from its own date to the same September 30."""
    start, end = date(version - 1, 10, 1), date(version, 9, 30)
    return Window(f"FY{version}", effective or start, end)


def build(tabular: SourceFile, codes: SourceFile, window: Window) -> bytes:
    """The data file's bytes for a release: the package reads both files, the codes list must
    match the tabular, and every item is written. ReleaseFileError names the file and the fix."""
    icd = read_release(tabular, codes)
    check_codes_match(icd, codes)
    try:
        return datafile.render(header(window, tabular, codes), rows(icd))
    except ValueError as error:  # text the data file cannot hold, a code the index cannot place
        if isinstance(error, ReleaseFileError):
            raise
        raise ReleaseFileError(f"{tabular.name}: {error}. Fix: give the official icd10cm_tabular XML, unchanged.") from None


def read_release(tabular: SourceFile, codes: SourceFile) -> ModuleType:
    """simple_icd_10_cm with the release's two files loaded (its `change_version`)."""
    from xml.etree.ElementTree import ParseError

    with warnings.catch_warnings():
        # The package warns of empty notes in the XML (they are left out, as it leaves them)
        # and, on import, of the resource functions it reads its own files with.
        warnings.simplefilter("ignore")
        import simple_icd_10_cm as icd  # parses the package's own tabular on import: only here

        try:
            icd.change_version(str(codes.path), str(tabular.path))
        except ParseError as error:
            line, column = error.position
            raise ReleaseFileError(
                f"{tabular.name}: the XML is malformed or cut short at line {line}, column {column} ({error}). "
                "Fix: download the ICD-10-CM 'table and index' file again and import its icd10cm_tabular XML."
            ) from None
        except (ValueError, KeyError, IndexError, AttributeError, UnicodeDecodeError) as error:
            raise ReleaseFileError(
                f"{tabular.name}: simple_icd_10_cm cannot read it as the ICD-10-CM tabular ({type(error).__name__}: {error}). "
                "Fix: give the official icd10cm_tabular XML, unchanged."
            ) from None
    return icd


def check_codes_match(icd: ModuleType, codes: SourceFile) -> None:
    """Every code of the list is in the tabular, and every code of the tabular is in the list.

    The list decides which 7th-character codes exist, so a list of another year silently
    drops or invents codes: it is refused. Headings are not in the official list (only
    billable codes are); the package's own list names them too, which is allowed.
    """
    listed = {word.replace(".", "") for word in code_words(codes.path.read_text(encoding="utf-8"))}
    items = icd.get_all_codes(with_dots=False)
    known = set(items)
    extra = sorted(listed - known)
    missing = [code for code in items if code not in listed and icd.is_leaf(code) and not icd.is_chapter_or_block(code)]
    if not extra and not missing:
        return
    said = []
    if extra:
        said.append(f"{len(extra):,} of its codes are not in the tabular ({_some(extra)})")
    if missing:
        said.append(f"{len(missing):,} codes of the tabular are not in it ({_some(missing)})")
    raise ReleaseFileError(
        f"{codes.name}: the codes list does not match the tabular {'; '.join(said)}. "
        "Fix: give the codes file of the same year and update as the tabular XML (both from the same CDC/CMS release)."
    )


def code_words(text: str) -> list[str]:
    """The first word of every non-blank line of a codes list."""
    return [line.split(None, 1)[0] for line in text.splitlines() if line.strip()]


def _some(codes: list[str]) -> str:
    shown = ", ".join(codes[:SHOWN])
    return shown + (f" and {len(codes) - SHOWN:,} more" if len(codes) > SHOWN else "")


def header(window: Window, tabular: SourceFile, codes: SourceFile) -> dict[str, str]:
    """The data file's header: the release, its dates, the files it came from and the reader."""
    version = window.release.removeprefix("FY")
    return {
        "release": window.release,
        "effective_from": window.effective_from.isoformat(),
        "effective_to": window.effective_to.isoformat(),
        "tabular_version": version,
        "tabular_file": tabular.field(),
        "codes_file": codes.field(),
        "builder": f"simple_icd_10_cm {metadata.version('simple_icd_10_cm')}",
    }


def clean(text: str) -> str:
    """Official text minus the XML's indentation after a "/" (see the module docstring)."""
    return re.sub(r"/\s+", "/", text)


def kind_of(icd: ModuleType, code: str, as_block: bool) -> str:
    """chapter / block / category / subcategory for headers, ``code`` for a billable leaf."""
    if as_block:
        return "block"
    if icd.is_chapter(code):
        return "chapter"
    if icd.is_block(code) and icd.get_parent(code) != code:
        return "block"
    if icd.is_leaf(code):
        return "code"
    return "category" if icd.is_category(code) else "subcategory"


def rows(icd: ModuleType) -> list[str]:
    """One line per item of the tabular, in the library's (tabular) order."""
    codes = icd.get_all_codes(with_dots=True)
    duplicated = _duplicates(codes)
    seen: set[str] = set()
    lines: list[str] = []
    last_full: tuple[str, str] | None = None  # (code, description) of the nearest full row
    headings: list[str] = []  # open heading blocks of the current chapter, outermost first
    for code in codes:
        as_block = code in duplicated and code not in seen
        seen.add(code)
        if icd.is_extended_subcategory(code):
            _check_bare_code(icd, code, last_full)
            lines.append(code)
            continue
        row = _full_row(icd, code, as_block)
        if row.kind == "chapter":
            headings.clear()
        elif row.kind == "block":
            row = _nest_under_heading(icd, row, code, as_block, headings)
        lines.append(datafile.encode_row(row))
        last_full = (row.code, row.description)
    return lines


def _duplicates(codes: list[str]) -> set[str]:
    """Names used by both a single-category block and its category."""
    seen: set[str] = set()
    dup: set[str] = set()
    for code in codes:
        (dup if code in seen else seen).add(code)
    return dup


def _nest_under_heading(icd: ModuleType, row: datafile.Row, code: str, as_block: bool, headings: list[str]) -> datafile.Row:
    """Give a block the innermost open heading block that spans it as parent; open it if it is one."""
    first, last = row.code.split("-")
    while headings and not _spans(headings[-1], first, last):
        headings.pop()
    if headings:
        row = replace(row, parent=headings[-1])
    if not icd.get_children(code, prioritize_blocks=as_block):
        headings.append(row.code)
    return row


def _spans(block: str, first: str, last: str) -> bool:
    """Whether block ``A-B`` spans ``first-last``; plain string order suffices for block endpoints."""
    lo, hi = block.split("-")
    return lo <= first and last <= hi


def _full_row(icd: ModuleType, code: str, as_block: bool) -> datafile.Row:
    """The full row for a chapter, block, category, subcategory or 7th-character-less code."""
    key = f"{code}-{code}" if as_block else code
    parent = icd.get_parent(code, prioritize_blocks=as_block)
    if parent == code and not as_block:
        parent = f"{code}-{code}"  # the category's parent is its same-named block
    seventh = icd.get_seven_chr_def(code, prioritize_blocks=as_block)
    kind = kind_of(icd, code, as_block)
    return datafile.Row(
        code=key,
        kind=kind,
        parent=parent,
        billable=kind == "code",  # a leaf, but not an empty heading block
        description=clean(icd.get_description(code, prioritize_blocks=as_block)),
        excludes1=tuple(clean(n) for n in icd.get_excludes1(code, prioritize_blocks=as_block)),
        excludes2=tuple(clean(n) for n in icd.get_excludes2(code, prioritize_blocks=as_block)),
        seventh=tuple((char, clean(meaning)) for char, meaning in seventh.items()),
    )


def _check_bare_code(icd: ModuleType, code: str, last_full: tuple[str, str] | None) -> None:
    """A bare 7th-character code is only written if the reader can rebuild it exactly."""
    parent = icd.get_parent(code)
    if last_full is None or last_full[0] != parent:
        raise ReleaseFileError(f"{code}: parent {parent} is not the row above it ({last_full}); the data file cannot hold this tabular")
    if not icd.is_leaf(code) or icd.get_excludes1(code) or icd.get_excludes2(code):
        raise ReleaseFileError(f"{code}: a 7th-character code with children or notes; the data file cannot hold this tabular")
    meaning = icd.get_seven_chr_def(parent, search_in_ancestors=True)[code[-1]]
    if clean(icd.get_description(code)) != f"{last_full[1]}, {clean(meaning)}":
        raise ReleaseFileError(f"{code}: description is not '<parent>, <7th character meaning>'; the data file cannot hold this tabular")
