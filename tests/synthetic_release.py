"""A made-up next release of ICD-10-CM, built from the FY2026 files simple_icd_10_cm ships.

No machine here can download FY2027, so the tests write one with four known changes to
codes the low back pain tree produces, and `<version>2027</version>`:

* M54.50 becomes a heading with two new codes, M54.500 and M54.501 (NOW_HEADING, ADDED);
* M54.59 is deleted (DELETED);
* M54.41 gets a new title (RETITLED, NEW_TITLE);
* G89.29 gets an Excludes1 note naming M54.4-, so G89.29 and M54.41, which the tree reports
  together for chronic sciatica, now exclude each other (EXCLUDES1_ON, EXCLUDES1_NOTE).

The XML is edited with ElementTree (the test's own tool; wizard reads it only through
simple_icd_10_cm) and the codes list is the package's own with the same changes.
"""

from __future__ import annotations

import importlib.util
import xml.etree.ElementTree as ET
from pathlib import Path

NOW_HEADING = "M54.50"
ADDED = ("M54.500", "M54.501")
DELETED = "M54.59"
RETITLED = "M54.41"
NEW_TITLE = "Low back pain with sciatica, right side"
EXCLUDES1_ON = "G89.29"
EXCLUDES1_NOTE = "low back pain with sciatica (M54.4-)"


def package_files() -> tuple[Path, Path]:
    """The FY2026 tabular XML and codes list that simple_icd_10_cm ships (found without
    importing it: the import parses the whole XML)."""
    spec = importlib.util.find_spec("simple_icd_10_cm")
    assert spec is not None and spec.submodule_search_locations, "simple_icd_10_cm is not installed"
    data = Path(next(iter(spec.submodule_search_locations))) / "data"
    return next(data.glob("*.xml")), next(data.glob("*.txt"))


def write_next_release(folder: Path, version: str = "2027") -> tuple[Path, Path]:
    """Write icd10cm_tabular_<version>.xml and icd10cm-codes-<version>.txt into ``folder``."""
    xml_path, codes_path = package_files()
    root = ET.parse(xml_path).getroot()
    root.find("version").text = version  # type: ignore[union-attr]
    diag = {d.findtext("name"): (d, parent) for parent in root.iter() for d in parent if d.tag == "diag"}
    heading, _ = diag[NOW_HEADING]
    for code, words in zip(ADDED, ("first made-up subdivision", "second made-up subdivision"), strict=True):
        child = ET.SubElement(heading, "diag")
        ET.SubElement(child, "name").text = code
        ET.SubElement(child, "desc").text = f"Low back pain, unspecified, {words}"
    deleted, parent = diag[DELETED]
    parent.remove(deleted)
    diag[RETITLED][0].find("desc").text = NEW_TITLE  # type: ignore[union-attr]
    notes = ET.SubElement(diag[EXCLUDES1_ON][0], "excludes1")
    ET.SubElement(notes, "note").text = EXCLUDES1_NOTE
    tabular = folder / f"icd10cm_tabular_{version}.xml"
    ET.ElementTree(root).write(tabular, encoding="utf-8", xml_declaration=True)
    gone = DELETED.replace(".", "")
    lines = [line for line in codes_path.read_text(encoding="utf-8").splitlines() if line.strip() != gone]
    at = lines.index(NOW_HEADING.replace(".", "")) + 1
    lines[at:at] = [code.replace(".", "") for code in ADDED]
    codes = folder / f"icd10cm-codes-{version}.txt"
    codes.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return tabular, codes
