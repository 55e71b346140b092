"""The scenario server: an HTTP proxy on 127.0.0.1 that *is* every origin.

Chromium runs with ``--proxy-server`` pointing here, so it sends every ``http://`` request as an absolute URI
(``GET http://api.test/r HTTP/1.1``) whatever the host and port: scenario URLs are used verbatim, implicit port 80
included, with no DNS and no port binding. Each request is logged and answered from a routing table of
``(method, canonical URL) → (status, headers)``.

Answers carry exactly the scenario's status line and header lines. The body is delimited by closing the
connection, so the server adds no ``Content-Length``/``Date``/``Server`` header that script could read (when the
scenario itself sends ``Content-Length: N``, the body is N bytes). A request no route answers gets ``599`` and is
flagged in the log: the scenario is broken, not the browser.
"""

from __future__ import annotations

import http
import socket
import socketserver
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

#: Path served on any host as the page that runs the fetches (its origin is the host's). The root, because its URL
#: shows in some console lines ("… from frame with URL http://app.test/ …"); case URLs never use it (they all
#: start with their marker segment).
PAGE_PATH = "/"
PAGE_HTML = b'<!doctype html><meta charset=utf-8><link rel=icon href="data:,"><title>corskit conformance</title>'
#: ``PAGE_PATH?null`` is the page sandboxed into an opaque origin (``Content-Security-Policy: sandbox``).
NULL_QUERY = "null"
UNMATCHED_STATUS = 599
_DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}


def canonical_url(url: str) -> str:
    """The form routes are compared in: lowercase scheme and host, default port dropped, ``/`` for an empty path,
    no fragment, no userinfo. Query and path are compared byte for byte (the corpus uses already-encoded URLs)."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = host if port is None or port == _DEFAULT_PORTS.get(scheme) else f"{host}:{port}"
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))


@dataclass(frozen=True)
class Route:
    method: str  # a method or "*"
    status: int
    headers: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Seen:
    """One request as it arrived: method, absolute URL, header lines in order (names as sent)."""

    method: str
    url: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    matched: bool
    at: float

    def header(self, name: str) -> str | None:
        """All lines named *name* (any case) joined with ``", "``; ``None`` when absent."""
        values = [v for n, v in self.headers if n.lower() == name.lower()]
        return ", ".join(values) if values else None


@dataclass
class Router:
    """Routes by canonical URL; first route whose method matches (or is ``*``) answers. Thread-safe."""

    routes: dict[str, list[Route]] = field(default_factory=dict)
    log: list[Seen] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(
        self, method: str, url: str, status: int, headers: list[tuple[str, str]] | tuple[tuple[str, str], ...]
    ) -> None:
        with self.lock:
            self.routes.setdefault(canonical_url(url), []).append(Route(method, status, tuple(headers)))

    def answer(self, method: str, url: str) -> Route | None:
        with self.lock:
            for route in self.routes.get(canonical_url(url), ()):
                if route.method in ("*", method):
                    return route
        return None

    def record(self, seen: Seen) -> None:
        with self.lock:
            self.log.append(seen)

    def seen(self, marker: str) -> list[Seen]:
        """Logged requests whose URL contains *marker* (a case's nonce), in arrival order."""
        with self.lock:
            return [s for s in self.log if marker in s.url]


def _reason(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return "Status"


def _latin1(text: str) -> bytes:
    # Header values are byte strings on the wire; the corpus keeps to Latin-1 so every char is one byte.
    return text.encode("latin-1", errors="replace")


class _Handler(socketserver.StreamRequestHandler):
    server: _Server
    timeout = 30

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def handle(self) -> None:
        # One request per connection: the response is close-delimited, so keep-alive is never offered.
        line = self.rfile.readline(65537)
        if not line:
            return
        try:
            method, target, _version = line.decode("latin-1").rstrip("\r\n").split(" ", 2)
        except ValueError:
            return
        headers: list[tuple[str, str]] = []
        while True:
            raw = self.rfile.readline(65537)
            if raw in (b"\r\n", b"\n", b""):
                break
            name, _, value = raw.decode("latin-1").rstrip("\r\n").partition(":")
            headers.append((name, value.strip(" \t")))
        length = next((int(v) for n, v in headers if n.lower() == "content-length" and v.isdigit()), 0)
        body = self.rfile.read(length) if length else b""
        if method == "CONNECT":  # https through the proxy is not supported
            self.wfile.write(b"HTTP/1.1 501 Not Implemented\r\n\r\n")
            return
        if target.startswith("/"):  # origin-form: someone talked to us directly, not as a proxy
            host = next((v for n, v in headers if n.lower() == "host"), "localhost")
            target = f"http://{host}{target}"
        router = self.server.router
        if urlsplit(target).path == PAGE_PATH:
            router.record(Seen(method, target, tuple(headers), body, True, time.monotonic()))
            # The page with an opaque origin (Origin: null) for browsers that will not run a data: URL page.
            sandbox = (
                b"Content-Security-Policy: sandbox allow-scripts\r\n" if urlsplit(target).query == NULL_QUERY else b""
            )
            self.wfile.write(
                b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nCache-Control: no-store\r\n" + sandbox + b"\r\n"
            )
            self.wfile.write(PAGE_HTML)
            return
        route = router.answer(method, target)
        router.record(Seen(method, target, tuple(headers), body, route is not None, time.monotonic()))
        if route is None:
            self.wfile.write(b"HTTP/1.1 599 No Route\r\n\r\n")
            return
        out = [f"HTTP/1.1 {route.status} {_reason(route.status)}\r\n".encode()]
        out += [_latin1(f"{n}: {v}\r\n") for n, v in route.headers]
        out.append(b"\r\n")
        declared = [v.strip() for n, v in route.headers if n.lower() == "content-length"]
        if declared and declared[0].isdigit():
            out.append(b"x" * int(declared[0]))
        self.wfile.write(b"".join(out))


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, router: Router) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.router = router


class ScenarioServer:
    """``with ScenarioServer() as server:`` runs the proxy in a thread; ``server.proxy`` is its address."""

    def __init__(self, router: Router | None = None) -> None:
        self.router = router or Router()
        self._server = _Server(self.router)
        self._thread = threading.Thread(target=self._server.serve_forever, name="corskit-proxy", daemon=True)

    @property
    def proxy(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> ScenarioServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
