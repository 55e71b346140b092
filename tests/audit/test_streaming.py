"""Many targets: reports stream out while the input is still being read, and memory does not grow with the number of
targets (the runner keeps no results; the input is read through a bounded queue)."""

from __future__ import annotations

import threading
import tracemalloc
from collections.abc import Iterator

from corskit.audit import AuditOptions, scan
from corskit.browser import Response, WireRequest
from corskit.tools.network import NetworkError
from tests.audit.conftest import jsonl, run_audit
from tests.audit.zoo import free_port
from tests.loopback import serve

WORKERS = 10
#: What may be read ahead of the reports: one input batch, the two queues and the targets in progress.
READ_AHEAD = 256 + 2 * WORKERS + WORKERS + 2 * WORKERS


class Feed:
    """Target lines, counting how many the scanner has read."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.read = 0
        self._lock = threading.Lock()

    def __iter__(self) -> Iterator[str]:
        for i in range(self.count):
            with self._lock:
                self.read += 1
            # One target in 50 is a live server; the others refuse connections.
            yield f"https://{'live' if i % 50 == 0 else 'down'}{i}.example.com/"


async def send(wire: WireRequest) -> Response:
    if "//down" in wire.url:
        raise NetworkError("refused", f"connection to {wire.url} refused: is the server running?", wire.url)
    origin = wire.header("Origin")
    if origin is None:
        return Response(200, [("Vary", "Origin")])
    return Response(200, [("Access-Control-Allow-Origin", origin), ("Vary", "Origin")])


async def _scan(count: int) -> tuple[int, int, int, int, int]:
    feed = Feed(count)
    reported = errors = live = 0
    first_report_after = 0
    lag = 0
    tracemalloc.start()
    try:
        async for report in scan(feed, AuditOptions(concurrency=WORKERS, retries=0), send=send):
            reported += 1
            if reported == 1:
                first_report_after = feed.read
            lag = max(lag, feed.read - reported)
            if report.error is not None:
                errors += 1
            elif any(f.id == "CORS-REFLECT-ANY" for f in report.findings):
                live += 1
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert reported == count
    assert errors + live == count
    assert live == (count + 49) // 50
    return first_report_after, lag, peak, errors, live


async def test_two_thousand_targets_stream_in_bounded_memory() -> None:
    first, lag, peak_large, _, _ = await _scan(2000)
    assert first < 2000  # the first report came out long before the input was read to the end
    assert lag <= READ_AHEAD  # never more than a bounded number of targets read but not yet reported
    _, _, peak_small, _, _ = await _scan(200)
    assert peak_large < 2 * peak_small + 1_000_000  # ten times the targets, not ten times the memory
    assert peak_large < 16_000_000


def test_jsonl_over_the_network_has_one_line_per_target(tmp_path) -> None:
    closed = free_port()

    def reflect(seen):  # type: ignore[no-untyped-def]
        origin = seen.headers.get("origin")
        return 200, ([("Access-Control-Allow-Origin", origin)] if origin else []), b"{}"

    with serve(reflect) as server:
        targets = [f"{server.url}/api/{i}" if i % 100 == 0 else f"http://127.0.0.1:{closed}/t{i}" for i in range(300)]
        listing = tmp_path / "many.txt"
        listing.write_text("\n".join(targets) + "\n")
        code, out, _ = run_audit("-i", str(listing), "--json", "-c", "20", "--retries", "0")
    lines = jsonl(out)
    assert sorted(line["target"] for line in lines) == sorted(targets)
    assert sum(1 for line in lines if line["error"] is None) == 3
    assert code == 3
