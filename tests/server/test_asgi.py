"""corskit.asgi.CORSMiddleware, called in-process and through Starlette/FastAPI test clients."""

from __future__ import annotations

import asyncio
import logging
from typing import Any, ClassVar

import httpx
import pytest
from examples.server import fastapi_app, starlette_app
from fastapi import FastAPI
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from corskit import ConfigError, PathPolicies, Policy
from corskit.asgi import CORSMiddleware
from corskit.server.merge import BYTES, merge_encoded

from .asgi_helpers import APP, EVIL, Recorder, call, scope

OPTIONS = {
    "allow_origins": [APP],
    "allow_methods": ["PUT"],
    "allow_headers": ["Authorization"],
    "allow_credentials": True,
    "expose_headers": ["X-Total-Count"],
}


def middleware(app: Any = None, **options: Any) -> CORSMiddleware:
    return CORSMiddleware(app or Recorder(), **(options or OPTIONS))


# --- actual requests ------------------------------------------------------------------------------------------


async def test_allowed_origin() -> None:
    out = await call(middleware(), headers=[("Origin", APP)])
    assert out.status == 200
    assert out.header("access-control-allow-origin") == APP
    assert out.header("access-control-allow-credentials") == "true"
    assert out.header("access-control-expose-headers") == "X-Total-Count"
    assert out.header("vary") == "Origin"
    assert out.header("content-type") == "text/plain"
    assert out.body == b"ok"


async def test_disallowed_origin_gets_vary_and_nothing_else() -> None:
    # Starlette #2560: credentials and expose headers went to disallowed origins.
    out = await call(middleware(), headers=[("Origin", EVIL)])
    assert out.status == 200
    assert out.cors_names == []
    assert out.header("vary") == "Origin"


async def test_no_origin_gets_vary() -> None:
    out = await call(middleware())
    assert out.cors_names == []
    assert out.header("vary") == "Origin"


async def test_several_origin_lines_are_refused() -> None:
    out = await call(middleware(), headers=[("Origin", APP), ("Origin", APP)])
    assert out.cors_names == []


async def test_app_vary_is_merged_and_app_cors_headers_replaced() -> None:
    app = Recorder(
        headers=[
            (b"content-type", b"text/plain"),
            (b"vary", b"Accept-Encoding"),
            (b"Vary", b"origin"),
            (b"access-control-allow-origin", b"*"),
        ]
    )
    out = await call(middleware(app), headers=[("Origin", APP)])
    assert out.count("vary") == 1
    assert out.header("vary") == "Accept-Encoding, origin"
    assert out.count("access-control-allow-origin") == 1
    assert out.header("access-control-allow-origin") == APP


async def test_start_message_without_headers() -> None:
    out = await call(middleware(Recorder(headers=None)), headers=[("Origin", APP)])
    assert out.header("access-control-allow-origin") == APP


async def test_header_pairs_as_lists() -> None:
    out = await call(middleware(Recorder(headers=[[b"x-a", b"1"]])), headers=[("Origin", APP)])
    assert out.header("x-a") == "1"
    assert out.header("access-control-allow-origin") == APP


async def test_app_error_status_keeps_cors_headers() -> None:
    out = await call(middleware(Recorder(status=503)), headers=[("Origin", APP)])
    assert out.status == 503
    assert out.header("access-control-allow-origin") == APP


# --- preflights ---------------------------------------------------------------------------------------------------


async def test_preflight_is_answered_without_the_app() -> None:
    app = Recorder()
    out = await call(
        middleware(app),
        "OPTIONS",
        headers=[
            ("Origin", APP),
            ("Access-Control-Request-Method", "PUT"),
            ("Access-Control-Request-Headers", "authorization"),
        ],
    )
    assert app.seen == []
    assert out.status == 204
    assert out.header("access-control-allow-origin") == APP
    assert out.header("access-control-allow-methods") == "PUT"
    assert out.header("access-control-allow-headers") == "authorization"
    assert out.header("access-control-allow-credentials") == "true"
    assert out.header("access-control-max-age") == "600"
    assert out.header("vary") == "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"
    assert out.body == b""


