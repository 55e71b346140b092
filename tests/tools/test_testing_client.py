"""corskit.testing held to Starlette's TestClient: a live URL, the app's lifespan, CORSError text a developer can
act on, the ``cors_client`` pytest fixture, and a clear message without httpx."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from corskit import CORSError
from corskit.asgi import CORSMiddleware
from corskit.testing import async_browser_client, browser_client
from tests.loopback import Answer, Seen, serve

SPA = "https://app.example"
events: list[str] = []


def lifespan_app() -> Any:
    """An app that only works once its lifespan ran: it opens a 'database' at startup."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[dict[str, Any]]:
        events.append("startup")
        app.state.db = {"items": ["lamp"]}
        yield {"greeting": "hello"}
        events.append("shutdown")

    async def items(request: Request) -> JSONResponse:
        return JSONResponse({"items": request.app.state.db["items"], "greeting": request.state.greeting})

    app = Starlette(routes=[Route("/items", items)], lifespan=lifespan)
    return CORSMiddleware(app, allow_origins=[SPA], allow_methods=["PUT"], allow_headers=["authorization"])


def test_lifespan_runs_when_the_client_is_a_context_manager() -> None:
    events.clear()
    with browser_client(lifespan_app(), origin=SPA) as client:
        assert events == ["startup"]
        response = client.get("/items")
        assert response.json() == {"items": ["lamp"], "greeting": "hello"}
    assert events == ["startup", "shutdown"]


def test_without_with_the_lifespan_does_not_run_like_testclient() -> None:
    events.clear()
    plain = browser_client(lifespan_app(), origin=SPA)
    with pytest.raises(Exception, match=r"db|state"):
        plain.get("/items")
    plain.close()
    assert events == []


async def test_async_client_runs_the_lifespan_too() -> None:
    events.clear()
    async with async_browser_client(lifespan_app(), origin=SPA) as client:
        assert (await client.get("/items")).json()["items"] == ["lamp"]
    assert events == ["startup", "shutdown"]


def test_a_failing_startup_raises_and_an_app_without_lifespan_still_works() -> None:
    async def failing(scope: Any, receive: Any, send: Any) -> None:
        assert scope["type"] == "lifespan"
        await receive()
        await send({"type": "lifespan.startup.failed", "message": "no database"})

    with pytest.raises(RuntimeError, match="lifespan startup failed: no database"):  # noqa: SIM117
        with browser_client(failing, origin=SPA):
            pass

    async def http_only(scope: Any, receive: Any, send: Any) -> None:  # like Django's ASGIHandler
        if scope["type"] != "http":
            raise ValueError("Django can only handle ASGI/HTTP connections, not lifespan.")
        headers = [(b"access-control-allow-origin", SPA.encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"ok"})

    with browser_client(http_only, origin=SPA) as client:
        assert client.get("/").text == "ok"


def test_a_live_url_is_accepted() -> None:
    def handler(seen: Seen) -> Answer:
        return 200, [("Access-Control-Allow-Origin", SPA)], b"live"

    with serve(handler) as srv, browser_client(srv.url, origin=SPA) as client:
        assert client.get("/r").text == "live"
        assert srv.seen[0].path == "/r"
        assert srv.seen[0].headers["origin"] == SPA
    with pytest.raises(ValueError, match="is not an http"):
        browser_client("ftp://example.com", origin=SPA)


async def test_a_live_url_with_the_async_client() -> None:
    def handler(seen: Seen) -> Answer:
        return 200, [("Access-Control-Allow-Origin", SPA)], b"live"

    with serve(handler) as srv:
        async with async_browser_client(srv.url, origin=SPA) as client:
            assert (await client.get("/r")).text == "live"


def test_cors_error_text_has_the_exchange_the_refusal_body_and_the_fix() -> None:
    with browser_client(lifespan_app(), origin=SPA) as client, pytest.raises(CORSError) as blocked:
        client.delete("/items", headers={"Authorization": "Bearer t"})
    text = str(blocked.value)
    assert text.startswith("Access to fetch at 'https://testserver/items' from origin 'https://app.example'")
    assert blocked.value.message.startswith("Access to fetch at ")  # Chromium's line alone, as before
    assert "What the browser did:" in text
    assert "→ OPTIONS https://testserver/items  (preflight)" in text
    assert "    Access-Control-Request-Method: DELETE" in text
    assert "← 403" in text
    assert "    body: CORS preflight refused" in text  # the server's refusal body
    assert "Fix (server side): The server refused the preflight" in text
    assert 'allow_methods=["DELETE"]' in text
    assert "\x1b" not in text


def test_cors_error_text_escapes_hostile_server_data() -> None:
    def handler(seen: Seen) -> Answer:
        return 500, [("X-A", "1")], b"\x1b[2Jboom"

    with serve(handler) as srv, browser_client(srv.url, origin=SPA) as client, pytest.raises(CORSError) as blocked:
        client.get("/r")
    assert "\x1b" not in str(blocked.value)
    assert "body: \\x1b[2Jboom" in str(blocked.value)


def test_the_cors_client_fixture(cors_client: Any) -> None:
    events.clear()
    client = cors_client(lifespan_app(), origin=SPA)
    assert isinstance(client, httpx.Client)
    assert events == ["startup"]  # entered: the lifespan ran
    assert client.put("/items", headers={"Authorization": "t"}).status_code == 405  # preflight passed, no PUT route
    with pytest.raises(CORSError):
        cors_client(lifespan_app(), origin="https://evil.example").get("/items")


def test_the_fixture_closes_clients_after_the_test(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        events = []

        async def app(scope, receive, send):
            if scope["type"] == "lifespan":
                while True:
                    message = await receive()
                    events.append(message["type"])
                    await send({"type": message["type"] + ".complete"})
                    if message["type"] == "lifespan.shutdown":
                        return
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"access-control-allow-origin", b"https://app.example")]})
            await send({"type": "http.response.body", "body": b"ok"})

        def test_one(cors_client):
            assert cors_client(app, origin="https://app.example").get("/").text == "ok"
            assert events == ["lifespan.startup"]

        def test_two():
            assert events == ["lifespan.startup", "lifespan.shutdown"]
        """
    )
    pytester.runpytest_subprocess("-p", "no:randomly").assert_outcomes(passed=2)


def test_importing_the_test_client_without_httpx_names_the_extra() -> None:
    code = "import sys; sys.modules['httpx'] = None; import corskit.testing"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 1
    assert "corskit.testing needs httpx: pip install 'corskit[testing]'" in proc.stderr
    # The core and the plugin module import without httpx.
    code = "import sys; sys.modules['httpx'] = None; import corskit, corskit.pytest_plugin"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize("app", [5, None, b"http://127.0.0.1:8000"])
def test_something_that_is_not_an_app_is_refused_at_once(app: Any) -> None:
    for make in (browser_client, async_browser_client):
        with pytest.raises(TypeError, match="app must be an ASGI or WSGI app, an httpx transport or a server's URL"):
            make(app, origin=SPA)  # before: "'int' object is not callable" at the first request


def test_cors_options_that_are_not_a_dict_are_named() -> None:
    client = browser_client(lifespan_app(), origin=SPA)
    with pytest.raises(TypeError, match=r'extensions\["cors"\] must be a dict of fetch\(\) options'):
        client.get("/items", extensions={"cors": 5})
