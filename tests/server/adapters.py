"""One way to drive all three adapters (ASGI, WSGI, Django) with a given policy, for tests that must hold for each.

Header lines are passed as a list; several lines of one name reach ASGI as several lines and WSGI/Django joined
with ", ", as real servers deliver them.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from corskit import PathPolicies, Policy

Headers = list[tuple[str, str]]


@dataclass
class Reply:
    status: int
    headers: Headers
    body: bytes
    reached_app: bool

    def header(self, name: str) -> str | None:
        values = [v for n, v in self.headers if n.lower() == name.lower()]
        return ", ".join(values) if values else None

    def count(self, name: str) -> int:
        return sum(1 for n, _ in self.headers if n.lower() == name.lower())

    @property
    def cors_names(self) -> list[str]:
        return [n.lower() for n, _ in self.headers if n.lower().startswith("access-control-")]


Client = Callable[..., Reply]


def _joined(headers: Headers) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, value in headers:
        key = name.upper().replace("-", "_")
        out[key] = f"{out[key]}, {value}" if key in out else value
    return out


def asgi_client(policy: Policy | PathPolicies) -> Client:
    from corskit.asgi import CORSMiddleware

    reached: list[bool] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        reached.append(True)
        if scope["path"] == "/boom":
            raise RuntimeError("boom")
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
        await send({"type": "http.response.body", "body": b"ok"})

    mw = CORSMiddleware(app, policy=policy)

    def request(method: str = "GET", path: str = "/", headers: Headers | None = None) -> Reply:
        reached.clear()
        out: dict[str, Any] = {"body": b""}
        scope = {
            "type": "http",
            "method": method,
            "path": path,
            "headers": [(n.lower().encode("latin-1"), v.encode("latin-1")) for n, v in headers or []],
        }

        async def send(message: Any) -> None:
            if message["type"] == "http.response.start":
                out["status"] = message["status"]
                out["headers"] = [(n.decode("latin-1"), v.decode("latin-1")) for n, v in message["headers"]]
            else:
                out["body"] += message.get("body", b"")

        async def run() -> None:
            # An app's exception is re-raised for the server to log, after the 500 went out.
            with contextlib.suppress(RuntimeError):
                await mw(scope, None, send)  # type: ignore[arg-type]

        asyncio.run(run())
        return Reply(out["status"], out["headers"], out["body"], bool(reached))

    return request


def wsgi_client(policy: Policy | PathPolicies) -> Client:
    from corskit.wsgi import CORSMiddleware

    reached: list[bool] = []

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        reached.append(True)
        if environ["PATH_INFO"] == "/boom":
            raise RuntimeError("boom")
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    mw = CORSMiddleware(app, policy=policy)

    def request(method: str = "GET", path: str = "/", headers: Headers | None = None) -> Reply:
        reached.clear()
        environ: dict[str, Any] = {"REQUEST_METHOD": method, "SCRIPT_NAME": "", "PATH_INFO": path}
        environ.update({"HTTP_" + k: v for k, v in _joined(headers or []).items()})
        got: list[Any] = []
        body = b"".join(mw(environ, lambda status, hs, exc=None: got.extend([status, hs])))
        return Reply(int(got[0].split()[0]), list(got[1]), body, bool(reached))

    return request


def django_client(policy: Policy | PathPolicies) -> Client:
    from django.http import HttpResponse
    from django.test import RequestFactory

    from corskit.django import CorsMiddleware

    reached: list[bool] = []

    def get_response(request: Any) -> HttpResponse:
        reached.append(True)
        if request.path == "/boom":
            return HttpResponse(b"Internal Server Error", status=500)  # what Django's handler makes of an exception
        return HttpResponse(b"ok", content_type="text/plain")

    mw = CorsMiddleware(get_response)
    mw.policy = policy  # the policy under test, rather than settings.CORSKIT
    factory = RequestFactory()

    def request(method: str = "GET", path: str = "/", headers: Headers | None = None) -> Reply:
        reached.clear()
        meta = {"HTTP_" + k: v for k, v in _joined(headers or []).items()}
        req = factory.generic(method, "/", **meta)
        req.path = req.path_info = path
        response = mw(req)
        return Reply(response.status_code, list(response.items()), response.content, bool(reached))

    return request


CLIENTS = {"asgi": asgi_client, "wsgi": wsgi_client, "django": django_client}
