"""What an origin store costs a decision, against static ``allow_origins``, from one run.

    make bench                       # or: .venv/bin/python bench/stores.py [--quick] [--json FILE]

Starts a private redis-server on a loopback port (Debian's package; without it, only the in-memory rows run).
Each row is nanoseconds per decision, the best of interleaved timed batches (every case is timed once per round,
so that machine noise spreads over all of them), and its ratio to the static row of the same kind:

* sync ``Policy.actual`` / async ``Policy.aactual``, and a whole ASGI middleware call (an app that answers at
  once, driven without an event loop), for: an origin in ``allow_origins``; a warm stored origin (in-memory
  store, Redis store); a warm stored origin while another process publishes invalidations of other origins
  (``--rate`` a second);
* per decision for never-seen origins (every one a Redis round trip), and for a stored origin invalidated
  before every request (a round trip each: the worst case of invalidation traffic).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from typing import Any

from corskit import Policy
from corskit.asgi import CORSMiddleware
from corskit.stores import MemoryOriginStore

STATIC = "https://app.example.com"
STORED = "https://shop.example"


@dataclass
class Row:
    kind: str
    case: str
    ns: float
    ratio: float | None = None


def best_of(
    calls: dict[str, Callable[[], object]], *, batch: int, rounds: int, traffic: Callable[[bool], None] | None = None
) -> dict[str, float]:
    """Nanoseconds per call, the best batch of each, the cases interleaved round by round. Cases whose name says
    "invalidations" run with *traffic* on, the others with it off (it is switched twice a round)."""
    best = dict.fromkeys(calls, float("inf"))
    for _ in range(rounds):
        gc.collect()
        gc.disable()  # as timeit does: a collection must not land in one batch and not another
        try:
            for name, call in calls.items():
                if traffic is not None:
                    traffic("invalidations" in name)
                start = time.perf_counter()
                for _ in range(batch):
                    call()
                best[name] = min(best[name], (time.perf_counter() - start) / batch * 1e9)
        finally:
            gc.enable()
    if traffic is not None:
        traffic(False)
    return best


def _drive(coroutine: Any) -> Any:
    """Run a coroutine that never suspends (a warm decision), without an event loop."""
    try:
        coroutine.send(None)
    except StopIteration as done:
        return done.value
    raise RuntimeError("the coroutine suspended: the decision was not warm")


async def _app(scope: Any, receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"ok"})


async def _noop_send(message: Any) -> None:
    return None


def asgi_call(policy: Policy, origin: str) -> Callable[[], None]:
    middleware = CORSMiddleware(_app, policy)
    headers = [(b"host", b"api.example"), (b"origin", origin.encode()), (b"accept", b"*/*")]

    def call() -> None:
        scope = {"type": "http", "method": "GET", "path": "/", "headers": headers}
        _drive(middleware(scope, None, _noop_send))  # type: ignore[arg-type]

    return call


def decision_calls(policy: Policy, origin: str) -> dict[str, Callable[[], object]]:
    return {
        "sync": lambda: policy.actual(origin),
        "async": lambda: _drive(policy.aactual(origin)),
        "ASGI": asgi_call(policy, origin),
    }


# --- Redis ---------------------------------------------------------------------------------------------------------


@contextmanager
def redis_server() -> Iterator[str | None]:
    """A private redis-server's URL, or None when it is not installed."""
    binary = shutil.which("redis-server")
    if binary is None:
        yield None
        return
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with tempfile.TemporaryDirectory(prefix="corskit-bench-") as directory:
        args = [binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", directory, "--save", ""]
        process = subprocess.Popen([*args, "--logfile", "redis.log"], stdin=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 10
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.02)
            yield f"redis://127.0.0.1:{port}/0"
        finally:
            process.kill()
            process.wait()


_PUBLISHER = """
import sys, time, redis
client, channel, rate = redis.Redis.from_url(sys.argv[1]), sys.argv[2], float(sys.argv[3])
i = 0
while True:
    for _ in range(int(rate / 100)):
        i += 1
        client.publish(channel, f"https://other-{i}.example")
    time.sleep(0.01)
"""


@contextmanager
def invalidation_traffic(url: str, channel: str, rate: float) -> Iterator[Callable[[bool], None]]:
    """Another process publishing invalidations of other origins at about *rate* a second, while switched on."""
    process = subprocess.Popen([sys.executable, "-c", _PUBLISHER, url, channel, str(rate)])
    state = {"on": True}

    def switch(on: bool) -> None:
        if on != state["on"]:
            process.send_signal(signal.SIGCONT if on else signal.SIGSTOP)
            state["on"] = on
            time.sleep(0.02)  # let the listener drain (or start receiving) before the batch is timed

    try:
        time.sleep(0.5)  # started and publishing
        yield switch
    finally:
        process.send_signal(signal.SIGCONT)
        process.terminate()
        process.wait()


def per_call_us(call: Callable[[], object], count: int) -> float:
    start = time.perf_counter()
    for _ in range(count):
        call()
    return (time.perf_counter() - start) / count * 1e6


# --- the run ---------------------------------------------------------------------------------------------------------


def run(*, batch: int, rounds: int, rate: float, misses: int) -> list[Row]:
    static = Policy(allow_origins=[STATIC])
    memory = Policy(allow_origins=[STATIC], origin_store=MemoryOriginStore([STORED]))
    cases: dict[str, dict[str, Callable[[], object]]] = {
        "static allow_origins": decision_calls(static, STATIC),
        "memory store, warm": decision_calls(memory, STORED),
    }
    extra: list[Row] = []
    with redis_server() as url:
        if url is None:
            print("bench/stores.py: redis-server is not installed; Redis rows skipped", file=sys.stderr)
            return _rows(best_per_kind(cases, batch, rounds), extra)
        from corskit.stores import RedisOriginStore

        store = RedisOriginStore(url, timeout=0.5)
        store.add(STORED)
        store.start()
        store.subscribed.wait(5)
        shared = Policy(allow_origins=[STATIC], origin_store=store)
        shared.actual(STORED)
        cases["Redis store, warm"] = decision_calls(shared, STORED)
        cases["Redis store, warm, invalidations"] = decision_calls(shared, STORED)
        received = store._cache.generation
        with invalidation_traffic(url, store.channel, rate) as traffic:
            figures = best_per_kind(cases, batch, rounds, traffic)
        received = store._cache.generation - received
        print(f"bench/stores.py: the worker received {received:,} invalidations during the run", file=sys.stderr)

        # Round trips: never-seen origins, and the stored origin invalidated before each request.
        counter = iter(range(10**9))
        extra.append(
            Row(
                "sync",
                "Redis store, never-seen origin",
                per_call_us(lambda: shared.actual(f"https://new-{next(counter)}.example"), misses) * 1000,
            )
        )
        extra.append(Row("async", "Redis store, never-seen origin", asyncio.run(_amisses(shared, misses)) * 1000))
        invalidate = store._cache.invalidate
        extra.append(
            Row(
                "sync",
                "Redis store, invalidated each time",
                per_call_us(lambda: (invalidate(STORED), shared.actual(STORED)), misses) * 1000,
            )
        )
        store.close()
    return _rows(figures, extra)


async def _amisses(policy: Policy, count: int) -> float:
    start = time.perf_counter()
    for i in range(count):
        await policy.aactual(f"https://anew-{i}.example")
    return (time.perf_counter() - start) / count * 1e6


def best_per_kind(
    cases: dict[str, dict[str, Callable[[], object]]],
    batch: int,
    rounds: int,
    traffic: Callable[[bool], None] | None = None,
) -> dict[str, float]:
    calls = {f"{kind}|{case}": call for case, kinds in cases.items() for kind, call in kinds.items()}
    return best_of(calls, batch=batch, rounds=rounds, traffic=traffic)


def _rows(figures: dict[str, float], extra: list[Row]) -> list[Row]:
    rows = []
    for key, ns in figures.items():
        kind, case = key.split("|")
        base = figures[f"{kind}|static allow_origins"]
        rows.append(Row(kind, case, ns, ns / base))
    for row in extra:
        row.ratio = row.ns / figures[f"{row.kind}|static allow_origins"]
    return sorted(rows, key=lambda r: ("sync", "async", "ASGI").index(r.kind)) + extra


def render(rows: list[Row]) -> str:
    lines = ["| path | case | per decision | vs static |", "|---|---|---:|---:|"]
    for row in rows:
        figure = f"{row.ns:,.0f} ns" if row.ns < 10_000 else f"{row.ns / 1000:,.0f} µs"
        lines.append(f"| {row.kind} | {row.case} | {figure} | {row.ratio:.2f}× |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a few seconds, rougher figures")
    parser.add_argument("--rate", type=float, default=2000.0, help="invalidations a second during the busy row")
    parser.add_argument("--json", metavar="FILE", help="also write the rows as JSON")
    args = parser.parse_args()
    batch, rounds, misses = (1000, 10, 200) if args.quick else (2000, 100, 2000)
    print(
        f"bench/stores.py: Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, "
        f"{rounds} rounds of {batch:,} decisions, invalidations at {args.rate:,.0f}/s",
        file=sys.stderr,
    )
    rows = run(batch=batch, rounds=rounds, rate=args.rate, misses=misses)
    print(render(rows))
    if args.json:
        with open(args.json, "w") as out:
            json.dump([asdict(r) for r in rows], out, indent=1)


if __name__ == "__main__":
    main()
