"""`wizard icd import`: a release from the official CDC/CMS files the user has, installed atomically.

The "table and index" zip holds the tabular (`icd10cm_tabular_YYYY.xml`) and the "code
descriptions" zip the codes list (`icd10cm-codes-YYYY.txt`); either file may be given as it
is or inside its zip, in any order. Files are recognised by what they hold, not by their
names, which CMS spells differently from year to year. Nothing is installed until the whole
release has been read and checked: a refused import leaves the installed releases as they were.

This module imports simple_icd_10_cm (through `wizard.icd.build`) only to build; recognising
the files and refusing the wrong ones is quick.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from wizard.cache import sha256_hex
from wizard.icd.build import CODE_WORD, SourceFile, Window, build, fiscal_year_window
from wizard.icd.releases import Release, file_name_of, installed_releases
from wizard.icd.values import ReleaseFileError
from wizard.record import record

# The official tabular is about 10 MB and its codes list 1 MB; anything far larger is not one.
MAX_TABULAR = 128 * 2**20
MAX_CODES = 32 * 2**20
SNIFF = 4096  # the bytes read to recognise a file
GET_FILES = (
    "Fix: give the tabular XML (icd10cm_tabular_YYYY.xml, in the CDC/CMS 'table and index' zip) and the codes list "
    "(icd10cm-codes-YYYY.txt, in the 'code descriptions' zip), or the two zips."
)
_VERSION = re.compile(rb"<ICD10CM\.tabular>\s*<version>\s*(\d{4})\s*</version>\s*<introduction>")
_ORDER_LINE = re.compile(r"\d{5} [A-Z]")


@record
class Imported:
    """What an import did: the release installed, whether a file was written, and a note."""

    release: Release
    written: bool
    note: str = ""


def import_release(paths: Sequence[Path], folder: Path, workdir: Path, effective: date | None = None, replace: bool = False) -> Imported:
    """Read, build and install the release in ``paths``; ReleaseFileError says why not.

    ``workdir`` is an empty private folder for files taken out of zips. The same files
    again change nothing; other files for an installed release are refused unless ``replace``.
    A copy of the bundled release is written to the folder, where it outlives an upgrade of
    wizard that bundles a newer year.
    """
    tabular, codes = find_sources(paths, workdir)
    window = release_window(tabular, effective)
    check_tabular_complete(tabular)
    existing = _installed_same(folder, window)
    same = existing is not None and existing.same_sources(tabular.sha256, codes.sha256)
    if existing is not None and same and not existing.bundled:
        return Imported(existing, False, "already installed from the same files; nothing changed")
    # Read and checked in full before anything else is said of them: a broken file is refused
    # as broken, even where a release is installed for those dates.
    data = build(tabular, codes, window)
    if existing is not None and not same and not replace:
        raise ReleaseFileError(
            f"{_name(window)} is already installed ({existing.path}) from other files ({existing.describe_files()}). "
            "Fix: add --replace to install these instead, or --effective with the date of an update of that year."
        )
    target = folder / file_name_of(window)
    _write(target, data)
    from wizard.icd.releases import read_release

    if existing is None:
        note = ""
    elif same:
        note = "the same files as the bundled data: a copy kept in the ICD folder"
    else:
        note = f"replaces {existing.path}" if not existing.bundled else "takes the place of the bundled data for these dates"
    return Imported(read_release(target, bundled=False), True, note)


def _installed_same(folder: Path, window: Window) -> Release | None:
    """The installed release with the same id and start date, if any: the folder's copy first."""
    for release in installed_releases(folder, keep_shadowed=True).releases:
        if release.id == window.release and release.effective_from == window.effective_from:
            return release
    return None


def _name(window: Window) -> str:
    return f"{window.release} (in force from {window.effective_from.isoformat()})"


def _write(target: Path, data: bytes) -> None:
    from wizard.sessions.files import UnsafeFile, write_atomic

    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, data)
    except (UnsafeFile, OSError) as error:
        raise ReleaseFileError(
            f"{target}: cannot be written ({error.strerror or error}). Fix: make the ICD folder writable, free some space, "
            "or choose another folder with --icd-dir or WIZARD_ICD_DIR."
        ) from None


