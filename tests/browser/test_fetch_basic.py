"""One fetch() end to end: simple and preflighted requests, verdicts, messages, same-origin requests, the driver."""

from __future__ import annotations

import pytest

from corskit.browser import Fetch, Request, Response, SendRequest, arun, run
from corskit.spec.errors import CORSError, ErrorCode

from ._util import API, APP, Server, acao, fetch

URL = API + "/r"
PREFIX = f"Access to fetch at '{URL}' from origin '{APP}' has been blocked by CORS policy: "
P = "Response to preflight request doesn't pass access control check: "


def test_simple_get_sends_origin_and_no_preflight() -> None:
    server = Server().on("GET", URL, 200, [acao(), ("Content-Type", "text/plain"), ("X-Secret", "s")])
    result = fetch(URL, server)
    assert result.allowed
    assert (result.error, result.message) == (None, None)
    assert [w.method for w in result.sent] == ["GET"]
    assert result.sent[0].headers == (("Origin", APP),)
    assert result.sent[0].kind == "actual"
    assert not result.preflighted
    assert result.response is not None
    assert (result.response.type, result.response.status) == ("cors", 200)
    assert result.response.headers == (("content-type", "text/plain"),)


def test_simple_get_without_acao_is_blocked_after_reaching_the_server() -> None:
    result = fetch(URL, Server().on("GET", URL, 200))
    assert not result.allowed
    assert result.error is ErrorCode.MISSING_ALLOW_ORIGIN_HEADER
    assert result.message is not None
    assert result.message.startswith(PREFIX + "No 'Access-Control-Allow-Origin' header is present")
    assert result.reached_server
    assert result.response is None
    with pytest.raises(CORSError) as info:
        result.raise_for_error()
    assert info.value.code is ErrorCode.MISSING_ALLOW_ORIGIN_HEADER


def test_simple_post_with_safelisted_content_type_is_not_preflighted() -> None:
    server = Server().on("POST", URL, 200, [acao()])
    result = fetch(Request(URL, "POST", [("Content-Type", "text/plain;charset=UTF-8")]), server)
    assert result.allowed
    assert [w.method for w in result.sent] == ["POST"]
    assert result.sent[0].headers == (("Origin", APP), ("Content-Type", "text/plain;charset=UTF-8"))


def test_put_is_preflighted_then_sent() -> None:
    server = (
        Server()
        .on(
            "OPTIONS",
            URL,
            204,
            [
                acao(),
                ("Access-Control-Allow-Methods", "PUT"),
                ("Access-Control-Allow-Headers", "content-type, x-request-id"),
            ],
        )
        .on("PUT", URL, 200, [acao()])
    )
    request = Request(URL, "PUT", [("Content-Type", "application/json"), ("X-Request-Id", "42")])
    result = fetch(request, server)
    assert result.allowed, result.message
    preflight, actual = result.sent
    assert (preflight.method, preflight.kind, preflight.credentials) == ("OPTIONS", "preflight", False)
    assert preflight.headers == (
        ("Origin", APP),
        ("Access-Control-Request-Method", "PUT"),
        ("Access-Control-Request-Headers", "content-type,x-request-id"),
    )
    assert (actual.method, actual.kind) == ("PUT", "actual")
    assert actual.headers == (("Origin", APP), ("Content-Type", "application/json"), ("X-Request-Id", "42"))
    assert result.preflighted
    assert result.reached_server


def test_failed_preflight_stops_before_the_actual_request() -> None:
    server = Server().on("OPTIONS", URL, 204, [acao(), ("Access-Control-Allow-Methods", "GET")])
    result = fetch(Request(URL, "DELETE"), server)
    assert result.error is ErrorCode.METHOD_DISALLOWED_BY_PREFLIGHT_RESPONSE
    assert (
        result.message == PREFIX + "Method DELETE is not allowed by Access-Control-Allow-Methods in preflight response."
    )
    assert [w.method for w in result.sent] == ["OPTIONS"]
    assert not result.reached_server


def test_header_error_names_the_lowercased_header() -> None:
    server = Server().on("OPTIONS", URL, 204, [acao(), ("Access-Control-Allow-Headers", "Content-Type")])
    result = fetch(Request(URL, headers=[("Content-Type", "application/json"), ("X-Request-Id", "1")]), server)
    assert result.error is ErrorCode.HEADER_DISALLOWED_BY_PREFLIGHT_RESPONSE
    assert result.param == "x-request-id"
    assert result.message == (
        PREFIX
        + "Request header field x-request-id is not allowed by Access-Control-Allow-Headers in preflight response."
    )


