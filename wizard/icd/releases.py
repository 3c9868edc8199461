"""The installed ICD-10-CM releases, and which one is in force on a date of service.

A release is a data file (`wizard.icd.datafile`) whose header says its id (``FY2027``), the
dates it is in force and the files it was built from. Two places hold them: the data bundled
with wizard (the FY2026 April 1 update) and the ICD folder, where `wizard icd import` writes
(`--icd-dir DIR`, else ``$WIZARD_ICD_DIR``, else the user data folder's ``icd/``). A release in
the folder takes the place of a bundled one with the same id and start date.

A fiscal year runs October 1 to September 30; an update (April 1) takes the place of its
year's October data for the rest of that year. The release in force on a date is the
installed one whose dates hold it, the latest update first. When none does, the encounter is
still checked, against the nearest release (its own year's later update, else the latest
before the date, else the earliest), and :meth:`ReleaseChoice.notice` says so in one line.

Listing reads each file's header (its first few kilobytes), never a whole file.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from pathlib import Path

from wizard.record import record

ICD_DIR_ENV = "WIZARD_ICD_DIR"
BUNDLED_DIR = Path(__file__).parent / "data"
# ICD-10-CM replaced ICD-9-CM for dates of service from this day.
FIRST_DAY = date(2015, 10, 1)
IMPORT_HINT = "wizard icd import <files>"


def fiscal_year_of(day: date) -> str:
    """``FY2027`` for any day from 2026-10-01 to 2027-09-30."""
    return f"FY{day.year + 1 if day.month >= 10 else day.year}"


def icd_folder(chosen: Path | str | None = None, environ: Mapping[str, str] | None = None) -> Path:
    """The folder of imported releases: ``--icd-dir``, else $WIZARD_ICD_DIR, else the user data folder."""
    environ = os.environ if environ is None else environ
    if chosen is not None and str(chosen):
        return Path(chosen).expanduser()
    from_env = environ.get(ICD_DIR_ENV, "").strip()
    if from_env:
        return Path(from_env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("wizard")) / "icd"


def file_name_of(window: object) -> str:
    """The file an imported release is kept in, from its id and start date."""
    return f"icd10cm_{window.release.lower()}_{window.effective_from.isoformat()}.tsv.gz"  # type: ignore[attr-defined]


@record
class Release:
    """One installed release: what its header says, and where it is."""

    id: str
    effective_from: date
    effective_to: date
    path: Path
    bundled: bool
    tabular_file: tuple[str, str]  # (file name, sha-256)
    codes_file: tuple[str, str]
    builder: str

    @property
    def is_update(self) -> bool:
        """An update within its year (April 1), rather than the October release."""
        return (self.effective_from.month, self.effective_from.day) != (10, 1)

    @property
    def label(self) -> str:
        """``FY2027``, or ``FY2026 (2026-04-01 update)`` for an update."""
        return f"{self.id} ({self.effective_from.isoformat()} update)" if self.is_update else self.id

    def same_sources(self, tabular_sha256: str, codes_sha256: str) -> bool:
        return self.tabular_file[1] == tabular_sha256 and self.codes_file[1] == codes_sha256

    def describe_files(self) -> str:
        return ", ".join(f"{name} sha256 {sha[:12]}" for name, sha in (self.tabular_file, self.codes_file))

    @property
    def source(self) -> str:
        """Where it came from, for a listing."""
        where = "bundled with wizard" if self.bundled else f"imported, {self.path}"
        return f"{where}; built from {self.describe_files()}"


def read_release(path: Path, bundled: bool) -> Release:
    """The release in a data file, from its header; ValueError when it is not one."""
    from wizard.icd.datafile import read_header

    header = read_header(path)
    try:
        tabular_name, _, tabular_sha = header["tabular_file"].partition("\t")
        codes_name, _, codes_sha = header["codes_file"].partition("\t")
        return Release(
            id=header["release"],
            effective_from=date.fromisoformat(header["effective_from"]),
            effective_to=date.fromisoformat(header["effective_to"]),
            path=path,
            bundled=bundled,
            tabular_file=(tabular_name, tabular_sha),
            codes_file=(codes_name, codes_sha),
            builder=header["builder"],
        )
    except ValueError:
        raise ValueError(f"{path}: its header has a date that is not YYYY-MM-DD") from None


@record
class Installed:
    """The releases found, oldest first, and the files in the ICD folder that could not be read."""

    releases: tuple[Release, ...]
    unreadable: tuple[str, ...] = ()

    def find(self, name: str) -> Release | None:
        """The release named ``FY2027`` (its latest update), or ``FY2026@2025-10-01`` (that one)."""
        release, _, start = name.strip().upper().partition("@")
        found = [r for r in self.releases if r.id == release and (not start or r.effective_from.isoformat() == start)]
        return found[-1] if found else None

    def names(self) -> list[str]:
        """How to name each release: its id, with its start date when its year has two."""
        ids = [r.id for r in self.releases]
        return [r.id if ids.count(r.id) == 1 else f"{r.id}@{r.effective_from.isoformat()}" for r in self.releases]

    def in_force_until(self, release: Release) -> date:
        """The last day a release is in force: its own, or the day before its year's next update."""
        later = [r.effective_from for r in self.releases if r.id == release.id and r.effective_from > release.effective_from]
        return min(later) - timedelta(days=1) if later else release.effective_to

    def choose(self, day: date) -> ReleaseChoice:
        """The release to check an encounter on ``day`` against, and whether it is the one in force."""
        if not self.releases:
            raise LookupError("no ICD-10-CM release is installed")
        holding = [r for r in self.releases if r.effective_from <= day <= self.in_force_until(r)]
        if holding:
            return ReleaseChoice(day, holding[-1], holding[-1])
        year = fiscal_year_of(day)
        same_year = [r for r in self.releases if r.id == year]
        before = [r for r in self.releases if r.effective_from <= day]
        used = same_year[0] if same_year else before[-1] if before else self.releases[0]
        return ReleaseChoice(day, used, None)