def release_window(tabular: SourceFile, effective: date | None) -> Window:
    """The release named by the XML's <version> and the dates it is in force."""
    with tabular.path.open("rb") as handle:
        head = handle.read(SNIFF)
    found = _VERSION.search(head)
    if found is None:
        raise ReleaseFileError(
            f"{tabular.name}: no <version> and <introduction> at the top, as the official tabular has. "
            "Fix: give the official icd10cm_tabular XML, unchanged."
        )
    window = fiscal_year_window(int(found.group(1)))
    if effective is None:
        return window
    if not window.effective_from <= effective <= window.effective_to:
        raise ReleaseFileError(
            f"--effective {effective.isoformat()} is outside {window.release} ({window.effective_from.isoformat()} to "
            f"{window.effective_to.isoformat()}), the year the XML's <version> names. Fix: give the date the update takes "
            f"effect, e.g. {date(window.effective_to.year, 4, 1).isoformat()} for the April 1 update."
        )
    return Window(window.release, effective, window.effective_to)


def check_tabular_complete(tabular: SourceFile) -> None:
    """A tabular cut short (a download that stopped) is refused before the slow parse."""
    with tabular.path.open("rb") as handle:
        handle.seek(max(0, tabular.path.stat().st_size - 1024))
        tail = handle.read().rstrip()
    if not tail.endswith(b"</ICD10CM.tabular>"):
        raise ReleaseFileError(
            f"{tabular.name}: cut short: it does not end with </ICD10CM.tabular>. "
            "Fix: download the ICD-10-CM 'table and index' file again and import its icd10cm_tabular XML."
        )


# -- recognising the files ----------------------------------------------------------------


def find_sources(paths: Sequence[Path], workdir: Path) -> tuple[SourceFile, SourceFile]:
    """The tabular XML and the codes list among ``paths`` (files or zips), each exactly once."""
    tabulars: list[SourceFile] = []
    codes: list[SourceFile] = []
    for path in paths:
        for kind, source in _sources_in(path, workdir):
            (tabulars if kind == "tabular" else codes).append(source)
    shown = ", ".join(str(p) for p in paths)
    if len(tabulars) > 1 or len(codes) > 1:
        many = tabulars if len(tabulars) > 1 else codes
        what = "tabular XML files" if many is tabulars else "codes lists"
        raise ReleaseFileError(f"{shown}: {len(many)} {what} ({', '.join(s.name for s in many)}). Fix: import one release at a time.")
    if not tabulars:
        raise ReleaseFileError(f"{shown}: no tabular XML among them. {GET_FILES}")
    if not codes:
        raise ReleaseFileError(f"{shown}: no codes list among them. {GET_FILES}")
    return tabulars[0], codes[0]


def _sources_in(path: Path, workdir: Path) -> list[tuple[str, SourceFile]]:
    """(kind, file) for the file at ``path``, or for each usable file inside it if it is a zip."""
    try:
        if not path.is_file():
            raise ReleaseFileError(f"{path}: no such file. {GET_FILES}")
        with path.open("rb") as handle:
            head = handle.read(SNIFF)
    except OSError as error:
        raise ReleaseFileError(f"{path}: cannot be read ({error.strerror or error}). Fix: check the path and its permissions.") from None
    if head.startswith(b"PK\x03\x04"):
        return _sources_in_zip(path, workdir)
    kind = recognise(path.name, head, path.stat().st_size)
    return [(kind, _source(path.name, path, path.read_bytes() if kind == "codes" else None))]


