"""Build wizard/icd/data/icd10cm_fy2026.tsv.gz from the tabular shipped in simple_icd_10_cm.

The app never imports simple_icd_10_cm (2-3 s and ~200 MB); it reads the compact file this
script writes. Every item of the tabular is written, in tabular order: chapters, blocks,
categories, subcategories, codes and the codes with a 7th character that the library knows.
Notes are written on the item that carries them, not inherited (the reader walks parents).

Text is official text except for one clean-up: the XML indents a few 7th-character notes
with a tab, which the library keeps after the "/" it joins them with ("type I or II/<tab>initial
encounter for open fracture NOS"); the tab is dropped.

The library leaves heading blocks such as "Dorsopathies (M40-M54)" empty and puts the blocks
they head (M40-M43, M45-M49, M50-M54) beside them; some of these headings carry Excludes
notes ("Transport accidents (V00-V99)"), so here a heading block becomes the parent of the
blocks it spans, and its notes are inherited like any ancestor's.

Blocks that hold a single category share its name in the XML (e.g. section ``B99`` holding
category ``B99``); the file needs one key per item, so such a block is written as ``B99-B99``.

Usage:
    python scripts/build_icd_data.py [--out PATH]   # write the file (default: the committed one)
    python scripts/build_icd_data.py --check        # exit 1 if the committed file is stale
"""

from __future__ import annotations

import argparse
import re
import sys
from importlib import metadata, resources
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from wizard.icd import datafile  # noqa: E402  (needs the repository on sys.path first)
from wizard.record import replace  # noqa: E402

DEFAULT_OUT = REPO / "wizard" / "icd" / "data" / "icd10cm_fy2026.tsv.gz"
EXPECTED_RELEASE = "FY2026"


def _library() -> ModuleType:
    """Import simple_icd_10_cm only here: it parses 10 MB of XML on import."""
    import simple_icd_10_cm

    return simple_icd_10_cm


def tabular_version(icd: ModuleType) -> tuple[str, str]:
    """The XML file name the library reads and the ``<version>`` written inside it."""
    name = icd.simple_icd_10_cm._classification_data_package_file_name
    with resources.files(icd.simple_icd_10_cm.data).joinpath(name).open("r", encoding="utf-8") as f:
        head = f.read(500)
    match = re.search(r"<version>\s*(\d{4})\s*</version>", head)
    if match is None:
        raise SystemExit(f"no <version> element at the top of {name}")
    return name, match.group(1)


def header(icd: ModuleType) -> dict[str, str]:
    """Header fields: release, source package and version, tabular file and version."""
    xml_name, version = tabular_version(icd)
    release = f"FY{version}"
    if release != EXPECTED_RELEASE:
        raise SystemExit(f"simple_icd_10_cm ships {release}, this script writes {EXPECTED_RELEASE}: update both")
    return {
        "release": release,
        "source": f"simple_icd_10_cm {metadata.version('simple_icd_10_cm')}",
        "tabular": f"{xml_name} version {version}",
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
        raise SystemExit(f"{code}: parent {parent} is not the row above it ({last_full})")
    if not icd.is_leaf(code) or icd.get_excludes1(code) or icd.get_excludes2(code):
        raise SystemExit(f"{code}: a 7th-character code with children or notes cannot be written bare")
    meaning = icd.get_seven_chr_def(parent, search_in_ancestors=True)[code[-1]]
    if clean(icd.get_description(code)) != f"{last_full[1]}, {clean(meaning)}":
        raise SystemExit(f"{code}: description is not '<parent>, <7th character meaning>'")


def build() -> bytes:
    """The data file's bytes, from the installed simple_icd_10_cm."""
    icd = _library()
    return datafile.render(header(icd), rows(icd))


def main(argv: list[str] | None = None) -> int:
    """Write the file, or with --check compare it with a fresh build."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"where to write (default {DEFAULT_OUT.relative_to(REPO)})")
    parser.add_argument("--check", action="store_true", help="exit 1 if the file at --out differs from a fresh build")
    args = parser.parse_args(argv)
    data = build()
    if args.check:
        current = args.out.read_bytes() if args.out.exists() else b""
        if current != data:
            print(f"{args.out} is stale: run python scripts/build_icd_data.py", file=sys.stderr)
            return 1
        print(f"{args.out} is up to date")
        return 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(data)
    print(f"wrote {args.out} ({len(data):,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
