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

from .server.policy import ActualDecision, Policy, is_preflight
from .server.routing import PathPolicies, build_policy

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
        # The fast path: one policy, no async predicate to await.
        self._fast = self.policy if isinstance(self.policy, Policy) and not self.policy.awaits else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        policy = self._fast
        if policy is None or scope["type"] != "http" or scope["method"] == "OPTIONS":
            return await self._general(scope, receive, send)
        origin: bytes | None = None
        lines = iter(scope["headers"])
        for name, value in lines:
            if name == b"origin":
                origin = value
                break
        answer = policy.cached_actual(origin) or policy.actual(origin, scope["path"])
        if answer.allowed and origin is not None:
            # Fetch "get" joins several lines with ", ", which the policy refuses unless it answers '*'. A refused
            # first line needs no second look: no join with it is an allowed origin either.
            for name, value in lines:
                if name == b"origin":
                    answer = policy.actual(origin + b", " + value, scope["path"])
                    break
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
                await _send_error(answer, send)
            raise

    async def _general(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Everything but the fast path: other scopes, OPTIONS, per-path policies, async predicates, origin stores.

        The send wrapper below repeats the fast path's on purpose: sharing it through a helper coroutine costs an
        extra frame per request, about a tenth of the middleware's whole overhead (bench/middleware.py).
        """
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        policy = self.policy.for_path(scope["path"])
        if policy is None:
            return await self.app(scope, receive, send)
        origin = method = headers = private = None
        for name, value in scope["headers"]:
            if name == b"origin":
                origin = value if origin is None else origin + b", " + value
            elif name < b"b":  # the access-control-request-* names; most others fail the two tests above
                if name == b"access-control-request-method":
                    method = value if method is None else method + b", " + value
                elif name == b"access-control-request-headers":
                    headers = value if headers is None else headers + b", " + value
                elif name == b"access-control-request-private-network":
                    private = value if private is None else private + b", " + value
        if is_preflight(scope["method"], origin, method):
            if policy.awaits:
                decision = await policy.apreflight(origin, method, headers, private, scope["path"])
            else:
                decision = policy.preflight(origin, method, headers, private, scope["path"])
            await send(
                {"type": "http.response.start", "status": decision.status, "headers": list(decision.raw_headers)}
            )
            await send({"type": "http.response.body", "body": decision.body})
            return None
        # Anything else, OPTIONS without Access-Control-Request-Method included, is the app's to answer.
        answer = await policy.aactual(origin, scope["path"])
        started = False

        def send_with_cors(message: Message) -> Awaitable[None]:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message["headers"] = answer.apply_raw(message.get("headers", ()))
            return send(message)

        try:
            await self.app(scope, receive, send_with_cors)
        except Exception:
            if not started:
                await _send_error(answer, send)
            raise


async def _send_error(answer: ActualDecision, send: Send) -> None:
    try:
        await send({"type": "http.response.start", "status": 500, "headers": answer.apply_raw(_ERROR_HEADERS)})
        await send({"type": "http.response.body", "body": _ERROR_BODY})
    except Exception:  # the client went away: the app's exception is the one to report
        pass