async def test_refused_preflight(caplog: pytest.LogCaptureFixture) -> None:
    app = Recorder()
    with caplog.at_level(logging.DEBUG, logger="corskit"):
        out = await call(
            middleware(app), "OPTIONS", path="/x", headers=[("Origin", EVIL), ("Access-Control-Request-Method", "PUT")]
        )
    assert app.seen == []
    assert out.status == 403
    assert out.cors_names == []
    assert out.body == b"CORS preflight refused: origin not allowed\n"
    assert "origin not allowed" in caplog.text
    assert "'/x'" in caplog.text


async def test_request_header_lines_are_joined() -> None:
    # rs/cors #184.
    mw = middleware(allow_origins=[APP], allow_headers=["content-type", "x-requested-with"])
    out = await call(
        mw,
        "OPTIONS",
        headers=[
            ("Origin", APP),
            ("Access-Control-Request-Method", "GET"),
            ("Access-Control-Request-Headers", "content-type"),
            ("Access-Control-Request-Headers", "x-requested-with"),
        ],
    )
    assert out.status == 204
    assert out.header("access-control-allow-headers") == "content-type, x-requested-with"


async def test_options_without_request_method_reaches_the_app() -> None:
    # tower-http #497.
    app = Recorder(status=200, headers=[(b"allow", b"GET, OPTIONS")])
    out = await call(middleware(app), "OPTIONS", headers=[("Origin", APP)])
    assert len(app.seen) == 1
    assert out.header("allow") == "GET, OPTIONS"
    assert out.header("access-control-allow-origin") == APP


async def test_options_with_request_method_but_no_origin_reaches_the_app() -> None:
    app = Recorder()
    out = await call(middleware(app), "OPTIONS", headers=[("Access-Control-Request-Method", "PUT")])
    assert len(app.seen) == 1
    assert out.header("vary") == "Origin"


# --- errors -------------------------------------------------------------------------------------------------------


async def test_exception_before_start_becomes_500_with_cors_headers_then_reraises() -> None:
    # Starlette #1116: the browser must see the 500, not a CORS error; the server must still log the exception.
    sent: list[dict[str, Any]] = []

    async def boom(scope: Any, receive: Any, send: Any) -> None:
        raise RuntimeError("boom")

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async def receive() -> dict[str, Any]:
        return {"type": "http.disconnect"}

    with pytest.raises(RuntimeError):
        await middleware(boom)(scope(headers=[("Origin", APP)]), receive, send)
    assert sent[0]["status"] == 500
    assert (b"access-control-allow-origin", APP.encode()) in sent[0]["headers"]
    assert (b"vary", b"Origin") in sent[0]["headers"]
    assert sent[1]["body"] == b"Internal Server Error"


