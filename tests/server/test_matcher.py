"""The origin matcher: the raw-value fast path decides exactly what the full parser decides."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from corskit.server.matcher import ASK, MALFORMED, NOT_ALLOWED, NULL_NOT_ALLOWED, OriginMatcher, pattern_regex
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
    "patterns+func": OriginMatcher(
        validate(allow_origins=["https://*.example.com"], allow_origin_func=lambda origin: False)
    ),
    "exact": OriginMatcher(validate(allow_origins=["https://app.example.com", "http://localhost:3000"])),
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
