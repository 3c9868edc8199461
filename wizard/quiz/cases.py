"""The case library: vignettes written as a provider's note, with answers and expected codes.

Case files live beside the trees (trees/cases/*.toml) so that teachers add cases without code.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from wizard.tree.loader import bundled_trees_dir, text_problems
from wizard.tree.models import IDENT, Answer
from wizard.tree.problems import LineFinder, Problem, TreeError, display_path, toml_path


class Case(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=IDENT)
    title: str = Field(min_length=1)
    vignette: str = Field(min_length=1)
    answers: dict[str, Answer]
    # Empty when the tree ends at a stop with no code (e.g. a confirmed red flag).
    expected: list[str] = Field(default_factory=list)
    teaching: str = Field(min_length=1)
    topics: list[str] = Field(default_factory=list)
    # The questions whose answers the vignette states in words (not those it leaves to a
    # default or implies by silence): what a reader of the note should find (make eval-notes).
    stated: list[str] | None = None


class CaseFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    tree: str = Field(pattern=IDENT, description="id of the tree the answers are written for")
    case: list[Case] = Field(min_length=1)


@dataclass(frozen=True)
class CaseLibrary:
    cases: tuple[Case, ...]
    files: dict[str, str]  # case id -> file it came from
    trees: dict[str, str]  # case id -> tree id

    def get(self, case_id: str) -> Case | None:
        return next((c for c in self.cases if c.id == case_id), None)

    @property
    def ids(self) -> list[str]:
        return [c.id for c in self.cases]


def cases_dir() -> Path:
    return bundled_trees_dir() / "cases"


def load_case_file(path: Path) -> CaseFile:
    shown = display_path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise TreeError([Problem(shown, "", f"cannot be read ({error.__class__.__name__}).", fix="check the path and that it is UTF-8 text.")]) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise TreeError([Problem(shown, "", f"TOML syntax error: {error}.", fix="correct the TOML syntax at that line.")]) from None
    finder = LineFinder(text)
    unsafe = list(text_problems(data, shown, finder))
    if unsafe:
        raise TreeError(unsafe)
    try:
        return CaseFile.model_validate(data)
    except ValidationError as error:
        raise TreeError([
            Problem(shown, toml_path(tuple(e["loc"])), e["msg"].removeprefix("Value error, ") + ".", line=finder.find(tuple(e["loc"])), fix="see 'Trainee mode' in the README for the case format.")
            for e in error.errors()
        ]) from None


def load_cases(paths: list[Path] | None = None) -> CaseLibrary:
    """Every case of the given files (default: the shipped library); ids must be unique."""
    paths = paths if paths is not None else sorted(cases_dir().glob("*.toml"))
    cases: list[Case] = []
    files: dict[str, str] = {}
    trees: dict[str, str] = {}
    problems: list[Problem] = []
    for path in paths:
        try:
            loaded = load_case_file(path)
        except TreeError as error:
            problems += error.problems
            continue
        for index, case in enumerate(loaded.case):
            if case.id in files:
                problems.append(Problem(display_path(path), f"case[{index}].id", f"case id '{case.id}' is also used in {files[case.id]}.", fix="give each case its own id."))
                continue
            cases.append(case)
            files[case.id] = display_path(path)
            trees[case.id] = loaded.tree
    if problems:
        raise TreeError(problems)
    return CaseLibrary(tuple(cases), files, trees)
