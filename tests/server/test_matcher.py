"""The origin matcher: the raw-value fast path decides exactly what the full parser decides."""

from __future__ import annotations

import re
import sys
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from corskit.server.matcher import (
    _SIMPLE_FORM,
    ASK,
    MALFORMED,
    NOT_ALLOWED,
    NULL_NOT_ALLOWED,
    OriginMatcher,
    Sorter,
    pattern_regex,
    pattern_tail,
)
from corskit.server.options import validate
from corskit.server.patterns import compile_origin_pattern
from corskit.spec.origins import parse_origin

MATCHERS = {
    "patterns": OriginMatcher(
        validate(
            allow_origins=[
                "https://app.example.com",
                "https://*.example.com",
                "http://localhost:*",
                "https://*.preview.example.org:*",
                "http://*.dev.test:8080",
                "http://[::1]:*",
                "http://127.0.0.1:*",
                "null",
            ]
        )
    ),
    "regex": OriginMatcher(validate(allow_origin_regex=r"https://[a-z0-9.-]+\.example\.net(:[0-9]+)?")),
    # A regex proved to match only the simple form (corskit.server.canonical_regex): no guard in the sorter.
    "proved regex": OriginMatcher(validate(allow_origin_regex=r"https?://([a-z0-9-]+\.)*example\.net(:8[0-9]{3})?")),
    "patterns+func": OriginMatcher(
        validate(allow_origins=["https://*.example.com"], allow_origin_func=lambda origin: False)
    ),
    "exact": OriginMatcher(validate(allow_origins=["https://app.example.com", "http://localhost:3000"])),
    "subdomains": OriginMatcher(validate(allow_origins=["https://*.example.com", "http://*.dev.test:8080"])),
    "patterns+regex": OriginMatcher(
        validate(allow_origins=["https://*.example.com"], allow_origin_regex=r"https://(x|y)\1?\.example\.net")
    ),
}

label = st.one_of(
    st.sampled_from(["app", "example", "com", "net", "org", "preview", "dev", "test", "localhost", "xn--bcher-kva"]),
    st.text(alphabet="abcz09-_.AZ", min_size=0, max_size=6),
)
host = st.one_of(
    st.lists(label, min_size=1, max_size=5).map(".".join),
    st.sampled_from(["[::1]", "[0::1]", "127.0.0.1", "127.1", "[fe80::1%25eth0]", "", "a..b", ".a.com", "a.com."]),
)
port = st.one_of(
    st.just(""),
    st.sampled_from([":0", ":1", ":80", ":443", ":080", ":8080", ":9999", ":10000", ":65535", ":65536", ":", ":x"]),
    st.integers(0, 99999).map(lambda n: f":{n}"),
)
origin = st.builds(
    lambda scheme, host, port, tail: f"{scheme}://{host}{port}{tail}",
    st.sampled_from(["https", "http", "HTTPS", "ws", "app", "h ttp"]),
    host,
    port,
    st.sampled_from(["", "", "", "/", "/x", " ", "\r\n", "?"]),
) | st.sampled_from(["null", "", "*", "https://", "https://@a.example.com"])


@pytest.mark.parametrize("name", sorted(MATCHERS))
@given(value=origin)
@settings(max_examples=300, deadline=None)
@example(value="https://a.example.com.evil.net")
@example(value="https://a.b.example.com")
@example(value="http://localhost:65535")
@example(value="https://x.preview.example.org:443")
@example(value="https://x.preview.example.org:80")
@example(value="https://0")  # a host ending in a number is an IPv4 address to parse (WHATWG)
@example(value="https://a.0x1f")
@example(value="http://1.2.3:8080")
@example(value="https://a.example.com.")
def test_the_fast_path_agrees_with_the_parser(name: str, value: str) -> None:
    matcher = MATCHERS[name]
    fast = matcher.match(value)
    if not matcher.is_exact(value):
        assert fast == matcher._parse_and_match(value), value
    if isinstance(fast, str):
        # Only canonical origins are ever allowed, byte for byte what arrived: safe to reflect.
        parsed = parse_origin(value)
        assert parsed is not None
        assert parsed.serialize() == value


