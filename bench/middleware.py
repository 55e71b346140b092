"""Per-request overhead of CORS middleware over a bare app, corskit against its peers, warm and cold, in one run.

    make bench                                # about 3 minutes; progress on stderr
    .venv/bin/python bench/middleware.py [--quick] [--stacks asgi,wsgi,django] [--json FILE] [--docs]

Stacks: ASGI (corskit.asgi vs Starlette's CORSMiddleware, over a bare ASGI app), WSGI (corskit.wsgi vs flask-cors,
over a bare Flask app), Django (corskit.django vs django-cors-headers, over Django's WSGIHandler). Every request
carries the headers Chromium 156 sends with a cross-origin fetch(), and every case is measured twice:

* warm: the same Origin on every call, as a returning user's browser sends it;
* cold: a never-seen Origin on every call (preview deployments, tenants' subdomains, scanners). For an exact
  list, a never-seen origin is necessarily one the list does not name.

Each callable is called in-process (an ASGI coroutine that never suspends is driven with ``send(None)``). A figure
is CPU time per call (``time.process_time``: time the process spends waiting for a core does not count). The bare
app, the peer and corskit are timed in interleaved rounds; a ratio is the median over rounds of
(corskit - bare) / (peer - bare) within one round, an overhead the median of (x - bare).

``--docs`` writes the tables into docs/server.md (between its ``bench:middleware`` markers): the one place the
figures are quoted (README links there).
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import os
import re
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ALLOWED = "https://app.example.com"
DISALLOWED = "https://evil.example.net"
SUBDOMAIN = "https://eu.app.example.com"
PATTERN = "https://*.app.example.com"
PATTERN_REGEX = r"https://([a-z0-9-]+\.)+app\.example\.com"  # what the peers are given for PATTERN
REGEX = r"https://[a-z0-9-]+\.example\.com"
NEW_ORIGIN = "https://new{n}.example.net"  # a never-seen origin that no exact list names
METHODS = ["GET", "POST", "PUT", "DELETE"]
HEADERS = ["x-requested-with", "authorization"]


@dataclass(frozen=True)
class Case:
    """One configuration, the Origin a warm call sends, and the never-seen ones cold calls send (``{n}``)."""

    name: str
    warm: str
    cold: str
    origins: tuple[str, ...] = ()  # exact origins (the allowed one last: the worst case for a linear scan)
    pattern: str | None = None  # corskit's subdomain wildcard; the peers get the equivalent regex
    regex: str | None = None
    preflight: bool = False

    @property
    def method(self) -> str:
        return "OPTIONS" if self.preflight else "GET"


def _filler(n: int) -> tuple[str, ...]:
    return tuple(f"https://site{i}.example.org" for i in range(n))


CASES = [
    Case("1 exact origin", ALLOWED, NEW_ORIGIN, (ALLOWED,)),
    Case("50 exact origins", ALLOWED, NEW_ORIGIN, (*_filler(49), ALLOWED)),
    Case("10,000 exact origins", ALLOWED, NEW_ORIGIN, (*_filler(9999), ALLOWED)),
    Case("disallowed origin", DISALLOWED, "https://evil{n}.example.net", (ALLOWED,)),
    Case("subdomain pattern", SUBDOMAIN, "https://p{n}.app.example.com", pattern=PATTERN),
    Case("pattern look-alike", SUBDOMAIN + ".evil.net", "https://p{n}.app.example.com.evil.net", pattern=PATTERN),
    Case("regex", ALLOWED, "https://p{n}.example.com", regex=REGEX),
    Case("preflight, exact origin", ALLOWED, NEW_ORIGIN, (ALLOWED,), preflight=True),
    Case("preflight, subdomain pattern", SUBDOMAIN, "https://p{n}.app.example.com", pattern=PATTERN, preflight=True),
]

USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36"


def request_headers(case: Case, origin: str) -> list[tuple[str, str]]:
    """The headers Chromium 156 sends with a cross-origin ``fetch()`` (captured on loopback), in its order."""
    if case.preflight:
        return [
            ("host", "api.example.com"),
            ("connection", "keep-alive"),
            ("accept", "*/*"),
            ("access-control-request-method", "PUT"),
            ("access-control-request-headers", "authorization"),
            ("origin", origin),
            ("user-agent", USER_AGENT),
            ("sec-fetch-mode", "cors"),
            ("sec-fetch-site", "cross-site"),
            ("sec-fetch-dest", "empty"),
            ("referer", origin + "/"),
            ("accept-encoding", "gzip, deflate, br, zstd"),
            ("accept-language", "en-US,en;q=0.9"),
        ]
    return [
        ("host", "api.example.com"),
        ("connection", "keep-alive"),
        ("sec-ch-ua-platform", '"Linux"'),
        ("user-agent", USER_AGENT),
        ("sec-ch-ua", '"Not:A-Brand";v="8", "Chromium";v="156"'),
        ("sec-ch-ua-mobile", "?0"),
        ("accept", "*/*"),
        ("origin", origin),
        ("sec-fetch-site", "cross-site"),
        ("sec-fetch-mode", "cors"),
        ("sec-fetch-dest", "empty"),
        ("referer", origin + "/"),
        ("accept-encoding", "gzip, deflate, br, zstd"),
        ("accept-language", "en-US,en;q=0.9"),
    ]


class Origins:
    """The Origin of each call: always the warm one, or a never-seen one per call (as bytes and as text)."""

    def __init__(self, case: Case, cold: bool) -> None:
        self.template = case.cold if cold else None
        self.fixed = case.warm
        self.n = 0

    def next(self) -> str:
        if self.template is None:
            return self.fixed
        self.n += 1
        return self.template.format(n=self.n)


# --- ASGI ----------------------------------------------------------------------------------------------------------


async def bare_asgi(scope: Any, receive: Any, send: Any) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"text/plain"), (b"content-length", b"2")],
        }
    )
    await send({"type": "http.response.body", "body": b"ok"})


async def _receive() -> dict[str, Any]:
    return {"type": "http.request", "body": b"", "more_body": False}


async def _send(message: Any) -> None:
    return None


def asgi_caller(app: Any, case: Case, cold: bool) -> Callable[[], None]:
    headers = [(n.encode(), v.encode()) for n, v in request_headers(case, case.warm)]
    at = next(i for i, (name, _) in enumerate(headers) if name == b"origin")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": case.method,
        "scheme": "https",
        "path": "/api/items",
        "raw_path": b"/api/items",
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }
    origins = Origins(case, cold)

    def call() -> None:
        headers[at] = (b"origin", origins.next().encode())
        coro = app(scope, _receive, _send)
        try:
            coro.send(None)
        except StopIteration:
            return
        raise RuntimeError("the ASGI app suspended")

    return call


def corskit_asgi(case: Case) -> Any:
    from corskit.asgi import CORSMiddleware

    origins = [*case.origins, case.pattern] if case.pattern else list(case.origins)
    return CORSMiddleware(
        bare_asgi, allow_origins=origins, allow_origin_regex=case.regex, allow_methods=METHODS, allow_headers=HEADERS
    )


def starlette_asgi(case: Case) -> Any:
    from starlette.middleware.cors import CORSMiddleware

    regex = PATTERN_REGEX if case.pattern else case.regex
    return CORSMiddleware(
        bare_asgi,
        allow_origins=list(case.origins),
        allow_origin_regex=regex,
        allow_methods=METHODS,
        allow_headers=HEADERS,
    )


# --- WSGI (Flask) -------------------------------------------------------------------------------------------------


def _environ(case: Case) -> dict[str, Any]:
    environ: dict[str, Any] = {
        "REQUEST_METHOD": case.method,
        "SCRIPT_NAME": "",
        "PATH_INFO": "/api/items",
        "QUERY_STRING": "",
        "SERVER_NAME": "api.example.com",
        "SERVER_PORT": "443",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "https",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    for name, value in request_headers(case, case.warm):
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    return environ


def _start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
    return None


def wsgi_caller(app: Any, case: Case, cold: bool) -> Callable[[], None]:
    environ = _environ(case)
    origins = Origins(case, cold)

    def call() -> None:
        env = dict(environ)
        env["HTTP_ORIGIN"] = origins.next()
        body = app(env, _start_response)
        for _ in body:
            pass
        close = getattr(body, "close", None)
        if close is not None:
            close()

    return call


def flask_app() -> Any:
    from flask import Flask

    app = Flask(__name__)  # not "bench": tests import the bench/ folder as a package of that name

    @app.route("/api/items", methods=["GET", "POST", "PUT", "DELETE", "OPTIONS"])
    def items() -> tuple[str, int, dict[str, str]]:
        return "ok", 200, {"Content-Type": "text/plain"}

    return app


def corskit_flask(case: Case) -> Any:
    from corskit.wsgi import CORSMiddleware

    app = flask_app()
    origins = [*case.origins, case.pattern] if case.pattern else list(case.origins)
    app.wsgi_app = CORSMiddleware(  # type: ignore[method-assign]
        app.wsgi_app, allow_origins=origins, allow_origin_regex=case.regex, allow_methods=METHODS, allow_headers=HEADERS
    )
    return app


def flask_cors_app(case: Case) -> Any:
    from flask_cors import CORS

    app = flask_app()
    origins: list[Any] = list(case.origins)
    if case.pattern:
        origins.append(PATTERN_REGEX)
    if case.regex:
        origins.append(case.regex)
    CORS(app, origins=origins, methods=METHODS, allow_headers=HEADERS)
    return app


# --- Django -------------------------------------------------------------------------------------------------------


def setup_django() -> None:
    import django
    from django.conf import settings

    if settings.configured:
        return
    settings.configure(
        DEBUG=False,
        SECRET_KEY="bench",
        ALLOWED_HOSTS=["*"],
        ROOT_URLCONF=__name__,
        MIDDLEWARE=[],
        INSTALLED_APPS=[],
        USE_TZ=True,
        CORSKIT={},
    )
    django.setup()


def _django_view(request: Any) -> Any:
    from django.http import HttpResponse

    return HttpResponse(b"ok", content_type="text/plain")


def __getattr__(name: str) -> Any:
    if name == "urlpatterns":  # Django's ROOT_URLCONF, resolved lazily after settings are configured
        from django.urls import path

        return [path("api/items", _django_view)]
    raise AttributeError(name)


def django_settings(case: Case) -> None:
    """Settings for *case*: django-cors-headers reads them on every request, corskit when the handler is built."""
    from django.conf import settings

    regexes = [PATTERN_REGEX] if case.pattern else ([case.regex] if case.regex else [])
    settings.CORS_ALLOWED_ORIGINS = list(case.origins)
    settings.CORS_ALLOWED_ORIGIN_REGEXES = regexes
    settings.CORS_ALLOW_METHODS = METHODS
    settings.CORS_ALLOW_HEADERS = HEADERS
    settings.CORSKIT = {
        "allow_origins": [*case.origins, case.pattern] if case.pattern else list(case.origins),
        "allow_origin_regex": case.regex,
        "allow_methods": METHODS,
        "allow_headers": HEADERS,
    }


def django_handler(middleware: list[str], case: Case) -> Any:
    from django.conf import settings
    from django.core.handlers.wsgi import WSGIHandler

    django_settings(case)
    settings.MIDDLEWARE = middleware
    return WSGIHandler()


# --- measuring ----------------------------------------------------------------------------------------------------

STACKS = {
    "asgi": ("ASGI", "Starlette", "corskit.asgi vs Starlette's CORSMiddleware, over a bare ASGI app"),
    "wsgi": ("WSGI", "flask-cors", "corskit.wsgi vs flask-cors, over a bare Flask app"),
    "django": ("Django", "django-cors-headers", "corskit.django vs django-cors-headers, over Django's WSGIHandler"),
}


@dataclass
class Group:
    """What one figure measures: the bare app, the peer and corskit, for one stack, case and temperature."""

    stack: str
    case: Case
    cold: bool
    calls: list[Callable[[], None]]
    setup: Callable[[], None] | None = None


def groups(stacks: list[str]) -> list[Group]:
    out: list[Group] = []
    for stack in stacks:
        for case in CASES:
            for cold in (False, True):
                if stack == "asgi":
                    apps = [bare_asgi, starlette_asgi(case), corskit_asgi(case)]
                    out.append(Group(stack, case, cold, [asgi_caller(app, case, cold) for app in apps]))
                elif stack == "wsgi":
                    apps = [flask_app(), flask_cors_app(case), corskit_flask(case)]
                    out.append(Group(stack, case, cold, [wsgi_caller(app, case, cold) for app in apps]))
                else:
                    setup_django()
                    handlers = [
                        django_handler([], case),
                        django_handler(["corsheaders.middleware.CorsMiddleware"], case),
                        django_handler(["corskit.django.CorsMiddleware"], case),
                    ]
                    calls = [wsgi_caller(h, case, cold) for h in handlers]
                    out.append(Group(stack, case, cold, calls, setup=lambda case=case: django_settings(case)))
    return out


def batch_sizes(calls: list[Callable[[], None]], batch: float) -> list[int]:
    """How many calls of each make a batch of about *batch* seconds (after a warm-up)."""
    sizes = []
    for call in calls:
        for _ in range(20):
            call()
        n, start = 0, time.process_time()
        while time.process_time() - start < batch / 4:
            call()
            n += 1
        sizes.append(max(10, n * 4))
    return sizes


def timed(call: Callable[[], None], size: int) -> float:
    """CPU seconds per call over *size* calls, with the garbage collector paused (as timeit does)."""
    gc.collect()
    gc.disable()
    try:
        start = time.process_time()
        for _ in range(size):
            call()
        return (time.process_time() - start) / size
    finally:
        gc.enable()


@dataclass
class Figure:
    stack: str
    case: str
    cold: bool
    bare_us: float
    peer_us: float
    corskit_us: float
    ratio: float
    #: How far corskit's overhead strays between rounds (the median of its distances to the median): an overhead no
    #: larger than this cannot be told apart from the bare app's.
    spread_us: float = 0.0

    @property
    def resolved(self) -> bool:
        """True when corskit's overhead stands out of the noise (above it, or, for a preflight, below zero)."""
        return abs(self.corskit_us) > self.spread_us


