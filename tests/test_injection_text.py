"""wizard.text: what clean() removes, what it keeps, and that json_safe() keeps the data."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from conftest_hostile import INJECTIONS, obeyed
from wizard.text import clean, find_unsafe, json_safe, one_line


def test_clean_removes_whole_sequences_and_keeps_the_text() -> None:
    assert clean("a\x1b]52;c;aGVsbG8=\x07b") == "ab"  # the clipboard payload goes with its sequence
    assert clean("a\x1b]0;title\x1b\\b") == "ab"
    assert clean("\x1b[31mred\x1b[0m") == "red"
    assert clean("x\x9b2Jy\x9d0;t\x9cz") == "xyz"
    assert clean("hidden\roverwritten") == "hiddenoverwritten"
    assert clean("\u202eevil\u202c") == "evil"
    assert clean("[bold red]x[/] <b> {n} é 😀 ﷽") == "[bold red]x[/] <b> {n} é 😀 ﷽"  # text, not controls
    assert clean("two\nlines\tand a tab") == "two\nlines\tand a tab"
    assert clean("bad \udcff byte") == "bad \ufffd byte"  # argv that is not UTF-8 can still be printed
    assert one_line("a\nb\tc  d") == "a b c  d"


def test_find_unsafe_names_the_character_and_its_place() -> None:
    assert find_unsafe("plain [text]") is None
    assert find_unsafe("ab\x1b[2J") == (2, "U+001B (ESC)")
    assert find_unsafe("x\u202e") == (1, "U+202E (RIGHT-TO-LEFT OVERRIDE)")
    assert find_unsafe("\x85") == (0, "U+0085 (C1 control)")


@given(st.one_of(st.text(), st.sampled_from(INJECTIONS), st.lists(st.sampled_from(INJECTIONS)).map("".join)))
def test_clean_never_leaves_a_character_a_terminal_obeys(text: str) -> None:
    assert not obeyed(clean(text))
    assert clean(clean(text)) == clean(text)


@given(st.one_of(st.text(), st.sampled_from(INJECTIONS)))
def test_json_safe_keeps_the_data_and_shows_nothing_raw(text: str) -> None:
    written = json_safe(json.dumps({"k": text}, ensure_ascii=False))
    assert not obeyed(written)
    assert json.loads(written) == {"k": text}


def test_no_printable_character_is_one_that_clean_removes() -> None:
    """clean() and find_unsafe() return a printable text as it is without looking further:
    that holds only while every character the patterns remove is one str.isprintable()
    refuses. Checked over every code point."""
    import re

    from wizard.text import SEQUENCE, UNSAFE_CHAR

    either = re.compile(f"{SEQUENCE}|{UNSAFE_CHAR}")
    starts = [chr(c) for c in range(0x110000) if either.match(chr(c))]
    assert starts and not [c for c in starts if c.isprintable()]
