"""A test client that enforces CORS like a browser on a given origin (needs httpx: ``pip install 'corskit[testing]'``).

Wrap an app or a live server, and every request goes through the browser engine: preflights, the preflight cache,
the CORS check, redirects, and only the headers script could read. A request a browser would block raises
:class:`corskit.CORSError`: Chromium's message, what was sent and what came back (with the server's refusal), and
the fix::

    from corskit.testing import browser_client

    with browser_client(app, origin="https://app.example") as client:     # runs the app's lifespan, like TestClient
        client.put("/items/1", headers={"Authorization": "Bearer t"})     # raises CORSError if a browser would block
        client.get("/me", extensions={"cors": {"credentials": "include"}})  # per-request fetch() options

    client = browser_client("http://127.0.0.1:8000", origin="https://app.example")   # a live server

*app* is a WSGI app (Flask, Django), an ASGI app (FastAPI, Starlette, Django's ASGI handler), a live URL, or any
httpx transport. As with Starlette's ``TestClient``, an ASGI app's lifespan (startup and shutdown) runs when the
client is used as a context manager (``with``/``async with``), and not otherwise. Cookies in the client's jar play
the browser's cookie jar: they are sent only on requests a browser would send them with. The engine's
:class:`~corskit.browser.Result` is on ``response.extensions["cors"]``. The pytest fixture ``cors_client`` (see
:mod:`corskit.pytest_plugin`) makes clients and closes them after the test.
"""

from __future__ import annotations

import asyncio
import inspect
import threading
from collections.abc import Callable, Coroutine, Mapping, MutableMapping
from types import TracebackType
from typing import Any, TypeVar

try:
    import httpx
except ImportError as missing:  # pragma: no cover - exercised in a subprocess without httpx
    raise ImportError(
        "corskit.testing needs httpx: pip install 'corskit[testing]' (or 'corskit[cli]')", name=missing.name
    ) from None

from .browser import Fetch, PreflightCache, Profile, Request, Response, Result, SendRequest, WireRequest, profile
from .browser.request import CREDENTIALS, MODES, REDIRECT_MODES, Credentials, Mode, RedirectMode
from .spec.errors import CORSError
from .spec.origins import normalize_origin, parse_url
from .tools.fixes import suggest
from .tools.trace import fix_summary, to_text, trace, verdict

__all__ = ["CORSTransport", "async_browser_client", "browser_client"]

T = TypeVar("T")

# Headers httpx adds on its own; a page's script would not have set them.
_CLIENT_DEFAULTS = frozenset({b"host", b"accept-encoding", b"connection", b"user-agent", b"content-length"})


def _options(request: httpx.Request, defaults: Mapping[str, str]) -> dict[str, str]:
    """The fetch() options for this request: the transport's defaults, overridden by ``extensions["cors"]``."""
    merged = dict(defaults)
    given = request.extensions.get("cors") or {}
    if not isinstance(given, Mapping):
        raise TypeError(
            f'extensions["cors"] must be a dict of fetch() options such as {{"credentials": "include"}},'
            f" not {type(given).__name__}"
        )
    merged.update(given)
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


#: Characters of a response body kept for the trace (a server's refusal reason).
_EXCERPT = 300


def _engine_response(response: httpx.Response, body: bytes) -> Response:
    headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in response.headers.raw]
    excerpt = body[:_EXCERPT].decode("utf-8", "replace")
    return Response(response.status_code, headers, note=response.reason_phrase, body=excerpt)


def blocked_error(result: Result, origin: str, script: Request) -> CORSError:
    """The :class:`CORSError` for a blocked fetch: Chromium's message, then what a developer needs in a test
    failure: each request sent and each answer (with the start of a refusal's body), and the fix."""
    assert result.error is not None
    fix = suggest(result, normalize_origin(origin).serialize(), script)
    lines = [*trace(result), next(verdict(result))][:200]  # the verdict line; the message is already above
    explanation = "What the browser did:\n" + to_text(lines)
    if fix is not None:
        explanation += "\n" + to_text([fix_summary(fix)])
        if fix.side == "server":
            explanation += "\n\n" + fix.snippet("corskit")
    return CORSError(result.error, result.message or "", result=result, explanation=explanation)


