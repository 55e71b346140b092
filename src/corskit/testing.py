"""A test client that enforces CORS like a browser on a given origin (needs httpx: the ``cli`` or ``test`` extra).

Wrap any httpx transport — the network, ``httpx.ASGITransport``, ``httpx.WSGITransport`` — and every request goes
through the browser engine: preflights, the preflight cache, the CORS check, redirects, and only the headers
script could read. A request a browser would block raises :class:`corskit.CORSError` with Chromium's message::

    from corskit.testing import browser_client

    client = browser_client(app, origin="https://app.example")          # Flask, Django, FastAPI, Starlette…
    client.put("/items/1", headers={"Authorization": "Bearer t"})         # raises CORSError if a browser would block
    client.get("/me", extensions={"cors": {"credentials": "include"}})    # per-request fetch() options

Cookies in the client's jar play the browser's cookie jar: they are sent only on requests a browser would send
them with. The engine's :class:`~corskit.browser.Result` is on ``response.extensions["cors"]``.
"""

from __future__ import annotations

import asyncio
import inspect
import threading
from collections.abc import Callable, Coroutine, Mapping
from typing import Any, TypeVar

import httpx

from .browser import Fetch, PreflightCache, Profile, Request, Response, Result, SendRequest, WireRequest, profile
from .browser.request import CREDENTIALS, MODES, REDIRECT_MODES, Credentials, Mode, RedirectMode
from .spec.errors import CORSError
from .spec.origins import normalize_origin

__all__ = ["CORSTransport", "async_browser_client", "browser_client"]

T = TypeVar("T")

# Headers httpx adds on its own; a page's script would not have set them.
_CLIENT_DEFAULTS = frozenset({b"host", b"accept-encoding", b"connection", b"user-agent", b"content-length"})


def _options(request: httpx.Request, defaults: Mapping[str, str]) -> dict[str, str]:
    """The fetch() options for this request: the transport's defaults, overridden by ``extensions["cors"]``."""
    merged = dict(defaults)
    merged.update(request.extensions.get("cors") or {})
    return merged


def _choice(value: str, options: tuple[str, ...], name: str) -> str:
    if value not in options:
        raise ValueError(f"cors {name} must be one of {', '.join(options)}, not {value!r}")
    return value


def _script_request(request: httpx.Request, options: Mapping[str, str]) -> tuple[Request, bytes | None]:
    """The fetch() call script would have made, and the Cookie header the browser's jar holds."""
    headers: list[tuple[str, str]] = []
    cookie: bytes | None = None
    for name, value in request.headers.raw:
        lname = name.lower()
        if lname == b"cookie":
            cookie = value
        elif lname not in _CLIENT_DEFAULTS:
            headers.append((name.decode("latin-1"), value.decode("latin-1")))
    chosen = _choice(options["credentials"], CREDENTIALS, "credentials")
    credentials: Credentials = next(c for c in CREDENTIALS if c == chosen)
    mode: Mode = next(m for m in MODES if m == _choice(options.get("mode", "cors"), MODES, "mode"))
    redirect: RedirectMode = next(
        r for r in REDIRECT_MODES if r == _choice(options.get("redirect", "follow"), REDIRECT_MODES, "redirect")
    )
    script = Request(str(request.url), request.method, headers, credentials=credentials, mode=mode, redirect=redirect)
    return script, cookie


def _wire_request(wire: WireRequest, original: httpx.Request, body: bytes, cookie: bytes | None) -> httpx.Request:
    headers = [(n.encode("latin-1"), v.encode("latin-1")) for n, v in wire.full_headers()]
    if wire.credentials and cookie:
        headers.append((b"Cookie", cookie))
    same_method = wire.kind == "actual" and wire.method == original.method
    content = body if same_method and body else None
    return httpx.Request(wire.method, wire.url, headers=headers, content=content, extensions=original.extensions)


def _engine_response(response: httpx.Response) -> Response:
    headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in response.headers.raw]
    return Response(response.status_code, headers)


def _script_response(result: Result, request: httpx.Request, body: bytes) -> httpx.Response:
    """What script gets: a blocked fetch raises, an allowed one shows only the readable headers."""
    if not result.allowed:
        assert result.error is not None
        raise CORSError(result.error, result.message or "", result=result)
    assert result.response is not None
    view = result.response
    content = b"" if view.type in ("opaque", "opaqueredirect") else body
    headers = [(n, v) for n, v in view.headers if n not in ("content-length", "content-encoding", "transfer-encoding")]
    return httpx.Response(view.status, headers=headers, content=content, request=request, extensions={"cors": result})


class CORSTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """An httpx transport that behaves like a browser page on *origin* calling ``fetch()``.

    *credentials*, *mode* and *redirect* are the default ``fetch()`` options (override per request with
    ``extensions={"cors": {...}}``). *cache* is the preflight cache, shared by the requests of this transport like
    a browser tab's; pass ``PreflightCache(clock=...)`` to control time. *browser* is the engine to behave as:
    ``"chromium"`` (the default), ``"firefox"`` or ``"webkit"``.
    """

    def __init__(
        self,
        transport: httpx.BaseTransport | httpx.AsyncBaseTransport,
        origin: str,
        *,
        credentials: Credentials = "same-origin",
        mode: Mode = "cors",
        redirect: RedirectMode = "follow",
        cache: PreflightCache | None = None,
        browser: str | Profile = "chromium",
    ) -> None:
        self.transport = transport
        self.origin = origin
        self.browser = profile(browser)  # an unknown name fails here, not on the first request
        self.defaults = {"credentials": credentials, "mode": mode, "redirect": redirect}
        self.cache = cache if cache is not None else PreflightCache()
        normalize_origin(origin)  # a bad origin fails here, not on the first request

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if not isinstance(self.transport, httpx.BaseTransport):
            raise TypeError("this transport is async: use it with httpx.AsyncClient (see async_browser_client)")
        body = request.read()
        script, cookie = _script_request(request, _options(request, self.defaults))
        fetch = Fetch(self.origin, script, cache=self.cache, browser=self.browser)
        event = fetch.start()
        last_body = b""
        while isinstance(event, SendRequest):
            response = self.transport.handle_request(_wire_request(event.request, request, body, cookie))
            try:
                last_body = response.read()
            finally:
                response.close()
            event = fetch.receive(_engine_response(response))
        return _script_response(event, request, last_body)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if not isinstance(self.transport, httpx.AsyncBaseTransport):
            raise TypeError("this transport is sync: use it with httpx.Client (see browser_client)")
        body = await request.aread()
        script, cookie = _script_request(request, _options(request, self.defaults))
        fetch = Fetch(self.origin, script, cache=self.cache, browser=self.browser)
        event = fetch.start()
        last_body = b""
        while isinstance(event, SendRequest):
            response = await self.transport.handle_async_request(_wire_request(event.request, request, body, cookie))
            try:
                last_body = await response.aread()
            finally:
                await response.aclose()
            event = fetch.receive(_engine_response(response))
        return _script_response(event, request, last_body)

    def close(self) -> None:
        if isinstance(self.transport, httpx.BaseTransport):
            self.transport.close()

    async def aclose(self) -> None:
        if isinstance(self.transport, httpx.AsyncBaseTransport):
            await self.transport.aclose()


class _BlockingASGITransport(httpx.BaseTransport):
    """Run an ASGI app from a synchronous client: an event loop on a private thread serves every request."""

    def __init__(self, app: Callable[..., Any]) -> None:
        self._inner = httpx.ASGITransport(app=app)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="corskit-asgi", daemon=True)
        self._thread.start()

    def _call(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        async def call() -> httpx.Response:
            response = await self._inner.handle_async_request(request)
            content = await response.aread()
            return httpx.Response(response.status_code, headers=response.headers.raw, content=content)

        return self._call(call())

    def close(self) -> None:
        if self._loop.is_running():
            self._call(self._inner.aclose())
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=5)
        self._loop.close()


def _is_asgi(app: Any) -> bool:
    call = app if inspect.isfunction(app) or inspect.ismethod(app) else getattr(app, "__call__", None)  # noqa: B004
    return inspect.iscoroutinefunction(call)


def _default_base(origin: str) -> str:
    return "https://testserver" if origin.lower().startswith("https:") else "http://testserver"


def browser_client(
    app: Any,
    origin: str,
    *,
    base_url: str | None = None,
    credentials: Credentials = "same-origin",
    mode: Mode = "cors",
    cache: PreflightCache | None = None,
    browser: str = "chromium",
    **client_options: Any,
) -> httpx.Client:
    """An ``httpx.Client`` that enforces CORS like a browser page on *origin*.

    *app* is a WSGI app (Flask, Django), an ASGI app (FastAPI, Starlette, Django's ASGI handler) or an httpx
    transport (``httpx.HTTPTransport()`` for a live server, with *base_url* pointing at it). *base_url* defaults to
    ``https://testserver`` for an https origin (a real browser blocks http from https pages) and
    ``http://testserver`` otherwise. *browser* picks the engine whose rules apply (``"chromium"``, ``"firefox"``,
    ``"webkit"``): run a test once per browser to catch "works in Chrome, blocked in Safari".
    """
    if isinstance(app, httpx.BaseTransport):
        inner: httpx.BaseTransport = app
    elif _is_asgi(app):
        inner = _BlockingASGITransport(app)
    else:
        inner = httpx.WSGITransport(app=app)
    transport = CORSTransport(inner, origin, credentials=credentials, mode=mode, cache=cache, browser=browser)
    return httpx.Client(transport=transport, base_url=base_url or _default_base(origin), **client_options)


def async_browser_client(
    app: Any,
    origin: str,
    *,
    base_url: str | None = None,
    credentials: Credentials = "same-origin",
    mode: Mode = "cors",
    cache: PreflightCache | None = None,
    browser: str = "chromium",
    **client_options: Any,
) -> httpx.AsyncClient:
    """:func:`browser_client` for async tests: *app* is an ASGI app or an async httpx transport."""
    inner = app if isinstance(app, httpx.AsyncBaseTransport) else httpx.ASGITransport(app=app)
    transport = CORSTransport(inner, origin, credentials=credentials, mode=mode, cache=cache, browser=browser)
    return httpx.AsyncClient(transport=transport, base_url=base_url or _default_base(origin), **client_options)
