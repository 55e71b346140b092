"""`corskit check` against real loopback servers, one per failure class, through the CLI and the API."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import pytest

from corskit.spec.errors import ErrorCode
from corskit.tools.check import check
from tests.cli.run import corskit
from tests.loopback import Answer, Seen, Server, serve

APP = "http://app.test"


def cors_server(
    *, preflight: Callable[[Seen], Answer] | None = None, actual: Callable[[Seen], Answer] | None = None
) -> Callable[[Seen], Answer]:
    def handler(seen: Seen) -> Answer:
        if seen.method == "OPTIONS" and "access-control-request-method" in seen.headers:
            return preflight(seen) if preflight else (404, [], b"")
        return actual(seen) if actual else (200, [], b"ok")

    return handler


def reflect(seen: Seen, *extra: tuple[str, str]) -> list[tuple[str, str]]:
    return [("Access-Control-Allow-Origin", seen.headers.get("origin", "")), *extra]


def run_cli(*args: str) -> tuple[int, dict]:
    run = corskit("check", *args, "--json")
    return run.code, json.loads(run.stdout)


@pytest.fixture
def server(request: pytest.FixtureRequest) -> Iterator[Server]:
    with serve(request.param) as srv:
        yield srv


CASES = [
    # (id, handler, check kwargs, expected error, words the fix must contain)
    ("missing-acao", cors_server(actual=lambda s: (200, [], b"x")), {}, ErrorCode.MISSING_ALLOW_ORIGIN_HEADER, APP),
    (
        "mismatch-trailing-slash",
        cors_server(actual=lambda s: (200, [("Access-Control-Allow-Origin", APP + "/")], b"")),
        {},
        ErrorCode.ALLOW_ORIGIN_MISMATCH,
        "trailing slash",
    ),
    (
        "multiple-values",
        cors_server(
            actual=lambda s: (200, [("Access-Control-Allow-Origin", APP), ("Access-Control-Allow-Origin", "*")], b"")
        ),
        {},
        ErrorCode.MULTIPLE_ALLOW_ORIGIN_VALUES,
        "keep one",
    ),
    (
        "wildcard-with-credentials",
        cors_server(actual=lambda s: (200, [("Access-Control-Allow-Origin", "*")], b"")),
        {"credentials": "include"},
        ErrorCode.WILDCARD_ORIGIN_NOT_ALLOWED,
        "allow-list",
    ),
    (
        "credentials-not-true",
        cors_server(actual=lambda s: (200, reflect(s, ("Access-Control-Allow-Credentials", "TRUE")), b"")),
        {"credentials": "include"},
        ErrorCode.INVALID_ALLOW_CREDENTIALS,
        "'TRUE'",
    ),
    (
        "preflight-404",
        cors_server(),
        {"method": "PUT"},
        ErrorCode.PREFLIGHT_MISSING_ALLOW_ORIGIN_HEADER,
        "before routing and authentication",
    ),
    (
        "preflight-401-with-acao",
        cors_server(preflight=lambda s: (401, reflect(s), b"")),
        {"method": "PUT"},
        ErrorCode.PREFLIGHT_INVALID_STATUS,
        "HTTP 401",
    ),
    (
        "preflight-redirect",
        cors_server(preflight=lambda s: (301, reflect(s, ("Location", "/elsewhere/")), b"")),
        {"method": "DELETE"},
        ErrorCode.PREFLIGHT_DISALLOWED_REDIRECT,
        "/elsewhere/",
    ),
    (
        "method-not-allowed",
        cors_server(preflight=lambda s: (204, reflect(s, ("Access-Control-Allow-Methods", "GET, POST")), b"")),
        {"method": "PATCH"},
        ErrorCode.METHOD_DISALLOWED_BY_PREFLIGHT_RESPONSE,
        "add PATCH",
    ),
    (
        "header-not-allowed",
        cors_server(
            preflight=lambda s: (
                204,
                reflect(s, ("Access-Control-Allow-Methods", "PUT"), ("Access-Control-Allow-Headers", "content-type")),
                b"",
            )
        ),
        {"method": "PUT", "headers": [("Content-Type", "application/json"), ("X-Request-Id", "1")]},
        ErrorCode.HEADER_DISALLOWED_BY_PREFLIGHT_RESPONSE,
        "'x-request-id'",
    ),
    (
        "unparsable-allow-methods",
        cors_server(preflight=lambda s: (204, reflect(s, ("Access-Control-Allow-Methods", "PUT DELETE")), b"")),
        {"method": "PUT"},
        ErrorCode.INVALID_ALLOW_METHODS_PREFLIGHT_RESPONSE,
        "comma-separated",
    ),
    (
        "redirect-loop",
        cors_server(actual=lambda s: (302, reflect(s, ("Location", s.path)), b"")),
        {},
        ErrorCode.TOO_MANY_REDIRECTS,
        "more than 20",
    ),
]


@pytest.mark.parametrize(
    ("server", "kwargs", "error", "fix_words"),
    [pytest.param(h, kw, err, words, id=name) for name, h, kw, err, words in CASES],
    indirect=["server"],
)
def test_each_failure_class_is_reported_with_message_and_fix(
    server: Server, kwargs: dict, error: ErrorCode, fix_words: str
) -> None:
    report = check(server.url + "/r", APP, send_actual=True, **kwargs)
    assert report.result is not None
    assert report.allowed is False
    assert report.exit_code == 1
    assert report.result.error is error
    assert report.result.message is not None
    if error.is_cors:
        assert report.result.message.startswith(f"Access to fetch at '{server.url}/r' ")
    else:
        assert "net::ERR_" in report.result.message
    assert report.fix is not None
    assert fix_words in report.fix.summary


def test_cli_json_schema_and_exit_codes_for_an_allowed_request() -> None:
    handler = cors_server(actual=lambda s: (200, reflect(s, ("X-Hidden", "1"), ("Content-Type", "text/plain")), b"hi"))
    with serve(handler) as srv:
        code, data = run_cli(srv.url + "/r", "--origin", APP)
    assert code == 0
    assert set(data) >= {"allowed", "error", "message", "sent", "response", "fix", "actual_checked", "network_error"}
    assert data["allowed"] is True
    assert data["error"] is None
    assert data["fix"] is None
    assert data["sent"] == [{"method": "GET", "url": srv.url + "/r", "headers": [["Origin", APP]]}]
    # Only safelisted headers are readable: X-Hidden is not exposed.
    names = [name for name, _ in data["response"]["headers"]]
    assert "content-type" in names
    assert "x-hidden" not in names


def test_cli_blocked_gives_exit_1_chromium_message_and_stack_snippet() -> None:
    handler = cors_server(preflight=lambda s: (204, reflect(s, ("Access-Control-Allow-Methods", "PUT")), b""))
    with serve(handler) as srv:
        code, data = run_cli(srv.url + "/r", "--origin", APP, "-X", "PUT", "-H", "X-Foo: 1", "--fix-for", "flask-cors")
    assert code == 1
    assert data["error"] == "header_disallowed_by_preflight_response"
    assert data["message"].endswith(
        "Request header field x-foo is not allowed by Access-Control-Allow-Headers in preflight response."
    )
    assert data["fix"]["stack"] == "flask-cors"
    assert 'allow_headers=["x-foo"]' in data["fix"]["snippet"]
    # Blocked at the preflight: a browser would not send the PUT either, so the verdict is complete.
    assert data["actual_checked"] is True


def test_put_is_not_sent_without_send_and_is_sent_with_it() -> None:
    handler = cors_server(
        preflight=lambda s: (204, reflect(s, ("Access-Control-Allow-Methods", "PUT")), b""),
        actual=lambda s: (200, reflect(s), b""),
    )
    with serve(handler) as srv:
        report = check(srv.url + "/r", APP, method="PUT")
        assert [s.method for s in srv.seen] == ["OPTIONS"]
        assert report.allowed is True
        assert report.actual_checked is False
        assert any("--send" in note for note in report.notes)
        srv.seen.clear()
        report = check(srv.url + "/r", APP, method="PUT", send_actual=True)
        assert [s.method for s in srv.seen] == ["OPTIONS", "PUT"]
        assert report.actual_checked is True


def test_simple_post_without_send_is_not_sent_and_says_why() -> None:
    with serve(cors_server()) as srv:
        report = check(srv.url + "/r", APP, method="POST")
        assert srv.seen == []
    assert report.actual_checked is False
    assert any("without a preflight" in note for note in report.notes)


def test_blocked_simple_post_that_reached_the_server_warns_about_side_effects() -> None:
    with serve(cors_server(actual=lambda s: (201, [], b""))) as srv:
        report = check(srv.url + "/r", APP, method="POST", send_actual=True)
        assert [s.method for s in srv.seen] == ["POST"]
    assert report.allowed is False
    assert any("reached the server" in note for note in report.notes)


def test_preflight_is_sent_exactly_as_chromium_sends_it() -> None:
    handler = cors_server(preflight=lambda s: (204, reflect(s), b""))
    with serve(handler) as srv:
        check(srv.url + "/r", APP, method="PUT", headers=[("X-B", "1"), ("x-a", "2"), ("Accept", "*/*")])
        preflight = srv.seen[0]
    assert preflight.method == "OPTIONS"
    assert preflight.headers["origin"] == APP
    assert preflight.headers["access-control-request-method"] == "PUT"
    assert preflight.headers["access-control-request-headers"] == "x-a,x-b"
    assert "cookie" not in preflight.headers


def test_cookie_is_sent_only_on_credentialed_requests() -> None:
    from corskit.tools.network import NetworkOptions

    handler = cors_server(actual=lambda s: (200, reflect(s, ("Access-Control-Allow-Credentials", "true")), b""))
    with serve(handler) as srv:
        check(srv.url + "/r", APP, options=NetworkOptions(cookie="sid=1"))
        check(srv.url + "/r", APP, credentials="include", options=NetworkOptions(cookie="sid=1"))
        first, second = srv.seen
    assert "cookie" not in first.headers
    assert second.headers["cookie"] == "sid=1"


def test_network_errors_are_not_cors_verdicts() -> None:
    code, data = run_cli("http://127.0.0.1:9/r", "--origin", APP)
    assert code == 2
    assert data["allowed"] is None
    assert data["error"] == "network_error"
    assert data["network_error"]["kind"] == "refused"
    assert data["fix"] is None


def test_timeout_is_a_network_error() -> None:
    import threading

    gate = threading.Event()

    def slow(seen: Seen) -> Answer:
        gate.wait(3)
        return 200, [], b""

    with serve(slow) as srv:
        code, data = run_cli(srv.url + "/r", "--origin", APP, "--timeout", "0.3")
        gate.set()
    assert code == 2
    assert data["network_error"]["kind"] == "timeout"


@pytest.mark.parametrize(
    "args",
    [
        ["http://x.test/", "--origin", "x.test"],
        ["not a url", "--origin", APP],
        ["http://x.test/", "--origin", APP, "-H", "no-colon"],
        ["http://x.test/", "--origin", APP, "--credentials", "always"],
        ["http://x.test/", "--origin", APP, "--fix-for", "rails"],
    ],
)
def test_usage_errors_exit_2(args: list[str]) -> None:
    run = corskit("check", *args)
    assert run.code == 2
    assert "Traceback" not in run.stderr


def test_human_output_has_trace_verdict_message_and_fix() -> None:
    with serve(cors_server()) as srv:
        run = corskit("check", srv.url + "/r", "--origin", APP, "-X", "DELETE")
    out = run.stdout
    assert run.code == 1
    assert "→ OPTIONS" in out
    assert "Access-Control-Request-Method: DELETE" in out
    assert "BLOCKED" in out
    assert "has been blocked by CORS policy" in out
    assert "allow_origins=" in out  # the corskit snippet by default


def test_tls_failure_is_a_network_error() -> None:
    # A plain-HTTP server answering an https:// URL: the handshake fails.
    with serve(cors_server()) as srv:
        code, data = run_cli(srv.url.replace("http://", "https://") + "/r", "--origin", APP, "--timeout", "3")
    assert code == 2
    assert data["network_error"]["kind"] == "tls"
    assert data["allowed"] is None
