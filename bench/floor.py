"""The floor: what any correct ASGI CORS middleware spends on a request, as a fraction of Starlette's overhead.

    .venv/bin/python bench/floor.py [--quick]     # about 20 s

Hand-written middlewares, each one step closer to a correct one, none of which decides anything (the Origin is
allowed without a look): a bare ``async`` wrapper; + reading the request's ``Origin`` (every header line, as a
repeated Origin line must refuse the request); + wrapping ``send``; + adding the answer's headers to the
response (after checking the app's own for ``Access-Control-*`` and ``Vary``). The last one is the least a correct
middleware does on an allowed request; corskit is timed beside it, on the same request (bench/middleware.py's
"1 exact origin", warm), in the same interleaved rounds against Starlette's CORSMiddleware. A second table does the
same for a refusal ("disallowed origin", warm): a middleware that refuses every Origin without a look reads the
first ``Origin`` line, wraps ``send`` and adds ``Vary: Origin`` (after the same check of the app's headers), where
Starlette's refusal adds no header of its own but ``Vary``. Each step is written out in full, without a helper
shared with the others: a helper's call would be timed too.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._docs import replace_block  # noqa: E402
from bench.middleware import CASES, Group, asgi_caller, bare_asgi, corskit_asgi, measure, starlette_asgi  # noqa: E402

_ALLOW_ORIGIN = b"access-control-allow-origin"
_BLOCK = ((b"vary", b"Origin"),)


class Wrapper:
    """An ASGI middleware that does nothing: a class whose ``__call__`` awaits the app, as every middleware is."""

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await bare_asgi(scope, receive, send)


class ReadsOrigin:
    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        origin = None
        for name, value in scope["headers"]:
            if name == b"origin":
                if origin is not None:
                    break
                origin = value
        await bare_asgi(scope, receive, send)


class WrapsSend:
    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        origin = None
        for name, value in scope["headers"]:
            if name == b"origin":
                if origin is not None:
                    break
                origin = value
        started = False

        def send_with_cors(message: Any) -> Any:
            nonlocal started
            if not started and message["type"] == "http.response.start":
                started = True
            return send(message)

        await bare_asgi(scope, receive, send_with_cors)


class AddsHeaders:
    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        origin = None
        for name, value in scope["headers"]:
            if name == b"origin":
                if origin is not None:
                    break
                origin = value
        started = False

        def send_with_cors(message: Any) -> Any:
            nonlocal started
            if not started and message["type"] == "http.response.start":
                started = True
                headers = message.get("headers", ())
                for name, _ in headers:
                    if name < b"b" or b"v" <= name < b"w":
                        break
                message["headers"] = [*headers, (_ALLOW_ORIGIN, origin), *_BLOCK]
            return send(message)

        await bare_asgi(scope, receive, send_with_cors)


class RefusesVary:
    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        for name, _ in scope["headers"]:
            if name == b"origin":
                break
        started = False

        def send_with_cors(message: Any) -> Any:
            nonlocal started
            if not started and message["type"] == "http.response.start":
                started = True
                headers = message.get("headers", ())
                for name, _ in headers:
                    if name < b"b" or b"v" <= name < b"w":
                        break
                message["headers"] = [*headers, *_BLOCK]
            return send(message)

        await bare_asgi(scope, receive, send_with_cors)


STEPS = [
    ("an async wrapper", Wrapper()),
    ("+ reads Origin (every line)", ReadsOrigin()),
    ("+ wraps send", WrapsSend()),
    ("+ adds the headers (the floor)", AddsHeaders()),
]
#: The refusal's floor, timed on the "disallowed origin" case.
REFUSAL_STEPS = [("refuses without a look, adds Vary (the floor)", RefusesVary())]


def _case(name: str) -> Any:
    return next(case for case in CASES if case.name == name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer, shorter rounds (noisier)")
    parser.add_argument("--docs", action="store_true", help="write the table into docs/server.md")
    args = parser.parse_args(argv)
    rounds, batch = (5, 0.006) if args.quick else (31, 0.02)
    lines: list[str] = []
    for case, steps in [(CASES[0], STEPS), (_case("disallowed origin"), REFUSAL_STEPS)]:
        starlette = starlette_asgi(case)
        lines += [
            *([""] if lines else []),
            f"`python bench/floor.py`: ASGI, {case.name}, warm ({rounds} interleaved rounds; overhead over a bare app, "
            "in µs, against Starlette's CORSMiddleware timed in the same rounds):",
            "",
            "| middleware | overhead | Starlette's | ratio |",
            "|---|---:|---:|---:|",
        ]
        for name, app in [*steps, ("corskit.asgi", corskit_asgi(case))]:
            calls = [asgi_caller(a, case, cold=False) for a in (bare_asgi, starlette, app)]
            figure = measure(Group("asgi", case, False, calls), rounds, batch)
            lines.append(f"| {name} | {figure.corskit_us:.2f} | {figure.peer_us:.2f} | {figure.ratio:.2f}× |")
            print(lines[-1], flush=True)
    if args.docs:
        replace_block(ROOT / "docs" / "server.md", "<!-- bench:floor -->", "<!-- /bench:floor -->", "\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
