"""Build wizard/icd/data/icd10cm_fy2026.tsv.gz from the two files simple_icd_10_cm ships.

The bundled release is built exactly as `wizard icd import` builds any release (the same
functions of wizard.icd.importer and wizard.icd.build, see their docstrings): the package's
tabular XML and codes list are recognised, read with its `change_version`, checked against each
other and written as the compact data file. They are the FY2026 April 1 update, in force from
2026-04-01 to 2026-09-30; `wizard icd import` of the same two files with
`--effective 2026-04-01` writes the same bytes.

Usage:
    python scripts/build_icd_data.py [--out PATH]   # write the file (default: the committed one)
    python scripts/build_icd_data.py --check        # exit 1 if the committed file is stale
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from datetime import date
from importlib import resources
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from wizard.icd.build import build  # noqa: E402  (needs the repository on sys.path first)
from wizard.icd.importer import check_tabular_complete, find_sources, release_window  # noqa: E402

DEFAULT_OUT = REPO / "wizard" / "icd" / "data" / "icd10cm_fy2026.tsv.gz"
EXPECTED_RELEASE = "FY2026"
EFFECTIVE = date(2026, 4, 1)  # the package ships the April 1, 2026 update


def package_files() -> list[Path]:
    """The tabular XML and codes list inside the installed simple_icd_10_cm."""
    import simple_icd_10_cm

    package = simple_icd_10_cm.simple_icd_10_cm
    data = resources.files(package.data)
    return [Path(str(data / package._classification_data_package_file_name)), Path(str(data / package._all_codes_package_file_name))]


def build_bundled() -> bytes:
    """The data file's bytes, from the installed simple_icd_10_cm's own files."""
    with tempfile.TemporaryDirectory() as workdir:
        tabular, codes = find_sources(package_files(), Path(workdir))
        window = release_window(tabular, EFFECTIVE)
        if window.release != EXPECTED_RELEASE:
            raise SystemExit(f"simple_icd_10_cm ships {window.release}, this script writes {EXPECTED_RELEASE}: update both")
        check_tabular_complete(tabular)
        return build(tabular, codes, window)


def main(argv: list[str] | None = None) -> int:
    """Write the file, or with --check compare it with a fresh build."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"where to write (default {DEFAULT_OUT.relative_to(REPO)})")
    parser.add_argument("--check", action="store_true", help="exit 1 if the file at --out differs from a fresh build")
    args = parser.parse_args(argv)
    data = build_bundled()
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
