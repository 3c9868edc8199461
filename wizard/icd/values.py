"""The values the ICD module hands out: items, billing problems, Excludes notes and conflicts."""

from __future__ import annotations

from wizard.icd.codespec import CodeSpec
from wizard.record import record


@record
class CodeInfo:
    """One item of the tabular. ``kind`` is chapter, block, category, subcategory or code
    (a billable leaf); ``parent`` is "" for a chapter."""

    code: str
    kind: str
    parent: str
    description: str
    billable: bool


@record
class CodeProblem:
    """Why a code cannot go on a claim: ``kind`` is unknown, header, needs_7th or bad_7th;
    ``message`` is a sentence that ends with the fix."""

    code: str
    kind: str
    message: str


@record
class ExcludesNote:
    """An Excludes1 or Excludes2 note, the item it is written on, and the codes it names."""

    owner: str
    text: str
    specs: tuple[CodeSpec, ...]

    def covers(self, code: str) -> bool:
        """Whether the note names ``code`` (or a family or range that holds it)."""
        return any(spec.covers(code) for spec in self.specs)


@record
class Excludes1Conflict:
    """``code`` has an Excludes1 note (written on ``owner``, text ``note``) that names ``excluded``."""

    code: str
    excluded: str
    owner: str
    note: str


class ReleaseFileError(ValueError):
    """A file given to build or import a release that cannot be used; the message names the
    file, what is wrong and the fix."""
