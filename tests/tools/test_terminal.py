"""The one terminal sanitiser: data can neither move the cursor nor fail to encode; printable text is untouched."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corskit.tools.terminal import ASCII, UNICODE, can_encode, glyphs_for, printable


@pytest.mark.parametrize("text", ["", "plain ASCII", "café", "日本語", "emoji 🙂", "a\\x1b is not an escape"])
def test_printable_text_is_unchanged(text: str) -> None:
    assert printable(text) == text
    assert printable(text, "utf-8") == text


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("\x1b]0;title\x07", "\\x1b]0;title\\x07"),  # OSC: retitle the window
        ("\x1b[2J\x1b[8m", "\\x1b[2J\\x1b[8m"),  # CSI: clear the screen, hide text
        ("\x9b31m", "\\x9b31m"),  # C1 CSI
        ("\x00\x7f\r\n\t\x0b\x0c", "\\x00\\x7f\\x0d\\x0a\\x09\\x0b\\x0c"),
        ("\u202egnp.exe", "\\u202egnp.exe"),  # bidi override
        ("a\u200bb\u2028c\u2029d\u0085e", "a\\u200bb\\u2028c\\u2029d\\x85e"),
        ("\ud800", "\\ud800"),  # lone surrogate
        ("\U000e0041", "\\U000e0041"),  # tag character
    ],
)
def test_control_and_format_characters_are_escaped(raw: str, shown: str) -> None:
    assert printable(raw) == shown


def test_the_output_encoding_is_respected() -> None:
    assert printable("café ☕", "ascii") == "caf\\xe9 \\u2615"
    assert printable("café ☕", "latin-1") == "café \\u2615"
    assert printable("café ☕", "utf-8") == "café ☕"
    assert can_encode("✓", "UTF8")
    assert not can_encode("✓", "cp1252")


def test_glyphs_fall_back_to_ascii() -> None:
    assert glyphs_for("utf-8") is UNICODE
    assert glyphs_for(None) is UNICODE
    for encoding in ("ascii", "latin-1", "cp1252", "no-such-codec"):
        assert glyphs_for(encoding) is ASCII
    assert all(glyph.isascii() for glyph in vars(ASCII).values())


@given(st.text(), st.sampled_from([None, "utf-8", "ascii", "latin-1", "cp437"]))
def test_any_text_becomes_one_printable_encodable_line(text: str, encoding: str | None) -> None:
    shown = printable(text, encoding)
    assert shown.isprintable()
    assert can_encode(shown, encoding)
    assert not any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp", "Cs") for c in shown)