def test_preflight_404_without_acao_reports_the_missing_header() -> None:
    result = fetch(Request(URL, "PUT"), Server().on("OPTIONS", URL, 404))
    assert result.error is ErrorCode.PREFLIGHT_MISSING_ALLOW_ORIGIN_HEADER
    assert result.message is not None
    assert result.message.startswith(PREFIX + P + "No 'Access-Control-Allow-Origin' header")


def test_preflight_500_with_acao_reports_the_status() -> None:
    result = fetch(Request(URL, "PUT"), Server().on("OPTIONS", URL, 500, [acao()]))
    assert result.error is ErrorCode.PREFLIGHT_INVALID_STATUS
    assert result.message == PREFIX + P + "It does not have HTTP ok status."


def test_passing_preflight_then_failing_actual_reports_the_actual_response() -> None:
    server = Server().on("OPTIONS", URL, 204, [acao(), ("Access-Control-Allow-Methods", "PUT")]).on("PUT", URL, 200)
    result = fetch(Request(URL, "PUT"), server)
    assert result.error is ErrorCode.MISSING_ALLOW_ORIGIN_HEADER
    assert result.reached_server


def test_authorization_covered_by_wildcard_is_allowed_with_a_warning() -> None:
    server = (
        Server().on("OPTIONS", URL, 204, [acao(), ("Access-Control-Allow-Headers", "*")]).on("GET", URL, 200, [acao()])
    )
    result = fetch(Request(URL, headers=[("Authorization", "Bearer t")]), server)
    assert result.allowed
    assert [w.code for w in result.warnings] == ["authorization_covered_by_wildcard"]
    assert "Authorization" in result.warnings[0].message


def test_authorization_listed_explicitly_gives_no_warning() -> None:
    server = (
        Server()
        .on("OPTIONS", URL, 204, [acao(), ("Access-Control-Allow-Headers", "*, authorization")])
        .on("GET", URL, 200, [acao()])
    )
    result = fetch(Request(URL, headers=[("Authorization", "Bearer t")]), server)
    assert result.allowed
    assert result.warnings == ()


def test_rejected_request_sends_nothing() -> None:
    result = fetch(Request(URL, "TRACE"), Server())
    assert not result.allowed
    assert result.error is ErrorCode.FORBIDDEN_METHOD
    assert result.exchanges == ()
    assert result.message == "Failed to execute 'fetch' on 'Window': 'TRACE' HTTP method is unsupported."


@pytest.mark.parametrize(("url", "scheme"), [("ftp://api.test/x", "ftp"), ("ws://api.test/x", "ws")])
def test_non_http_urls_fail_before_the_network(url: str, scheme: str) -> None:
    # Observed on Chromium 156: DevTools CorsDisabledScheme (failed parameter: the scheme) and Blink's own line.
    result = fetch(url, Server())
    assert not result.allowed
    assert result.error is ErrorCode("cors_disabled_scheme")
    assert result.exchanges == ()
    assert result.message == f'Fetch API cannot load {url}. URL scheme "{scheme}" is not supported.'


def test_the_fragment_is_never_sent_but_chromium_prints_it() -> None:
    # Observed on Chromium 156: the wire URL has no fragment, the console message keeps it.
    result = fetch(URL + "#frag", Server().on("GET", URL, 200))
    assert result.sent[0].url == URL
    assert result.message is not None
    assert result.message.startswith(f"Access to fetch at '{URL}#frag' from origin '{APP}'")


def test_forbidden_headers_are_dropped_and_reported() -> None:
    server = Server().on("GET", URL, 200, [acao()])
    result = fetch(Request(URL, headers=[("Cookie", "a=b"), ("Origin", "http://evil.test"), ("Sec-Foo", "1")]), server)
    assert result.allowed
    assert not result.preflighted
    assert result.sent[0].headers == (("Origin", APP),)
    assert result.dropped_headers == ("Cookie", "Origin", "Sec-Foo")


# --- same-origin requests (§12) ---------------------------------------------------------------------------------

SAME = APP + "/r"


