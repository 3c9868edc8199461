"""Code references inside Excludes notes, and which codes they cover.

A note such as "lumbago due to intervertebral disc displacement (M51.2-)" names the codes
it excludes inside its text. :func:`parse_specs` finds them and returns one
:class:`CodeSpec` per reference:

* a single code, ``(S39.012)``: the code and all its descendants (in ICD-10-CM a reference
  to a code covers its subdivisions);
* a family, ``(M51.2-)``, ``(M54.-)`` or the typo ``(M51.1.-)``: the same, written explicitly;
* a range, ``(O00-O9A)``, ``(R07.1-R07.9)``, ``(S06.1- to S06.6-)``: every code at or below a
  node lying between the two endpoints *in tabular order*. Tabular order is not alphabetical
  (M1A comes before M10, C84.Z before C84.9), so the tabular passes its order in; without
  it, ranges fall back to plain string order;
* any of the above with a qualifier, ``(E08-E13 with .42)``, ``(S42.- with 7th character B or
  C)``, ``(I69. with final characters -20)``, which narrows the codes covered. A qualifier
  that cannot be read (``with open fracture 7th character``) makes the reference cover
  nothing: an Excludes1 warning we cannot justify is worse than one we miss.

Codes in parentheses are the references; bare codes in the text are used only when no
parenthesis holds one ("conditions classifiable to S06.0- to S06.8-"), so that "vitamin
B12 deficiency anemia (D51.-)" refers to D51 only. A note without any code ("current
injury - see injury of spine by body region") yields no spec.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from wizard.record import Aside, Factory, record

_CODE = r"[A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?"
# A code, then an optional family marker ("-", ".-") or a dangling dot ("I69. with ...").
_TOKEN = re.compile(rf"(?<![0-9A-Za-z])({_CODE})(?:(\.?-)|(\.)(?![0-9A-Z])|(?![0-9A-Za-z]))")
_PAREN = re.compile(r"\(([^()]*)(?:\)|$)")
_WITH = re.compile(r"^\s*,?\s*with\b(.*)$", re.DOTALL)
_ORDINALS = {"fifth": 5, "5th": 5, "sixth": 6, "6th": 6, "seventh": 7, "7th": 7}
_ORD = r"(fifth|5th|sixth|6th|seventh|7th)"
_POSITION = re.compile(rf"^{_ORD}(?:\s+(or|to)\s+{_ORD})?[\s-]+characters?\s+(.+)$")


def dotless(code: str) -> str:
    """``"M54.50"`` -> ``"M5450"``: the form in which prefixes mean ancestry."""
    return code.replace(".", "")


def dotted(code: str) -> str:
    """``"M5450"`` -> ``"M54.50"``; a category (three characters) has no dot."""
    code = dotless(code)
    return code if len(code) <= 3 else f"{code[:3]}.{code[3:]}"


@record
class Qualifier:
    """The "with ..." part of a reference, narrowing the codes it covers.

    ``kind`` is ``suffix`` (characters after the category: ``with .61-``), ``ending`` (``with
    final characters -20``), ``position`` (``with 7th character B or C``) or ``unknown``.
    ``positions`` are 1-based character positions in the dotless code; ``values`` are
    ``(low, high)`` pairs, equal for a single value.
    """

    text: str
    kind: str
    positions: tuple[int, ...] = ()
    values: tuple[tuple[str, str], ...] = ()

    def matches(self, key: str) -> bool:
        """Whether a dotless code satisfies the qualifier."""
        if self.kind == "suffix":
            return any(_between(key[3:], lo, hi) for lo, hi in self.values)
        if self.kind == "ending":
            return any(key.endswith(lo) for lo, _ in self.values)
        if self.kind == "position":
            return any(_between(key[p - 1 :], lo, hi) for p in self.positions for lo, hi in self.values)
        return False


def _between(text: str, lo: str, hi: str) -> bool:
    """Whether ``text`` starts with something in [lo, hi], compared at the bounds' length."""
    return lo <= text[: len(lo)] and text[: len(hi)] <= hi and len(text) >= len(lo)


def parse_qualifier(text: str) -> Qualifier:
    """Read the words after "with"; anything not understood gives an ``unknown`` qualifier."""
    words = " ".join(text.split())
    position = _POSITION.match(words)
    if position is not None:
        return _position_qualifier(words, position)
    final = re.match(r"^final characters?\s+(.+)$", words)
    items = _suffix_items(final.group(1) if final else words)
    if items is None:
        return Qualifier(words, "unknown")
    return Qualifier(words, "ending" if final else "suffix", values=items)


