"""The webkit profile: each rule where WebKitGTK 2.50 departs from Chromium, as observed with the WebKit judge
(tests/conformance/judges/webkit.py; the same facts are pinned by the corpus, ``differences.json`` above all)."""

from __future__ import annotations

import pytest

from corskit.browser import Request, Result, run
from corskit.browser.profiles.webkit import header_check_order, is_simple_range
from corskit.spec.errors import ErrorCode

from ._util import API, APP, OTHER, Server, acao

ALLOW_ALL = [acao(), ("Access-Control-Allow-Methods", "PUT, DELETE"), ("Access-Control-Allow-Headers", "*")]


def webkit(request: Request | str, server: Server) -> Result:
    return run(APP, Request(request) if isinstance(request, str) else request, server, browser="webkit")


def lines(result: Result) -> list[str]:
    assert result.message is not None
    return result.message.split("\n")


@pytest.mark.parametrize(
    ("value", "simple"),
    [
        ("bytes=0-1", True),
        ("Bytes=0-1", True),
        ("BYTES=0-", True),
        ("bytes=+1-2", True),
        ("bytes=007-009", True),
        ("bytes=0-18446744073709551615", True),
        ("bytes=9223372036854775808-", True),
        ("bytes=" + "0" * 100 + "1-2", True),
        ("bytes=1-" + "9" * 5000, False),
        ("bytes=0-18446744073709551616", False),
        ("bytes=-5", False),
        ("bytes=5-1", False),
        ("bytes =0-1", False),
        ("bytes=0- 1", False),
        ("bytes=0-1,2-3", False),
        ("bytes=1-2-3", False),
        ("bytes=+-1", False),
        ("bytes=0x1-2", False),
        ("items=1-2", False),
        ("bytes=", False),
    ],
)
def test_range_is_safelisted_as_webkit_parses_it(value: str, simple: bool) -> None:
    assert is_simple_range(value) is simple
    server = Server().on("OPTIONS", API + "/r", 204).on("*", API + "/r", 206, [acao()])
    result = webkit(Request(API + "/r", headers=[("Range", value)]), server)
    assert result.preflighted is not simple


def test_user_agent_is_sent_and_preflighted_with_it() -> None:
    server = Server().on("OPTIONS", API + "/r", 204, ALLOW_ALL).on("*", API + "/r", 200, [acao()])
    result = webkit(Request(API + "/r", headers=[("User-Agent", "corskit/1")]), server)
    preflight, actual = result.sent
    assert preflight.header("Access-Control-Request-Headers") == "user-agent"
    assert preflight.header("User-Agent") == actual.header("User-Agent") == "corskit/1"


def test_wire_values_are_utf8_and_range_is_verbatim() -> None:
    server = Server().on("OPTIONS", API + "/r", 204, ALLOW_ALL).on("*", API + "/r", 200, [acao()])
    result = webkit(Request(API + "/r", headers=[("X-A", "caf\xe9"), ("Range", "BYTES=007-009")]), server)
    actual = result.sent[-1]
    assert actual.header("X-A") == "caf\xc3\xa9"  # the UTF-8 bytes, one char a byte
    assert actual.header("Range") == "BYTES=007-009"


def test_a_failed_cors_check_prints_two_lines_with_the_status() -> None:
    result = webkit(API + "/r", Server().on("*", API + "/r", 404))
    assert lines(result) == [
        "Origin http://app.test is not allowed by Access-Control-Allow-Origin. Status code: 404",
        "Fetch API cannot load http://api.test/r due to access control checks.",
    ]


@pytest.mark.parametrize(
    ("allow_origin", "credentials", "first"),
    [
        ("*", "include", "Cannot use wildcard in Access-Control-Allow-Origin when credentials flag is true."),
        (f"{APP}, {APP}", "omit", "Access-Control-Allow-Origin cannot contain more than one origin."),
        (APP, "include", 'Credentials flag is true, but Access-Control-Allow-Credentials is not "true".'),
        (
            "http://APP.test",
            "omit",
            "Origin http://app.test is not allowed by Access-Control-Allow-Origin. Status code: 200",
        ),
    ],
)
def test_the_cors_check_names_what_is_wrong(allow_origin: str, credentials: str, first: str) -> None:
    server = Server().on("*", API + "/r", 200, [acao(allow_origin)])
    result = webkit(Request(API + "/r", credentials=credentials), server)  # type: ignore[arg-type]
    assert lines(result)[0] == first


def test_a_preflight_status_is_judged_before_its_headers() -> None:
    server = Server().on("OPTIONS", API + "/r", 403)  # no ACAO either: Chromium reports that first
    result = webkit(Request(API + "/r", method="PUT"), server)
    assert lines(result)[0] == "Preflight response is not successful. Status code: 403"
    chromium = run(APP, Request(API + "/r", method="PUT"), server)
    assert chromium.error is ErrorCode.PREFLIGHT_MISSING_ALLOW_ORIGIN_HEADER


def test_a_disallowed_header_is_named_as_webkit_stores_it() -> None:
    allow = [acao(), ("Access-Control-Allow-Headers", "x-other")]
    server = Server().on("OPTIONS", API + "/r", 204, allow)
    headers = [("x-Foo", "1"), ("cache-control", "no-cache")]
    result = webkit(Request(API + "/r", headers=headers), server)
    # Names WebKit knows come first and keep its spelling; others keep the script's.
    assert lines(result)[0] == "Request header field Cache-Control is not allowed by Access-Control-Allow-Headers."
    assert header_check_order(["x-Foo", "Pragma", "X-A", "Cache-Control"]) == [
        "pragma",
        "cache-control",
        "x-foo",
        "x-a",
    ]


