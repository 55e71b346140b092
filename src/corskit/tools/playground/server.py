"""The playground's two loopback origins, served by uvicorn in one process.

- **Origin A, the page** (Starlette): the static app, and a small JSON API only that page may call: ``POST
  /api/runs`` registers a run (the API's behaviour and the fetch) and answers with corskit's predictions;
  ``GET /api/runs/{id}`` says what origin B received.
- **Origin B, the API**: ``/r/{id}/start`` (and ``/final``) answered by the run's app (:mod:`.api`), recording every
  request it gets before answering.

Runs are kept in a bounded table (the oldest goes first); a run's URL is unique, so the browser's preflight cache
never carries over from one run to the next, while "send twice" reuses it on purpose. Both origins bind loopback
only, refuse other ``Host`` headers (DNS rebinding), and origin A's API refuses cross-origin posts.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import socket
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..fixes import STACKS
from .api import ASGIApp, Receive, Scope, Send, build_api
from .predict import LABELS, browsers, report
from .setup import Setup, SetupError, parse_setup

log = logging.getLogger("corskit")

STATIC = Path(__file__).parent / "static"
#: Runs kept at once, requests recorded per run, bytes of a run's JSON.
MAX_RUNS = 256
MAX_SEEN = 32
MAX_BODY = 64 * 1024


@dataclass
class Run:
    id: str
    setup: Setup
    app: ASGIApp
    seen: list[dict[str, Any]] = field(default_factory=list)

    def record(self, scope: Scope) -> None:
        """Note what origin B received: method, path and the headers that matter for CORS."""
        if len(self.seen) >= MAX_SEEN:
            return
        names = {"origin", "access-control-request-method", "access-control-request-headers"}
        names |= {n.lower() for n, _ in self.setup.fetch.headers}
        headers: list[list[str]] = []
        for raw_name, raw_value in scope["headers"]:
            name = raw_name.decode("latin-1")
            if name == "cookie":
                headers.append(["cookie", "(sent)"])
            elif name in names:
                headers.append([name, raw_value.decode("latin-1")[:512]])
        self.seen.append({"method": scope["method"], "path": scope["path"][:512], "headers": headers})


class Runs:
    """The bounded table of runs."""

    def __init__(self, limit: int = MAX_RUNS) -> None:
        self._limit = limit
        self._runs: OrderedDict[str, Run] = OrderedDict()

    def add(self, setup: Setup) -> Run:
        run_id = secrets.token_hex(8)
        run = Run(run_id, setup, build_api(setup.api, prefix(run_id)))
        self._runs[run_id] = run
        while len(self._runs) > self._limit:
            self._runs.popitem(last=False)
        return run

    def get(self, run_id: str) -> Run | None:
        return self._runs.get(run_id)


def prefix(run_id: str) -> str:
    return f"/r/{run_id}"


class ListenError(OSError):
    """A port the playground cannot listen on (taken, or not allowed): which one, and why."""

    def __init__(self, port: int, reason: str) -> None:
        super().__init__(f"cannot listen on port {port}: {reason}")
        self.port = port


class Playground:
    """Both origins on loopback: bind on construction (port 0: any free port), :meth:`serve` until stopped."""

    def __init__(self, *, page_port: int = 0, api_port: int = 0, host: str = "127.0.0.1") -> None:
        self.host = host
        self._sockets: list[socket.socket] = []
        for port in (page_port, api_port):
            try:
                self._sockets.append(_bind(host, port))
            except OSError as error:
                for sock in self._sockets:
                    sock.close()
                raise ListenError(port, error.strerror or str(error)) from error
        page, api = (s.getsockname()[1] for s in self._sockets)
        self.page_origin = f"http://{host}:{page}"
        self.api_origin = f"http://{host}:{api}"
        self.runs = Runs()
        self._servers: list[Any] = []

    @property
    def url(self) -> str:
        return self.page_origin + "/"

    async def serve(self) -> None:
        """Serve both origins until :meth:`stop` (or Ctrl-C)."""
        import uvicorn

        apps = [_trusted(page_app(self), self.page_origin), _trusted(self.api, self.api_origin)]
        self._servers = [
            uvicorn.Server(
                # No Server or Date header: the engine's in-process prediction sees exactly what the browser gets.
                uvicorn.Config(
                    app, log_level="warning", access_log=False, lifespan="off", server_header=False, date_header=False
                )
            )
            for app in apps
        ]
        await asyncio.gather(
            *(server.serve(sockets=[sock]) for server, sock in zip(self._servers, self._sockets, strict=True))
        )

    @property
    def started(self) -> bool:
        return len(self._servers) == 2 and all(s.started for s in self._servers)

    def stop(self) -> None:
        for server in self._servers:
            server.should_exit = True

    async def api(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Origin B: dispatch ``/r/{id}/…`` to the run's app, after noting the request."""
        if scope["type"] != "http":
            return
        parts = scope["path"].split("/", 3)
        run = self.runs.get(parts[2]) if len(parts) >= 4 and parts[1] == "r" else None
        if run is None:
            await Response("no such run: press Run on the playground page\n", 404)(scope, receive, send)
            return
        run.record(scope)
        await run.app(scope, receive, send)