def _sources_in_zip(path: Path, workdir: Path) -> list[tuple[str, SourceFile]]:
    """The tabular XML and codes list inside a zip, taken out into ``workdir``."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = [m for m in archive.infolist() if not m.is_dir()]
            found: list[tuple[str, SourceFile]] = []
            for member in members:
                name = Path(member.filename).name
                if not name.lower().endswith((".xml", ".txt")):
                    continue
                with archive.open(member) as handle:
                    head = handle.read(SNIFF)
                try:
                    kind = recognise(name, head, member.file_size)
                except ReleaseFileError:
                    continue  # the index, the drug table, the order file: not what an import needs
                target = workdir / f"{len(list(workdir.iterdir()))}-{_safe(name)}"
                with archive.open(member) as source, target.open("wb") as out:
                    limit = MAX_TABULAR if kind == "tabular" else MAX_CODES
                    copied = _copy(source, out, limit)
                if copied > limit:
                    raise ReleaseFileError(f"{path}: {member.filename} is larger than it says. Fix: download the zip again.")
                found.append((kind, _source(name, target, target.read_bytes() if kind == "codes" else None)))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError) as error:
        raise ReleaseFileError(f"{path}: a damaged or unsupported zip ({error}). Fix: download it again.") from None
    except OSError as error:
        raise ReleaseFileError(f"{path}: cannot be read ({error.strerror or error}). Fix: download it again.") from None
    if not found:
        listed = ", ".join(Path(m.filename).name for m in members[:8]) or "nothing"
        raise ReleaseFileError(f"{path}: a zip without the tabular XML or the codes list (it holds {listed}). {GET_FILES}")
    return found


def _copy(source, out, limit: int) -> int:  # noqa: ANN001 - binary file objects
    copied = 0
    while chunk := source.read(1 << 20):
        copied += len(chunk)
        if copied > limit:
            break
        out.write(chunk)
    return copied


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", name)[:100] or "file"


def _source(name: str, path: Path, data: bytes | None) -> SourceFile:
    """A source file with its sha-256; a codes list is checked line by line here."""
    if data is None:
        digest = _file_sha256(path)
    else:
        check_codes_list(name, data)
        digest = sha256_hex(data)
    return SourceFile(_printable(name), path, digest)


def _file_sha256(path: Path) -> str:
    import hashlib

    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _printable(name: str) -> str:
    """A file name as the data file records it: no tabs, newlines or other control characters."""
    return "".join(ch if ch.isprintable() else "?" for ch in name)


def recognise(name: str, head: bytes, size: int) -> str:
    """``tabular`` or ``codes`` from a file's first bytes; ReleaseFileError for anything else."""
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if text.startswith(b"<"):
        if b"<ICD10CM.tabular" in text:
            if size > MAX_TABULAR:
                raise ReleaseFileError(f"{name}: {size:,} bytes, far larger than the tabular. {GET_FILES}")
            return "tabular"
        if b"<ICD10CM.index" in text:
            raise ReleaseFileError(f"{name}: the alphabetic index, not the tabular. {GET_FILES}")
        raise ReleaseFileError(f"{name}: an XML file, but not the ICD-10-CM tabular (no <ICD10CM.tabular> root). {GET_FILES}")
    if b"\0" in head:
        raise ReleaseFileError(f"{name}: a binary file, not the tabular XML or the codes list. {GET_FILES}")
    lines = [line for line in head.decode("utf-8", "replace").splitlines()[:-1] if line.strip()]  # the last may be cut
    if lines and _ORDER_LINE.match(lines[0]):
        raise ReleaseFileError(f"{name}: the codes in tabular order with their order numbers (icd10cm_order), not the codes list. {GET_FILES}")
    if lines and all(CODE_WORD.fullmatch(line.split(None, 1)[0]) for line in lines):
        if size > MAX_CODES:
            raise ReleaseFileError(f"{name}: {size:,} bytes, far larger than the codes list. {GET_FILES}")
        return "codes"
    raise ReleaseFileError(f"{name}: neither the tabular XML nor the codes list. {GET_FILES}")


def check_codes_list(name: str, data: bytes) -> None:
    """Every line of a codes list starts with a code."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ReleaseFileError(f"{name}: not UTF-8 text (byte {error.start:,}). Fix: give the official codes list, unchanged.") from None
    for number, line in enumerate(text.splitlines(), 1):
        word = line.split(None, 1)[0] if line.strip() else ""
        if word and not CODE_WORD.fullmatch(word):
            raise ReleaseFileError(f"{name}: line {number:,} starts with '{_printable(word[:20])}', not an ICD-10-CM code. Fix: give the official codes list, unchanged.")
