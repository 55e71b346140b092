"""ASGI middleware (Starlette, FastAPI, Litestar, Quart, Django's ASGI app…): a thin translation of the policy.

>>> from corskit.asgi import CORSMiddleware
>>> app.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com"])   # doctest: +SKIP

``http`` requests are decided by the :class:`~corskit.Policy`; ``lifespan`` and ``websocket`` scopes pass through
untouched. If the app raises before it starts its response, the middleware answers 500 with the CORS headers (so
the browser shows the real error, not a CORS error) and re-raises, so the server still logs the exception.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, MutableMapping, Sequence
from typing import Any

from .server.decisions import is_preflight
from .server.encoded import Encoded
from .server.merge import BYTES, merge_encoded
from .server.policy import MAX_METHOD_LENGTH, MAX_PRIVATE_NETWORK_LENGTH, MAX_REQUEST_HEADERS_LENGTH, Policy
from .server.routing import PathPolicies, build_policy
from .spec.origins import MAX_ORIGIN_LENGTH

__all__ = ["CORSMiddleware"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_ERROR_BODY = b"Internal Server Error"
_ERROR_HEADERS = ((b"content-type", b"text/plain; charset=utf-8"), (b"content-length", b"21"))

# The request headers the policy reads, and how much of each: past its bound a value is refused unread, so
# reading it stops there (20,000 repeated lines cost one pass over the list, nothing more).
_ORIGIN = b"origin"
_ALLOW_ORIGIN = BYTES.allow_origin
_METHOD = b"access-control-request-method"
_HEADERS = b"access-control-request-headers"
_PRIVATE = b"access-control-request-private-network"
_BOUNDS = {
    _ORIGIN: MAX_ORIGIN_LENGTH,
    _METHOD: MAX_METHOD_LENGTH,
    _HEADERS: MAX_REQUEST_HEADERS_LENGTH,
    _PRIVATE: MAX_PRIVATE_NETWORK_LENGTH,
}


def read_cors_headers(headers: Iterable[Sequence[bytes]]) -> tuple[bytes | None, ...]:
    """``(Origin, Access-Control-Request-Method, -Headers, -Private-Network)`` from an ASGI header list, in one
    pass; ``None`` for an absent one. A repeated name's lines are joined with ``", "`` (Fetch "get")."""
    if type(headers) is not list:
        headers = list(headers)  # read once: any iterable will do
    origin = method = request_headers = private = None
    for name, value in headers:
        if name == b"origin":
            if origin is not None:
                return _read_repeated(headers)
            origin = value
        elif name < b"b":  # the access-control-request-* names sort there (and few others: accept…)
            if name == _METHOD:
                if method is not None:
                    return _read_repeated(headers)
                method = value
            elif name == _HEADERS:
                if request_headers is not None:
                    return _read_repeated(headers)
                request_headers = value
            elif name == _PRIVATE:
                if private is not None:
                    return _read_repeated(headers)
                private = value
    return origin, method, request_headers, private


def _read_repeated(headers: list[Sequence[bytes]]) -> tuple[bytes | None, ...]:
    """:func:`read_cors_headers` when a name repeats: its lines are read until its value passes the policy's bound;
    the (over-long) value is then refused by the policy without being parsed."""
    parts: dict[bytes, list[bytes]] = {}
    lengths: dict[bytes, int] = {}
    for name, value in headers:
        bound = _BOUNDS.get(name)
        if bound is None:
            continue
        length = lengths.get(name, -2)
        if length > bound:
            continue
        lengths[name] = length + 2 + len(value)
        parts.setdefault(name, []).append(value)
    joined = {name: b", ".join(lines) for name, lines in parts.items()}
    return tuple(joined.get(name) for name in (_ORIGIN, _METHOD, _HEADERS, _PRIVATE))


def _header_list(scope: Scope) -> list[Sequence[bytes]]:
    """The request's header lines as a list, put back in *scope* for the app: ASGI allows any iterable, and a
    generator read here would reach the app empty (Starlette does the same)."""
    headers = scope["headers"]
    if type(headers) is not list:
        scope["headers"] = headers = list(headers)
    return headers


