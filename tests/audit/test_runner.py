"""The runner: retries with backoff, the global rate limit, target lines, and a bug in one target never stopping the
scan."""

from __future__ import annotations

import time

import pytest

from corskit.audit import AuditOptions, scan
from corskit.audit.runner import RateLimiter, Throttle
from corskit.audit.targets import normalize_target
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


def test_each_target_reuses_a_few_keep_alive_connections() -> None:
    import http.server
    import threading

    clients: set[tuple[str, int]] = set()
    requests = 0
    lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def _any(self) -> None:
            nonlocal requests
            with lock:
                clients.add(self.client_address)
                requests += 1
            origin = self.headers.get("Origin")
            self.send_response(200)
            self.send_header("Vary", "Origin")
            if origin == "https://app.example.com":
                self.send_header("Access-Control-Allow-Origin", origin)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        do_GET = do_OPTIONS = _any

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        code, _, _ = run_audit(f"{base}/a", f"{base}/b", f"{base}/c", "-c", "12", "--json", "-q")
    finally:
        server.shutdown()
        server.server_close()
    assert code == 0
    assert requests >= 3 * 20
    # Six connections per target at most (as a browser per host), each kept alive for many probes.
    assert len(clients) <= 3 * 6
    assert requests / len(clients) >= 3


def test_targets_in_progress_and_requests_per_target_follow_the_concurrency() -> None:
    assert AuditOptions(concurrency=200).slots == (34, 6)
    assert AuditOptions(concurrency=10).slots == (2, 6)
    assert AuditOptions(concurrency=3).slots == (1, 3)
    assert AuditOptions(concurrency=1).slots == (1, 1)
