"""``make load`` and ``make soak`` work end to end: real servers, wrk, the CORS answer checked before the first
run, no errors, the server's memory read.

Smoke runs (1 s per run, one round, the ASGI stack); the figures themselves are ``make load``'s, never asserted.
Needs Debian's wrk: skipped without it, unless CORSKIT_REQUIRE_WRK=1 (CI installs it).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent


def load(*args: str) -> subprocess.CompletedProcess[str]:
    if shutil.which("wrk") is None:
        reason = "wrk is not installed (Debian: apt-get install --no-install-recommends wrk)"
        if os.environ.get("CORSKIT_REQUIRE_WRK", "") not in ("", "0"):
            pytest.fail(f"{reason} (CORSKIT_REQUIRE_WRK=1 makes this a failure)", pytrace=False)
        pytest.skip(reason)
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "load.py"), *args], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return done


def test_a_short_load_run_serves_every_request() -> None:
    done = load("run", "--seconds", "1", "--rounds", "1", "--connections", "4", "--stacks", "asgi")
    rows = [line for line in done.stdout.splitlines() if line.startswith("| asgi |")]
    assert len(rows) == 6, done.stdout
    assert all(row.rstrip().endswith("| 0 |") for row in rows), rows  # the error count of each row


def test_a_short_soak_serves_every_request_and_reports_memory() -> None:
    done = load("soak", "--seconds", "1", "--origins", "500", "--connections", "4", "--json")
    report = json.loads(done.stdout.splitlines()[-1])
    assert report["errors"] == 0
    assert report["requests"] > 0
    assert report["distinct_origins"] == 500
    # A live server's RSS, read before and after.
    assert report["rss_before_kib"] > 1024
    assert report["rss_after_kib"] > 1024
