"""Request modes no-cors and same-origin (browser-rules §12)."""

from __future__ import annotations

import pytest

from corskit.browser import Request
from corskit.spec.errors import ErrorCode

from ._util import API, APP, Server, acao, fetch

URL = API + "/r"

# --- no-cors ----------------------------------------------------------------------------------------------------


def test_no_cors_gives_an_opaque_response_without_any_cors_check() -> None:
    server = Server().on("GET", URL, 200, [("Content-Type", "text/plain"), ("X-A", "1")])
    result = fetch(Request(URL, mode="no-cors"), server)
    assert result.allowed
    assert result.response is not None
    assert (result.response.type, result.response.status, result.response.headers) == ("opaque", 0, ())
    assert result.sent[0].headers == ()  # GET in no-cors mode: no Origin


def test_no_cors_never_preflights_and_drops_headers_that_are_not_no_cors_safelisted() -> None:
    headers = [
        ("X-Custom", "1"),
        ("Range", "bytes=0-99"),
        ("Accept", "text/html"),
        ("Content-Type", "application/json"),
    ]
    result = fetch(Request(URL, mode="no-cors", headers=headers), Server().on("GET", URL, 200))
    assert result.allowed
    assert not result.preflighted
    assert result.sent[0].headers == (("Accept", "text/html"),)
    assert set(result.dropped_headers) == {"X-Custom", "Range", "Content-Type"}


def test_no_cors_post_sends_origin() -> None:
    result = fetch(Request(URL, "POST", mode="no-cors"), Server().on("POST", URL, 200))
    assert result.sent[0].headers == (("Origin", APP),)
    assert result.response is not None
    assert result.response.type == "opaque"


@pytest.mark.parametrize("method", ["PUT", "DELETE", "patch", "OPTIONS"])
def test_no_cors_refuses_other_methods_before_the_network(method: str) -> None:
    result = fetch(Request(URL, method, mode="no-cors"), Server())
    assert result.error is ErrorCode.METHOD_NOT_ALLOWED_IN_NO_CORS
    assert result.exchanges == ()


def test_no_cors_ignores_a_failing_acao() -> None:
    result = fetch(Request(URL, mode="no-cors"), Server().on("GET", URL, 200, [acao("http://x.test")]))
    assert result.allowed


def test_no_cors_to_the_same_origin_is_basic() -> None:
    url = APP + "/r"
    result = fetch(Request(url, mode="no-cors"), Server().on("GET", url, 200, [("X-A", "1")]))
    assert result.response is not None
    assert (result.response.type, result.response.headers) == ("basic", (("x-a", "1"),))


def test_no_cors_follows_redirects_and_stays_opaque() -> None:
    server = Server().on("GET", URL, 302, [("Location", "http://other.test/x")]).on("GET", "http://other.test/x", 200)
    result = fetch(Request(URL, mode="no-cors"), server)
    assert result.allowed
    assert result.response is not None
    assert result.response.type == "opaque"


@pytest.mark.parametrize("redirect", ["error", "manual"])
def test_no_cors_cross_origin_needs_redirect_mode_follow(redirect: str) -> None:
    # Observed on Chromium 156: DevTools NoCorsRedirectModeNotFollow, nothing on the wire, Blink's own line.
    result = fetch(Request(URL, mode="no-cors", redirect=redirect), Server())  # type: ignore[arg-type]
    assert not result.allowed
    assert result.exchanges == ()
    assert result.error is not None
    assert result.error.value == "no_cors_redirect_mode_not_follow"
    assert result.message == (
        f'Fetch API cannot load {URL}. Request mode is "no-cors" but the redirect mode is not "follow".'
    )


def test_no_cors_same_origin_manual_redirect_is_an_opaque_redirect() -> None:
    url = APP + "/r"
    result = fetch(Request(url, mode="no-cors", redirect="manual"), Server().on("GET", url, 302, [("Location", "/x")]))
    assert result.allowed
    assert result.response is not None
    assert (result.response.type, result.response.status) == ("opaqueredirect", 0)


# --- same-origin ------------------------------------------------------------------------------------------------


def test_same_origin_mode_to_another_origin_fails_before_the_network() -> None:
    result = fetch(Request(URL, mode="same-origin"), Server())
    assert result.error is ErrorCode.DISALLOWED_BY_MODE  # DevTools reports a DisallowedByMode CORS issue
    assert result.exchanges == ()


def test_same_origin_mode_message_is_a_fetch_api_line_not_a_cors_line() -> None:
    # docs/chromium-findings.md §2: Chromium 156 prints no "Access to fetch … blocked by CORS policy" line here.
    result = fetch(Request(URL, mode="same-origin"), Server())
    assert result.message == (
        f'Fetch API cannot load {URL}. Request mode is "same-origin" but the URL\'s origin is not same as the '
        f"request origin {APP}."
    )


def test_same_origin_mode_to_the_same_origin_is_basic() -> None:
    url = APP + "/r"
    result = fetch(Request(url, mode="same-origin"), Server().on("GET", url, 200))
    assert result.allowed
    assert result.response is not None
    assert result.response.type == "basic"


def test_same_origin_mode_redirected_to_another_origin_fails_at_that_hop() -> None:
    start = APP + "/r"
    server = Server().on("GET", start, 302, [("Location", URL)])
    result = fetch(Request(start, mode="same-origin"), server)
    assert not result.allowed
    assert [w.url for w in result.sent] == [start]
    # docs/chromium-findings.md §2: the console says "Unsafe attempt to load URL …", not a CORS line.
    assert result.message is not None
    assert not result.message.startswith("Access to fetch")


def test_cors_mode_to_the_same_origin_is_basic_and_unchecked() -> None:
    url = APP + "/r"
    result = fetch(Request(url, "PUT", [("X-A", "1")]), Server().on("PUT", url, 200))
    assert result.allowed
    assert not result.preflighted
    assert result.response is not None
    assert result.response.type == "basic"
