"""Small helpers shared by the engine tests: a scripted server and a one-call fetch."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from corskit.browser import PreflightCache, Request, Response, Result, WireRequest, run

APP = "http://app.test"
API = "http://api.test"
OTHER = "http://other.test"


@dataclass
class Route:
    method: str  # "*" answers any method
    url: str
    response: Response


@dataclass
class Server:
    """Answers each wire request with the first route whose method and URL match; records what it saw."""

    routes: list[Route] = field(default_factory=list)
    seen: list[WireRequest] = field(default_factory=list)

    def on(self, method: str, url: str, status: int = 200, headers: Iterable[tuple[str, str]] = ()) -> Server:
        self.routes.append(Route(method, url, Response(status, tuple(headers))))
        return self

    def __call__(self, wire: WireRequest) -> Response:
        self.seen.append(wire)
        for route in self.routes:
            if route.method in ("*", wire.method) and route.url == wire.url:
                return route.response
        raise AssertionError(f"unexpected request {wire.method} {wire.url}")


def acao(origin: str = APP) -> tuple[str, str]:
    return ("Access-Control-Allow-Origin", origin)


def header(wire: WireRequest, name: str) -> str | None:
    return wire.header(name)


def names(headers: Sequence[tuple[str, str]]) -> list[str]:
    return [n.lower() for n, _ in headers]


def fetch(
    request: Request | str,
    server: Server,
    *,
    origin: str = APP,
    cache: PreflightCache | None = None,
) -> Result:
    if isinstance(request, str):
        request = Request(request)
    return run(origin, request, server, cache=cache)


class Clock:
    """A settable clock for the preflight cache."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
