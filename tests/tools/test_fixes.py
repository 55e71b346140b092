"""The fix snippets work: applied to a real app, the request that was blocked passes (checked by the engine)."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from corskit.browser import Request, Response, run
from corskit.testing import browser_client
from corskit.tools.fixes import STACKS, Need, render, suggest

SPA = "https://app.example"
NEEDS = [
    Need(SPA, (), (), False),
    Need(SPA, ("PUT",), ("authorization", "x-request-id"), True, "PUT"),
    Need(SPA, ("DELETE",), ("content-type",), False, "DELETE"),
    Need(SPA, (), ("x-request-id",), False, "POST"),  # a preflighted POST: Starlette checks POST, browsers do not
]


def _starlette() -> Starlette:
    async def item(request: Any) -> PlainTextResponse:
        return PlainTextResponse("ok")

    return Starlette(routes=[Route("/item", item, methods=["GET", "PUT", "DELETE", "POST"])])


def _flask() -> Flask:
    app = Flask("fix")

    @app.route("/item", methods=["GET", "PUT", "DELETE", "POST"])
    def item() -> str:
        return "ok"

    return app


def _request_for(need: Need) -> tuple[str, dict[str, str]]:
    method = need.method
    headers = {name: "application/json" if name == "content-type" else "1" for name in need.headers}
    return method, headers


@pytest.mark.parametrize("need", NEEDS, ids=["simple", "put-auth-credentials", "delete-json", "post-header"])
@pytest.mark.parametrize("stack", ["corskit", "starlette", "fastapi", "flask-cors"])
def test_snippet_allows_exactly_the_request(stack: str, need: Need) -> None:
    if stack == "flask-cors":
        pytest.importorskip("flask_cors")
        app: Any = _flask()
    else:
        app = _starlette()
    exec(render(need, stack), {"app": app})  # type: ignore[arg-type]
    method, headers = _request_for(need)
    credentials = "include" if need.credentials else "same-origin"
    client = browser_client(app, origin=SPA, credentials=credentials)
    assert client.request(method, "/item", headers=headers).status_code == 200
    # ... and nothing broader: another origin is still blocked.
    other = browser_client(app, origin="https://evil.example", credentials=credentials)
    with pytest.raises(Exception, match="blocked by CORS policy"):
        other.request(method, "/item", headers=headers)


@pytest.mark.parametrize("stack", STACKS)
def test_every_stack_names_the_origin_method_and_headers(stack: str) -> None:
    need = Need.of(SPA, Request("https://api.example/x", "PURGE", [("X-Trace", "1")], credentials="include"))
    text = render(need, stack)  # type: ignore[arg-type]
    assert SPA in text
    assert "PURGE" in text
    assert "x-trace" in text
    assert "true" in text.lower()


@pytest.mark.parametrize("stack", STACKS)
@pytest.mark.parametrize("method", ["GET", "HEAD", "POST"])
def test_methods_browsers_never_check_are_not_listed(stack: str, method: str) -> None:
    """GET, HEAD and POST never need listing (README): no snippet lists them, unless the peer itself checks them
    (Starlette, on a preflighted request, for anything but its default GET)."""
    for headers in ([], [("X-Trace", "1")]):
        need = Need.of(SPA, Request("https://api.example/x", method, headers))
        text = render(need, stack)  # type: ignore[arg-type]
        starlette_checks = stack in ("starlette", "fastapi") and headers and method != "GET"
        assert (f'"{method}"' in text) == bool(starlette_checks), text
        if stack == "corskit":
            assert "allow_methods" not in text


def test_unknown_stack_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown stack"):
        render(NEEDS[0], "rails")  # type: ignore[arg-type]


# -- a fix is the browser's: what *it* failed on, what *it* needs allowed ---------------------------------------------


@pytest.mark.parametrize("browser", ["chromium", "firefox", "webkit"])
def test_a_corskit_refusal_names_its_reason_whichever_check_the_browser_failed_first(browser: str) -> None:
    """A corskit server refuses a preflight with a 403, no CORS headers and the reason in its body. WebKit fails it
    on the 403 (preflight_invalid_status), Chromium on the missing Access-Control-Allow-Origin: WebKit's fix said
    "it needs a 2xx status … before routing", and every snippet left out DPR, a header only Chromium safelists."""
    refused = Response(403, (("Vary", "Origin"),), body="CORS preflight refused: method PUT not allowed\n")
    request = Request("https://api.example/item", "PUT", headers=[("DPR", "2")])
    result = run(SPA, request, lambda wire: refused, browser=browser)
    assert not result.allowed
    fix = suggest(result, SPA, request)
    assert fix is not None
    assert fix.summary.startswith("The server refused the preflight (method PUT not allowed): allow the origin")
    assert ("dpr" in fix.need.headers) == (browser != "chromium")
    assert ('allow_headers=["dpr"]' in fix.snippet("corskit")) == (browser != "chromium")


@pytest.mark.parametrize("browser", ["chromium", "firefox", "webkit"])
def test_a_redirect_to_another_origin_explains_origin_null(browser: str) -> None:
    """After a redirect to another origin the browser sends `Origin: null`; the server's 'https://app.example' then
    fails. Before: "The server allows 'https://app.example', not 'https://app.example': add https://app.example"."""
    answers = {
        "https://api.example/old": Response(
            307, (("Location", "https://cdn.example/new"), ("Access-Control-Allow-Origin", SPA))
        ),
        "https://cdn.example/new": Response(200, (("Access-Control-Allow-Origin", SPA),)),
    }
    request = Request("https://api.example/old")
    result = run(SPA, request, lambda wire: answers[wire.url], browser=browser)
    assert not result.allowed
    assert result.exchanges[-1].request.header("Origin") == "null"
    fix = suggest(result, SPA, request)
    assert fix is not None
    assert "the browser sent 'Origin: null' there" in fix.summary
    assert "Fetch the final URL (https://cdn.example/new) directly" in fix.summary
    assert f"not '{SPA}'" not in fix.summary
