"""corskit.testing: the CORS-enforcing httpx transport, in-process (ASGI and WSGI) and against a live server."""

from __future__ import annotations

import httpx
import pytest
from flask import Flask, request
from starlette.applications import Starlette
from starlette.requests import Request as StarletteRequest
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from corskit import CORSError, ErrorCode
from corskit.browser import PreflightCache
from corskit.testing import CORSTransport, async_browser_client, browser_client
from tests.loopback import Answer, Seen, serve

SPA = "https://app.example"


def _cors_headers(origin: str | None) -> dict[str, str]:
    if origin != SPA:
        return {}
    return {
        "Access-Control-Allow-Origin": SPA,
        "Access-Control-Allow-Credentials": "true",
        "Access-Control-Expose-Headers": "X-Total",
        "Vary": "Origin",
    }


def make_flask() -> Flask:
    app = Flask("example")

    @app.route("/items", methods=["GET", "POST", "OPTIONS"])
    def items():  # type: ignore[no-untyped-def]
        headers = _cors_headers(request.headers.get("Origin"))
        if request.method == "OPTIONS":
            headers |= {"Access-Control-Allow-Methods": "POST", "Access-Control-Allow-Headers": "content-type"}
            return "", 204, headers
        headers |= {"X-Total": "2", "X-Internal": "secret"}
        return {"items": [1, 2], "cookie": request.headers.get("Cookie")}, 200, headers

    return app


def make_starlette() -> Starlette:
    async def item(req: StarletteRequest) -> Response:
        origin = req.headers.get("origin")
        headers = _cors_headers(origin)
        if req.method == "OPTIONS":
            headers |= {"Access-Control-Allow-Methods": "PUT", "Access-Control-Allow-Headers": "authorization"}
            return Response(status_code=204, headers=headers)
        return JSONResponse({"ok": True, "auth": req.headers.get("authorization")}, headers=headers)

    async def redirect(req: StarletteRequest) -> Response:
        return Response(status_code=307, headers={**_cors_headers(req.headers.get("origin")), "Location": "/item"})

    return Starlette(routes=[Route("/item", item, methods=["GET", "PUT", "OPTIONS"]), Route("/old", redirect)])


def test_wsgi_allowed_request_shows_only_readable_headers() -> None:
    client = browser_client(make_flask(), origin=SPA)
    response = client.get("/items")
    assert response.status_code == 200
    assert response.json()["items"] == [1, 2]
    assert response.headers["x-total"] == "2"  # exposed
    assert "x-internal" not in response.headers  # not exposed: script cannot read it
    assert response.extensions["cors"].response.type == "cors"


def test_wsgi_preflighted_request_passes_and_is_preflighted() -> None:
    client = browser_client(make_flask(), origin=SPA)
    response = client.post("/items", json={"a": 1})  # application/json needs a preflight
    assert response.status_code == 200
    methods = [e.request.method for e in response.extensions["cors"].exchanges]
    assert methods == ["OPTIONS", "POST"]


def test_other_origin_is_blocked_with_chromiums_message() -> None:
    client = browser_client(make_flask(), origin="https://evil.example")
    with pytest.raises(CORSError) as caught:
        client.get("/items")
    assert caught.value.code is ErrorCode.MISSING_ALLOW_ORIGIN_HEADER
    assert caught.value.message.startswith(
        "Access to fetch at 'https://testserver/items' from origin 'https://evil.example' has been blocked"
    )
    assert caught.value.result.reached_server


def test_cookies_go_only_with_credentials_include() -> None:
    client = browser_client(make_flask(), origin=SPA, cookies={"sid": "42"})
    assert client.get("/items").json()["cookie"] is None
    creds = client.get("/items", extensions={"cors": {"credentials": "include"}})
    assert creds.json()["cookie"] == "sid=42"


def test_asgi_sync_client_preflights_authorization() -> None:
    client = browser_client(make_starlette(), origin=SPA)
    response = client.put("/item", headers={"Authorization": "Bearer t"})
    assert response.json() == {"ok": True, "auth": "Bearer t"}
    preflight = response.extensions["cors"].exchanges[0].request
    assert preflight.header("Access-Control-Request-Headers") == "authorization"
    client.close()


