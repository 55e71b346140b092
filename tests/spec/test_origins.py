"""Origins (browser-rules §1) and the slice of URL parsing CORS needs."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corskit.spec.origins import Origin, OriginError, normalize_origin, parse_origin, parse_url

# --- serialization ----------------------------------------------------------------------------------------------


def test_opaque_origin_serializes_as_null() -> None:
    assert Origin.null().serialize() == "null"
    assert str(Origin.null()) == "null"
    assert Origin.null().opaque


def test_tuple_origin_serialization_has_no_trailing_slash_and_no_default_port() -> None:
    assert Origin("https", "app.test").serialize() == "https://app.test"
    assert Origin("http", "app.test", 8080).serialize() == "http://app.test:8080"
    assert not Origin("http", "app.test").opaque


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("http://app.test:80", "http://app.test"),
        ("https://app.test:443", "https://app.test"),
        ("https://app.test:80", "https://app.test:80"),
        ("http://app.test:443", "http://app.test:443"),
        ("HTTP://APP.Test", "http://app.test"),
        ("Https://Api.Example.COM:8443", "https://api.example.com:8443"),
        ("http://[::1]:8080", "http://[::1]:8080"),
        ("http://[0:0:0:0:0:0:0:1]", "http://[::1]"),
        ("http://[2001:DB8:0:0:0:0:0:1]", "http://[2001:db8::1]"),
        ("http://127.0.0.1:3000", "http://127.0.0.1:3000"),
        ("null", "null"),
    ],
)
def test_normalize_origin_canonicalises_case_default_port_and_ipv6(written: str, canonical: str) -> None:
    assert normalize_origin(written).serialize() == canonical


def test_null_is_only_equal_to_itself_and_never_same_origin_with_a_tuple() -> None:
    assert Origin.null() == Origin.null()
    assert Origin.null().same_origin(Origin.null())
    assert not Origin.null().same_origin(Origin("http", "app.test"))
    assert not Origin("http", "app.test").same_origin(Origin.null())


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("http://app.test", "http://app.test", True),
        ("http://app.test", "https://app.test", False),  # scheme differs
        ("http://app.test", "http://app.test:8080", False),  # port differs
        ("http://app.test", "http://api.app.test", False),  # host differs (same site is not same origin)
        ("http://app.test:80", "http://app.test", True),  # default port is no port
    ],
)
def test_same_origin_means_scheme_host_and_port_identical(a: str, b: str, same: bool) -> None:
    assert normalize_origin(a).same_origin(normalize_origin(b)) is same


# --- parse_origin: strict ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["http://app.test", "https://app.test:8443", "http://[::1]:3000", "http://127.0.0.1", "http://xn--bcher-kva.test"],
)
def test_parse_origin_accepts_canonical_serializations(value: str) -> None:
    parsed = parse_origin(value)
    assert parsed is not None
    assert parsed.serialize() == value


def test_parse_origin_null_is_case_sensitive() -> None:
    assert parse_origin("null") == Origin.null()
    assert parse_origin("NULL") is None
    assert parse_origin("Null") is None


@pytest.mark.parametrize(
    "value",
    [
        "",
        "app.test",
        "//app.test",
        "http://",
        "http://app.test/",
        "http://app.test/path",
        "http://app.test?",
        "http://app.test#",
        "http://APP.test",
        "HTTP://app.test",
        "http://app.test:80",
        "https://app.test:443",
        "http://app.test:080",
        "http://app.test:65536",
        "http://app.test:",
        " http://app.test",
        "http://app.test ",
        "http://user@app.test",
        "http://app.test\r\n",
        "http://[0::1]",
        "http://bücher.test",
        "http://" + "a" * 3000 + ".test",
    ],
)
def test_parse_origin_refuses_anything_a_browser_would_not_send(value: str) -> None:
    assert parse_origin(value) is None


@settings(max_examples=200, derandomize=True, database=None)
@given(st.text(max_size=40))
def test_parse_origin_returns_only_values_that_reserialize_to_themselves(text: str) -> None:
    parsed = parse_origin(text)
    assert parsed is None or parsed.serialize() == text


# --- normalize_origin: lenient, with reasons --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("http://app.test/", "trailing slash"),
        ("http://app.test/x", "path"),
        ("app.test", "scheme"),
        ("http://u:p@app.test", "user info"),
        (" http://app.test", "whitespace"),
        ("http://app.test:99999", "port"),
        ("http://app test", "whitespace"),
        ("http://[::1", "host"),
    ],
)
def test_normalize_origin_says_what_is_wrong(value: str, fragment: str) -> None:
    with pytest.raises(OriginError, match=fragment):
        normalize_origin(value)


def test_normalize_origin_suggests_the_fix_for_a_trailing_slash() -> None:
    with pytest.raises(OriginError, match=re.escape("'http://app.test'")):
        normalize_origin("http://app.test/")


def test_normalize_origin_refuses_non_strings() -> None:
    with pytest.raises(OriginError):
        normalize_origin(42)  # type: ignore[arg-type]


# --- URLs -------------------------------------------------------------------------------------------------------


def test_parse_url_drops_default_port_and_lowercases_host() -> None:
    url = parse_url("HTTP://API.Test:80/a/b?q=1#frag")
    assert url is not None
    assert url.serialize() == "http://api.test/a/b?q=1#frag"
    assert url.serialize(fragment=False) == "http://api.test/a/b?q=1"
    assert url.without_fragment().fragment is None
    assert url.origin == Origin("http", "api.test")


def test_parse_url_empty_path_becomes_slash() -> None:
    url = parse_url("http://api.test")
    assert url is not None
    assert url.serialize() == "http://api.test/"


@pytest.mark.parametrize(
    ("text", "credentials"),
    [
        ("http://u:p@api.test/", True),
        ("http://u@api.test/", True),
        ("http://:p@api.test/", True),
        ("http://api.test/", False),
        ("http://api.test/@x", False),
    ],
)
def test_parse_url_knows_when_a_url_includes_credentials(text: str, credentials: bool) -> None:
    url = parse_url(text)
    assert url is not None
    assert url.has_credentials is credentials


@pytest.mark.parametrize(
    ("location", "resolved"),
    [
        ("/other", "http://api.test/other"),
        ("other", "http://api.test/dir/other"),
        ("../up", "http://api.test/up"),
        ("?x=1", "http://api.test/dir/page?x=1"),
        ("//cdn.test/x", "http://cdn.test/x"),
        ("https://secure.test/", "https://secure.test/"),
    ],
)
def test_parse_url_resolves_relative_locations_against_the_current_url(location: str, resolved: str) -> None:
    base = parse_url("http://api.test/dir/page")
    assert base is not None
    url = parse_url(location, base)
    assert url is not None
    assert url.serialize() == resolved


def test_parse_url_keeps_non_http_schemes_with_an_opaque_origin() -> None:
    url = parse_url("data:text/plain,hi")
    assert url is not None
    assert url.scheme == "data"
    assert not url.is_http
    assert url.origin.opaque


@pytest.mark.parametrize("text", ["", "not a url", "http://", "http://api.test:70000/", "/relative"])
def test_parse_url_rejects_invalid_absolute_urls(text: str) -> None:
    assert parse_url(text) is None


def test_parse_url_resolves_dot_segments() -> None:
    url = parse_url("http://api.test/a/./b/../c")
    assert url is not None
    assert url.path == "/a/c"
