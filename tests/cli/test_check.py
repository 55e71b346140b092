"""`corskit check`, run as a real command against real servers: every verdict renders, held-back requests say so,
cookies that a browser would not send are named, network errors are reported honestly."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from rich.cells import cell_len

from corskit.asgi import CORSMiddleware
from tests.cli.run import Run, corskit
from tests.loopback import Answer, Seen, serve
from tests.server.servers import uvicorn_server

SPA = "https://app.example"


async def _api(scope: Any, receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": b'{"ok": true}'})


@pytest.fixture(scope="module")
def correct_server() -> Iterator[str]:
    """A server configured right with corskit: PUT and DELETE with Authorization from the SPA, with cookies."""
    app = CORSMiddleware(
        _api,
        allow_origins=[SPA],
        allow_methods=["PUT"],
        allow_headers=["Authorization"],
        allow_credentials=True,
    )
    with uvicorn_server(app) as base:
        yield base


def assert_fits_80_columns(run: Run, *copyable: str) -> None:
    for line in run.lines:
        long_ok = line.startswith(("→ ", "← ", "    ", "Access to fetch at ")) or line in copyable
        assert cell_len(line) <= 80 or long_ok, line


def test_put_with_authorization_passes_its_preflight_and_is_not_sent(correct_server: str) -> None:
    """The README's headline example against a correct server (it crashed with an AssertionError)."""
    url = correct_server + "/items/1"
    run = corskit("check", url, "--origin", SPA, "-X", "PUT", "-H", "Authorization: Bearer x")
    assert run.code == 0, run.stderr
    assert run.stderr == ""
    assert f"→ OPTIONS {url}  (preflight)" in run.lines
    assert "    Access-Control-Request-Headers: authorization" in run.lines
    assert "✓ PREFLIGHT PASSED  the request itself was not sent: its response is unchecked" in run.lines
    assert "--send" in run.stdout
    assert_fits_80_columns(run)
    data = json.loads(corskit("check", url, "--origin", SPA, "-X", "PUT", "-H", "Authorization: x", "--json").stdout)
    assert data["allowed"] is True
    assert data["actual_checked"] is False
    assert [s["method"] for s in data["sent"]] == ["OPTIONS"]


def test_put_with_send_is_allowed(correct_server: str) -> None:
    run = corskit("check", correct_server + "/items/1", "-o", SPA, "-X", "PUT", "-H", "Authorization: x", "--send")
    assert run.code == 0, run.stderr
    assert "✓ ALLOWED  response type cors, status 200" in run.lines


def test_simple_post_is_not_sent_and_says_why(correct_server: str) -> None:
    run = corskit("check", correct_server + "/items", "--origin", SPA, "-X", "POST")
    assert run.code == 0, run.stderr
    assert run.lines[0] == "· NOT SENT  the request was not sent: its response is unchecked"  # said once
    assert "without a preflight" in run.stdout
    assert_fits_80_columns(run)


def test_a_blocked_method_shows_the_fix_and_never_lists_get(correct_server: str) -> None:
    run = corskit("check", correct_server + "/items/1", "--origin", SPA, "-X", "DELETE")
    assert run.code == 1
    assert "✗ BLOCKED  preflight_missing_allow_origin_header" in run.lines
    assert any(line.startswith("Fix (server side): The server refused the preflight") for line in run.lines)
    assert '    allow_methods=["DELETE"],' in run.lines
    assert "GET" not in run.stdout.split("corskit:", 1)[1]
    assert_fits_80_columns(run)
    simple = corskit("check", correct_server + "/items", "--origin", "https://evil.example", "--json")
    assert simple.code == 1
    assert "allow_methods" not in json.loads(simple.stdout)["fix"]["summary"]


def test_cookie_without_credentials_include_is_named_as_dropped(correct_server: str) -> None:
    url = correct_server + "/items"
    for mode, words in [("same-origin", "only with credentials 'include'"), ("omit", "credentials 'omit'")]:
        run = corskit("check", url, "--origin", SPA, "--cookie", "sid=1", "--credentials", mode)
        assert run.code == 0
        assert "! --cookie was not sent:" in run.stdout
        assert words in run.stdout.replace("\n  ", " ")
        data = json.loads(corskit("check", url, "-o", SPA, "--cookie", "sid=1", "--credentials", mode, "--json").stdout)
        assert any(note.startswith("--cookie was not sent") for note in data["notes"])
    run = corskit("check", url, "--origin", SPA, "--cookie", "sid=1", "--credentials", "include", "--json")
    assert not any("cookie" in note for note in json.loads(run.stdout)["notes"])


def test_the_cookie_really_is_not_sent() -> None:
    def handler(seen: Seen) -> Answer:
        return 200, [("Access-Control-Allow-Origin", SPA)], b""

    with serve(handler) as srv:
        run = corskit("check", srv.url + "/r", "--origin", SPA, "--cookie", "sid=1")
        assert run.code == 0
        assert "cookie" not in srv.seen[0].headers


