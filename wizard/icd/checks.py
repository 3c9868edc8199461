"""Whether a code can go on a claim, and if not, a sentence that says how to fix it.

Used by :meth:`Tabular.check_billable`; it relies only on the tabular's public methods.
"""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING

from wizard.icd.values import CodeInfo, CodeProblem

if TYPE_CHECKING:
    from wizard.icd.tabular import Tabular

# Past this many, a list of codes stops helping and starts hiding the sentence around it.
MAX_LISTED = 12


def billing_problem(tab: Tabular, code: str) -> CodeProblem | None:
    """None for a billable code; otherwise an unknown, header, needs_7th or bad_7th problem."""
    norm = tab.normalize(code)
    info = tab.get(norm)
    if info is None:
        return _misplaced_seventh(tab, norm) or _unknown(tab, norm)
    if info.billable:
        return None
    sevenths = tab.seventh_characters(norm)
    if sevenths:
        return _needs_seventh(tab, info, sevenths)
    return _header(tab, info)


def _needs_seventh(tab: Tabular, info: CodeInfo, sevenths: dict[str, str]) -> CodeProblem:
    """A leaf that is only complete with a 7th character (and X placeholders if it is short)."""
    padded = tab.children(info.code)[0][:-1]
    if padded == info.code:
        options = ", ".join(f"{char} ({meaning})" for char, meaning in sevenths.items())
        message = f"{info.code} needs a 7th character: {options}."
    else:
        options = ", ".join(f"{padded}{char} ({meaning})" for char, meaning in sevenths.items())
        message = f"{info.code} needs a 7th character, after the placeholder X: {options}."
    return CodeProblem(info.code, "needs_7th", message)


def _header(tab: Tabular, info: CodeInfo) -> CodeProblem:
    """A chapter, block, category or subcategory: name it and list what to use instead."""
    children = [tab.get(c) for c in tab.children(info.code)]
    subs = [c for c in children if c is not None]
    if subs and all(c.billable for c in subs) and len(subs) <= MAX_LISTED:
        fix = f"use one of {', '.join(c.code for c in subs)}"
    else:
        shown = [c.code + ("-" if c.kind in ("category", "subcategory") else "") for c in subs[:MAX_LISTED]]
        more = f" and {len(subs) - MAX_LISTED} more" if len(subs) > MAX_LISTED else ""
        fix = f"pick a code under it: {', '.join(shown)}{more}"
    message = f"{info.code} is a header ({info.kind} {info.description}), not billable in {tab.release}: {fix}."
    return CodeProblem(info.code, "header", message)


def _misplaced_seventh(tab: Tabular, norm: str) -> CodeProblem | None:
    """A 7th character that is invalid, or valid but not in position 7 (X placeholders missing)."""
    if len(norm) < 4:
        return None
    char = norm[-1]
    for base in _stems(norm[:-1]):
        sevenths = tab.seventh_characters(base) if base in tab else {}
        children = tab.children(base) if sevenths else []
        if not children:
            continue
        padded = children[0][:-1]
        if char in sevenths:
            how = "; use the placeholder X: " if padded != base else ": "
            message = f"{norm}: the 7th character must be in position 7{how}{padded}{char}."
        else:
            where = "" if padded == base else f", after the placeholder X ({padded}{next(iter(sevenths))})"
            message = f"{norm}: {char} is not a valid 7th character for {base}: use {_or_list(list(sevenths))}{where}."
        return CodeProblem(norm, "bad_7th", message)
    return None


def _stems(stem: str) -> list[str]:
    """Codes the writer may have meant before the 7th character: as typed, then without X's."""
    stems = [stem.rstrip(".")]
    while stem.endswith("X"):
        stem = stem[:-1]
        stems.append(stem.rstrip("."))
    return stems


def _unknown(tab: Tabular, norm: str) -> CodeProblem:
    """Not in the release: suggest the closest billable codes of its category, else categories."""
    if not norm:
        return CodeProblem(norm, "unknown", f"An empty code is not an ICD-10-CM {tab.release} code.")
    category = tab.get(norm[:3])
    if category is not None and category.kind in ("category", "code"):
        candidates = [category.code] + tab.descendants(category.code)
        billable = [c for c in candidates if tab.is_billable(c)]
        matches = difflib.get_close_matches(norm, billable, n=3, cutoff=0.6)
    else:
        categories = [c for c in tab if len(c) == 3 and c[0].isalpha()]
        matches = difflib.get_close_matches(norm[:3], categories, n=3, cutoff=0.6)
    hint = f" Did you mean {_or_list(matches)}?" if matches else ""
    return CodeProblem(norm, "unknown", f"{norm} is not an ICD-10-CM {tab.release} code.{hint}")


def _or_list(items: list[str]) -> str:
    """``A``, ``A or B``, ``A, B or C``."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} or {items[-1]}"

