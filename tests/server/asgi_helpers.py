"""Call an ASGI app in-process and collect what it sends."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

APP = "https://app.example.com"
EVIL = "https://evil.example.net"


@dataclass
class Exchange:
    status: int | None = None
    headers: list[tuple[bytes, bytes]] = field(default_factory=list)
    body: bytes = b""
    messages: list[dict[str, Any]] = field(default_factory=list)

    def header(self, name: str) -> str | None:
        """All lines of *name* joined with ', ' (as a browser reads them), or None."""
        values = [v.decode("latin-1") for n, v in self.headers if n.decode("latin-1").lower() == name.lower()]
        return ", ".join(values) if values else None

    def count(self, name: str) -> int:
        return sum(1 for n, _ in self.headers if n.decode("latin-1").lower() == name.lower())

    @property
    def cors_names(self) -> list[str]:
        return [n.decode().lower() for n, _ in self.headers if n.lower().startswith(b"access-control-")]


def scope(
    method: str = "GET", path: str = "/api/items", headers: list[tuple[str, str]] | None = None
) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode("utf-8", "surrogateescape"),
        "query_string": b"",
        "root_path": "",
        "headers": [(n.lower().encode("latin-1"), v.encode("latin-1")) for n, v in headers or []],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }


async def call(
    app: Any, method: str = "GET", path: str = "/api/items", headers: list[tuple[str, str]] | None = None
) -> Exchange:
    out = Exchange()

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        out.messages.append(message)
        if message["type"] == "http.response.start":
            out.status = message["status"]
            out.headers = [(bytes(n), bytes(v)) for n, v in message.get("headers", [])]
        elif message["type"] == "http.response.body":
            out.body += message.get("body", b"")

    await app(scope(method, path, headers), receive, send)
    return out


class Recorder:
    """A bare ASGI app that records the scopes it sees and answers with the given headers."""

    def __init__(self, status: int = 200, headers: list[Any] | None = None, body: bytes = b"ok") -> None:
        self.status = status
        self.headers = headers if headers is not None else [(b"content-type", b"text/plain")]
        self.body = body
        self.seen: list[dict[str, Any]] = []

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        self.seen.append(scope)
        start: dict[str, Any] = {"type": "http.response.start", "status": self.status}
        if self.headers is not None:
            start["headers"] = self.headers
        await send(start)
        await send({"type": "http.response.body", "body": self.body})