async def test_exception_after_start_is_only_reraised() -> None:
    sent: list[dict[str, Any]] = []

    async def half(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        raise RuntimeError("late")

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    with pytest.raises(RuntimeError, match="late"):
        await middleware(half)(scope(headers=[("Origin", APP)]), None, send)  # type: ignore[arg-type]
    assert [m["type"] for m in sent] == ["http.response.start"]


async def test_send_failing_on_the_error_path_keeps_the_original_exception() -> None:
    async def boom(scope: Any, receive: Any, send: Any) -> None:
        raise ValueError("original")

    async def send(message: dict[str, Any]) -> None:
        raise OSError("client went away")

    with pytest.raises(ValueError, match="original"):
        await middleware(boom)(scope(headers=[("Origin", APP)]), None, send)  # type: ignore[arg-type]


# --- other scopes, routing, async predicates --------------------------------------------------------------------


async def test_lifespan_and_websocket_pass_through_untouched() -> None:
    seen: list[tuple[str, Any]] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        seen.append((scope["type"], send))

    async def send(message: Any) -> None:
        pass

    mw = middleware(app)
    for kind in ["lifespan", "websocket"]:
        await mw({"type": kind, "path": "/ws", "headers": [(b"origin", EVIL.encode())]}, None, send)  # type: ignore[arg-type]
    assert seen == [("lifespan", send), ("websocket", send)]


async def test_path_policies() -> None:
    app = Recorder()
    mw = CORSMiddleware(
        app,
        policy=PathPolicies({"/public/*": Policy(allow_origins=["*"]), "/api/*": Policy(**OPTIONS), "/hooks/*": None}),
    )
    public = await call(mw, path="/public/feed", headers=[("Origin", EVIL)])
    assert public.header("access-control-allow-origin") == "*"
    assert public.header("vary") is None
    api = await call(mw, path="/api/me", headers=[("Origin", EVIL)])
    assert api.cors_names == []
    hooks = await call(mw, path="/hooks/x", headers=[("Origin", APP)])
    assert hooks.headers == [(b"content-type", b"text/plain")]  # untouched
    preflight = await call(
        mw, "OPTIONS", path="/hooks/x", headers=[("Origin", APP), ("Access-Control-Request-Method", "PUT")]
    )
    assert preflight.status == 200  # the app answered
    elsewhere = await call(mw, path="/other", headers=[("Origin", APP)])
    assert elsewhere.headers == [(b"content-type", b"text/plain")]


async def test_async_predicate() -> None:
    async def allowed(origin: str) -> bool:
        return origin.endswith(".tenant.example")

    mw = middleware(allow_origin_func=allowed, allow_methods=["PUT"])
    ok = await call(mw, headers=[("Origin", "https://acme.tenant.example")])
    assert ok.header("access-control-allow-origin") == "https://acme.tenant.example"
    no = await call(mw, headers=[("Origin", EVIL)])
    assert no.cors_names == []
    pre = await call(
        mw, "OPTIONS", headers=[("Origin", "https://acme.tenant.example"), ("Access-Control-Request-Method", "PUT")]
    )
    assert pre.status == 204
    options = await call(mw, "OPTIONS", headers=[("Origin", "https://acme.tenant.example")])
    assert options.header("access-control-allow-origin") == "https://acme.tenant.example"


def test_policy_and_options_together_are_refused() -> None:
    with pytest.raises(ConfigError, match="not both"):
        CORSMiddleware(Recorder(), policy=Policy(), allow_origins=[APP])
    with pytest.raises(ConfigError):
        CORSMiddleware(Recorder(), policy={"allow_origins": [APP]})  # type: ignore[arg-type]


def test_bad_options_raise_at_construction() -> None:
    with pytest.raises(ConfigError):
        CORSMiddleware(Recorder(), allow_origins=["*"], allow_credentials=True)


# --- frameworks ----------------------------------------------------------------------------------------------------


def test_drop_in_for_starlettes_add_middleware() -> None:
    app = FastAPI()
    app.add_middleware(CORSMiddleware, allow_origins=[APP], allow_methods=["PUT"])

    @app.get("/x")
    def x() -> dict[str, int]:
        return {"x": 1}

    client = TestClient(app)
    assert client.get("/x", headers={"Origin": APP}).headers["access-control-allow-origin"] == APP
    pre = client.options("/x", headers={"Origin": APP, "Access-Control-Request-Method": "PUT"})
    assert pre.status_code == 204


@pytest.mark.parametrize("module", [fastapi_app, starlette_app], ids=["fastapi", "starlette"])
def test_example_apps(module: Any) -> None:
    client = TestClient(module.create_app(), raise_server_exceptions=False)
    ok = client.get("/api/items", headers={"Origin": APP})
    assert ok.status_code == 200
    assert ok.headers["access-control-allow-origin"] == APP
    assert ok.headers["access-control-expose-headers"] == "X-Total-Count"
    assert ok.headers["vary"] == "Origin"
    dev = client.get("/api/items", headers={"Origin": "http://localhost:5173"})
    assert dev.headers["access-control-allow-origin"] == "http://localhost:5173"
    refused = client.get("/api/items", headers={"Origin": EVIL})
    assert "access-control-allow-origin" not in refused.headers
    pre = client.options(
        "/api/items/1",
        headers={
            "Origin": APP,
            "Access-Control-Request-Method": "PUT",
            "Access-Control-Request-Headers": "authorization,content-type",
        },
    )
    assert pre.status_code == 204
    assert pre.headers["access-control-allow-headers"] == "authorization, content-type"
    unauthorized = client.put("/api/items/1", headers={"Origin": APP})
    assert unauthorized.status_code == 401
    assert unauthorized.headers["access-control-allow-origin"] == APP
    put = client.put("/api/items/1", headers={"Origin": APP, "Authorization": "Bearer s3cret"}, json={})
    assert put.json() == {"id": 1, "updated": True}
    crash = client.get("/api/crash", headers={"Origin": APP})
    assert crash.status_code == 500
    assert crash.headers["access-control-allow-origin"] == APP


def test_fastapi_public_path() -> None:
    client = TestClient(fastapi_app.create_app())
    public = client.get("/public/status", headers={"Origin": EVIL})
    assert public.headers["access-control-allow-origin"] == "*"
    assert public.headers["access-control-expose-headers"] == "X-Total-Count"
    docs = client.get("/docs", headers={"Origin": APP})
    assert "access-control-allow-origin" not in docs.headers  # no policy for that path
    assert "vary" not in docs.headers


async def test_through_httpx_asgi_transport() -> None:
    transport = httpx.ASGITransport(app=starlette_app.create_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://api.test") as client:
        response = await client.get("/api/me", headers={"Origin": APP})
    assert response.headers["access-control-allow-credentials"] == "true"


# --- hostile and unusual input (issue 10) -------------------------------------------------------------------


class GeneratorHeaders(Recorder):
    """An app that gives its response headers as a generator, which the ASGI spec allows (any iterable)."""

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        pairs = [(b"content-type", b"application/json"), (b"content-length", b"2"), (b"set-cookie", b"a=b")]
        await send({"type": "http.response.start", "status": 200, "headers": (pair for pair in pairs)})
        await send({"type": "http.response.body", "body": b"{}"})


@pytest.mark.parametrize(
    ("options", "method", "origin"),
    [
        (OPTIONS, "GET", APP),
        (OPTIONS, "GET", EVIL),
        (OPTIONS, "GET", None),
        ({"allow_origins": ["*"]}, "POST", APP),
        ({"allow_origins": ["https://*.example.com"]}, "GET", "https://a.example.com"),
        ({"allow_origin_func": lambda o: True}, "OPTIONS", APP),  # OPTIONS without ACRM reaches the app
        ({"policy": PathPolicies({"/api/*": Policy(allow_origins=[APP])})}, "GET", APP),
    ],
)
async def test_response_headers_given_as_a_generator_are_all_kept(
    options: dict[str, Any], method: str, origin: str | None
) -> None:
    # Issue 10, defect 1: the headers were read twice, so the app's Content-Type, Content-Length and Set-Cookie
    # vanished.
    out = await call(CORSMiddleware(GeneratorHeaders(), **options), method, headers=[("Origin", origin)] * bool(origin))
    assert out.header("content-type") == "application/json"
    assert out.header("content-length") == "2"
    assert out.header("set-cookie") == "a=b"
    assert out.count("vary") <= 1


async def test_response_headers_given_as_a_generator_with_an_async_predicate() -> None:
    async def is_allowed(origin: str) -> bool:
        return origin == APP

    out = await call(CORSMiddleware(GeneratorHeaders(), allow_origin_func=is_allowed), headers=[("Origin", APP)])
    assert out.header("access-control-allow-origin") == APP
    assert out.header("set-cookie") == "a=b"


@pytest.mark.parametrize(
    ("options", "method"),
    [
        (OPTIONS, "GET"),  # the common request: one policy, only Origin read
        (OPTIONS, "OPTIONS"),  # OPTIONS without Access-Control-Request-Method reaches the app
        ({"policy": PathPolicies({"/api/*": Policy(allow_origins=[APP])})}, "GET"),
        ({"allow_origin_func": lambda o: True}, "POST"),
    ],
)
async def test_request_headers_given_as_a_generator_reach_the_app(options: dict[str, Any], method: str) -> None:
    # The ASGI spec types the scope's headers as any iterable too: read once by the middleware, a generator used
    # to reach the app empty (Origin, Cookie, Authorization gone).
    app = Recorder()
    request = scope(method, headers=[("Origin", APP), ("Cookie", "s=1"), ("Origin", APP)])
    lines = list(request["headers"])
    request["headers"] = (line for line in lines)
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await CORSMiddleware(app, **options)(request, receive, send)
    assert [list(seen["headers"]) for seen in app.seen] == [lines]
    assert (b"access-control-allow-origin", APP.encode()) not in sent[0]["headers"]  # two Origin lines: refused


def test_repeated_lines_are_read_up_to_the_bound_only() -> None:
    from corskit.asgi import read_cors_headers

    lines = [(b"origin", APP.encode())] * 20_000 + [(b"access-control-request-headers", b"x-a")] * 40_000
    origin, method, request_headers, private = read_cors_headers([(b"x-other", b"1"), *lines])
    # Joined as Fetch joins them, but only until the value is past what the policy reads: then it stops growing.
    assert origin is not None
    assert request_headers is not None
    assert origin.startswith(APP.encode() + b", " + APP.encode())
    assert 2048 < len(origin) <= 2048 + len(APP) + 2
    assert 4096 < len(request_headers) <= 4096 + 5
    assert (method, private) == (None, None)
    assert read_cors_headers([(b"origin", b"a"), (b"origin", b"b")]) == (b"a, b", None, None, None)
    assert read_cors_headers(iter([(b"access-control-request-method", b"PUT")])) == (None, b"PUT", None, None)


class Spy(Policy):
    """A policy that records the values the middleware hands it."""

    __slots__ = ()
    seen: ClassVar[list[tuple[Any, ...]]] = []

    def actual(self, origin: Any, path: str = "") -> Any:
        Spy.seen.append((origin,))
        return super().actual(origin, path)

    def preflight(self, *args: Any, **kwargs: Any) -> Any:
        Spy.seen.append(args)
        return super().preflight(*args, **kwargs)

    def encoded(self, wire: Any) -> Any:
        return _SpiedAnswers(super().encoded(wire))


class _SpiedAnswers:
    """A policy's encoded answers (the hot path), recording the values handed to them."""

    def __init__(self, answers: Any) -> None:
        self.answers = answers

    def known(self, origin: Any) -> Any:
        Spy.seen.append((origin,))
        return self.answers.known(origin)

    def decide(self, origin: Any) -> Any:
        return self.answers.decide(origin)

    def preflight(self, *args: Any) -> Any:
        Spy.seen.append(args)
        return self.answers.preflight(*args)


def lines_of(kind: str, n: int) -> list[tuple[str, str]]:
    preflight = [("Access-Control-Request-Method", "PUT")]
    return {
        "origin": [("Origin", APP)] * n,
        "preflight-origin": [("Origin", APP)] * n + preflight,
        "interleaved": [("Origin", APP), *preflight] * n,
        "request-headers": [("Origin", APP), *preflight, *[("Access-Control-Request-Headers", "x-a")] * (2 * n)],
    }[kind]


@pytest.mark.parametrize(
    ("method", "kind"),
    [("GET", "origin"), ("OPTIONS", "preflight-origin"), ("OPTIONS", "interleaved"), ("OPTIONS", "request-headers")],
)
async def test_repeated_lines_cost_one_bounded_linear_pass(method: str, kind: str) -> None:
    # Issue 10, defect 3: every repeated line was joined to the value so far: 20,000 Origin lines blocked the
    # event loop for 0.9 s, 40,000 Access-Control-Request-Headers lines for 0.6 s. Now each line is looked at
    # once, and a value stops growing once it is past what the policy reads.
    Spy.seen.clear()
    mw = CORSMiddleware(Recorder(), policy=Spy(allow_origins=[APP], allow_methods=["PUT"], allow_headers=["*"]))
    out = await call(mw, method, headers=lines_of(kind, 20_000))
    assert out.cors_names == []  # joined lines are never an allowed origin, nor an acceptable list
    assert Spy.seen
    # Each value stops growing past what the policy reads; the cost's linearity is measured (as CPU time, with
    # slack) in tests/fuzz/test_linear.py.
    assert all(len(value) <= 4096 + 64 for args in Spy.seen for value in args if value is not None)


_APP_HEADERS = st.lists(
    st.tuples(
        st.sampled_from(
            [
                *(b"content-type", b"x-a", b"vary", b"Vary", b"access-control-allow-origin", b"Access-Control-Max-Age"),
                *(b"access-control-expose-headers", b"accept-ranges", b"b", b"v", b"w", b"via", b"www-authenticate"),
            ]
        ),
        st.sampled_from([b"*", b"Accept", b"Origin, Accept", b"x"]),
    ),
    max_size=5,
)


@given(headers=_APP_HEADERS, origin=st.sampled_from([APP, EVIL, None]), form=st.sampled_from([list, tuple]))
@settings(max_examples=300, deadline=None)
def test_the_merge_written_inline_is_merge_encoded(headers: list[Any], origin: str | None, form: type) -> None:
    """The ASGI middleware writes merge_encoded's common case inline: what it sends is what merge_encoded gives."""
    policy = Policy(allow_origins=[APP, "https://*.example.org"], expose_headers=["X-Total"])
    app = CORSMiddleware(Recorder(headers=form(headers)), policy=policy)
    sent = asyncio.run(call(app, headers=[] if origin is None else [("Origin", origin)]))
    raw = None if origin is None else origin.encode("latin-1")
    assert sent.headers == merge_encoded(headers, policy.encoded(BYTES)(raw), BYTES)