def test_same_origin_get_has_no_origin_header_and_a_basic_response() -> None:
    server = Server().on("GET", SAME, 200, [("X-Anything", "1"), ("Set-Cookie", "a=b")])
    result = fetch(SAME, server)
    assert result.allowed
    assert result.sent[0].headers == ()
    assert result.sent[0].credentials is True  # credentials mode same-origin
    assert result.response is not None
    assert result.response.type == "basic"
    assert result.response.headers == (("x-anything", "1"),)


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "patch"])
def test_same_origin_non_get_sends_origin_but_no_preflight(method: str) -> None:
    server = Server().on(method, SAME, 200)
    result = fetch(Request(SAME, method, [("X-Custom", "1")]), server)
    assert result.allowed
    assert not result.preflighted
    assert result.sent[0].headers == (("Origin", APP), ("X-Custom", "1"))


def test_head_same_origin_sends_no_origin() -> None:
    result = fetch(Request(SAME, "HEAD"), Server().on("HEAD", SAME, 200))
    assert result.sent[0].headers == ()


def test_another_port_is_another_origin() -> None:
    url = "http://app.test:8080/r"
    result = fetch(url, Server().on("GET", url, 200))
    assert result.error is ErrorCode.MISSING_ALLOW_ORIGIN_HEADER
    assert result.sent[0].headers == (("Origin", APP),)


# --- the driver -------------------------------------------------------------------------------------------------


def test_state_machine_by_hand() -> None:
    machine = Fetch(APP, Request(URL, "PUT"))
    event = machine.start()
    assert isinstance(event, SendRequest)
    assert event.request.method == "OPTIONS"
    event = machine.receive(Response(204, [acao(), ("Access-Control-Allow-Methods", "PUT")]))
    assert isinstance(event, SendRequest)
    assert event.request.method == "PUT"
    result = machine.receive(Response(200, [acao()]))
    assert not isinstance(result, SendRequest)
    assert result.allowed
    assert [e.response.status for e in result.exchanges if e.response] == [204, 200]
    with pytest.raises(RuntimeError):
        machine.receive(Response(200))


def test_start_twice_and_receive_before_start_are_errors() -> None:
    machine = Fetch(APP, Request(URL))
    with pytest.raises(RuntimeError):
        machine.receive(Response(200))
    machine.start()
    with pytest.raises(RuntimeError):
        machine.start()


def test_halt_stops_before_the_outstanding_request() -> None:
    machine = Fetch(APP, Request(URL, "DELETE"))
    machine.start()
    event = machine.receive(Response(204, [acao(), ("Access-Control-Allow-Methods", "DELETE")]))
    assert isinstance(event, SendRequest)
    result = machine.halt()
    assert result.allowed
    assert result.response is None
    assert [w.method for w in result.sent] == ["OPTIONS"]
    assert not result.reached_server


async def test_arun_matches_run() -> None:
    server = (
        Server()
        .on("OPTIONS", URL, 204, [acao(), ("Access-Control-Allow-Methods", "PUT")])
        .on("PUT", URL, 200, [acao()])
    )

    async def respond(wire):  # type: ignore[no-untyped-def]
        return server(wire)

    async_result = await arun(APP, Request(URL, "PUT"), respond)
    sync_result = run(APP, Request(URL, "PUT"), server)
    assert async_result.to_json() == sync_result.to_json()


def test_to_json_has_exactly_the_explain_schema() -> None:
    server = Server().on("GET", URL, 200, [acao(), ("Content-Type", "text/plain")])
    data = fetch(URL, server).to_json()
    assert data == {
        "allowed": True,
        "error": None,
        "message": None,
        "sent": [{"method": "GET", "url": URL, "headers": [["Origin", APP]]}],
        "response": {"type": "cors", "status": 200, "headers": [["content-type", "text/plain"]]},
    }
    blocked = fetch(URL, Server().on("GET", URL, 200)).to_json()
    assert set(blocked) == {"allowed", "error", "message", "sent", "response"}
    assert (blocked["allowed"], blocked["error"], blocked["response"]) == (False, "missing_allow_origin_header", None)


# --- what fetch() throws, word for word (docs/chromium-findings.md §6, §8) ---------------------------------------

