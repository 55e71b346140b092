"""Safelisted and forbidden methods and headers (browser-rules §2, §3, §4, §10)."""

from __future__ import annotations

import pytest

from corskit.browser.profiles.chromium import is_safelisted as chromium_safelist
from corskit.spec.safelist import (
    FORBIDDEN_RESPONSE_HEADERS,
    MAX_SAFELISTED_TOTAL,
    MAX_SAFELISTED_VALUE,
    SAFELISTED_METHODS,
    SAFELISTED_RESPONSE_HEADERS,
    classify_request_headers,
    cors_unsafe_request_header_names,
    has_cors_unsafe_byte,
    is_forbidden_method,
    is_forbidden_request_header,
    is_no_cors_safelisted_request_header,
    is_safelisted_content_type,
    is_safelisted_request_header,
    is_safelisted_response_header,
    normalize_method,
)

# The rule, written out again: < 0x20 except TAB, " ( ) : < > ? @ [ \ ] { }, and DEL.
UNSAFE_BYTES = {c for c in range(0x20) if c != 0x09} | {ord(c) for c in '"():<>?@[\\]{}'} | {0x7F}
# accept-language / content-language: 0-9 A-Z a-z space * , - . ; =
LANGUAGE_BYTES = set(range(0x30, 0x3A)) | set(range(0x41, 0x5B)) | set(range(0x61, 0x7B)) | {ord(c) for c in " *,-.;="}


# --- methods (§2) -----------------------------------------------------------------------------------------------


def test_safelisted_methods_are_get_head_post_byte_for_byte() -> None:
    assert frozenset({"GET", "HEAD", "POST"}) == SAFELISTED_METHODS
    assert "get" not in SAFELISTED_METHODS
    assert "Post" not in SAFELISTED_METHODS


@pytest.mark.parametrize(
    ("method", "forbidden"),
    [
        ("CONNECT", True),
        ("connect", True),
        ("Trace", True),
        ("TRACE", True),
        ("track", True),
        ("TRACK", True),
        ("GET", False),
        ("TRACES", False),
        ("OPTIONS", False),
        ("PATCH", False),
    ],
)
def test_forbidden_methods_case_insensitive(method: str, forbidden: bool) -> None:
    assert is_forbidden_method(method) is forbidden


@pytest.mark.parametrize(
    ("method", "normalized"),
    [
        ("delete", "DELETE"),
        ("Delete", "DELETE"),
        ("get", "GET"),
        ("head", "HEAD"),
        ("options", "OPTIONS"),
        ("post", "POST"),
        ("pUt", "PUT"),
        ("patch", "patch"),  # not one of the six: keeps its case
        ("Patch", "Patch"),
        ("PATCH", "PATCH"),
        ("purge", "purge"),
        ("custom-Method", "custom-Method"),
    ],
)
def test_method_normalisation_uppercases_only_the_six(method: str, normalized: str) -> None:
    assert normalize_method(method) == normalized


# --- forbidden request headers (§4) -----------------------------------------------------------------------------

FORBIDDEN_NAMES = [
    "Accept-Charset",
    "Accept-Encoding",
    "Access-Control-Request-Headers",
    "Access-Control-Request-Method",
    "Connection",
    "Content-Length",
    "Cookie",
    "Cookie2",
    "Date",
    "DNT",
    "Expect",
    "Host",
    "Keep-Alive",
    "Origin",
    "Referer",
    "Set-Cookie",
    "TE",
    "Trailer",
    "Transfer-Encoding",
    "Upgrade",
    "Via",
]


@pytest.mark.parametrize("name", FORBIDDEN_NAMES)
@pytest.mark.parametrize("spelling", [str.lower, str.upper, lambda s: s])
def test_forbidden_request_header_names_any_case(name: str, spelling: object) -> None:
    assert is_forbidden_request_header(spelling(name))  # type: ignore[operator]


@pytest.mark.parametrize("name", ["Proxy-Authorization", "proxy-anything", "PROXY-", "Sec-Fetch-Mode", "sec-x", "SEC-"])
def test_proxy_and_sec_prefixes_are_forbidden(name: str) -> None:
    assert is_forbidden_request_header(name)


@pytest.mark.parametrize("name", ["proxy", "sec", "x-proxy-a", "x-sec-a", "secret", "Authorization", "X-Custom"])
def test_similar_names_are_not_forbidden(name: str) -> None:
    assert not is_forbidden_request_header(name)


@pytest.mark.parametrize("name", ["X-HTTP-Method-Override", "x-http-method", "X-Method-Override"])
@pytest.mark.parametrize(
    ("value", "forbidden"),
    [
        ("TRACE", True),
        ("trace", True),
        ("GET, TRACE", True),
        (" track ", True),
        ("CONNECT,GET", True),
        ("GET", False),
        ("PATCH", False),
        ("TRACEX", False),
        ("", False),
    ],
)
def test_method_override_headers_are_forbidden_only_with_a_forbidden_method(
    name: str, value: str, forbidden: bool
) -> None:
    assert is_forbidden_request_header(name, value) is forbidden