def _script_response(
    result: Result, request: httpx.Request, body: bytes, origin: str, script: Request
) -> httpx.Response:
    """What script gets: a blocked fetch raises, an allowed one shows only the readable headers."""
    if not result.allowed:
        raise blocked_error(result, origin, script)
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
            event = fetch.receive(_engine_response(response, last_body))
        return _script_response(event, request, last_body, self.origin, script)

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
            event = fetch.receive(_engine_response(response, last_body))
        return _script_response(event, request, last_body, self.origin, script)

    # Entering the client enters the wrapped transport: that is where an ASGI app's lifespan starts.
    def __enter__(self) -> CORSTransport:
        if isinstance(self.transport, httpx.BaseTransport):
            self.transport.__enter__()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None = None,
        exc_value: BaseException | None = None,
        traceback: TracebackType | None = None,
    ) -> None:
        if isinstance(self.transport, httpx.BaseTransport):
            self.transport.__exit__(exc_type, exc_value, traceback)

    async def __aenter__(self) -> CORSTransport:
        if isinstance(self.transport, httpx.AsyncBaseTransport):
            await self.transport.__aenter__()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None = None,
        exc_value: BaseException | None = None,
        traceback: TracebackType | None = None,
    ) -> None:
        if isinstance(self.transport, httpx.AsyncBaseTransport):
            await self.transport.__aexit__(exc_type, exc_value, traceback)

    def close(self) -> None:
        if isinstance(self.transport, httpx.BaseTransport):
            self.transport.close()

    async def aclose(self) -> None:
        if isinstance(self.transport, httpx.AsyncBaseTransport):
            await self.transport.aclose()


Message = MutableMapping[str, Any]


class Lifespan:
    """An ASGI app's lifespan, run as servers run it: ``startup`` before the first request, ``shutdown`` after the
    last. An app that does not speak the lifespan protocol (it raises or returns at once, as Django's handler does)
    is served without it, as uvicorn's ``lifespan="auto"`` does; a ``lifespan.startup.failed`` raises.
    :attr:`state` is the lifespan state, copied into each request's scope (``request.state`` in Starlette)."""

    def __init__(self, app: Callable[..., Any]) -> None:
        self.app = app
        self.state: dict[str, Any] = {}
        self._incoming: asyncio.Queue[Message] | None = None
        self._outgoing: asyncio.Queue[Message | None] | None = None
        self._task: asyncio.Task[None] | None = None
        self._error: BaseException | None = None

    async def startup(self) -> None:
        self._incoming, self._outgoing = asyncio.Queue(), asyncio.Queue()
        scope = {"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.0"}, "state": self.state}
        self._task = asyncio.ensure_future(self._run(scope))
        await self._incoming.put({"type": "lifespan.startup"})
        answer = await self._outgoing.get()
        if answer is None:  # the app ended without answering: no lifespan support
            self._task = None
            return
        if answer["type"] == "lifespan.startup.failed":
            raise RuntimeError(f"the app's lifespan startup failed: {answer.get('message', '')}")

    async def shutdown(self) -> None:
        if self._task is None or self._incoming is None or self._outgoing is None:
            return
        await self._incoming.put({"type": "lifespan.shutdown"})
        answer = await self._outgoing.get()
        await self._task
        self._task = None
        if answer is not None and answer["type"] == "lifespan.shutdown.failed":
            raise RuntimeError(f"the app's lifespan shutdown failed: {answer.get('message', '')}")
        if answer is None and self._error is not None:
            raise self._error

    async def _run(self, scope: Message) -> None:
        incoming, outgoing = self._incoming, self._outgoing
        assert incoming is not None
        assert outgoing is not None

        async def receive() -> Message:
            return await incoming.get()

        async def send(message: Message) -> None:
            await outgoing.put(message)

        try:
            await self.app(scope, receive, send)
        except BaseException as error:
            self._error = error
        finally:
            await outgoing.put(None)

    async def __call__(self, scope: Message, receive: Any, send: Any) -> None:
        """The app, with the lifespan state in each request's scope."""
        if self.state and scope["type"] in ("http", "websocket"):
            scope = {**scope, "state": dict(self.state)}
        await self.app(scope, receive, send)