def installed_releases(folder: Path, keep_shadowed: bool = False) -> Installed:
    """Every release wizard can use: the ICD folder's, then the bundled ones it does not replace.

    keep_shadowed: also the bundled ones the folder replaces (the import compares with them).
    """
    found: dict[tuple[str, date], Release] = {}
    shadowed: list[Release] = []
    unreadable: list[str] = []
    for path, bundled in [*((p, False) for p in _data_files(folder)), *((p, True) for p in _data_files(BUNDLED_DIR))]:
        try:
            release = read_release(path, bundled)
        except (OSError, ValueError) as error:
            unreadable.append(f"{path}: {getattr(error, 'strerror', None) or error}")
            continue
        key = (release.id, release.effective_from)
        if key in found:
            shadowed.append(release)
        else:
            found[key] = release
    releases = sorted([*found.values(), *(shadowed if keep_shadowed else [])], key=lambda r: (r.effective_from, r.bundled))
    return Installed(tuple(releases), tuple(unreadable))


def _data_files(folder: Path) -> Iterable[Path]:
    try:
        return sorted(p for p in folder.iterdir() if p.name.startswith("icd10cm_") and p.name.endswith(".tsv.gz") and p.is_file())
    except OSError:  # no folder yet: nothing imported
        return []


@record
class ReleaseChoice:
    """An encounter's date of service, the release its codes are checked against, and the one
    in force that day (None when that one is not installed)."""

    date_of_service: date
    used: Release
    in_force: Release | None

    @property
    def fiscal_year(self) -> str:
        return fiscal_year_of(self.date_of_service)

    def notice(self) -> str | None:
        """One line when the release used is not the one in force; None when it is."""
        if self.in_force is not None:
            return None
        used, day, year = self.used, self.date_of_service.isoformat(), self.fiscal_year
        if used.id == year and day < used.effective_from.isoformat():
            return (
                f"Checked against {used.label}; the date of service {day} is before that update took effect, so codes it "
                f"added were not yet valid and codes it deleted still were: {IMPORT_HINT} of {year} (October 1)"
            )
        return f"Checked against {used.label}; the date of service {day} falls in {year}, which is not installed: {IMPORT_HINT}"

    def short_notice(self) -> str | None:
        """The notice in a few words, for a title bar."""
        if self.in_force is not None:
            return None
        if self.used.id == self.fiscal_year:
            return f"{self.fiscal_year} Oct 1 release not installed"
        return f"{self.fiscal_year} not installed"

    def tree_notice(self, tree_release: str) -> str | None:
        """When the tree was reviewed for another year than the one in force."""
        if tree_release == self.fiscal_year:
            return None
        return f"Tree reviewed for {tree_release}; the release in force on {self.date_of_service.isoformat()} is {self.fiscal_year}."


def parse_date_of_service(text: str) -> date:
    """A date of service as YYYY-MM-DD, a real day, from 2015-10-01 on; ValueError with the fix."""
    import re

    text = text.strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise ValueError(f"'{text}' is not a date as YYYY-MM-DD. Fix: give the date of service like {date.today().isoformat()}")
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"'{text}' is not a real date. Fix: check the month and the day") from None
    if day < FIRST_DAY:
        raise ValueError(
            f"'{text}' is before {FIRST_DAY.isoformat()}, when ICD-10-CM replaced ICD-9-CM. Fix: give a date of service from "
            f"{FIRST_DAY.isoformat()} on (earlier encounters are coded in ICD-9-CM)"
        )
    return day
