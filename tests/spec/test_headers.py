"""Bounded header parsers: tokens, lists, combined values, MIME types, ranges (browser-rules §3, §7, §8)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corskit.spec.headers import (
    MAX_LIST_ITEMS,
    MAX_VALUE_LENGTH,
    get_all,
    get_combined,
    has_unsafe_wire_bytes,
    is_token,
    is_valid_header_value,
    lowercase_ascii,
    normalize_value,
    parse_mime_type,
    parse_single_range,
    parse_token_list,
    split_list,
)

# RFC 9110 tchar, spelled out independently of the code under test.
TCHARS = set("!#$%&'*+-.^_`|~") | {chr(c) for c in range(0x30, 0x3A)} | {chr(c) for c in range(0x41, 0x5B)}
TCHARS |= {chr(c) for c in range(0x61, 0x7B)}


def test_token_characters_are_exactly_rfc9110_tchar() -> None:
    assert [hex(c) for c in range(0x100) if is_token(chr(c)) is not (chr(c) in TCHARS)] == []


def test_token_must_be_non_empty() -> None:
    assert not is_token("")
    assert is_token("X-Custom-Header")
    assert not is_token("X Custom")


# --- combining header lines -------------------------------------------------------------------------------------


def test_combined_value_joins_lines_with_comma_space_and_trims_spaces_and_tabs() -> None:
    lines = [("Access-Control-Allow-Origin", " a "), ("access-control-allow-origin", "\tb\t"), ("Other", "x")]
    assert get_combined(lines, "ACCESS-CONTROL-ALLOW-ORIGIN") == "a, b"
    assert get_all(lines, "access-control-allow-origin") == ["a", "b"]
    assert get_combined(lines, "missing") is None


def test_combined_value_does_not_trim_vertical_tab_or_form_feed() -> None:
    assert get_combined([("X", "\va\f")], "x") == "\va\f"


def test_an_empty_line_is_present_and_empty() -> None:
    assert get_combined([("X", "")], "x") == ""
    assert get_combined([("X", ""), ("X", "*")], "x") == ", *"


# --- lists ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "items"),
    [
        ("a,b", ["a", "b"]),
        (" a ,\tb ", ["a", "b"]),
        ("a,,b", ["a", "b"]),
        (",", []),
        ("", []),
        (" , a , ", ["a"]),
    ],
)
def test_split_list_trims_and_skips_empty_items(value: str, items: list[str]) -> None:
    assert split_list(value) == items


def test_split_list_is_bounded() -> None:
    assert split_list(",".join(["a"] * MAX_LIST_ITEMS)) == ["a"] * MAX_LIST_ITEMS
    assert split_list(",".join(["a"] * (MAX_LIST_ITEMS + 1))) is None
    assert split_list("a" * (MAX_VALUE_LENGTH + 1)) is None
    # Many empty items are cheap and are not items.
    assert split_list("," * 100_000 + "a") == ["a"]


@pytest.mark.parametrize(
    ("value", "parsed"),
    [
        (None, []),  # header absent
        ("", []),
        ("GET, PUT", ["GET", "PUT"]),
        ("put,  DELETE ,", ["put", "DELETE"]),
        ("*", ["*"]),
        ("X-Test, *", ["X-Test", "*"]),
        ("header name with space", None),
        ("Bad method name", None),
        ("a, b c", None),
        ("a;b", None),
        ('"a"', None),
        ("a/b", None),
        ("é", None),
    ],
)
def test_token_lists_fail_as_a_whole_on_any_non_token(value: str | None, parsed: list[str] | None) -> None:
    assert parse_token_list(value) == parsed


# --- values -----------------------------------------------------------------------------------------------------


def test_normalize_strips_http_whitespace_only() -> None:
    assert normalize_value(" \t\r\nx\n\r\t ") == "x"
    assert normalize_value("\vx\f") == "\vx\f"


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("ok", True),
        ("", True),
        ("in side", True),
        (" lead", False),
        ("trail\t", False),
        ("nul\x00", False),
        ("cr\rx", False),
        ("lf\nx", False),
        ("latin1 é", True),
        ("beyond latin1 \u0100", False),
    ],
)
def test_header_value_validity(value: str, valid: bool) -> None:
    assert is_valid_header_value(value) is valid


def test_unsafe_wire_bytes() -> None:
    assert has_unsafe_wire_bytes("a\r\nb")
    assert has_unsafe_wire_bytes("\x00")
    assert has_unsafe_wire_bytes("\u20ac")
    assert not has_unsafe_wire_bytes("plain é\t")


def test_lowercase_is_ascii_only() -> None:
    assert lowercase_ascii("X-ÄbC") == "x-Äbc"


# --- MIME types (WHATWG "parse a MIME type") --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "essence"),
    [
        ("text/plain", "text/plain"),
        ("Text/PLAIN", "text/plain"),
        ("text/plain;charset=utf-8", "text/plain"),
        ("  text/plain  ", "text/plain"),
        ("text/plain ;charset=utf-8", "text/plain"),
        ('multipart/form-data; boundary="a;b"', "multipart/form-data"),
        ("text/plain;", "text/plain"),
        ("text/plain;garbage", "text/plain"),
        ("text", None),
        ("text/", None),
        ("/plain", None),
        ("text /plain", None),
        ("text/ plain", None),
        ("text/plain/x", None),
        ("te(xt/plain", None),
        ("text/plain,text/html", None),
    ],
)
def test_parse_mime_type_essence(value: str, essence: str | None) -> None:
    parsed = parse_mime_type(value)
    assert (parsed.essence if parsed else None) == essence


def test_parse_mime_type_parameters() -> None:
    parsed = parse_mime_type('text/plain; Charset="UTF-8"; charset=latin1; q=x')
    assert parsed is not None
    # Names lowercased, the first occurrence wins, quoted values unquoted.
    assert parsed.parameters == (("charset", "UTF-8"), ("q", "x"))


# --- ranges -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "parsed"),
    [
        ("bytes=0-", (0, None)),
        ("bytes=0-0", (0, 0)),
        ("bytes=100-200", (100, 200)),
        ("bytes=-500", (None, 500)),
        ("bytes=200-100", None),
        ("bytes=-", None),
        ("bytes=", None),
        ("bytes 0-", None),
        ("bytes =0-", None),
        ("bytes= 0-", None),
        ("bytes=0 -1", None),
        ("bytes=0- 1", None),
        ("bytes=0-1,2-3", None),
        ("bytes=a-b", None),
        ("bytes=0-1x", None),
        ("bytes=1--2", None),
        ("items=0-1", None),
        ("0-1", None),
        ("bytes=٣-", None),
    ],
)
def test_parse_single_range(value: str, parsed: tuple[int | None, int | None] | None) -> None:
    assert parse_single_range(value) == parsed


@settings(max_examples=150, derandomize=True, database=None)
@given(st.text(max_size=30))
def test_parsers_are_total(text: str) -> None:
    parse_mime_type(text)
    parse_single_range(text)
    parse_token_list(text)
    split_list(text)
