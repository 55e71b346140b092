"""Credentials modes omit / same-origin / include (browser-rules §6, §7, §8, §10)."""

from __future__ import annotations

import pytest

from corskit.browser import Request
from corskit.spec.errors import ErrorCode

from ._util import API, APP, Server, acao, fetch

URL = API + "/r"
PREFIX = f"Access to fetch at '{URL}' from origin '{APP}' has been blocked by CORS policy: "
ACAC = ("Access-Control-Allow-Credentials", "true")


@pytest.mark.parametrize(
    ("mode", "cross", "same"), [("omit", False, False), ("same-origin", False, True), ("include", True, True)]
)
def test_when_credentials_are_attached(mode: str, cross: bool, same: bool) -> None:
    cross_result = fetch(Request(URL, credentials=mode), Server().on("GET", URL, 200, [acao(), ACAC]))  # type: ignore[arg-type]
    assert cross_result.sent[0].credentials is cross
    same_url = APP + "/r"
    same_result = fetch(Request(same_url, credentials=mode), Server().on("GET", same_url, 200))  # type: ignore[arg-type]
    assert same_result.sent[0].credentials is same


def test_a_preflight_never_carries_credentials() -> None:
    server = (
        Server()
        .on("OPTIONS", URL, 204, [acao(), ACAC, ("Access-Control-Allow-Methods", "PUT")])
        .on("PUT", URL, 200, [acao(), ACAC])
    )
    result = fetch(Request(URL, "PUT", credentials="include"), server)
    assert result.allowed, result.message
    assert [(w.kind, w.credentials) for w in result.sent] == [("preflight", False), ("actual", True)]


def test_wildcard_origin_is_refused_with_credentials() -> None:
    result = fetch(Request(URL, credentials="include"), Server().on("GET", URL, 200, [acao("*"), ACAC]))
    assert result.error is ErrorCode.WILDCARD_ORIGIN_NOT_ALLOWED
    assert result.message == PREFIX + (
        "The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when "
        "the request's credentials mode is 'include'."
    )


@pytest.mark.parametrize("mode", ["omit", "same-origin"])
def test_wildcard_origin_is_fine_without_credentials(mode: str) -> None:
    result = fetch(Request(URL, credentials=mode), Server().on("GET", URL, 200, [acao("*")]))  # type: ignore[arg-type]
    assert result.allowed


def test_missing_allow_credentials_prints_an_empty_value() -> None:
    result = fetch(Request(URL, credentials="include"), Server().on("GET", URL, 200, [acao()]))
    assert result.error is ErrorCode.INVALID_ALLOW_CREDENTIALS
    assert result.message == PREFIX + (
        "The value of the 'Access-Control-Allow-Credentials' header in the response is '' which must be 'true' when "
        "the request's credentials mode is 'include'."
    )


@pytest.mark.parametrize("value", ["TRUE", "True", "false", "1", "yes"])
def test_allow_credentials_must_be_exactly_true(value: str) -> None:
    server = Server().on("GET", URL, 200, [acao(), ("Access-Control-Allow-Credentials", value)])
    result = fetch(Request(URL, credentials="include"), server)
    assert (result.error, result.param) == (ErrorCode.INVALID_ALLOW_CREDENTIALS, value)


def test_preflight_is_checked_with_the_actual_requests_credentials_mode() -> None:
    server = Server().on("OPTIONS", URL, 204, [acao(), ("Access-Control-Allow-Methods", "PUT")])
    result = fetch(Request(URL, "PUT", credentials="include"), server)
    assert result.error is ErrorCode.PREFLIGHT_INVALID_ALLOW_CREDENTIALS
    assert [w.method for w in result.sent] == ["OPTIONS"]


def test_preflight_wildcard_origin_with_credentials() -> None:
    server = Server().on("OPTIONS", URL, 204, [acao("*"), ACAC, ("Access-Control-Allow-Methods", "PUT")])
    result = fetch(Request(URL, "PUT", credentials="include"), server)
    assert result.error is ErrorCode.PREFLIGHT_WILDCARD_ORIGIN_NOT_ALLOWED


def test_wildcards_are_literal_in_a_credentialed_preflight() -> None:
    server = Server().on(
        "OPTIONS",
        URL,
        204,
        [acao(), ACAC, ("Access-Control-Allow-Methods", "*"), ("Access-Control-Allow-Headers", "*")],
    )
    result = fetch(Request(URL, "PUT", credentials="include"), server)
    assert (result.error, result.param) == (ErrorCode.METHOD_DISALLOWED_BY_PREFLIGHT_RESPONSE, "PUT")
    result = fetch(Request(URL, headers=[("X-A", "1")], credentials="include"), server)
    assert (result.error, result.param) == (ErrorCode.HEADER_DISALLOWED_BY_PREFLIGHT_RESPONSE, "x-a")


def test_expose_star_is_literal_with_credentials() -> None:
    headers = [acao(), ACAC, ("Access-Control-Expose-Headers", "*"), ("X-A", "1"), ("*", "star")]
    result = fetch(Request(URL, credentials="include"), Server().on("GET", URL, 200, headers))
    assert result.response is not None
    assert result.response.headers == (("*", "star"),)
    plain = fetch(Request(URL), Server().on("GET", URL, 200, [acao(), *headers[2:]]))
    assert plain.response is not None
    assert [n for n, _ in plain.response.headers] == [
        "*",
        "access-control-allow-origin",
        "access-control-expose-headers",
        "x-a",
    ]