# --- CORS-unsafe bytes and the per-header rules (§3) ------------------------------------------------------------


def test_every_cors_unsafe_byte() -> None:
    wrong = []
    for code in range(0x100):
        value = f"a{chr(code)}b"
        unsafe = code in UNSAFE_BYTES
        # Accept is safelisted exactly when no byte is unsafe.
        if has_cors_unsafe_byte(value) is not unsafe or is_safelisted_request_header("Accept", value) is unsafe:
            wrong.append(hex(code))
    assert wrong == []


@pytest.mark.parametrize("name", ["Accept-Language", "content-language"])
def test_language_headers_allow_only_their_charset(name: str) -> None:
    wrong = [
        hex(c) for c in range(0x100) if is_safelisted_request_header(name, f"en{chr(c)}") is not (c in LANGUAGE_BYTES)
    ]
    assert wrong == []


@pytest.mark.parametrize(
    ("name", "value_of_length"),
    [
        ("Accept", lambda n: "a" * n),
        ("Accept-Language", lambda n: "a" * n),
        ("Content-Language", lambda n: "a" * n),
        ("Content-Type", lambda n: "text/plain;x=" + "a" * (n - len("text/plain;x="))),
        ("Range", lambda n: "bytes=" + "0" * (n - len("bytes=-")) + "-"),
    ],
)
def test_value_limit_is_128_bytes(name: str, value_of_length: object) -> None:
    at_limit = value_of_length(MAX_SAFELISTED_VALUE)  # type: ignore[operator]
    over = value_of_length(MAX_SAFELISTED_VALUE + 1)  # type: ignore[operator]
    assert MAX_SAFELISTED_VALUE == 128
    assert len(at_limit) == 128
    assert len(over) == 129
    assert is_safelisted_request_header(name, at_limit)
    assert not is_safelisted_request_header(name, over)


@pytest.mark.parametrize(
    ("value", "safelisted"),
    [
        ("text/plain", True),
        ("TEXT/PLAIN", True),
        ("application/x-www-form-urlencoded", True),
        ("multipart/form-data", True),
        ("multipart/form-data; boundary=x", True),
        ("text/plain;charset=utf-8", True),
        ("text/plain;", True),
        ("text/plain;garbage", True),
        ("application/json", False),
        ("text/html", False),
        ("application/www-form-urlencoded", False),
        ("text/plain\x01", False),
        ("text/plain;garbage\x01\x02", False),
        ("text/plain,", False),
        (",text/plain", False),
        ("text/plain,text/plain", False),
        ("text/plain,x/x", False),
        ("text/plain\x0b", False),
        ("text/plain\x0c", False),
        ("application/x-www-form-urlencoded;\x7f", False),
        ('multipart/form-data;"', False),
        ("text/plain; charset=(utf-8)", False),
        ("text", False),
        ("", False),
    ],
)
def test_content_type_essences(value: str, safelisted: bool) -> None:
    assert is_safelisted_content_type(value) is safelisted
    assert is_safelisted_request_header("Content-Type", value) is safelisted


@pytest.mark.parametrize("value", ["text /plain", "text/ plain", "text\t/\tplain"])
def test_content_type_whitespace_around_the_slash_is_not_safelisted(value: str) -> None:
    assert not is_safelisted_content_type(value)


@pytest.mark.parametrize(
    ("value", "safelisted"),
    [
        ("bytes=0-", True),
        ("bytes=200-", True),
        ("bytes=100-200", True),
        ("bytes=0-0", True),
        ("bytes=-200", False),  # suffix range
        ("bytes=200-100", False),
        ("100-200", False),
        ("MB=100-200", False),
        ("bytes =100-200", False),
        ("bytes\t=100-200", False),
        ("bytes=  100-200", False),
        ("bytes=100 -200", False),
        ("bytes=100- 200", False),
        ("bytes=100-200hello", False),
        ("bytes=abc-def", False),
        ("bytes=100-200,300-400", False),
        ("bytes 100-200", False),
        ("bytes = 100-200", False),
        (",bytes=100-200", False),
        ("bytes=,100-200", False),
    ],
)
def test_range_is_safelisted_only_as_one_simple_range(value: str, safelisted: bool) -> None:
    assert is_safelisted_request_header("Range", value) is safelisted


@pytest.mark.parametrize("value", ["Bytes=0-", "BYTES=0-100"])
def test_range_unit_must_be_lowercase_bytes(value: str) -> None:
    # Observed on Chromium 156 (conformance harness probe): 'Bytes=0-' and 'BYTES=0-100' are preflighted, although
    # the Standard compares the unit case-insensitively. Chromium wins.
    assert not is_safelisted_request_header("Range", value)


