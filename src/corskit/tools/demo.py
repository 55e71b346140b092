"""The embedded demo: a small API on loopback, half configured with corskit, half with classic mistakes, and the
checks that show each case from a single-page app's origin.

``/api/...`` sits behind :class:`corskit.asgi.CORSMiddleware` with a strict policy; ``/legacy/...`` answers with
hand-written headers that reproduce the mistakes people make.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

#: The single-page app's origin (a typical dev server) and an attacker's.
SPA = "http://localhost:5173"
EVIL = "https://evil.example"


async def _respond(send: Send, status: int, body: Any, headers: list[tuple[str, str]] = ()) -> None:  # type: ignore[assignment]
    payload = json.dumps(body).encode()
    raw = [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]
    raw += [(n.lower().encode("latin-1"), v.encode("latin-1")) for n, v in headers]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": payload})


def _origin(scope: Scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == b"origin":
            return str(value.decode("latin-1"))
    return None


async def api(scope: Scope, receive: Receive, send: Send) -> None:
    """The application behind corskit's middleware: it knows nothing about CORS."""
    path, method = scope["path"], scope["method"]
    if path == "/api/products" and method == "GET":
        await _respond(send, 200, [{"id": 1, "name": "lamp"}], [("X-Total-Count", "1")])
    elif path == "/api/products/1" and method in ("PUT", "DELETE"):
        await _respond(send, 200, {"id": 1, "updated": True})
    elif path == "/api/account":
        await _respond(send, 200, {"email": "ada@example.com"})
    elif path == "/api/crash":
        raise RuntimeError("the demo API crashed on purpose")
    else:
        await _respond(send, 404, {"error": "not found"})


async def legacy(scope: Scope, receive: Receive, send: Send) -> None:
    """Hand-written CORS with the classic mistakes."""
    path, origin = scope["path"], _origin(scope) or ""
    if path == "/legacy/profile":
        # Mistake: '*' together with credentials.
        cors = [("Access-Control-Allow-Origin", "*"), ("Access-Control-Allow-Credentials", "true")]
        await _respond(send, 200, {"name": "Ada"}, cors)
    elif path == "/legacy/account":
        # Mistake: reflect whatever Origin arrives, with credentials.
        cors = [("Access-Control-Allow-Origin", origin), ("Access-Control-Allow-Credentials", "true")]
        await _respond(send, 200, {"email": "ada@example.com"}, cors)
    elif path == "/legacy/products":
        # Mistake: a custom header script needs, never exposed.
        await _respond(send, 200, [{"id": 1}], [("Access-Control-Allow-Origin", SPA), ("X-Total-Count", "1")])
    elif path == "/legacy/crash":
        # Mistake: error responses built without the CORS headers.
        await _respond(send, 500, {"error": "internal"})
    else:
        await _respond(send, 404, {"error": "not found"})


def build_app() -> Callable[[Scope, Receive, Send], Awaitable[None]]:
    """The demo ASGI app: ``/api`` behind corskit, ``/legacy`` hand-written."""
    from ..asgi import CORSMiddleware

    protected = CORSMiddleware(
        api,
        allow_origins=[SPA],
        allow_methods=["GET", "PUT"],
        allow_headers=["content-type", "authorization"],
        allow_credentials=True,
        expose_headers=["X-Total-Count"],
    )

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith("/legacy/"):
            await legacy(scope, receive, send)
        else:
            await protected(scope, receive, send)

    return app


@dataclass(frozen=True)
class Case:
    """One demo check: what a page does, and whether a browser should let it read the response."""

    title: str
    lesson: str
    path: str
    expect_allowed: bool
    #: What the outcome means; when set it replaces the generic fix (e.g. a block that is the point).
    takeaway: str = ""
    origin: str = SPA
    method: str = "GET"
    headers: tuple[tuple[str, str], ...] = field(default=())
    credentials: str = "same-origin"


CASES: tuple[Case, ...] = (
    Case(
        "A simple GET that corskit allows",
        "No preflight for a GET without custom headers; X-Total-Count is readable because the policy exposes it.",
        "/api/products",
        True,
    ),
    Case(
        "A preflighted PUT with JSON and a bearer token",
        "application/json and Authorization make the browser ask first (OPTIONS); the policy allows both.",
        "/api/products/1",
        True,
        method="PUT",
        headers=(("Content-Type", "application/json"), ("Authorization", "Bearer demo")),
    ),
    Case(
        "A request header the API does not allow",
        "X-Trace-Id is not in allow_headers. corskit refuses the whole preflight (no CORS headers, the reason in"
        " the body), so the browser reports a missing Access-Control-Allow-Origin.",
        "/api/products/1",
        False,
        method="PUT",
        headers=(("X-Trace-Id", "abc"),),
    ),
    Case(
        "A method the API does not allow",
        "DELETE is not in allow_methods, so corskit refuses the preflight; the body says why.",
        "/api/products/1",
        False,
        method="DELETE",
    ),
    Case(
        "A wildcard with credentials",
        "With credentials: 'include', browsers refuse 'Access-Control-Allow-Origin: *'.",
        "/legacy/profile",
        False,
        credentials="include",
    ),
    Case(
        "The reflected-origin bug",
        "This endpoint echoes any Origin with credentials, so a page on evil.example reads the user's account.",
        "/legacy/account",
        True,
        "Allowed, and that is the vulnerability: never reflect Origin; allow a list. `corskit audit` finds this.",
        origin=EVIL,
        credentials="include",
    ),
    Case(
        "The same request to the corskit-protected API",
        "corskit answers only the origins it was given: the attacker's page gets nothing.",
        "/api/account",
        False,
        "Blocked, as it should be: evil.example is not on the list.",
        origin=EVIL,
        credentials="include",
    ),
    Case(
        "A header script needs but cannot read",
        "X-Total-Count is sent but not listed in Access-Control-Expose-Headers, so script cannot see it.",
        "/legacy/products",
        True,
        'Fix: list it in Access-Control-Expose-Headers (corskit: expose_headers=["X-Total-Count"]).',
    ),
    Case(
        "A crash without CORS headers",
        "The 500 carries no CORS headers, so the browser reports a CORS error and hides the real error.",
        "/legacy/crash",
        False,
    ),
    Case(
        "A crash behind corskit",
        "corskit adds the CORS headers to error responses too: the page sees the real status, 500.",
        "/api/crash",
        True,
        "Allowed: the page gets the real 500 and can show a proper error.",
    ),
)
