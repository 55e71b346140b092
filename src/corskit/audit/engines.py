"""Which browsers a finding affects: its fetch replayed in each browser's engine against the responses the scan
recorded (no new traffic). A browser whose replay asks for a request the scan never sent (Firefox preflighting a
header Chromium safelists) is left out rather than guessed."""

from __future__ import annotations

from ..browser import BROWSERS, Response, WireRequest, run
from .findings import Trace


class _Unrecorded(Exception):
    """The replay needs a response the scan does not have."""


def affected_browsers(trace: Trace) -> tuple[str, ...]:
    """The browsers (of :data:`~corskit.browser.BROWSERS`) that reach the trace's verdict on the recorded answers."""
    recorded = {
        (e.request.method, e.request.url, e.request.kind): e.response
        for e in trace.result.exchanges
        if e.response is not None
    }
    # A scan stops before an actual request that would change state: a replay that gets there matches it.
    halted = trace.result.allowed and trace.result.response is None

    def respond(wire: WireRequest) -> Response:
        answer = recorded.get((wire.method, wire.url, wire.kind))
        if answer is None:
            raise _Unrecorded
        return answer

    out: list[str] = []
    for browser in BROWSERS:
        allowed: bool | None
        try:
            allowed = run(trace.origin, trace.request, respond, browser=browser).allowed
        except _Unrecorded:
            allowed = True if halted else None
        if allowed is trace.result.allowed:
            out.append(browser)
    return tuple(out)