def test_network_error_json_is_honest() -> None:
    run = corskit("check", "http://127.0.0.1:9/r", "--origin", SPA, "--json")
    assert run.code == 2
    data = json.loads(run.stdout)
    assert data["allowed"] is None
    assert data["error"] == "network_error"
    assert data["sent"] == []
    assert data["actual_checked"] is False
    assert data["network_error"]["kind"] == "refused"
    human = corskit("check", "http://127.0.0.1:9/r", "--origin", SPA)
    assert human.code == 2
    assert "✗ NETWORK ERROR  refused" in human.lines
    assert "ALLOWED" not in human.stdout
    assert "nothing was sent" not in human.stdout  # it was sent: the connection was refused
    assert "held back" not in human.stdout


def test_network_error_after_the_preflight_keeps_the_preflight() -> None:
    gate = threading.Event()

    def handler(seen: Seen) -> Answer:
        if seen.method == "OPTIONS":
            headers = [("Access-Control-Allow-Origin", SPA), ("Access-Control-Allow-Methods", "PUT")]
            return 204, headers, b""
        gate.wait(5)
        return 200, [], b""

    with serve(handler) as srv:
        args = ("check", srv.url + "/r", "--origin", SPA, "-X", "PUT", "--send", "--timeout", "0.5")
        run = corskit(*args, "--json")
        human = corskit(*args)
        gate.set()
    assert run.code == 2
    data = json.loads(run.stdout)
    assert [s["method"] for s in data["sent"]] == ["OPTIONS"]
    assert data["actual_checked"] is False
    assert data["network_error"]["kind"] == "timeout"
    assert human.code == 2
    assert f"→ OPTIONS {srv.url}/r  (preflight)" in human.lines
    assert "✗ NETWORK ERROR  timeout" in human.lines
    assert "PREFLIGHT PASSED" not in human.stdout


def test_hostile_server_headers_and_body_never_reach_the_terminal_raw() -> None:
    def handler(seen: Seen) -> Answer:
        headers = [("Access-Control-Allow-Origin", "https://x\x1b]0;owned\x07"), ("Vary", "\x9b2J")]
        return 500, headers, b"\x1b[2J\x1b[8mhidden\xc2\x9b31m"

    with serve(handler) as srv:
        run = corskit("check", srv.url + "/r", "--origin", SPA)
    assert run.code == 1
    for raw in ("\x1b", "\x07", "\x9b"):
        assert raw not in run.stdout
    assert "    Access-Control-Allow-Origin: https://x\\x1b]0;owned\\x07" in run.lines
    assert any(line.startswith("    body: \\x1b[2J\\x1b[8mhidden\\x9b31m") for line in run.lines)


def test_ascii_terminal(correct_server: str) -> None:
    run = corskit("check", correct_server + "/items/1", "-o", SPA, "-X", "DELETE", env={"PYTHONIOENCODING": "ascii"})
    assert run.code == 1
    assert "Traceback" not in run.stderr
    assert "x BLOCKED  preflight_missing_allow_origin_header" in run.lines
    assert any(line.startswith("-> OPTIONS ") for line in run.lines)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["http://x.test/", "--origin", "x.test"], "--origin"),
        (["not a url", "--origin", SPA], "is not a valid URL"),
        (["http://127.0.0.1:99999/", "--origin", SPA], "is not a valid URL"),  # was "is not an http(s) URL"
        (["127.0.0.1:8000/r", "--origin", SPA], "has no scheme"),
        (["http://x.test/", "--origin", SPA, "--cookie", "a=1\nb=2", "--credentials", "include"], "--cookie"),
        (["http://x.test/", "--origin", SPA, "--cookie", "a=\x1b[2J"], "--cookie"),
        (["ftp://x.test/", "--origin", SPA], "is not an http(s) URL"),
        (["http://x.test/", "--origin", SPA, "-H", "no-colon"], "is not a header"),
        (["http://x.test/", "--origin", SPA, "--credentials", "always"], "--credentials"),
        (["http://x.test/", "--origin", SPA, "--fix-for", "rails"], "--fix-for"),
        (["http://x.test/", "--origin", SPA, "--timeout", "nan"], "--timeout"),
        (["http://x.test/", "--origin", SPA, "--timeout", "-1"], "--timeout"),
        (["http://x.test/", "--origin", SPA, "--timeout", "1e309"], "--timeout"),
        (["http://x.test/", "--origin", SPA, "--timeout", "1e12"], "--timeout"),
        (["http://x.test/", "--origin", SPA, "--proxy", "not a proxy"], "--proxy"),
        (["http://x.test/", "--origin", SPA, "-H", "X: a\r\nInjected: 1"], "the value of X"),
        (["http://x.test/", "--origin", SPA, "-H", "Bad Name: x"], "is not a header name"),
        (["http://x.test/", "--origin", SPA, "--credentials", "include", "--cookie", "a=b\nX: 1"], "--cookie"),
        (["http://x.test/"], "--origin"),
    ],
)
def test_usage_errors_exit_2_without_a_traceback(args: list[str], words: str) -> None:
    run = corskit("check", *args)
    assert run.code == 2, run.stdout
    assert "Traceback" not in run.stderr
    assert words in run.stderr
    assert run.stdout == ""


