"""One scan, several broken targets: each failure is reported for its own target and the others are still audited."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest

from tests.audit.conftest import jsonl, run_audit
from tests.audit.zoo import free_port
from tests.loopback import Seen, Server, serve


@pytest.fixture
def silent() -> Iterator[str]:
    """Accepts connections (the kernel does) and never answers."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/"
    finally:
        sock.close()


def reflecting(seen: Seen) -> tuple[int, list[tuple[str, str]], bytes]:
    origin = seen.headers.get("origin")
    headers = [("Vary", "Origin")]
    if origin:
        headers += [("Access-Control-Allow-Origin", origin), ("Access-Control-Allow-Credentials", "true")]
    return 200, headers, b"{}"


@pytest.fixture
def good() -> Iterator[Server]:
    with serve(reflecting) as server:
        yield server


@pytest.fixture
def looping() -> Iterator[Server]:
    with serve(lambda seen: (302, [("Location", "/again")], b"")) as server:
        yield server


def test_broken_targets_are_reported_and_never_stop_the_scan(
    good: Server, looping: Server, silent: str, tmp_path
) -> None:
    refused = f"http://127.0.0.1:{free_port()}/"
    tls_on_plain_http = good.url.replace("http://", "https://") + "/tls"
    targets = {
        "refused": refused,
        "timeout": silent,
        "loop": looping.url + "/start",
        "tls": tls_on_plain_http,
        "not-a-url": "not a url at all",
        "ftp": "ftp://files.example.com/",
        "good": good.url + "/api",
    }
    listing = tmp_path / "targets.txt"
    listing.write_text("# broken on purpose\n\n" + "\n".join(targets.values()) + "\n")
    started = time.monotonic()
    code, out, _ = run_audit("-i", str(listing), "--json", "--timeout", "0.4", "--retries", "1", "-c", "4")
    elapsed = time.monotonic() - started
    lines = {line["target"]: line for line in jsonl(out)}
    assert len(lines) == len(targets)
    errors = {name: lines[url]["error"] for name, url in targets.items()}
    assert "refused" in errors["refused"]
    assert "timed out" in errors["timeout"]
    assert "redirect loop" in errors["loop"]
    assert "TLS" in errors["tls"]
    assert "not an http(s) URL" in errors["not-a-url"]
    assert "not an http(s) URL" in errors["ftp"]
    assert errors["good"] is None
    found = {f["class"]: f["severity"] for f in lines[targets["good"]]["findings"]}
    assert found["arbitrary_origin_reflected"] == "high"
    assert code == 3  # some targets could not be audited, and no --fail-on threshold was reached
    assert elapsed < 10  # one timeout (with one retry) does not hold the others up
    # The redirect loop was detected without 20 real requests per probe: each hop was fetched once.
    assert len(looping.seen) <= 3


def test_failure_of_a_single_target_exits_1_when_findings_reach_fail_on(good: Server) -> None:
    refused = f"http://127.0.0.1:{free_port()}/"
    code, out, _ = run_audit(refused, good.url, "--json", "--fail-on", "high", "--retries", "0")
    assert code == 1
    assert len(jsonl(out)) == 2


def test_probe_failures_after_a_good_baseline_are_reported_with_the_findings() -> None:
    state = {"n": 0}

    def flaky(seen: Seen) -> tuple[int, list[tuple[str, str]], bytes]:
        state["n"] += 1
        if seen.headers.get("origin") == "null":
            raise ConnectionAbortedError("drop this one")  # the server closes the connection: no response
        return reflecting(seen)

    with serve(flaky) as server:
        code, out, _ = run_audit(server.url, "--json", "--retries", "1", "--timeout", "2")
    (line,) = jsonl(out)
    assert line["error"] is not None
    assert "null" in line["error"]
    assert {f["class"] for f in line["findings"]} >= {"arbitrary_origin_reflected"}
    assert code == 3
