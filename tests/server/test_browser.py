"""Real servers, real browser: FastAPI and Starlette under uvicorn, Flask and Django under waitress, each behind
corskit, driven by headless Chromium from an allowed and a disallowed origin.

Pages are served from ``http://127.0.0.1:P`` (allowed by the apps' ``http://127.0.0.1:*`` pattern) and
``http://localhost:P`` (same server, another origin: not allowed); the APIs listen on 127.0.0.2.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest
from examples.server import django_app, fastapi_app, flask_app, starlette_app

from tests._chromium import chromium_browser  # noqa: F401  (module fixture)
from tests.loopback import serve

from .servers import Recording, uvicorn_server, waitress_server

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

ALLOWED = ["http://127.0.0.1:*"]
FRAMEWORKS = ["fastapi", "starlette", "flask", "django"]
_nonce = itertools.count()


@dataclass
class Api:
    url: str
    recording: Recording


def django_wsgi() -> Any:
    from django.test import override_settings

    # The middleware reads CORSKIT when Django builds the handler.
    with override_settings(CORSKIT=django_app.settings_for(ALLOWED)["CORSKIT"]):
        return django_app.application()


@pytest.fixture(scope="module")
def apis() -> Iterator[dict[str, Api]]:
    logging.getLogger("django.request").setLevel(logging.CRITICAL)  # /api/crash is expected
    with ExitStack() as stack:
        out: dict[str, Api] = {}
        for name in FRAMEWORKS:
            rec = Recording()
            if name == "fastapi":
                url = stack.enter_context(uvicorn_server(rec.asgi(fastapi_app.create_app(ALLOWED))))
            elif name == "starlette":
                url = stack.enter_context(uvicorn_server(rec.asgi(starlette_app.create_app(ALLOWED))))
            elif name == "flask":
                url = stack.enter_context(waitress_server(rec.wsgi(flask_app.create_app(ALLOWED))))
            else:
                url = stack.enter_context(waitress_server(rec.wsgi(django_wsgi())))
            out[name] = Api(url, rec)
        yield out


@pytest.fixture(scope="module")
def pages(chromium_browser: Browser) -> Iterator[dict[str, Page]]:  # noqa: F811
    """Two pages: one on an allowed origin, one on a disallowed one (same server, other host name)."""
    with serve(lambda seen: (200, [("Content-Type", "text/html")], b"<!doctype html><title>page</title>")) as site:
        port = site.url.rsplit(":", 1)[1]
        context = chromium_browser.new_context()
        out = {}
        for name, origin in [("allowed", f"http://127.0.0.1:{port}"), ("evil", f"http://localhost:{port}")]:
            page = context.new_page()
            page.goto(origin + "/")
            out[name] = page
        try:
            yield out
        finally:
            context.close()


FETCH = """
async (cases) => Promise.all(cases.map(async (c) => {
  try {
    const response = await fetch(c.url, {method: c.method, headers: c.headers, credentials: c.credentials,
                                         body: c.body});
    return {ok: true, status: response.status, total: response.headers.get("X-Total-Count"),
            body: await response.text()};
  } catch (error) {
    return {ok: false, error: String(error)};
  }
}))
"""


def fetch_all(page: Page, api: Api, cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Run fetch() calls in parallel in *page*; each URL gets a nonce so no preflight cache is shared."""
    prepared = []
    for case in cases:
        sep = "&" if "?" in case["path"] else "?"
        prepared.append(
            {
                "url": f"{api.url}{case['path']}{sep}n={next(_nonce)}",
                "method": case.get("method", "GET"),
                "headers": case.get("headers", {}),
                "credentials": case.get("credentials", "same-origin"),
                "body": case.get("body"),
            }
        )
    return page.evaluate(FETCH, prepared)  # type: ignore[no-any-return]


@pytest.mark.chromium
@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_allowed_origin(framework: str, pages: dict[str, Page], apis: dict[str, Api]) -> None:
    api = apis[framework]
    api.recording.seen.clear()
    auth = {"Authorization": "Bearer s3cret", "Content-Type": "application/json"}
    items, me, put, unauthorized, crash = fetch_all(
        pages["allowed"],
        api,
        [
            {"path": "/api/items"},
            {"path": "/api/me", "credentials": "include"},
            {"path": "/api/items/1", "method": "PUT", "headers": auth, "body": "{}", "credentials": "include"},
            {"path": "/api/items/1", "method": "PUT", "headers": {"Authorization": "Bearer wrong"}},
            {"path": "/api/crash", "credentials": "include"},
        ],
    )
    assert items["ok"], items
    assert items["status"] == 200
    assert items["total"] == "2"  # exposed
    assert me["ok"], me
    assert '"ada"' in me["body"]
    assert put["ok"], put
    assert put["status"] == 200
    assert '"updated"' in put["body"]
    # The real errors reach the page, not a CORS error.
    assert unauthorized["ok"], unauthorized
    assert unauthorized["status"] == 401
    assert crash["ok"], crash
    assert crash["status"] == 500
    methods = [m for m, path in api.recording.seen if path == "/api/items/1"]
    assert sorted(methods) == ["OPTIONS", "OPTIONS", "PUT", "PUT"]


@pytest.mark.chromium
@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_disallowed_origin(framework: str, pages: dict[str, Page], apis: dict[str, Api]) -> None:
    api = apis[framework]
    api.recording.seen.clear()
    items, me, put = fetch_all(
        pages["evil"],
        api,
        [
            {"path": "/api/items"},
            {"path": "/api/me", "credentials": "include"},
            {"path": "/api/items/1", "method": "PUT", "headers": {"Authorization": "Bearer s3cret"}},
        ],
    )
    for result in (items, me, put):
        assert not result["ok"], result
        assert "Failed to fetch" in result["error"]
    # The refused preflight kept the PUT off the server; the simple GETs went through but could not be read.
    assert ("PUT", "/api/items/1") not in api.recording.seen
    assert ("OPTIONS", "/api/items/1") in api.recording.seen
    assert ("GET", "/api/items") in api.recording.seen


@pytest.mark.chromium
def test_public_path_is_readable_from_anywhere(pages: dict[str, Page], apis: dict[str, Api]) -> None:
    (status,) = fetch_all(pages["evil"], apis["fastapi"], [{"path": "/public/status"}])
    assert status["ok"], status
    assert status["total"] == "1"
    (me,) = fetch_all(pages["evil"], apis["fastapi"], [{"path": "/public/status", "credentials": "include"}])
    assert not me["ok"]  # '*' is for credential-less reads


@pytest.mark.chromium
def test_console_says_why(pages: dict[str, Page], apis: dict[str, Api]) -> None:
    page = pages["evil"]
    messages: list[str] = []

    def listen(message: Any) -> None:
        messages.append(message.text)

    page.on("console", listen)
    try:
        fetch_all(page, apis["starlette"], [{"path": "/api/items", "method": "DELETE"}])
    finally:
        page.remove_listener("console", listen)
    assert any(
        "has been blocked by CORS policy: Response to preflight request doesn't pass access control check" in m
        for m in messages
    ), messages