class _LifespanASGITransport(httpx.ASGITransport):
    """httpx's ASGI transport, plus the app's lifespan when entered (``async with``)."""

    def __init__(self, app: Callable[..., Any]) -> None:
        self.lifespan = Lifespan(app)
        super().__init__(app=self.lifespan)

    async def __aenter__(self) -> _LifespanASGITransport:
        await self.lifespan.startup()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None = None,
        exc_value: BaseException | None = None,
        traceback: TracebackType | None = None,
    ) -> None:
        await self.lifespan.shutdown()
        await self.aclose()


class _BlockingASGITransport(httpx.BaseTransport):
    """Run an ASGI app from a synchronous client: an event loop on a private thread serves every request."""

    def __init__(self, app: Callable[..., Any]) -> None:
        self._inner = _LifespanASGITransport(app)
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

    def __enter__(self) -> _BlockingASGITransport:
        self._call(self._inner.lifespan.startup())
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None = None,
        exc_value: BaseException | None = None,
        traceback: TracebackType | None = None,
    ) -> None:
        try:
            if self._loop.is_running():
                self._call(self._inner.lifespan.shutdown())
        finally:
            self.close()

    def close(self) -> None:
        if self._loop.is_running():
            self._call(self._inner.aclose())
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=5)
        self._loop.close()


def _is_asgi(app: Any) -> bool:
    call = app if inspect.isfunction(app) or inspect.ismethod(app) else getattr(app, "__call__", None)  # noqa: B004
    return inspect.iscoroutinefunction(call)


def _checked_app(app: Any) -> None:
    """A clear :class:`TypeError` now, not a confusing one at the first request."""
    if not callable(app):
        raise TypeError(
            f"app must be an ASGI or WSGI app, an httpx transport or a server's URL, not {type(app).__name__}"
        )


def _default_base(origin: str) -> str:
    return "https://testserver" if origin.lower().startswith("https:") else "http://testserver"


def _live(url: str) -> str:
    """A live server's base URL, checked: an http(s) URL."""
    parsed = parse_url(url)
    if parsed is None or not parsed.is_http:
        raise ValueError(f"{url!r} is not an http(s) URL: pass an app, an httpx transport or a server's URL")
    return url


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

    *app* is a WSGI app (Flask, Django), an ASGI app (FastAPI, Starlette, Django's ASGI handler), a live server's
    URL (``"http://127.0.0.1:8000"``, then the default *base_url*) or an httpx transport. *base_url* defaults to
    ``https://testserver`` for an https origin (a real browser blocks http from https pages) and
    ``http://testserver`` otherwise. Use it as a context manager to run an ASGI app's lifespan. *browser* picks
    the engine whose rules apply (``"chromium"``, ``"firefox"``, ``"webkit"``): run a test once per browser to
    catch "works in Chrome, blocked in Safari".
    """
    if isinstance(app, str):
        base_url = base_url or _live(app)
        inner: httpx.BaseTransport = httpx.HTTPTransport()
    elif isinstance(app, httpx.BaseTransport):
        inner = app
    elif _is_asgi(app):
        inner = _BlockingASGITransport(app)
    else:
        _checked_app(app)
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
    """:func:`browser_client` for async tests: *app* is an ASGI app, a live server's URL or an async httpx
    transport. Use it as an async context manager to run the app's lifespan."""
    inner: httpx.AsyncBaseTransport
    if isinstance(app, str):
        base_url = base_url or _live(app)
        inner = httpx.AsyncHTTPTransport()
    elif isinstance(app, httpx.AsyncBaseTransport):
        inner = app
    else:
        _checked_app(app)
        inner = _LifespanASGITransport(app)
    transport = CORSTransport(inner, origin, credentials=credentials, mode=mode, cache=cache, browser=browser)
    return httpx.AsyncClient(transport=transport, base_url=base_url or _default_base(origin), **client_options)