class CORSMiddleware:
    """Wrap an ASGI app: ``CORSMiddleware(app, policy=None, **policy_kwargs)``.

    *policy* is a :class:`~corskit.Policy` or :class:`~corskit.PathPolicies`; without it, the keyword arguments
    build a :class:`~corskit.Policy` (Starlette's names: ``allow_origins``, ``allow_methods``…).
    """

    def __init__(self, app: ASGIApp, policy: Policy | PathPolicies | None = None, **policy_kwargs: Any) -> None:
        self.app = app
        self.policy = build_policy(policy, policy_kwargs)
        # The common case: one policy whose decisions never wait (no async predicate, no origin store), whose
        # answers come encoded (corskit.server.encoded), from the policy itself when that cannot settle them.
        self._single = self.policy if isinstance(self.policy, Policy) and not self.policy.awaits else None
        self._answers = self._single.encoded(BYTES) if self._single is not None else None
        self._known = self._answers.known if self._answers is not None else None
        self._decide = self._answers.decide if self._answers is not None else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        known = self._known
        if known is not None and scope["type"] == "http" and scope["method"] != "OPTIONS":
            # The common request: one policy, not OPTIONS; only Origin to read.
            headers = scope["headers"]
            lines = iter(headers)
            if lines is headers:  # a one-shot iterator (ASGI allows any iterable): read into a list the app gets
                lines = iter(_header_list(scope))
            for name, origin in lines:  # noqa: B007 (origin: the Origin line's value, read after the loop)
                if name == b"origin":
                    break
            else:
                origin = None  # no Origin line
            encoded = known(origin) or self._decide(origin) or self._actual(origin, scope["path"])  # type: ignore[misc]
            if encoded[0] is not None:
                # Allowed: a second Origin line refuses it (Fetch "get" joins the lines with ", ", which only a '*'
                # policy allows). A refused first line needs no second look; without one, no line is left.
                for name, _ in lines:
                    if name == b"origin":
                        encoded = self._actual(read_cors_headers(scope["headers"])[0], scope["path"])
                        break
        else:
            # Everything else: other scopes, OPTIONS, per-path policies, async predicates, origin stores.
            if scope["type"] != "http":
                return await self.app(scope, receive, send)
            policy = self._single or self.policy.for_path(scope["path"])
            if policy is None:
                return await self.app(scope, receive, send)
            origin, method, request_headers, private = read_cors_headers(_header_list(scope))
            if is_preflight(scope["method"], origin, method):
                answers = self._answers if policy is self._single else None if policy.awaits else policy.encoded(BYTES)
                answer = None if answers is None else answers.preflight(origin, method, request_headers, private)
                if answer is not None:  # the common preflight: encoded (corskit.server.encoded)
                    status, fields, body = answer
                else:
                    args = (origin, method, request_headers, private, scope["path"])
                    decision = await policy.apreflight(*args) if policy.awaits else policy.preflight(*args)
                    status, fields, body = decision.status, [*BYTES.fields(decision)], decision.body
                await send({"type": "http.response.start", "status": status, "headers": fields})
                return await send({"type": "http.response.body", "body": body})
            # OPTIONS without Access-Control-Request-Method is the app's to answer, as any other request.
            if policy.awaits:
                encoded = BYTES.encode(await policy.aactual(origin, scope["path"]))
            else:
                encoded = policy.encoded(BYTES)(origin) or BYTES.encode(policy.actual(origin, scope["path"]))
        started = False

        def send_with_cors(message: Message, send: Send = send, encoded: Encoded = encoded) -> Awaitable[None]:
            # A plain function returning send's awaitable: no coroutine frame per message (send and the answer
            # bound as defaults: no closure cell per request for them).
            nonlocal started
            if not started and message["type"] == "http.response.start":  # (the body's messages: one check)
                started = True
                headers = message.get("headers", ())
                if type(headers) is list:
                    # merge_encoded's common case, written inline (its call would cost as much again): when none of
                    # the app's header names could be Access-Control-* or Vary, the app's headers, then the answer's.
                    for name, _ in headers:
                        if name < b"b" or b"v" <= name < b"w":
                            break
                    else:
                        allow_origin, block = encoded
                        if allow_origin is None:
                            message["headers"] = [*headers, *block]
                        else:
                            message["headers"] = [*headers, (_ALLOW_ORIGIN, allow_origin), *block]
                        return send(message)
                message["headers"] = merge_encoded(headers, encoded, BYTES)
            return send(message)

        app = self.app  # (an attribute read, where self.app(...) would look for a method first)
        try:
            await app(scope, receive, send_with_cors)
        except Exception:
            if not started:
                await _send_error(encoded, send)
            raise

    def _actual(self, origin: bytes | None, path: str) -> Encoded:
        """The single policy's answer, decided by the policy itself (:meth:`~corskit.Policy.actual`), encoded."""
        assert self._single is not None
        return BYTES.encode(self._single.actual(origin, path))


async def _send_error(encoded: Encoded, send: Send) -> None:
    try:
        headers = merge_encoded(_ERROR_HEADERS, encoded, BYTES)
        await send({"type": "http.response.start", "status": 500, "headers": headers})
        await send({"type": "http.response.body", "body": _ERROR_BODY})
    except Exception:  # the client went away: the app's exception is the one to report
        pass
