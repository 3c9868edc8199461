"""What changed between two releases: codes added, deleted, turned into headings, retitled,
and Excludes1 notes added or removed; with a tree, only what touches the codes it can produce.

A code deleted or added with everything under it is one change (its detail counts the codes
under it), so a new category is one line, not thirty. Titles are compared on the rows the
tabular writes (a 7th-character code's title is its parent's and the meaning of the character).
Excludes1 notes are compared on the item that carries them, as the tabular writes them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from wizard.record import record

if TYPE_CHECKING:
    from wizard.icd.tabular import Entry, Tabular
    from wizard.tree.models import Tree

KINDS = ("added", "deleted", "now_heading", "retitled", "excludes1_added", "excludes1_removed")
LISTED = 6


@record
class Change:
    kind: str
    code: str
    detail: str
    rules: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, object]:
        return {"kind": self.kind, "code": self.code, "detail": self.detail, "rules": list(self.rules)}


def release_diff(old: Tabular, new: Tabular) -> list[Change]:
    """Every change from ``old`` to ``new``, in the tabular order of the code concerned."""
    before = {entry.code: entry for entry in old.entries()}
    after = {entry.code: entry for entry in new.entries()}
    changes: list[Change] = []
    changes += _gone_or_new("deleted", before, after, old)
    changes += _gone_or_new("added", after, before, new)
    for code, was in before.items():
        now = after.get(code)
        if now is None:
            continue
        if was.billable and not now.billable:
            changes.append(Change("now_heading", code, f"now a heading whose codes are {_listed(new.children(code))}"))
        elif not was.billable and now.billable:
            changes.append(Change("added", code, f"now a billable code ({now.description}); it was a heading"))
        if was.description != now.description and not now.bare:
            changes.append(Change("retitled", code, f"title now \"{now.description}\" (was \"{was.description}\")"))
        for note in now.excludes1:
            if note not in was.excludes1:
                changes.append(Change("excludes1_added", code, f"Excludes1 added on {code}: \"{note}\""))
        for note in was.excludes1:
            if note not in now.excludes1:
                changes.append(Change("excludes1_removed", code, f"Excludes1 removed from {code}: \"{note}\""))
    order = {code: index for index, code in enumerate([*after, *(c for c in before if c not in after)])}
    return sorted(changes, key=lambda change: (order[change.code], KINDS.index(change.kind)))


def _gone_or_new(kind: str, these: Mapping[str, Entry], others: Mapping[str, Entry], tab: Tabular) -> list[Change]:
    """Items of ``these`` that ``others`` lacks, each under its topmost such item."""
    changes = []
    for code, entry in these.items():
        if code in others or entry.parent in these and entry.parent not in others:
            continue  # present in both, or counted under a parent that is itself new or gone
        under = len(tab.descendants(code))
        what = f"{entry.description}" + (f", with the {under} codes under it" if under else "")
        changes.append(Change(kind, code, what if kind == "added" else f"{what} (was {'billable' if entry.billable else 'a heading'})"))
    return changes


def _listed(codes: list[str]) -> str:
    return ", ".join(codes[:LISTED]) + (f" and {len(codes) - LISTED} more" if len(codes) > LISTED else "")


def tree_codes(tree: Tree) -> dict[str, tuple[str, ...]]:
    """Every code the tree's rules can build, with the ids of the rules that build it."""
    from wizard.engine.coder import possible_codes

    built: dict[str, list[str]] = {}
    for rule in tree.rules:
        for code in possible_codes(tree, rule):
            built.setdefault(code, [])
            if rule.id not in built[code]:
                built[code].append(rule.id)
    return {code: tuple(rules) for code, rules in built.items()}


def touching(changes: Iterable[Change], codes: Mapping[str, tuple[str, ...]], old: Tabular, new: Tabular) -> list[Change]:
    """The changes that touch the tree's codes, each with the rules that build those codes.

    A change touches a code when it is about the code itself (deleted, now a heading, retitled),
    about an item above it (an Excludes1 note it inherits), or about an item beside or below it
    (a code added under the same heading: a choice the tree may now have to make).
    """
    above = _codes_under(old, codes)
    for item, held in _codes_under(new, codes).items():
        above.setdefault(item, set()).update(held)
    found = []
    for change in changes:
        if change.kind == "added":
            info = new.get(change.code)
            holders = above.get(info.parent, set()) if info is not None else set()
        else:
            holders = above.get(change.code, set())
        if holders:
            rules = tuple(dict.fromkeys(rule for code in sorted(holders) for rule in codes[code]))
            found.append(Change(change.kind, change.code, change.detail, rules))
    return found


def _codes_under(tab: Tabular, codes: Mapping[str, tuple[str, ...]]) -> dict[str, set[str]]:
    """Each item of ``tab`` that is one of ``codes`` or above one, with the codes under it."""
    under: dict[str, set[str]] = {}
    for code in codes:
        if code not in tab:
            continue
        for item in [tab.normalize(code), *tab.ancestors(code)]:
            under.setdefault(item, set()).add(code)
    return under