@pytest.mark.parametrize("value", ["bytes=99999999999999999999-", "bytes=0-99999999999999999999"])
def test_range_positions_beyond_int64_are_not_safelisted(value: str) -> None:
    assert not is_safelisted_request_header("Range", value)


def test_range_over_128_bytes_is_not_safelisted() -> None:
    # WPT cors-safelisted-request-header.any.js: bytes=1<60 zeros>-2<60 zeros> (129 bytes) needs a preflight.
    assert not is_safelisted_request_header("Range", f"bytes=1{'0' * 60}-2{'0' * 60}")


@pytest.mark.parametrize(
    ("name", "value", "safelisted"),
    [
        ("DPR", "2", True),
        ("dpr", "1.5", True),
        ("dpr", "1.", False),
        ("dpr", ".5", False),
        ("dpr", "1.2.3", False),
        ("Device-Memory", "0.25", True),
        ("device-memory", "x", False),
        ("Width", "800", True),
        ("width", "800.5", False),
        ("Viewport-Width", "1024", True),
        ("viewport-width", "", False),
        ("Save-Data", "on", True),
        ("save-data", "ON", True),
        ("save-data", "off", False),
        ("X-Custom", "1", False),
        ("Authorization", "Bearer x", False),
        ("Cache-Control", "no-cache", False),
    ],
)
def test_chromium_client_hint_safelist(name: str, value: str, safelisted: bool) -> None:
    assert chromium_safelist(name, value) is safelisted
    # The Standard's list has no client hints: they are Chromium's own.
    assert not is_safelisted_request_header(name, value)


@pytest.mark.parametrize(
    ("name", "value"), [("RTT", "50"), ("downlink", "1.5"), ("ECT", "4g"), ("ect", "slow-2g"), ("Intervention", "x")]
)
def test_chromium_also_safelists_network_hints_and_intervention(name: str, value: str) -> None:
    assert chromium_safelist(name, value)
    assert not is_safelisted_request_header(name, value)


@pytest.mark.parametrize(("name", "value"), [("rtt", "5.5"), ("downlink", "fast"), ("ect", "5g"), ("ect", "4G")])
def test_network_hints_with_bad_values_are_not_safelisted(name: str, value: str) -> None:
    assert not is_safelisted_request_header(name, value)


# --- CORS-unsafe request-header names -----------------------------------------------------------------------------


def test_unsafe_names_are_lowercased_deduplicated_and_sorted() -> None:
    headers = [("X-B", "1"), ("x-a", "2"), ("X-A", "3"), ("Accept", "text/html"), ("Content-Type", "application/json")]
    assert cors_unsafe_request_header_names(headers) == ["content-type", "x-a", "x-b"]


def test_safelisted_values_over_1024_bytes_in_total_make_every_one_unsafe() -> None:
    assert MAX_SAFELISTED_TOTAL == 1024
    # 8 headers of 128 bytes = 1024: still fine.
    at_limit = [("Accept", "a" * 128)] * 8
    assert cors_unsafe_request_header_names(at_limit) == []
    mixed = [("Accept", "a" * 128)] * 7 + [("Content-Language", "b" * 128)]
    assert cors_unsafe_request_header_names(mixed) == []
    over = [*mixed, ("Accept-Language", "c")]
    assert cors_unsafe_request_header_names(over) == ["accept", "accept-language", "content-language"]


def test_classify_separates_unsafe_names_from_over_limit_safelisted_ones() -> None:
    headers = [("Accept", "a" * 128)] * 8 + [("Accept-Language", "en"), ("Z-Custom", "1"), ("A-Custom", "1")]
    unsafe, over = classify_request_headers(headers)
    assert unsafe == {"a-custom", "z-custom"}
    assert over == {"accept", "accept-language"}


# --- no-cors safelist -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value", "allowed"),
    [
        ("Accept", "*/*", True),
        ("Accept-Language", "en", True),
        ("Content-Language", "de", True),
        ("Content-Type", "text/plain", True),
        ("Content-Type", "application/json", False),
        ("Range", "bytes=0-", False),  # safelisted for CORS, never kept in no-cors
        ("DPR", "2", False),
        ("X-Custom", "1", False),
    ],
)
def test_no_cors_safelisted_request_headers(name: str, value: str, allowed: bool) -> None:
    assert is_no_cors_safelisted_request_header(name, value) is allowed


# --- response headers (§10) -------------------------------------------------------------------------------------


def test_safelisted_response_header_names() -> None:
    assert (
        frozenset(
            {
                "cache-control",
                "content-language",
                "content-length",
                "content-type",
                "expires",
                "last-modified",
                "pragma",
            }
        )
        == SAFELISTED_RESPONSE_HEADERS
    )
    assert frozenset({"set-cookie", "set-cookie2"}) == FORBIDDEN_RESPONSE_HEADERS
    assert is_safelisted_response_header("Content-Type")
    assert not is_safelisted_response_header("X-Custom")
    assert is_safelisted_response_header("X-Custom", {"x-custom"})
