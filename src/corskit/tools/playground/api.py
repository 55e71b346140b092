"""Origin B, the API whose CORS behaviour the page edits: one small ASGI app per run, built from its
:class:`~.setup.ApiSetup`.

In ``policy`` mode the app is corskit's own :class:`~corskit.asgi.CORSMiddleware` around a JSON endpoint; in
``raw`` mode it answers preflights and requests with exactly the headers written on the page (to reproduce a broken
server). Either way ``…/start`` can first redirect to ``…/final``. The same app answers the real browser over HTTP
and the engine in-process, so a prediction sees the very bytes the browser got.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from ...asgi import CORSMiddleware
from ...server.decisions import is_preflight
from .setup import ApiSetup, RawAnswer

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: A header the endpoint always sends, so that ``expose_headers`` has something to expose.
DEMO_HEADER = ("X-Total-Count", "3")


def build_api(api: ApiSetup, prefix: str) -> ASGIApp:
    """The app for one run, serving ``{prefix}/start`` (and ``{prefix}/final`` after a redirect)."""
    if api.mode == "raw":
        return _raw_app(api, prefix)
    policy, _ = api.policy.policy()
    return CORSMiddleware(_endpoint(api.redirect, prefix), policy=policy)


def _endpoint(redirect: int | None, prefix: str) -> ASGIApp:
    """The API behind the policy: a JSON answer, or first a redirect."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if redirect is not None and scope["path"] == f"{prefix}/start":
            await _respond(send, redirect, [("Location", f"{prefix}/final")], b"")
            return
        body = _body(scope)
        await _respond(send, 200, [("Content-Type", "application/json"), DEMO_HEADER], body)

    return app


def _raw_app(api: ApiSetup, prefix: str) -> ASGIApp:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        headers = {name.decode("latin-1"): value.decode("latin-1") for name, value in scope["headers"]}
        if is_preflight(scope["method"], headers.get("origin"), headers.get("access-control-request-method")):
            await _answer(send, api.preflight, b"")
        elif api.redirect is not None and scope["path"] == f"{prefix}/start":
            moved = RawAnswer(api.redirect, (*api.actual.headers, ("Location", f"{prefix}/final")))
            await _answer(send, moved, b"")
        else:
            await _answer(send, api.actual, _body(scope))

    return app


def _body(scope: Scope) -> bytes:
    """What the endpoint says (nothing for HEAD)."""
    if scope["method"] == "HEAD":
        return b""
    return json.dumps({"ok": True, "method": scope["method"], "path": scope["path"]}).encode()


async def _answer(send: Send, answer: RawAnswer, body: bytes) -> None:
    extra = (
        [] if any(n.lower() == "content-type" for n, _ in answer.headers) else [("Content-Type", "application/json")]
    )
    await _respond(send, answer.status, [*answer.headers, *extra] if body else list(answer.headers), body)


async def _respond(send: Send, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
    raw = [(n.lower().encode("latin-1"), v.encode("latin-1")) for n, v in headers]
    raw.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})
