"""Every string a diagram draws is visible, on one line and bounded, whatever the input."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from corskit.tools.diagrams.text import ELLIPSIS, MAX_INPUT, clean, width, wrap

from ._cases import HOSTILE

_INVISIBLE = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp", "Mn", "Me"}


def _drawable(text: str) -> bool:
    return all(unicodedata.category(c) not in _INVISIBLE for c in text)


def test_controls_and_bidi_overrides_become_visible_escapes() -> None:
    assert clean("a\x1b[31mb") == "a\\x1b[31mb"
    assert clean("\u202eabc") == "\\u202eabc"
    assert clean("x\u0301") == "x\\u0301"
    assert clean("tab\there") == "tab\\x09here"
    assert clean("\U000e0001") == "\\U000e0001"


def test_clipping_counts_wide_characters_twice_and_marks_the_cut() -> None:
    assert clean("x" * 10, 10) == "x" * 10
    assert clean("x" * 11, 10) == "x" * 9 + ELLIPSIS
    clipped = clean("漢" * 20, 10)
    assert clipped.endswith(ELLIPSIS)
    assert width(clipped) <= 10


def test_wrap_breaks_at_spaces_and_stops_at_max_lines() -> None:
    assert wrap("aaa bbb ccc", 7) == ["aaa bbb", "ccc"]
    lines = wrap("word " * 100, 20, 3)
    assert len(lines) == 3
    assert lines[-1].endswith(ELLIPSIS)
    assert wrap("first\nsecond\n") == ["first", "second"]


def test_huge_input_is_cut_before_any_work() -> None:
    text = "A" * (MAX_INPUT * 100)
    assert len(clean(text, 10**9)) == MAX_INPUT + 1


@given(st.text(), st.integers(min_value=2, max_value=200))
def test_clean_is_drawable_bounded_and_idempotent(text: str, limit: int) -> None:
    out = clean(text, limit)
    assert _drawable(out)
    assert width(out) <= limit
    assert clean(out, limit) == out


@given(st.text(), st.integers(min_value=4, max_value=120), st.integers(min_value=1, max_value=10))
def test_wrap_lines_are_drawable_and_bounded(text: str, limit: int, lines: int) -> None:
    out = wrap(text, limit, lines)
    assert len(out) <= lines
    assert all(width(line) <= limit and _drawable(line) for line in out)


def test_hostile_strings() -> None:
    for value in HOSTILE:
        out = clean(value)
        assert _drawable(out)
        assert width(out) <= 100
