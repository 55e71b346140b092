"""Round trip: the browser engine, fed the middleware's real responses, allows exactly what the policy means to.

For random policies and random ``fetch()`` calls, the engine (``corskit.browser``, which agrees with Chromium on
the conformance corpus) talks to ``corskit.asgi.CORSMiddleware`` in-process. The expected verdict comes from a
separate, plain reading of the policy's options (:func:`intended`), not from corskit's own decision code.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corskit import Policy
from corskit.asgi import CORSMiddleware
from corskit.browser import Request, Response, WireRequest, run
from corskit.spec.headers import has_unsafe_wire_bytes

API = "https://api.test/r"
PAGES = [
    "https://app.example.com",
    "https://a.example.com",
    "https://a.b.example.com",
    "https://example.com",
    "https://app.example.com:8443",
    "http://app.example.com",
    "http://localhost:3000",
    "http://localhost",
    "https://evil.example.net",
    "https://xexample.com",
    "null",
]
EXACT = ["https://app.example.com", "https://example.com", "http://localhost", "https://evil.example.net"]
PATTERNS = ["https://*.example.com", "http://localhost:*"]
REGEX = r"https://[a-z]+\.example\.com"
METHODS = ["PUT", "DELETE", "PATCH"]
HEADERS = ["authorization", "x-foo", "x-bar"]
REQUEST_HEADERS = [
    ("Authorization", "Bearer t"),
    ("X-Foo", "1"),
    ("X-Bar", "2"),
    ("Content-Type", "application/json"),
    ("Content-Type", "text/plain"),
    ("Accept", "application/json"),
]
SAFELISTED_METHODS = {"GET", "HEAD", "POST"}


@dataclass(frozen=True)
class Spec:
    """Policy options as plain data: what a reader of the configuration expects to be allowed."""

    origins: tuple[str, ...]  # ("*",) for any origin
    regex: str | None
    methods: tuple[str, ...]
    headers: tuple[str, ...]
    credentials: bool
    expose: tuple[str, ...]

    def policy(self) -> Policy:
        return Policy(
            allow_origins=self.origins,
            allow_origin_regex=self.regex,
            allow_methods=self.methods,
            allow_headers=self.headers,
            allow_credentials=self.credentials,
            expose_headers=self.expose,
        )


@st.composite
def specs(draw: Any) -> Spec:
    credentials = draw(st.booleans())
    if not credentials and draw(st.integers(0, 4)) == 0:
        origins: tuple[str, ...] = ("*",)
        regex = None
    else:
        origins = tuple(draw(st.lists(st.sampled_from(EXACT + PATTERNS), unique=True, max_size=4)))
        if not credentials and draw(st.booleans()):
            origins += ("null",)
        regex = draw(st.sampled_from([None, REGEX]))
    methods = ("*",) if draw(st.booleans()) else tuple(draw(st.lists(st.sampled_from(METHODS), unique=True)))
    headers = ("*",) if draw(st.booleans()) else tuple(draw(st.lists(st.sampled_from(HEADERS), unique=True)))
    expose_options = [(), ("X-Total",)] + ([] if credentials else [("*",)])
    expose = draw(st.sampled_from(expose_options))
    return Spec(origins, regex, methods, headers, credentials, expose)


@st.composite
def fetches(draw: Any) -> tuple[str, Request]:
    page = draw(st.sampled_from(PAGES))
    method = draw(st.sampled_from(["GET", "HEAD", "POST", *METHODS]))
    chosen = draw(st.lists(st.sampled_from(REQUEST_HEADERS), unique_by=lambda h: h[0], max_size=3))
    credentials = draw(st.sampled_from(["omit", "same-origin", "include"]))
    return page, Request(API, method=method, headers=chosen, credentials=credentials)


def origin_listed(spec: Spec, origin: str) -> bool:
    if origin in spec.origins:
        return True
    if origin == "null":
        return False
    scheme, _, host_port = origin.partition("://")
    host, _, port = host_port.partition(":")
    for pattern in spec.origins:
        if pattern == "https://*.example.com" and scheme == "https" and host.endswith(".example.com") and not port:
            return True
        if pattern == "http://localhost:*" and scheme == "http" and host == "localhost":
            return True
    return spec.regex is not None and re.fullmatch(spec.regex, origin) is not None


def unsafe_names(request: Request) -> set[str]:
    names = set()
    for name, value in request.headers:
        lname = name.lower()
        if lname == "content-type" and value == "text/plain":
            continue
        if lname == "accept":
            continue
        names.add(lname)
    return names


def intended(spec: Spec, page: str, request: Request) -> bool:
    """What the configuration says, read plainly."""
    include = request.credentials == "include"
    if spec.origins == ("*",):
        origin_ok = not include  # '*' is for public, credential-less reads
    else:
        origin_ok = origin_listed(spec, page) and (spec.credentials or not include)
    if not origin_ok:
        return False
    names = unsafe_names(request)
    if request.method in SAFELISTED_METHODS and not names:
        return True  # no preflight
    method_ok = request.method in SAFELISTED_METHODS or spec.methods == ("*",) or request.method in spec.methods
    always = {"accept", "accept-language", "content-language", "content-type"}
    headers_ok = spec.headers == ("*",) or names <= set(spec.headers) | always
    return method_ok and headers_ok


def responder(policy: Policy) -> Any:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"text/plain"), (b"x-total", b"5"), (b"vary", b"Accept-Encoding")],
            }
        )
        await send({"type": "http.response.body", "body": b"ok"})

    middleware = CORSMiddleware(app, policy=policy)

    def respond(wire: WireRequest) -> Response:
        scope = {
            "type": "http",
            "method": wire.method,
            "path": "/r",
            "headers": [(n.lower().encode("latin-1"), v.encode("latin-1")) for n, v in wire.full_headers()],
        }
        out: dict[str, Any] = {}

        async def send(message: Any) -> None:
            if message["type"] == "http.response.start":
                out["status"] = message["status"]
                out["headers"] = [(n.decode("latin-1"), v.decode("latin-1")) for n, v in message.get("headers", [])]

        asyncio.run(middleware(scope, None, send))  # type: ignore[arg-type]
        for name, value in out["headers"]:
            assert not has_unsafe_wire_bytes(name + value)
        names = [n.lower() for n, _ in out["headers"]]
        assert names.count("vary") <= 1
        return Response(out["status"], out["headers"])

    return respond


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(specs(), fetches())
def test_engine_allows_exactly_what_the_policy_means(spec: Spec, fetch: tuple[str, Request]) -> None:
    page, request = fetch
    result = run(page, request, responder(spec.policy()))
    expected = intended(spec, page, request)
    assert result.allowed is expected, (spec, page, request, result.error, result.message)
    if result.allowed and result.response is not None:
        # What script can read: X-Total only when exposed.
        exposed = "x-total" in [e.lower() for e in spec.expose] or (
            spec.expose == ("*",) and request.credentials != "include"
        )
        assert (result.response.header("x-total") is not None) is exposed
    for exchange in result.exchanges:
        # Every answer that depends on the origin says so, and the app's own Vary is kept.
        assert exchange.response is not None
        vary = exchange.response.header("vary") or ""
        assert ("Origin" in vary) is (spec.origins != ("*",))
        if exchange.request.kind == "actual":
            assert "Accept-Encoding" in vary


def test_the_oracle_is_not_trivial() -> None:
    # A sanity check on the test itself: both verdicts occur, with and without preflights.
    spec = Spec(("https://*.example.com",), None, ("PUT",), ("authorization",), True, ())
    assert intended(spec, "https://a.example.com", Request(API, "PUT", [("Authorization", "x")], "include"))
    assert not intended(spec, "https://example.com", Request(API, "GET"))
    assert not intended(spec, "https://a.example.com", Request(API, "DELETE"))
    assert not intended(spec, "https://a.example.com", Request(API, "GET", [("X-Foo", "1")]))
