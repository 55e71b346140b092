"""What fetch() does before any network access (browser-rules §2, §4, §12): validation, normalisation, drops."""

from __future__ import annotations

import pytest

from corskit.browser.request import Rejected, Request, combine_headers, prepare
from corskit.spec.errors import ErrorCode


def rejected(request: Request) -> tuple[ErrorCode, str]:
    with pytest.raises(Rejected) as info:
        prepare(request)
    return info.value.code, info.value.param


@pytest.mark.parametrize("url", ["", "not a url", "http://", "/relative", "http://api.test:99999/"])
def test_invalid_url_throws(url: str) -> None:
    assert rejected(Request(url)) == (ErrorCode.INVALID_URL, url)


@pytest.mark.parametrize("url", ["http://u:p@api.test/", "http://u@api.test/", "http://:p@api.test/"])
def test_url_with_credentials_throws(url: str) -> None:
    assert rejected(Request(url))[0] is ErrorCode.URL_INCLUDES_CREDENTIALS


@pytest.mark.parametrize("method", ["", "GET POST", "GÉT", "a,b", "(x)"])
def test_method_must_be_a_token(method: str) -> None:
    assert rejected(Request("http://api.test/", method=method)) == (ErrorCode.INVALID_METHOD, method)


@pytest.mark.parametrize("method", ["CONNECT", "connect", "TRACE", "trace", "Track", "TRACK"])
def test_forbidden_methods_throw_before_the_network(method: str) -> None:
    assert rejected(Request("http://api.test/", method=method)) == (ErrorCode.FORBIDDEN_METHOD, method)


@pytest.mark.parametrize(
    ("method", "sent"),
    [("delete", "DELETE"), ("get", "GET"), ("Put", "PUT"), ("options", "OPTIONS"), ("patch", "patch")],
)
def test_method_is_normalised(method: str, sent: str) -> None:
    assert prepare(Request("http://api.test/", method=method)).method == sent


@pytest.mark.parametrize("method", ["PUT", "DELETE", "patch", "PATCH", "OPTIONS"])
def test_no_cors_refuses_methods_that_are_not_safelisted(method: str) -> None:
    code, _ = rejected(Request("http://api.test/", method=method, mode="no-cors"))
    assert code is ErrorCode.METHOD_NOT_ALLOWED_IN_NO_CORS


@pytest.mark.parametrize("method", ["GET", "get", "HEAD", "POST", "post"])
def test_no_cors_accepts_safelisted_methods_after_normalisation(method: str) -> None:
    assert prepare(Request("http://api.test/", method=method, mode="no-cors")).method == method.upper()


@pytest.mark.parametrize("name", ["", "X Foo", "X:Foo", "Ä", "a\nb"])
def test_header_name_must_be_a_token(name: str) -> None:
    assert rejected(Request("http://api.test/", headers=[(name, "1")]))[0] is ErrorCode.INVALID_HEADER_NAME


@pytest.mark.parametrize("value", ["a\x00b", "a\rb", "a\nb"])
def test_header_value_must_be_a_header_value(value: str) -> None:
    assert rejected(Request("http://api.test/", headers=[("X-A", value)]))[0] is ErrorCode.INVALID_HEADER_VALUE


@pytest.mark.parametrize("value", ["\u0100", "\u20ac", "ok \U0001f600"])
def test_a_value_beyond_latin1_fails_as_a_conversion_error(value: str) -> None:
    # Chromium 156 throws while reading RequestInit (docs/chromium-findings.md §8), not "Invalid value".
    assert rejected(Request("http://api.test/", headers=[("X-A", value)]))[0] is ErrorCode("non_latin1_header")


def test_header_values_are_trimmed_of_http_whitespace() -> None:
    prepared = prepare(Request("http://api.test/", headers=[("X-A", " \t1\r\n ")]))
    assert prepared.headers == (("X-A", "1"),)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("Cookie", "a=b"),
        ("Origin", "http://evil.test"),
        ("Host", "x"),
        ("Content-Length", "5"),
        ("Sec-Fetch-Site", "same-origin"),
        ("Proxy-Authorization", "x"),
        ("Access-Control-Request-Method", "PUT"),
        ("X-HTTP-Method-Override", "TRACE"),
        ("X-Method-Override", "get, track"),
    ],
)
def test_forbidden_headers_are_dropped_silently(name: str, value: str) -> None:
    prepared = prepare(Request("http://api.test/", headers=[(name, value), ("X-Kept", "1")]))
    assert prepared.headers == (("X-Kept", "1"),)
    assert prepared.dropped == (name,)


def test_method_override_with_a_harmless_method_is_kept() -> None:
    prepared = prepare(Request("http://api.test/", headers=[("X-HTTP-Method-Override", "PATCH")]))
    assert prepared.headers == (("X-HTTP-Method-Override", "PATCH"),)


def test_repeated_names_combine_in_first_position_with_first_spelling() -> None:
    prepared = prepare(Request("http://api.test/", headers=[("X-A", "1"), ("X-B", "2"), ("x-a", "3")]))
    assert prepared.headers == (("X-A", "1, 3"), ("X-B", "2"))
    assert combine_headers([("A", "1"), ("a", "2")]) == [("A", "1, 2")]


def test_no_cors_keeps_only_no_cors_safelisted_headers() -> None:
    headers = [
        ("Accept", "application/json"),
        ("Content-Type", "text/plain"),
        ("Content-Language", "en"),
        ("Accept-Language", "de"),
        ("X-Custom", "1"),
        ("Range", "bytes=0-"),
        ("Content-Type", "application/json"),
        ("Authorization", "Bearer x"),
    ]
    prepared = prepare(Request("http://api.test/", headers=headers, mode="no-cors"))
    assert prepared.headers == (
        ("Accept", "application/json"),
        ("Content-Type", "text/plain"),
        ("Content-Language", "en"),
        ("Accept-Language", "de"),
    )
    # The second Content-Type would make the combined value 'text/plain, application/json': dropped.
    assert prepared.dropped == ("X-Custom", "Range", "Content-Type", "Authorization")


def test_no_cors_drops_a_repeat_that_pushes_the_combined_value_over_128_bytes() -> None:
    prepared = prepare(
        Request("http://api.test/", headers=[("Accept", "a" * 100), ("Accept", "b" * 30)], mode="no-cors")
    )
    assert prepared.headers == (("Accept", "a" * 100),)
    assert prepared.dropped == ("Accept",)


def test_fragment_is_kept_for_messages_only() -> None:
    url = prepare(Request("http://api.test/r#frag")).url
    assert url.serialize(fragment=False) == "http://api.test/r"


def test_defaults() -> None:
    request = Request("http://api.test/")
    assert (request.method, request.credentials, request.mode, request.redirect) == (
        "GET",
        "same-origin",
        "cors",
        "follow",
    )