@contextmanager
def running(playground: Playground | None = None) -> Iterator[Playground]:
    """Run a playground in a background thread (tests, scripts); stop it on exit."""
    playground = playground or Playground()
    thread = threading.Thread(target=asyncio.run, args=(playground.serve(),), name="corskit-playground", daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not playground.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the playground did not start")
        time.sleep(0.01)
    try:
        yield playground
    finally:
        playground.stop()
        thread.join(10)


def _bind(host: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    sock.listen(128)
    sock.setblocking(False)
    return sock


def _trusted(app: ASGIApp, origin: str) -> ASGIApp:
    """Refuse requests whose ``Host`` is not this origin's (a DNS-rebinding page would send its own name)."""
    expected = origin.split("://", 1)[1].encode()

    async def guarded(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            host = next((v for n, v in scope["headers"] if n == b"host"), b"")
            if host != expected:
                await Response("unexpected Host\n", 421)(scope, receive, send)
                return
        await app(scope, receive, send)

    return guarded


# --- origin A: the page and its API ------------------------------------------------------------------------------


def page_app(playground: Playground) -> Starlette:
    csp = (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:;"
        f" connect-src 'self' {playground.api_origin}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )

    async def index(request: Request) -> Response:
        return FileResponse(
            STATIC / "index.html", headers={"Content-Security-Policy": csp, "Cache-Control": "no-store"}
        )

    async def info(request: Request) -> Response:
        return JSONResponse(
            {
                "page": playground.page_origin,
                "api": playground.api_origin,
                "browsers": [{"name": n, "label": LABELS.get(n, n)} for n in browsers()],
                "stacks": list(STACKS),
            }
        )

    async def create(request: Request) -> Response:
        if request.headers.get("origin") != playground.page_origin:
            return _error("runs are created by the playground page only", 403)
        try:
            data = await _json(request)
            setup = parse_setup(data.get("setup") if isinstance(data, dict) else None)
        except SetupError as error:
            return _error(str(error), 400)
        notes = setup.api.policy.policy()[1] if setup.api.mode == "policy" else ()
        run = playground.runs.add(setup)
        url = f"{playground.api_origin}{prefix(run.id)}/start"
        answer = await report(setup, playground.page_origin, url, prefix(run.id), notes)
        return JSONResponse({"id": run.id, "url": url, **answer})

    async def seen(request: Request) -> Response:
        run = playground.runs.get(request.path_params["run"])
        if run is None:
            return _error("no such run (the playground keeps the latest 256)", 404)
        return JSONResponse({"seen": run.seen})

    return Starlette(
        routes=[
            Route("/", index),
            Route("/favicon.ico", lambda request: Response(status_code=204)),
            Route("/api/info", info),
            Route("/api/runs", create, methods=["POST"]),
            Route("/api/runs/{run}", seen),
            Mount("/static", StaticFiles(directory=STATIC)),
        ]
    )


def _error(message: str, status: int) -> Response:
    return JSONResponse({"error": message}, status)


async def _json(request: Request) -> Any:
    """The request's JSON body, at most MAX_BODY bytes; :class:`SetupError` for anything else."""
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        raise SetupError("setup: send application/json")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            raise SetupError(f"setup: larger than {MAX_BODY} bytes")
    try:
        return json.loads(body)
    except (ValueError, RecursionError) as error:
        log.info("playground: refused a setup that is not JSON: %r", str(error)[:200])
        raise SetupError("setup: not valid JSON") from None