def _long_origins() -> list[str]:
    """Hosts at and past every bound of the simple form and the patterns' regexes (labels, their length, their
    number, the whole value's length), under each tail the matchers name."""
    values = []
    for tail in (".example.com", ".example.net", ".example.org", ".dev.test:8080"):
        for count in (1, 2, 25, 26, 27, 28, 29, 30, 40):
            for size in (1, 62, 63, 64, 70):
                values.append(f"https://{'.'.join(['a' * size] * count)}{tail}")
                values.append(f"http://{'.'.join(['b' * size] * count)}{tail}")
        values.append(f"https://{'a' * (2048 - 8 - len(tail))}{tail}")  # as long as an origin may be
        values.append(f"https://{'a' * (2049 - 8 - len(tail))}{tail}")  # one character longer
    values.append("https://" + "a" * 240 + ".app.example.com")  # a 256-character host: allowed as 250 and 300 are
    return values


_PLAIN = {  # each regex as Python 3.10 compiles it: no possessive quantifiers
    source: re.compile(source.replace("}+", "}").replace(")?+", ")?"))
    for source in [
        _SIMPLE_FORM,
        *(pattern_regex(compile_origin_pattern(p)) or "" for p in ["https://*.example.com", "http://*.dev.test:8080"]),
    ]
}


@given(value=origin)
@settings(max_examples=300, deadline=None)
@example(value="https://a.example.com.evil.net")
@example(value="https://a.b.example.com:8080")
def test_without_possessive_quantifiers_the_regexes_say_the_same(value: str) -> None:
    for source, plain in _PLAIN.items():
        assert "+" in source or sys.version_info < (3, 11)
        assert bool(re.fullmatch(source, value)) == bool(plain.fullmatch(value)), (source, value)


def test_without_possessive_quantifiers_long_hosts_get_the_same_verdict() -> None:
    for value in _long_origins():
        for source, plain in _PLAIN.items():
            assert bool(re.fullmatch(source, value)) == bool(plain.fullmatch(value)), (source, value[:40])


@pytest.mark.parametrize("name", sorted(MATCHERS))
def test_long_hosts_get_the_parsers_verdict(name: str) -> None:
    matcher = MATCHERS[name]
    for value in _long_origins():
        assert matcher.match(value) == matcher._parse_and_match(value), (name, len(value), value[:40])


@pytest.mark.parametrize(
    ("value", "verdict"),
    [
        ("https://app.example.com", "https://app.example.com"),
        ("https://a.b.example.com", "https://a.b.example.com"),
        ("https://example.com", NOT_ALLOWED),
        ("https://a.example.com.evil.net", NOT_ALLOWED),
        ("https://A.example.com", MALFORMED),
        ("https://a.example.com:443", MALFORMED),
        ("http://localhost", "http://localhost"),
        ("http://localhost:5173", "http://localhost:5173"),
        ("http://localhost:65000", "http://localhost:65000"),
        ("http://localhost:80", MALFORMED),
        ("http://[::1]:3000", "http://[::1]:3000"),
        ("null", "null"),
        ("http://x.dev.test:8080", "http://x.dev.test:8080"),
        ("http://x.dev.test:8081", NOT_ALLOWED),
        ("https://x..example.com", MALFORMED),
    ],
)
def test_verdicts(value: str, verdict: object) -> None:
    assert MATCHERS["patterns"].match(value) == verdict


def test_null_is_refused_unless_listed() -> None:
    assert MATCHERS["regex"].match("null") is NULL_NOT_ALLOWED
    assert MATCHERS["patterns+func"].match("https://other.net") is ASK
    assert MATCHERS["patterns+func"].match("https://OTHER.net") is MALFORMED  # never asked: not canonical