def test_an_invalid_allow_list_is_quoted_as_received() -> None:
    allow = [acao(), ("Access-Control-Allow-Methods", "PUT, PU T")]
    result = webkit(Request(API + "/r", method="PUT"), Server().on("OPTIONS", API + "/r", 204, allow))
    assert lines(result)[0] == "Header Access-Control-Allow-Methods has an invalid value: PUT, PU T"


def test_a_preflighted_fetch_is_preflighted_again_after_a_redirect() -> None:
    server = (
        Server()
        .on("OPTIONS", API + "/r", 204, ALLOW_ALL)
        .on("PUT", API + "/r", 303, [acao(), ("Location", API + "/b")])
        .on("OPTIONS", API + "/b", 403)
    )
    result = webkit(Request(API + "/r", method="PUT"), server)
    assert [(w.method, w.url) for w in result.sent] == [
        ("OPTIONS", API + "/r"),
        ("PUT", API + "/r"),
        ("OPTIONS", API + "/b"),
    ]
    assert result.sent[-1].header("Access-Control-Request-Method") == "GET"
    assert lines(result)[0] == "Preflight response is not successful. Status code: 403"


def test_the_second_preflight_lists_authorization_though_it_is_no_longer_sent() -> None:
    allow = [acao("null"), ("Access-Control-Allow-Headers", "authorization, x-a")]
    server = (
        Server()
        .on("OPTIONS", API + "/r", 204, [acao(), ("Access-Control-Allow-Headers", "authorization, x-a")])
        .on("GET", API + "/r", 307, [acao(), ("Location", OTHER + "/c")])
        .on("OPTIONS", OTHER + "/c", 204, allow)
        .on("GET", OTHER + "/c", 200, [acao("null")])
    )
    result = webkit(Request(API + "/r", headers=[("Authorization", "Bearer t"), ("X-A", "1")]), server)
    assert result.allowed
    second_preflight, last = result.sent[2], result.sent[3]
    assert second_preflight.header("Access-Control-Request-Headers") == "authorization,x-a"
    assert last.header("Authorization") is None


def test_a_delete_leaving_its_origin_becomes_a_get_and_keeps_its_headers() -> None:
    server = (
        Server()
        .on("OPTIONS", API + "/r", 204, ALLOW_ALL)
        .on("DELETE", API + "/r", 307, [acao(), ("Location", OTHER + "/c")])
        .on("OPTIONS", OTHER + "/c", 204, [acao("null"), ("Access-Control-Allow-Headers", "*")])
        .on("GET", OTHER + "/c", 200, [acao("null")])
    )
    result = webkit(Request(API + "/r", method="DELETE", headers=[("Content-Type", "text/plain")]), server)
    assert result.allowed
    assert result.sent[-1].method == "GET"
    assert result.sent[-1].header("Content-Type") == "text/plain"


def test_locations_are_joined_and_an_empty_one_is_a_silent_network_error() -> None:
    server = Server().on("*", API + "/r", 302, [acao(), ("Location", "b"), ("Location", "c")])
    server.on("*", API + "/b,%20c", 200, [acao()])
    assert webkit(API + "/r", server).sent[-1].url == API + "/b,%20c"
    empty = webkit(API + "/r", Server().on("*", API + "/r", 302, [acao(), ("Location", "")]))
    assert not empty.allowed
    assert empty.message is None
    assert len(empty.sent) == 1


def test_credentials_in_a_same_origin_location_are_followed() -> None:
    server = Server().on("*", APP + "/s", 302, [("Location", "http://u:p@app.test/t")])
    server.on("*", "http://u:p@app.test/t", 200)
    assert webkit(APP + "/s", server).allowed
    cross = Server().on("*", APP + "/s", 302, [("Location", "http://u:p@other.test/c")])
    assert lines(webkit(APP + "/s", cross))[0] == (
        "Cross-origin redirection to http://other.test/c denied by Cross-Origin Resource Sharing policy:"
        " redirection URL http://u:p@other.test/c has credentials"
    )


def test_a_cached_wildcard_covers_authorization() -> None:
    allow = [acao(), ("Access-Control-Allow-Methods", "PUT"), ("Access-Control-Allow-Headers", "*")]
    server = (
        Server()
        .on("OPTIONS", API + "/r", 204, allow)
        .on("OPTIONS", API + "/b", 204, allow)
        .on("PUT", API + "/r", 307, [acao(), ("Location", API + "/b")])
        .on("PUT", API + "/b", 307, [acao(), ("Location", API + "/r")])
    )
    result = webkit(Request(API + "/r", method="PUT", headers=[("Authorization", "x")]), server)
    assert [w.method for w in result.sent].count("OPTIONS") == 2  # then every hop is served from the cache
    assert lines(result)[0] == "Load cannot follow more than 20 redirections"


def test_origin_stays_on_a_get_while_the_redirects_stay_on_one_origin() -> None:
    same = Server().on("*", API + "/r", 303, [("Location", API + "/b")]).on("*", API + "/b", 200)
    request = Request(API + "/r", method="POST", mode="no-cors")
    assert webkit(request, same).sent[-1].header("Origin") == APP
    cross = Server().on("*", API + "/r", 303, [("Location", OTHER + "/c")]).on("*", OTHER + "/c", 200)
    assert webkit(request, cross).sent[-1].header("Origin") is None
