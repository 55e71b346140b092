"""Repeated header lines through ASGI middleware: corskit against Starlette's CORSMiddleware, the inputs of issue 10
(defect 3), at n and 8n lines.

    .venv/bin/python bench/floods.py [--rounds 5]

20,000 ``Origin`` lines (645 KB, which uvicorn with httptools accepts) once blocked corskit's event loop for ~0.9 s
(the lines were joined pairwise, a quadratic loop); Starlette took 3 ms. A figure here is this thread's CPU time for
one request (time spent waiting for a core does not count), the best of *rounds* interleaved runs; the ratio is
corskit's over Starlette's, and the 8n column shows the cost grows linearly (8x the lines, about 8x the time).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import time
from collections.abc import Callable
from typing import Any

from starlette.middleware.cors import CORSMiddleware as StarletteCORS

from corskit.asgi import CORSMiddleware

ORIGIN = (b"origin", b"https://app.example.com")
ACRM = (b"access-control-request-method", b"PUT")
OPTIONS = {"allow_origins": ["https://app.example.com"], "allow_methods": ["PUT"], "allow_headers": ["x-token"]}

#: name: (method, header lines for n)
FLOODS: dict[str, tuple[str, Callable[[int], list[tuple[bytes, bytes]]]]] = {
    "Origin lines, preflight": ("OPTIONS", lambda n: [ORIGIN] * n + [ACRM]),
    "Origin lines, GET": ("GET", lambda n: [ORIGIN] * n),
    "Access-Control-Request-Headers lines": (
        "OPTIONS",
        lambda n: [ORIGIN, ACRM] + [(b"access-control-request-headers", b"x-token")] * (2 * n),
    ),
}


async def _app(scope: Any, receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"ok"})


def _cost(middleware: Any, method: str, headers: list[tuple[bytes, bytes]]) -> float:
    """Thread CPU seconds of one request through *middleware*."""
    scope = {"type": "http", "method": method, "path": "/", "headers": headers, "query_string": b"", "root_path": ""}
    scope |= {"scheme": "http", "http_version": "1.1", "asgi": {"version": "3.0"}}

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        pass

    coroutine = middleware(scope, receive, send)
    start = time.thread_time()
    with contextlib.suppress(StopIteration):
        coroutine.send(None)  # neither middleware suspends: one step runs the whole request
    return time.thread_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--lines", type=int, default=20_000, help="n (default 20,000, the issue's)")
    args = parser.parse_args()
    ours, theirs = CORSMiddleware(_app, **OPTIONS), StarletteCORS(_app, **OPTIONS)
    print(f"load average {os.getloadavg()[0]:.1f}; best of {args.rounds} interleaved rounds; thread CPU time")
    print(f"{'flood':38} {'lines':>7} {'corskit':>10} {'starlette':>10} {'ratio':>6} {'corskit 8n':>11}")
    gc.disable()
    try:
        for name, (method, make) in FLOODS.items():
            small, big = make(args.lines), make(8 * args.lines)
            best = {"corskit": float("inf"), "starlette": float("inf"), "8n": float("inf")}
            for _ in range(args.rounds):
                best["corskit"] = min(best["corskit"], _cost(ours, method, small))
                best["starlette"] = min(best["starlette"], _cost(theirs, method, small))
                best["8n"] = min(best["8n"], _cost(ours, method, big))
            print(
                f"{name:38} {len(small):>7,} {best['corskit'] * 1e3:>8.2f}ms {best['starlette'] * 1e3:>8.2f}ms "
                f"{best['corskit'] / best['starlette']:>5.2f}x {best['8n'] * 1e3:>9.2f}ms"
            )
    finally:
        gc.enable()


if __name__ == "__main__":
    main()
