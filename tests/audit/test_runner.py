"""The runner: retries with backoff, the global rate limit, target lines, and a bug in one target never stopping the
scan."""

from __future__ import annotations

import time

import pytest

from corskit.audit import AuditOptions, scan
from corskit.audit.runner import RateLimiter, Throttle, normalize_target
from corskit.browser import Response, WireRequest
from corskit.cli import audit as audit_cli
from corskit.tools.network import NetworkError
from tests.audit.conftest import run_audit
from tests.loopback import serve

WIRE = WireRequest("GET", "https://api.example.com/", (), "actual")


@pytest.mark.parametrize(
    ("kind", "attempts", "ok"),
    [("timeout", 3, True), ("protocol", 3, True), ("refused", 1, False), ("tls", 1, False), ("dns", 1, False)],
)
async def test_transient_errors_are_retried_with_backoff(kind: str, attempts: int, ok: bool) -> None:
    calls: list[float] = []

    async def send(wire: WireRequest) -> Response:
        calls.append(time.monotonic())
        if len(calls) < 3:
            raise NetworkError(kind, f"{kind} on {wire.url}", wire.url)  # type: ignore[arg-type]
        return Response(200)

    throttle = Throttle(send, AuditOptions(retries=2, backoff=0.02))
    if ok:
        assert (await throttle(WIRE)).status == 200
    else:
        with pytest.raises(NetworkError):
            await throttle(WIRE)
    assert len(calls) == attempts
    if attempts == 3:
        assert calls[1] - calls[0] >= 0.02 * 0.9
        assert calls[2] - calls[1] >= 0.04 * 0.9  # doubled


async def test_retries_give_up_after_the_limit() -> None:
    calls = 0

    async def send(wire: WireRequest) -> Response:
        nonlocal calls
        calls += 1
        raise NetworkError("timeout", "timed out", wire.url)

    with pytest.raises(NetworkError):
        await Throttle(send, AuditOptions(retries=1, backoff=0.0))(WIRE)
    assert calls == 2


async def test_rate_limiter_spaces_requests_evenly() -> None:
    limiter = RateLimiter(100)
    started = time.monotonic()
    for _ in range(11):
        await limiter.acquire()
    assert time.monotonic() - started >= 0.1 * 0.9


@pytest.mark.parametrize(
    ("line", "target"),
    [
        ("https://api.example.com/x\n", "https://api.example.com/x"),
        ("  api.example.com  ", "https://api.example.com"),
        ("# a comment", None),
        ("   ", None),
        ("not a url", "not a url"),  # kept as is: reported as not a URL, never guessed into a DNS lookup
        ("mailto:a@example.com", "mailto:a@example.com"),
    ],
)
def test_target_lines(line: str, target: str | None) -> None:
    assert normalize_target(line) == target


async def test_a_bug_on_one_target_is_reported_for_it_and_the_scan_goes_on() -> None:
    async def send(wire: WireRequest) -> Response:
        if "boom" in wire.url:
            raise RuntimeError("unexpected")
        return Response(200, [("Access-Control-Allow-Origin", "*")])

    reports = [r async for r in scan(["https://boom.example.com/", "https://fine.example.com/"], send=send)]
    by_target = {r.target: r for r in reports}
    assert "internal error" in (by_target["https://boom.example.com/"].error or "")
    assert by_target["https://fine.example.com/"].error is None


def test_progress_bar_path_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(audit_cli, "progress_wanted", lambda **_: True)
    with serve(lambda seen: (200, [("Access-Control-Allow-Origin", "*")], b"")) as server:
        code, out, _ = run_audit(server.url + "/a", server.url + "/b")
    assert code == 0
    assert "Audited 2 target(s)" in out
