"""ASGI middleware (Starlette, FastAPI, Litestar, Quart, Django's ASGI app…): a thin translation of the policy.

>>> from corskit.asgi import CORSMiddleware
>>> app.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com"])   # doctest: +SKIP

``http`` requests are decided by the :class:`~corskit.Policy`; ``lifespan`` and ``websocket`` scopes pass through
untouched. If the app raises before it starts its response, the middleware answers 500 with the CORS headers (so
the browser shows the real error, not a CORS error) and re-raises, so the server still logs the exception.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from .policy import ActualDecision, Policy, is_preflight
from .routing import PathPolicies, build_policy

__all__ = ["CORSMiddleware"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_ERROR_BODY = b"Internal Server Error"
_ERROR_HEADERS = ((b"content-type", b"text/plain; charset=utf-8"), (b"content-length", b"21"))


class CORSMiddleware:
    """Wrap an ASGI app: ``CORSMiddleware(app, policy=None, **policy_kwargs)``.

    *policy* is a :class:`~corskit.Policy` or :class:`~corskit.PathPolicies`; without it, the keyword arguments
    build a :class:`~corskit.Policy` (Starlette's names: ``allow_origins``, ``allow_methods``…).
    """

    def __init__(self, app: ASGIApp, policy: Policy | PathPolicies | None = None, **policy_kwargs: Any) -> None:
        self.app = app
        self.policy = build_policy(policy, policy_kwargs)
        self._single = self.policy if isinstance(self.policy, Policy) else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        policy = self._single or self.policy.for_path(scope["path"])
        if policy is None:
            await self.app(scope, receive, send)
            return
        origin: bytes | None = None
        if scope["method"] == "OPTIONS":
            await self._options(policy, scope, receive, send)
            return
        for name, value in scope["headers"]:
            if name == b"origin":
                # Several lines are joined as Fetch "get" does; the policy refuses the result.
                origin = value if origin is None else origin + b", " + value
        if policy.is_async:
            answer = await policy.aactual(None if origin is None else origin.decode("latin-1"), path=scope["path"])
        else:
            answer = policy.actual(None if origin is None else origin.decode("latin-1"), path=scope["path"])
        await self._respond(answer, scope, receive, send)

    async def _respond(self, answer: ActualDecision, scope: Scope, receive: Receive, send: Send) -> None:
        started = False

        def send_with_cors(message: Message) -> Awaitable[None]:
            # A plain function returning send's awaitable: no coroutine frame per message.
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message["headers"] = answer.apply_raw(message.get("headers", ()))
            return send(message)

        try:
            await self.app(scope, receive, send_with_cors)
        except Exception:
            if not started:
                await self._send_error(answer, send)
            raise

    @staticmethod
    async def _send_error(answer: ActualDecision, send: Send) -> None:
        try:
            await send({"type": "http.response.start", "status": 500, "headers": answer.apply_raw(_ERROR_HEADERS)})
            await send({"type": "http.response.body", "body": _ERROR_BODY})
        except Exception:  # the client went away: the app's exception is the one to report
            pass

    async def _options(self, policy: Policy, scope: Scope, receive: Receive, send: Send) -> None:
        origin = method = headers = private = None
        for name, value in scope["headers"]:
            if name == b"origin":
                origin = value if origin is None else origin + b", " + value
            elif name == b"access-control-request-method":
                method = value if method is None else method + b", " + value
            elif name == b"access-control-request-headers":
                headers = value if headers is None else headers + b", " + value
            elif name == b"access-control-request-private-network":
                private = value if private is None else private + b", " + value
        text = [None if v is None else v.decode("latin-1") for v in (origin, method, headers, private)]
        if not is_preflight("OPTIONS", text[0], text[1]):
            answer = (
                await policy.aactual(text[0], path=scope["path"])
                if policy.is_async
                else policy.actual(text[0], path=scope["path"])
            )
            await self._respond(answer, scope, receive, send)
            return
        if policy.is_async:
            decision = await policy.apreflight(*text, path=scope["path"])
        else:
            decision = policy.preflight(*text, path=scope["path"])
        await send({"type": "http.response.start", "status": decision.status, "headers": list(decision.raw_headers)})
        await send({"type": "http.response.body", "body": decision.body})