def test_the_regex_sees_canonical_origins_only() -> None:
    case_insensitive = OriginMatcher(validate(allow_origin_regex=re.compile(r"https://app\.example\.com", re.I)))
    assert case_insensitive.match("https://app.example.com") == "https://app.example.com"
    assert case_insensitive.match("HTTPS://APP.EXAMPLE.COM") is MALFORMED


def test_pattern_regex_is_anchored_and_literal() -> None:
    source = pattern_regex(compile_origin_pattern("https://*.a-b.example.com"))
    assert re.fullmatch(source, "https://x.a-b.example.com")
    assert not re.fullmatch(source, "https://x.a-bxexample.com")  # dots are literal
    assert not re.fullmatch(source, "https://a-b.example.com")  # never the apex


def _sorted(sorter: Sorter, value: Any) -> str:
    if sorter.allow(value):
        return "allowed"
    return "refused" if sorter.simple(value) else "unsettled"


@pytest.mark.parametrize("name", sorted(MATCHERS))
@given(value=origin)
@settings(max_examples=300, deadline=None)
@example(value="https://a..b.example.com")
@example(value="https://a.example.net:8080")
def test_the_sorter_says_the_same_in_bytes_and_text_and_agrees_with_match(name: str, value: str) -> None:
    matcher = MATCHERS[name]
    text, binary = matcher.sorter(str), matcher.sorter(bytes)
    assert text is not None
    assert binary is not None
    verdict = _sorted(text, value)
    assert _sorted(binary, value.encode("utf-8")) == verdict
    if verdict == "allowed":
        assert matcher.match(value) == value
    elif verdict == "refused" and text.final:
        assert not isinstance(matcher.match(value), str)
    if text.ends is not None and not value.endswith(text.ends):
        assert not isinstance(matcher.match(value), str)


def test_a_regex_shares_the_sorter_with_its_flags_and_group_numbers() -> None:
    regex = re.compile(r"https://(A)\1[0-9]*  \.example\.net  # a comment, no newline", re.I | re.X)
    matcher = OriginMatcher(validate(allow_origins=["https://*.example.com"], allow_origin_regex=regex))
    sorter = matcher.sorter(bytes)
    assert sorter is not None
    assert sorter.final
    assert _sorted(sorter, b"https://aa1.example.net") == "allowed"
    assert _sorted(sorter, b"https://ab1.example.net") == "refused"  # the backreference still means group 1
    assert _sorted(sorter, b"https://AA1.example.net") == "unsettled"  # (the regex sees canonical origins only)
    assert _sorted(sorter, b"https://x.example.com") == "allowed"


@pytest.mark.parametrize(
    ("regex", "apart", "binary"),
    [
        (r"https://[a-z]+\.example\.net", False, True),
        (r"(?i)https://[a-z]+\.example\.net", True, True),  # global inline flags: called apart
        (r"https://\u00e9?[a-z]+\.example\.net", False, False),  # no bytes form: the matcher decodes
    ],
)
def test_a_regex_that_cannot_share_the_sorter_is_called_apart(regex: str, apart: bool, binary: bool) -> None:
    matcher = OriginMatcher(validate(allow_origin_regex=regex))
    assert matcher.match("https://abc.example.net") == "https://abc.example.net"
    assert matcher.match("https://abc.example.org") is NOT_ALLOWED
    assert matcher.sorter(str).final is not apart  # type: ignore[union-attr]
    assert (matcher.sorter(bytes) is not None) is binary


@pytest.mark.parametrize(
    ("pattern", "tail"),
    [
        ("https://*.example.com", ".example.com"),
        ("http://*.dev.test:8080", ".dev.test:8080"),
        ("https://*.example.com:443", ".example.com"),
        ("https://*.example.com:*", None),
        ("http://localhost:*", None),
    ],
)
def test_pattern_tail(pattern: str, tail: str | None) -> None:
    assert pattern_tail(compile_origin_pattern(pattern)) == tail