def _position_qualifier(words: str, match: re.Match[str]) -> Qualifier:
    """``fifth character 4``, ``fifth or sixth character 1-4 or 6``, ``fifth to sixth characters 51``."""
    first, joiner, second, rest = match.groups()
    positions = (_ORDINALS[first],)
    if joiner == "or":
        positions += (_ORDINALS[second],)
    values: list[tuple[str, str]] = []
    for item in re.split(r"\s*(?:,|\bor\b)\s*", rest.strip()):
        item = item.strip().lstrip(".")
        if re.fullmatch(r"[0-9A-Z]+", item):
            values.append((item, item))
        elif re.fullmatch(r"[0-9A-Z]-[0-9A-Z]", item):
            values.append((item[0], item[2]))
        else:
            return Qualifier(words, "unknown")
    return Qualifier(words, "position", positions=positions, values=tuple(values))


def _suffix_items(text: str) -> tuple[tuple[str, str], ...] | None:
    """``.150, .250, .950`` / ``.61-`` / ``.51-.52`` / ``-20`` / ``.00 or .01``; None if not that."""
    items: list[tuple[str, str]] = []
    for part in re.split(r"\s*(?:,|\bor\b|\.\s)\s*", text.strip()):
        if not part:
            continue
        span = re.fullmatch(r"[.-]?([0-9A-Z]+)-?(?:[.-]([0-9A-Z]+)-?)?", part)
        if span is None:
            return None
        lo, hi = span.group(1), span.group(2) or span.group(1)
        items.append((lo, hi))
    return tuple(items) or None


@record
class CodeSpec:
    """One code reference of a note: a code, a family (``M51.2-``) or a range (``O00-O9A``).

    ``start``/``end`` are dotted codes (equal unless a range). ``order`` maps dotted codes to
    their position in the tabular, so that ranges follow tabular order; it is supplied by
    :class:`~wizard.icd.tabular.Tabular` and left out of equality and repr.
    """

    start: str
    end: str
    family: bool = False
    qualifier: Qualifier | None = None
    order: Mapping[str, int] | None = Aside(None)

    @property
    def is_range(self) -> bool:
        """Whether the reference spans two different endpoints."""
        return self.start != self.end

    def __str__(self) -> str:
        if self.is_range:
            text = f"{self.start}-{self.end}"
        elif self.family:
            text = self.start + ("-" if "." in self.start else ".-")  # "M51.2-", "M54.-"
        else:
            text = self.start
        return f"{text} with {self.qualifier.text}" if self.qualifier else text

    @classmethod
    def parse(cls, text: str, order: Mapping[str, int] | None = None) -> tuple[CodeSpec, ...]:
        """All references in a note's text; see :func:`parse_specs`."""
        return parse_specs(text, order)

    def covers(self, code: str) -> bool:
        """Whether ``code`` (dotted or not) is one of the codes this reference names."""
        key = dotless(code.strip().upper())
        if not self._spans(key):
            return False
        return self.qualifier is None or self.qualifier.matches(key)

    def _spans(self, key: str) -> bool:
        """The code is the start, a descendant of it, or inside the range."""
        lo = dotless(self.start)
        if not self.is_range:
            return key.startswith(lo)
        hi = dotless(self.end)
        order = self.order
        if order is not None and self.start in order and self.end in order:
            positions = [order.get(dotted(key[:n])) for n in range(3, len(key) + 1)]
            known = [p for p in positions if p is not None]
            if known:
                first, last = order[self.start], order[self.end]
                return any(first <= p <= last for p in known)
        return _between(key, lo, hi)


def parse_specs(text: str, order: Mapping[str, int] | None = None) -> tuple[CodeSpec, ...]:
    """Every code reference in a note: from its parentheses, else from its bare text."""
    specs: list[CodeSpec] = []
    for group in _PAREN.findall(text):
        specs.extend(_parse_segment(group, order))
    if not specs:
        specs.extend(_parse_segment(_PAREN.sub(" ", text), order))
    return tuple(specs)


def _parse_segment(segment: str, order: Mapping[str, int] | None) -> list[CodeSpec]:
    """References in one stretch of text, joined into ranges where a dash or "to" links them."""
    tokens = list(_TOKEN.finditer(segment))
    if not tokens:
        return []
    tail = _WITH.match(segment[tokens[-1].end() :])
    qualifier = parse_qualifier(tail.group(1)) if tail else None
    specs: list[CodeSpec] = []
    i = 0
    while i < len(tokens):
        start = tokens[i]
        family = bool(start.group(2))
        if i + 1 < len(tokens) and _links(start, segment[start.end() : tokens[i + 1].start()]):
            end = tokens[i + 1]
            specs.append(CodeSpec(start.group(1), end.group(1), False, qualifier, order))
            i += 2
            continue
        specs.append(CodeSpec(start.group(1), start.group(1), family, qualifier, order))
        i += 1
    return specs


def _links(token: re.Match[str], between: str) -> bool:
    """Whether the text between two codes makes them a range ("-", "--", " - ", " to ")."""
    between = between.strip()
    if between in ("-", "--", "to"):
        return True
    # "M54.3-M54.4" and "I69.81- I69.91-": the dash was read as the first code's family marker.
    return bool(token.group(2)) and between in ("", "-")