def test_a_cookie_is_checked_before_anything_is_sent_and_sent_as_utf8() -> None:
    """A cookie with a newline was sent, refused by httpx and reported as the *server's* invalid HTTP (exit 2 as a
    network error); a non-Latin-1 one as a codec error. A browser holds no cookie with a control character, and
    sends the others as UTF-8."""

    def handler(seen: Seen) -> Answer:
        return 200, [("Access-Control-Allow-Origin", SPA), ("Access-Control-Allow-Credentials", "true")], b""

    with serve(handler) as srv:
        refused = corskit(
            "check", srv.url + "/r", "-o", SPA, "--cookie", "a=1\r\nX-Evil: 1", "--credentials", "include"
        )
        assert refused.code == 2
        assert refused.stdout == ""
        assert "control character" in " ".join(refused.stderr.replace("│", " ").split())
        assert srv.seen == []
        run = corskit("check", srv.url + "/r", "-o", SPA, "--cookie", "name=José ✓", "--credentials", "include")
        assert run.code == 0, run.stdout
        assert srv.seen[0].headers["cookie"].encode("latin-1") == "name=José ✓".encode()


def test_a_refused_proxy_is_named_as_the_proxy() -> None:
    run = corskit("check", "http://api.example/r", "--origin", SPA, "--proxy", "http://127.0.0.1:9")
    assert run.code == 2
    said = " ".join(run.stdout.split())
    assert "connection to the proxy http://127.0.0.1:9 refused: is the proxy running?" in said
    assert "is the server running" not in said  # before: the target was blamed


def test_browser_all_keeps_its_json_shape_on_a_network_error() -> None:
    """Before: one browser's object (no "chromium" key), so a script reading --browser all --json broke exactly
    when the server was down."""
    run = corskit("check", "http://127.0.0.1:9/r", "--origin", SPA, "--browser", "all", "--json")
    assert run.code == 2
    data = json.loads(run.stdout)
    assert set(data) == {"chromium", "firefox", "webkit", "agree", "differences", "fix"}
    assert data["agree"] is None
    assert all(data[name]["network_error"]["kind"] == "refused" for name in ("chromium", "firefox", "webkit"))
    human = corskit("check", "http://127.0.0.1:9/r", "--origin", SPA, "--browser", "all")
    assert human.code == 2
    # The same error for all three is shown once, and said to apply to all of them.
    assert human.lines.count("✗ NETWORK ERROR  refused") == 1
    assert "  Every browser (chromium, firefox, webkit) got this network error." in human.lines


def test_browser_all_shows_each_browsers_network_error_when_they_differ() -> None:
    """The server answers Chromium's request, then drops every connection: Firefox and WebKit got no answer.
    Before: only the first browser's report was shown (here: Chromium's answer, as if all had been answered)."""
    answered = threading.Event()

    def once(seen: Seen) -> Answer:
        if answered.is_set():
            raise ConnectionAbortedError("the server drops the connection")
        answered.set()
        return 200, [("Access-Control-Allow-Origin", SPA)], b"ok"

    with serve(once) as server:
        run = corskit("check", server.url + "/r", "--origin", SPA, "--browser", "all")
    assert run.code == 2, run.stdout + run.stderr
    headings = [line.split()[0] for line in run.lines if line.endswith("───")]
    assert headings == ["chromium", "firefox", "webkit"]
    chromium, firefox, webkit = run.stdout.split("───\n")[1:]
    assert "✓ ALLOWED" in chromium
    assert "NETWORK ERROR" not in chromium
    for report in (firefox, webkit):
        assert "✗ NETWORK ERROR  protocol" in report
        assert "Server disconnected" in " ".join(report.split())


def test_a_url_past_the_length_bound_is_named_short() -> None:
    """Before: the whole 100,000-character URL echoed in the error box (112 kB on stderr), said to be one a
    browser's fetch() would throw on (it would not)."""
    url = "http://127.0.0.1:9/" + "a" * 100_000
    run = corskit("check", url, "-o", SPA)
    assert run.code == 2
    said = "".join(run.stderr.replace("│", " ").split())  # the box wraps anywhere: compare without spaces
    assert f"({len(url) - 80:,}morecharacters)'islongerthan65,536characters" in said
    assert len(run.stderr) < 2_000
    assert "fetch()wouldthrow" not in said