TYPEERROR = "Failed to execute 'fetch' on 'Window': "


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        (Request(URL, "connect"), TYPEERROR + "'connect' HTTP method is unsupported."),
        (Request(URL, "track"), TYPEERROR + "'track' HTTP method is unsupported."),
        (Request(URL, "GE T"), TYPEERROR + "'GE T' is not a valid HTTP method."),
        (Request(URL, "PUT", mode="no-cors"), TYPEERROR + "'PUT' is unsupported in no-cors mode."),
        (Request(URL, headers=[("X Foo", "1")]), TYPEERROR + "Invalid name"),
        (Request(URL, headers=[("X-é", "1")]), TYPEERROR + "Invalid name"),
        (Request(URL, headers=[("X-Foo", "a\nb")]), TYPEERROR + "Invalid value"),
        (Request(URL, headers=[("X-Foo", "a\x00b")]), TYPEERROR + "Invalid value"),
        (
            Request("http://u:p@api.test/r"),
            TYPEERROR + "Request cannot be constructed from a URL that includes credentials: http://u:p@api.test/r",
        ),
        (
            Request(URL, headers=[("X-Foo", "\u0100")]),
            TYPEERROR + "Failed to read the 'headers' property from 'RequestInit': String contains non ISO-8859-1 "
            "code point.",
        ),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_fetch_throws_with_chromiums_words(request_: Request, message: str) -> None:
    result = fetch(request_, Server())
    assert not result.allowed
    assert result.exchanges == ()
    assert result.message == message


@pytest.mark.parametrize("value", ["a\x7fb", "a\x01b", "a\tb", "é"])
def test_unusual_but_valid_values_are_sent_and_make_the_header_unsafe(value: str) -> None:
    server = (
        Server()
        .on("OPTIONS", URL, 204, [acao(), ("Access-Control-Allow-Headers", "accept")])
        .on("GET", URL, 200, [acao()])
    )
    result = fetch(Request(URL, headers=[("Accept", value)]), server)
    assert result.allowed, result.message
    assert result.preflighted is (value != "a\tb" and value != "é")
    assert result.sent[-1].header("Accept") == value


def test_options_as_the_actual_method_is_preflighted_then_sent() -> None:
    server = Server().on("OPTIONS", URL, 204, [acao(), ("Access-Control-Allow-Methods", "OPTIONS")])
    result = fetch(Request(URL, "options"), server)
    assert result.allowed, result.message
    assert [(w.method, w.kind) for w in result.sent] == [("OPTIONS", "preflight"), ("OPTIONS", "actual")]
    assert result.sent[0].header("Access-Control-Request-Method") == "OPTIONS"


# --- more of Chromium 156's observed behaviour (docs/chromium-findings.md §4, §7, §8, §10) ----------------------


def test_with_several_disallowed_headers_one_of_them_is_named() -> None:
    # Chromium names the first in Blink's hash-map order, which nobody can predict; it is always one of them.
    server = Server().on("OPTIONS", URL, 204, [acao(), ("Access-Control-Allow-Headers", "x-ok")])
    result = fetch(Request(URL, headers=[("X-Foo", "1"), ("X-Ok", "1"), ("X-Bar", "2")]), server)
    assert result.error is ErrorCode.HEADER_DISALLOWED_BY_PREFLIGHT_RESPONSE
    assert result.param in {"x-foo", "x-bar"}
    assert result.sent[0].header("Access-Control-Request-Headers") == "x-bar,x-foo,x-ok"


def test_unparsable_allow_methods_fails_even_for_a_safelisted_method() -> None:
    server = Server().on(
        "OPTIONS", URL, 204, [acao(), ("Access-Control-Allow-Methods", "PU T"), ("Access-Control-Allow-Headers", "x-a")]
    )
    result = fetch(Request(URL, headers=[("X-A", "1")]), server)
    assert result.error is ErrorCode.INVALID_ALLOW_METHODS_PREFLIGHT_RESPONSE


@pytest.mark.parametrize(
    ("headers", "error"),
    [
        ([acao("*"), ("Access-Control-Allow-Credentials", "true")], ErrorCode.PREFLIGHT_WILDCARD_ORIGIN_NOT_ALLOWED),
        ([acao()], ErrorCode.PREFLIGHT_INVALID_ALLOW_CREDENTIALS),
        (
            [acao("http://x.test"), ("Access-Control-Allow-Credentials", "true")],
            ErrorCode.PREFLIGHT_ALLOW_ORIGIN_MISMATCH,
        ),
    ],
)
def test_the_preflight_cors_check_comes_before_a_500(headers: list[tuple[str, str]], error: ErrorCode) -> None:
    result = fetch(Request(URL, "PUT", credentials="include"), Server().on("OPTIONS", URL, 500, headers))
    assert result.error is error