def measure(group: Group, rounds: int, batch: float) -> Figure:
    """Interleaved, paired rounds: each round times the bare app, the peer and corskit back to back."""
    if group.setup is not None:
        group.setup()
    sizes = batch_sizes(group.calls, batch)
    per_round: list[tuple[float, float, float]] = []
    for r in range(rounds):
        times = [0.0, 0.0, 0.0]
        for i in (r % 3, (r + 1) % 3, (r + 2) % 3):  # rotate the order: no callable always goes first
            times[i] = timed(group.calls[i], sizes[i])
        per_round.append((times[0], times[1], times[2]))
    bare = statistics.median(t[0] for t in per_round)
    peer = statistics.median(t[1] - t[0] for t in per_round)
    ours = statistics.median(t[2] - t[0] for t in per_round)
    spread = statistics.median(abs(t[2] - t[0] - ours) for t in per_round)
    ratios = [(t[2] - t[0]) / (t[1] - t[0]) for t in per_round if t[1] > t[0]]
    ratio = statistics.median(ratios) if ratios else float("nan")
    return Figure(group.stack, group.case.name, group.cold, bare * 1e6, peer * 1e6, ours * 1e6, ratio, spread * 1e6)


#: The ASGI rows test the middleware itself (the bare app costs 1–1.5 µs) and are quick to time: three times the
#: rounds, for steadier ratios.
ASGI_ROUNDS = 3


