"""Which browsers an audit finding affects: its fetch replayed in each engine on the recorded answers."""

from __future__ import annotations

from corskit.audit.engines import affected_browsers
from corskit.audit.findings import Trace
from corskit.browser import Request, Response, WireRequest, run

PAGE = "https://evil.example"
URL = "https://api.example/me"


def _trace(request: Request, answer: Response) -> Trace:
    def respond(wire: WireRequest) -> Response:
        return answer

    return Trace(PAGE, request, run(PAGE, request, respond))


def test_a_reflected_origin_affects_every_browser() -> None:
    reflected = Response(200, [("Access-Control-Allow-Origin", PAGE), ("Access-Control-Allow-Credentials", "true")])
    trace = _trace(Request(URL, credentials="include"), reflected)
    assert trace.result.allowed
    assert affected_browsers(trace) == ("chromium", "firefox", "webkit")


def test_a_browser_that_would_send_an_unrecorded_preflight_is_left_out() -> None:
    # Chromium safelists DPR and read the response; Firefox and WebKit would preflight first, which the scan never
    # sent: they are not claimed.
    allowed = Response(200, [("Access-Control-Allow-Origin", PAGE)])
    trace = _trace(Request(URL, headers=[("DPR", "2")]), allowed)
    assert affected_browsers(trace) == ("chromium",)


def test_a_verdict_every_engine_shares_on_a_blocked_fetch() -> None:
    trace = _trace(Request(URL), Response(200, [("Access-Control-Allow-Origin", "https://other.example")]))
    assert not trace.result.allowed
    assert affected_browsers(trace) == ("chromium", "firefox", "webkit")