@pytest.mark.parametrize(("written", "sent"), [("bytes=007-009", "bytes=7-9"), ("bytes=00-", "bytes=0-")])
def test_a_safelisted_range_is_rewritten_on_the_wire(written: str, sent: str) -> None:
    result = fetch(Request(URL, headers=[("Range", written)]), Server().on("GET", URL, 206, [acao()]))
    assert not result.preflighted
    assert result.sent[0].header("Range") == sent


@pytest.mark.parametrize(("size", "preflight"), [(63, False), (64, True)])
def test_the_128_byte_limit_applies_to_the_combined_lines_of_one_name(size: int, preflight: bool) -> None:
    server = Server().on("OPTIONS", URL, 204, [acao(), ("Access-Control-Allow-Headers", "accept")])
    server.on("GET", URL, 200, [acao()])
    result = fetch(Request(URL, headers=[("Accept", "a" * size), ("Accept", "b" * size)]), server)
    assert result.allowed
    assert result.preflighted is preflight


BIG_SAFELISTED = [
    ("Accept", "a" * 128),
    ("Accept-Language", "b" * 128),
    ("Content-Language", "c" * 128),
    ("Content-Type", "text/plain;x=" + "d" * 115),
    ("Range", "bytes=" + "0" * 121 + "-"),
    ("DPR", "1" * 128),
    ("Width", "2" * 128),
    ("Viewport-Width", "3" * 128),
]


def test_1024_safelisted_bytes_need_no_preflight() -> None:
    server = (
        Server().on("OPTIONS", URL, 204, [acao(), ("Access-Control-Allow-Headers", "*")]).on("GET", URL, 200, [acao()])
    )
    assert not fetch(Request(URL, headers=BIG_SAFELISTED), server).preflighted


# Chromium 156 decides the preflight on the Range value as script wrote it and rewrites it only on the wire
# (conformance probe: these 8 headers + Device-Memory: 8 = 1025 bytes are preflighted with all nine names in ACRH
# while the GET carries 'Range: bytes=0-').


def test_1025_safelisted_bytes_preflight_them_all() -> None:
    server = (
        Server().on("OPTIONS", URL, 204, [acao(), ("Access-Control-Allow-Headers", "*")]).on("GET", URL, 200, [acao()])
    )
    result = fetch(Request(URL, headers=[*BIG_SAFELISTED, ("Device-Memory", "8")]), server)
    assert result.preflighted
    assert result.sent[0].header("Access-Control-Request-Headers") == (
        "accept,accept-language,content-language,content-type,device-memory,dpr,range,viewport-width,width"
    )
    assert result.sent[-1].header("Range") == "bytes=0-"


def test_a_range_over_128_bytes_as_written_is_preflighted_even_if_its_rewrite_is_short() -> None:
    server = Server().on("OPTIONS", URL, 204, [acao(), ("Access-Control-Allow-Headers", "range")])
    result = fetch(Request(URL, headers=[("Range", "bytes=" + "0" * 200 + "-")]), server.on("GET", URL, 206, [acao()]))
    assert result.preflighted


def test_same_origin_mode_put_with_a_custom_header_sends_origin_and_no_preflight() -> None:
    url = APP + "/r"
    result = fetch(Request(url, "PUT", [("X-A", "1")], mode="same-origin"), Server().on("PUT", url, 200))
    assert result.allowed
    assert [w.method for w in result.sent] == ["PUT"]
    assert result.sent[0].headers == (("Origin", APP), ("X-A", "1"))


def test_a_page_with_an_opaque_origin() -> None:
    server = Server().on("GET", URL, 200, [acao("null"), ("Access-Control-Allow-Credentials", "true")])
    result = fetch(Request(URL, credentials="include"), server, origin="null")
    assert result.allowed, result.message
    assert result.sent[0].header("Origin") == "null"
    blocked = fetch(Request(URL), Server().on("GET", URL, 200, [acao()]), origin="null")
    assert blocked.error is ErrorCode.ALLOW_ORIGIN_MISMATCH
    assert blocked.message is not None
    assert "from origin 'null' has been blocked" in blocked.message