def test_disallowed_header_raises() -> None:
    client = browser_client(make_starlette(), origin=SPA)
    with pytest.raises(CORSError) as caught:
        client.put("/item", headers={"X-Custom": "1"})
    assert caught.value.code is ErrorCode.HEADER_DISALLOWED_BY_PREFLIGHT_RESPONSE
    client.close()


def test_redirects_are_followed_by_the_engine() -> None:
    client = browser_client(make_starlette(), origin=SPA)
    response = client.get("/old")
    assert response.status_code == 200
    result = response.extensions["cors"]
    assert [e.request.url for e in result.exchanges] == ["https://testserver/old", "https://testserver/item"]
    assert result.response.redirected
    client.close()


def test_preflight_cache_is_shared_between_requests_and_honours_time() -> None:
    now = [0.0]
    cache = PreflightCache(clock=lambda: now[0])
    client = browser_client(make_starlette(), origin=SPA, cache=cache)
    first = client.put("/item", headers={"Authorization": "a"}).extensions["cors"]
    second = client.put("/item", headers={"Authorization": "a"}).extensions["cors"]
    assert first.preflighted
    assert not second.preflighted  # default max-age: 5 s
    now[0] = 5.0
    assert client.put("/item", headers={"Authorization": "a"}).extensions["cors"].preflighted
    client.close()


async def test_async_client_against_asgi() -> None:
    async with async_browser_client(make_starlette(), origin=SPA) as client:
        response = await client.put("/item", headers={"Authorization": "Bearer t"})
        assert response.status_code == 200
    async with async_browser_client(make_starlette(), origin="https://other.example") as client:
        with pytest.raises(CORSError):
            await client.get("/item")


def test_live_server_through_the_network_transport() -> None:
    def handler(seen: Seen) -> Answer:
        origin = seen.headers.get("origin")
        return 200, list(_cors_headers(origin).items()), b"live"

    with serve(handler) as srv:
        client = httpx.Client(transport=CORSTransport(httpx.HTTPTransport(), SPA), base_url=srv.url)
        assert client.get("/x").text == "live"
        assert srv.seen[0].headers["origin"] == SPA
        blocked = httpx.Client(transport=CORSTransport(httpx.HTTPTransport(), "https://evil.example"), base_url=srv.url)
        with pytest.raises(CORSError):
            blocked.get("/x")


def test_no_cors_mode_gives_an_opaque_response() -> None:
    client = browser_client(make_flask(), origin="https://evil.example", mode="no-cors")
    response = client.get("/items")
    assert response.status_code == 0
    assert response.content == b""
    assert dict(response.headers) == {}


def test_bad_options_are_refused_early() -> None:
    with pytest.raises(ValueError, match="origin"):
        browser_client(make_flask(), origin="app.example")
    client = browser_client(make_flask(), origin=SPA)
    with pytest.raises(ValueError, match="credentials"):
        client.get("/items", extensions={"cors": {"credentials": "sometimes"}})


def test_the_client_takes_a_browser_and_applies_its_rules() -> None:
    # DPR is safelisted only in Chromium: the same GET passes there, and is preflighted (and refused) in Firefox.
    chromium = browser_client(make_flask(), origin=SPA).get("/items", headers={"DPR": "2"})
    assert chromium.status_code == 200
    firefox = browser_client(make_flask(), origin=SPA, browser="firefox")
    with pytest.raises(CORSError) as caught:
        firefox.get("/items", headers={"DPR": "2"})
    assert caught.value.code is ErrorCode.HEADER_DISALLOWED_BY_PREFLIGHT_RESPONSE
    assert caught.value.message.startswith("Cross-Origin Request Blocked: ")
    assert caught.value.result.preflighted


def test_an_unknown_browser_is_refused_when_the_client_is_made() -> None:
    with pytest.raises(ValueError, match="chromium, firefox, webkit"):
        browser_client(make_flask(), origin=SPA, browser="safari")
