"""An encounter's codes against the release in force on its date of service.

`wizard run`, the UI and every export check each code of a result here: a code that is not a
billable code of the release used is an error on that code, which says what changed since the
release the tree was reviewed for (deleted; now a heading, with its codes); a code whose title
changed keeps its place with a notice. The one-line notices say when the release in force is
not installed and when the tree was reviewed for another year.

    check = open_release_check(date(2026, 12, 7), tree_release="FY2026")
    engine.use_release(check)
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from wizard.icd.releases import Installed, ReleaseChoice, icd_folder, installed_releases

if TYPE_CHECKING:
    from wizard.icd.tabular import Tabular

# A heading's codes are listed up to this many in a message.
LISTED = 6


class ReleaseCheck:
    """The release an encounter is checked against (its tabular is the engine's describer),
    the release in force on its date of service, and the tree's reviewed release."""

    def __init__(self, choice: ReleaseChoice, tabular: Tabular, tree_release: str, installed: Installed) -> None:
        self.choice = choice
        self.tabular = tabular
        self.tree_release = tree_release
        self._installed = installed
        self._reviewed: Tabular | None | bool = False  # False: not looked up yet

    @property
    def date_of_service(self) -> date:
        return self.choice.date_of_service

    @property
    def release_in_force(self) -> str | None:
        """The id of the release in force on the date of service, None when it is not installed."""
        return self.choice.in_force.id if self.choice.in_force is not None else None

    def reviewed(self) -> Tabular | None:
        """The tabular of the release the tree was reviewed for, when it is another one and installed."""
        if self._reviewed is False:
            release = self._installed.find(self.tree_release)
            if release is None or release.path == self.choice.used.path:
                self._reviewed = None
            else:
                from wizard.icd.tabular import load_tabular

                self._reviewed = load_tabular(release.path)
        return self._reviewed  # type: ignore[return-value]

    def notices(self) -> list[tuple[str, str]]:
        """(id, one line) for the release not in force and for a tree reviewed for another year."""
        found = [("release:not_in_force", self.choice.notice()), ("release:tree_reviewed", self.choice.tree_notice(self.tree_release))]
        return [(key, text) for key, text in found if text]

    def code_problem(self, code: str) -> str | None:
        """None for a billable code of the release used; otherwise what is wrong and what changed."""
        problem = self.tabular.check_billable(code)
        if problem is None:
            return None
        used, day = self.choice.used, self.date_of_service.isoformat()
        if self.choice.in_force is used:
            where = f"not valid in {used.label}, the release in force on {day}"
        else:
            where = f"not valid in {used.label}, the release the date of service {day} is checked against"
        reviewed = self.reviewed()
        if reviewed is None or not reviewed.is_billable(code):
            return f"{problem.message} ({where})"
        info = self.tabular.get(code)
        review = f"The tree, reviewed for {reviewed.release}, needs a review (wizard icd diff {reviewed.release} {used.id} --tree TREE)."
        if info is None:
            return f"{code} is {where}: deleted (it was a billable code in {reviewed.release}). {review}"
        children = self.tabular.children(code)
        shown = ", ".join(children[:LISTED]) + (f" and {len(children) - LISTED} more" if len(children) > LISTED else "")
        return f"{code} is {where}: now a heading whose codes are {shown}. {review}"

    def code_notice(self, code: str) -> str | None:
        """A code still valid whose title changed since the tree's reviewed release."""
        reviewed = self.reviewed()
        if reviewed is None or code not in reviewed or code not in self.tabular:
            return None
        before, now = reviewed.description(code), self.tabular.description(code)
        if before == now:
            return None
        return f"{code}: title now \"{now}\" in {self.choice.used.label} (it was \"{before}\" in {reviewed.release})."


def open_release_check(day: date, tree_release: str, folder: Path | str | None = None) -> ReleaseCheck:
    """Choose the release for ``day`` among those installed and load its tabular (only that one)."""
    from wizard.icd.tabular import load_tabular

    installed = installed_releases(icd_folder(folder))
    choice = installed.choose(day)
    return ReleaseCheck(choice, load_tabular(choice.used.path), tree_release, installed)


def tabular_of_release(name: str, folder: Path | str | None = None) -> Tabular:
    """The tabular of the installed release ``name`` (a tree's ``icd10cm_release``: what the
    quiz grades and lint checks against), else the bundled data."""
    from wizard.icd.tabular import load_tabular

    release = installed_releases(icd_folder(folder)).find(name)
    return load_tabular(release.path if release is not None else None)
