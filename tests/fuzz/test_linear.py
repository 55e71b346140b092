"""Time is linear in the size of the input, everywhere an attacker controls the size.

Each test measures the cost at n and at 8n and allows 3 times the linear ratio: a quadratic path (64x) fails, a
linear or bounded one passes. The cost is this thread's CPU time (other processes on a busy machine do not count),
with the garbage collector off, the best of a few runs.
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import time
from collections.abc import Callable

import pytest

from corskit import Policy
from corskit.spec.headers import parse_token_list, split_list
from corskit.spec.hosts import parse_host
from corskit.spec.origins import normalize_origin, parse_origin, parse_url
from corskit.tools.scenario import ScenarioError, evaluate

from ._drive import DRIVERS, middleware, policies
from ._profile import SCALE

RATIO = 8
SLACK = 3


def _cost(run: Callable[[], object]) -> float:
    best = float("inf")
    gc.collect()
    gc.disable()  # a collection of the whole heap landing in one run is not the code's cost
    try:
        for _ in range(2):
            start = time.thread_time()
            run()
            best = min(best, time.thread_time() - start)
    finally:
        gc.enable()
    return best


def assert_linear(make: Callable[[int], Callable[[], object]], n: int) -> None:
    n *= SCALE
    small, big = _cost(make(n)), _cost(make(n * RATIO))
    # Half a millisecond of absolute slack: below that, timer noise dominates.
    assert big <= small * RATIO * SLACK + 0.0005, f"n={n}: {small * 1e3:.2f} ms, 8n: {big * 1e3:.2f} ms"


POLICY = policies()["exact"]
STAR = policies()["star"]

# --- request header floods through each adapter ----------------------------------------------------------------

FLOODS = {
    "origin lines": lambda n: [(b"origin", b"https://app.example.com")] * n,
    "request-method lines": lambda n: (
        [(b"origin", b"https://app.example.com")] + [(b"access-control-request-method", b"PUT")] * n
    ),
    "request-headers lines": lambda n: (
        [(b"origin", b"https://app.example.com"), (b"access-control-request-method", b"PUT")]
        + [(b"access-control-request-headers", b"x-token")] * n
    ),
    "one long request-headers line": lambda n: [
        (b"origin", b"https://app.example.com"),
        (b"access-control-request-method", b"PUT"),
        (b"access-control-request-headers", b"x-token," * n),
    ],
    "one long origin": lambda n: [(b"origin", b"https://" + b"a" * (n * 8) + b".example.com")],
    "other lines": lambda n: [(b"x-filler", b"y" * 16)] * n + [(b"origin", b"https://app.example.com")],
}


# Issue 10, defect 3: repeated lines (ASGI) are joined once, reading stops past the policy's bound.
# A WSGI server hands repeated lines over already joined into one value: for WSGI and Django the floods that matter
# are a long value and many distinct lines.
_ENVIRON_FLOODS = ("one long origin", "one long request-headers line", "other lines")
FLOOD_CASES = [
    pytest.param(adapter, method, flood, id=f"{adapter}-{method}-{flood}")
    for adapter in DRIVERS
    for method in ("GET", "OPTIONS")
    for flood in FLOODS
    if adapter == "asgi" or flood in _ENVIRON_FLOODS
]


@pytest.mark.parametrize(("adapter", "method", "flood"), FLOOD_CASES)
def test_header_floods_cost_linear_time_in_every_adapter(adapter: str, method: str, flood: str) -> None:
    mw = middleware(adapter, POLICY)
    drive = DRIVERS[adapter]

    def make(n: int) -> Callable[[], object]:
        lines = FLOODS[flood](n)
        return lambda: drive(mw, method, "/", lines, [])

    assert_linear(make, 1500 if adapter == "asgi" else 1000)


# --- the pure layers -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("what", "make"),
    [
        ("actual, long origin", lambda n: lambda: POLICY.actual("https://" + "a" * n + ".example.com")),
        ("actual, many joined origins", lambda n: lambda: POLICY.actual(", ".join(["https://a.example.com"] * n))),
        (
            "preflight, long header list",
            lambda n: lambda: POLICY.preflight("https://app.example.com", "PUT", "x-a," * n),
        ),
        ("preflight, star, long list", lambda n: lambda: STAR.preflight("https://x.example", "PUT", "x-a," * n)),
        ("preflight, long method", lambda n: lambda: POLICY.preflight("https://app.example.com", "P" * n)),
        ("split_list", lambda n: lambda: split_list("a, " * n)),
        ("parse_token_list", lambda n: lambda: parse_token_list("a,b ,, " * n)),
        ("parse_origin", lambda n: lambda: parse_origin("https://" + "a." * n + "com")),
        ("normalize_origin", lambda n: lambda: _refused(lambda: normalize_origin("https://" + "%41" * n))),
        ("parse_url, long path", lambda n: lambda: parse_url("http://a.test/" + "../a/" * n)),
        ("parse_url, long query", lambda n: lambda: parse_url("http://a.test/?" + "ü<" * n)),
        ("parse_host, many IPv4 parts", lambda n: lambda: parse_host("1." * n + "1")),
        ("parse_host, long IPv4 number", lambda n: lambda: parse_host("0" * n + "1")),
        ("parse_host, many IPv6 groups", lambda n: lambda: parse_host("[" + "1:" * n + "1]")),
        ("parse_host, escapes", lambda n: lambda: parse_host("%41" * n)),
        ("parse_host, IDN labels", lambda n: lambda: parse_host("ü." * (n // 8) + "a")),
        ("parse_host, bad escapes", lambda n: lambda: parse_host("a" + "%zz" * n)),
        ("parse_url, long IDN host", lambda n: lambda: parse_url("http://" + "ü." * min(n, 400) + "a" * n + "/")),
    ],
)
def test_the_pure_layers_cost_linear_time(what: str, make: Callable[[int], Callable[[], object]]) -> None:
    assert_linear(make, 1000)


def _refused(run: Callable[[], object]) -> None:
    with contextlib.suppress(ValueError):
        run()


def _scenario(n: int) -> dict[str, object]:
    headers = [[f"X-H{i}", "v"] for i in range(n)]
    return {
        "origin": "http://app.test",
        "request": {"url": "http://api.test/r", "method": "PUT", "headers": headers},
        "server": [
            {
                "method": "OPTIONS",
                "url": "http://api.test/r",
                "status": 204,
                "headers": [
                    ["Access-Control-Allow-Origin", "http://app.test"],
                    ["Access-Control-Allow-Methods", "PUT"],
                    ["Access-Control-Allow-Headers", ", ".join(h[0] for h in headers)],
                ],
            },
            {"url": "http://api.test/r", "headers": [["Access-Control-Allow-Origin", "http://app.test"]] * n},
        ],
    }


def test_a_scenario_costs_linear_time_in_its_size() -> None:
    def make(n: int) -> Callable[[], object]:
        data = _scenario(n)

        def run() -> object:
            try:
                return evaluate(data)
            except ScenarioError:
                return None

        return run

    assert_linear(make, 100)


def test_never_seen_origins_cost_the_same_each() -> None:
    # A flood of distinct origins: the 8,000th costs what the first did (bounded caches, no rescans).
    policy = Policy(allow_origins=["https://app.example.com"], allow_origin_regex=r"https://[a-z0-9]+\.example\.com")
    fresh = itertools.count()

    def make(n: int) -> Callable[[], object]:
        return lambda: [policy.actual(f"https://x{next(fresh)}.example.com") for _ in range(n)]

    assert_linear(make, 500)


def test_the_flood_bench_runs() -> None:
    # bench/floods.py times issue 10's floods against Starlette (the figures are its, never asserted here).
    import subprocess
    import sys
    from pathlib import Path

    script = Path(__file__).resolve().parents[2] / "bench" / "floods.py"
    done = subprocess.run(
        [sys.executable, str(script), "--rounds", "1", "--lines", "200"], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    rows = [line for line in done.stdout.splitlines() if line.endswith("ms") and "x " in line]
    assert len(rows) == 3, done.stdout