def run(*, stacks: list[str], rounds: int, batch: float, progress: bool = True) -> list[Figure]:
    todo = groups(stacks)
    figures = []
    for i, group in enumerate(todo, 1):
        figure = measure(group, rounds * ASGI_ROUNDS if group.stack == "asgi" else rounds, batch)
        figures.append(figure)
        if progress:
            temperature = "cold" if group.cold else "warm"
            print(
                f"[{i:2}/{len(todo)}] {STACKS[group.stack][0]:6} {group.case.name:29} {temperature}  "
                f"{figure.ratio:.2f}× {STACKS[group.stack][1]}",
                file=sys.stderr,
                flush=True,
            )
    return figures


# --- reporting ----------------------------------------------------------------------------------------------------


def _overhead(f: Figure) -> str:
    # Within the noise, a figure (even a negative one) says nothing but how large the noise is.
    return f"{f.corskit_us:.2f}" if f.resolved else f"±{f.spread_us:.2f}"


def _ratio(f: Figure) -> str:
    if not f.resolved:
        return "in the noise"
    # A negative overhead: corskit answered the preflight itself, faster than the bare app routes OPTIONS.
    return f"{f.ratio:.2f}×" if f.corskit_us > 0 else "faster than bare"


def render(figures: list[Figure]) -> str:
    """Markdown: one table per stack, warm and cold side by side, then a summary of the worst ratios."""
    out: list[str] = []
    for stack, (label, peer, what) in STACKS.items():
        rows = [f for f in figures if f.stack == stack]
        if not rows:
            continue
        by = {(f.case, f.cold): f for f in rows}
        bare = statistics.median(f.bare_us for f in rows if not f.cold)
        out += [
            f"**{label}**: {what} (bare app {bare:.2f} µs per request). Overhead in µs (±x: no more than the "
            "noise of that figure's rounds, x):",
            "",
            f"| case | {peer} warm | corskit warm | ratio | {peer} cold | corskit cold | ratio |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for case in CASES:
            warm, cold = by.get((case.name, False)), by.get((case.name, True))
            if warm is None or cold is None:
                continue
            out.append(
                f"| {case.name} | {warm.peer_us:.2f} | {_overhead(warm)} | {_ratio(warm)} "
                f"| {cold.peer_us:.2f} | {_overhead(cold)} | {_ratio(cold)} |"
            )
        out += ["", summary(rows, label, peer), ""]
    return "\n".join(out).rstrip() + "\n"


def _cost(f: Figure) -> str:
    return f"{f.corskit_us:.2f} µs" if f.resolved else f"less than its noise ({f.spread_us:.2f} µs)"


def summary(rows: list[Figure], label: str, peer: str) -> str:
    """The worst warm and cold ratios of one stack, and what 10,000 exact origins cost against 1."""
    counted = [f for f in rows if f.resolved and f.corskit_us > 0]
    warm = max((f.ratio for f in counted if not f.cold), default=float("nan"))
    cold = max((f.ratio for f in counted if f.cold), default=float("nan"))
    text = f"{label}: corskit's overhead is at most {warm:.2f}× {peer}'s warm and {cold:.2f}× cold."
    by = {(f.case, f.cold): f for f in rows}
    one, many = by.get(("1 exact origin", False)), by.get(("10,000 exact origins", False))
    if one and many:
        text += (
            f" 10,000 exact origins cost {_cost(many)}, 1 costs {_cost(one)}"
            f" ({peer}: {many.peer_us:.2f} µs and {one.peer_us:.2f} µs)."
        )
    return text


ROOT = Path(__file__).resolve().parents[1]


def write_between_markers(path: Path, text: str) -> None:
    """Replace what lies between ``<!-- bench:middleware -->`` and ``<!-- /bench:middleware -->`` in *path*."""
    source = path.read_text()
    pattern = re.compile(r"(<!-- bench:middleware -->\n).*?(<!-- /bench:middleware -->)", re.S)
    if not pattern.search(source):
        raise SystemExit(f"{path}: no <!-- bench:middleware --> markers")
    path.write_text(pattern.sub(lambda m: m.group(1) + text + m.group(2), source, count=1))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="fewer, shorter rounds (about 20 s; noisier)")
    parser.add_argument("--stacks", default="asgi,wsgi,django", help="comma-separated: asgi, wsgi, django")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    parser.add_argument("--docs", action="store_true", help="write the tables into docs/server.md")
    args = parser.parse_args(argv)
    stacks = [s for s in args.stacks.split(",") if s]
    unknown = [s for s in stacks if s not in STACKS]
    if unknown:
        parser.error(f"unknown stack(s) {', '.join(unknown)}; choose from {', '.join(STACKS)}")
    rounds, batch = (5, 0.004) if args.quick else (11, 0.012)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    started, cpu = time.perf_counter(), time.process_time()
    figures = run(stacks=stacks, rounds=rounds, batch=batch)
    python = f"CPython {sys.version.split()[0]}"
    how = (
        f"{python}, {os.cpu_count()} CPUs, load average {load:.1f} at the start; `bench/middleware.py` ({rounds}"
        f" interleaved rounds, {rounds * ASGI_ROUNDS} for ASGI, of ≈{batch * 1000:.0f} ms batches per figure, CPU"
        f" time; the run took {time.process_time() - cpu:.0f} s of CPU, {time.perf_counter() - started:.0f} s of"
        " wall time)"
    )
    report = f"{how}:\n\n{render(figures)}"
    print(report)
    if args.json:
        Path(args.json).write_text(json.dumps([f.__dict__ for f in figures], indent=2) + "\n")
    if args.docs:
        write_between_markers(ROOT / "docs" / "server.md", report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
