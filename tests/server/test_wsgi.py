"""corskit.wsgi.CORSMiddleware around plain WSGI apps and Flask."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from examples.server import flask_app
from flask import Flask

from corskit import ConfigError, PathPolicies, Policy
from corskit.wsgi import CORSMiddleware, request_path

APP = "https://app.example.com"
EVIL = "https://evil.example.net"
OPTIONS = {
    "allow_origins": [APP],
    "allow_methods": ["PUT"],
    "allow_headers": ["Authorization"],
    "allow_credentials": True,
    "expose_headers": ["X-Total-Count"],
}


class Answer:
    def __init__(self, status: str, headers: list[tuple[str, str]], body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body

    def header(self, name: str) -> str | None:
        values = [v for n, v in self.headers if n.lower() == name.lower()]
        return ", ".join(values) if values else None

    @property
    def cors_names(self) -> list[str]:
        return [n.lower() for n, _ in self.headers if n.lower().startswith("access-control-")]


def environ(method: str = "GET", path: str = "/api/items", headers: dict[str, str] | None = None) -> dict[str, Any]:
    env: dict[str, Any] = {"REQUEST_METHOD": method, "SCRIPT_NAME": "", "PATH_INFO": path, "wsgi.url_scheme": "http"}
    for name, value in (headers or {}).items():
        env["HTTP_" + name.upper().replace("-", "_")] = value
    return env


def call(app: Any, method: str = "GET", path: str = "/api/items", headers: dict[str, str] | None = None) -> Answer:
    got: list[Any] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        got[:] = [status, headers]
        return lambda data: None

    body = b"".join(app(environ(method, path, headers), start_response))
    return Answer(got[0], got[1], body)


def bare(status: str = "200 OK", headers: list[tuple[str, str]] | None = None) -> Any:
    seen: list[dict[str, Any]] = []

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        seen.append(environ)
        start_response(status, list(headers if headers is not None else [("Content-Type", "text/plain")]))
        return [b"ok"]

    app.seen = seen  # type: ignore[attr-defined]
    return app


def test_allowed_and_disallowed() -> None:
    mw = CORSMiddleware(bare(), **OPTIONS)
    ok = call(mw, headers={"Origin": APP})
    assert ok.header("Access-Control-Allow-Origin") == APP
    assert ok.header("Access-Control-Allow-Credentials") == "true"
    assert ok.header("Vary") == "Origin"
    no = call(mw, headers={"Origin": EVIL})
    assert no.cors_names == []
    assert no.header("Vary") == "Origin"
    none = call(mw)
    assert none.header("Vary") == "Origin"


def test_joined_origin_lines_are_refused() -> None:
    # WSGI servers join repeated headers with ", " (or ","): either way, not an origin.
    for joined in [f"{APP}, {APP}", f"{APP},{APP}"]:
        assert call(CORSMiddleware(bare(), **OPTIONS), headers={"Origin": joined}).cors_names == []


def test_vary_merged_and_app_cors_headers_replaced() -> None:
    app = bare(headers=[("Vary", "Accept-Encoding"), ("Access-Control-Allow-Origin", "*"), ("X-A", "1")])
    out = call(CORSMiddleware(app, **OPTIONS), headers={"Origin": APP})
    assert [n for n, _ in out.headers].count("Vary") == 1
    assert out.header("Vary") == "Accept-Encoding, Origin"
    assert out.header("Access-Control-Allow-Origin") == APP


def test_preflight_answered_without_the_app() -> None:
    app = bare()
    out = call(
        CORSMiddleware(app, **OPTIONS),
        "OPTIONS",
        headers={
            "Origin": APP,
            "Access-Control-Request-Method": "PUT",
            "Access-Control-Request-Headers": "authorization",
        },
    )
    assert app.seen == []
    assert out.status == "204 No Content"
    assert out.header("Access-Control-Allow-Methods") == "PUT"
    assert out.header("Access-Control-Allow-Headers") == "authorization"


def test_refused_preflight(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="corskit"):
        out = call(
            CORSMiddleware(bare(), **OPTIONS),
            "OPTIONS",
            headers={"Origin": APP, "Access-Control-Request-Method": "PATCH"},
        )
    assert out.status == "403 Forbidden"
    assert out.cors_names == []
    assert out.body == b"CORS preflight refused: method PATCH not allowed\n"
    assert "method PATCH not allowed" in caplog.text


def test_options_without_request_method_reaches_the_app() -> None:
    app = bare()
    out = call(CORSMiddleware(app, **OPTIONS), "OPTIONS", headers={"Origin": APP})
    assert len(app.seen) == 1
    assert out.header("Access-Control-Allow-Origin") == APP


def test_exception_before_start_response_becomes_500_with_cors(caplog: pytest.LogCaptureFixture) -> None:
    def boom(environ: Any, start_response: Any) -> Any:
        raise RuntimeError("boom")

    with caplog.at_level(logging.ERROR, logger="corskit"):
        out = call(CORSMiddleware(boom, **OPTIONS), headers={"Origin": APP})
    assert out.status == "500 Internal Server Error"
    assert out.header("Access-Control-Allow-Origin") == APP
    assert out.body == b"Internal Server Error"
    assert "RuntimeError: boom" in caplog.text  # logged with its traceback, not swallowed


def test_exception_after_start_response_propagates() -> None:
    def half(environ: Any, start_response: Any) -> Any:
        start_response("200 OK", [])
        raise RuntimeError("late")

    with pytest.raises(RuntimeError, match="late"):
        call(CORSMiddleware(half, **OPTIONS), headers={"Origin": APP})


def test_async_predicate_is_refused() -> None:
    async def check(origin: str) -> bool:
        return True

    with pytest.raises(ConfigError, match="WSGI"):
        CORSMiddleware(bare(), allow_origin_func=check)


def test_path_policies_use_the_decoded_utf8_path() -> None:
    app = bare()
    mw = CORSMiddleware(app, policy=PathPolicies({"/café/*": Policy(allow_origins=["*"]), "/hooks/*": None}))
    # PEP 3333: PATH_INFO carries the UTF-8 bytes as latin-1 text.
    wsgi_path = "/café/menu".encode().decode("latin-1")
    assert call(mw, path=wsgi_path).header("Access-Control-Allow-Origin") == "*"
    assert call(mw, path="/hooks/x", headers={"Origin": APP}).headers == [("Content-Type", "text/plain")]


def test_request_path() -> None:
    assert request_path({"SCRIPT_NAME": "/app", "PATH_INFO": "/x"}) == "/app/x"
    assert request_path({"PATH_INFO": "/caf\xc3\xa9"}) == "/café"
    assert request_path({"PATH_INFO": "/\xff"}) == "/\udcff"  # not UTF-8: kept, matches no pattern
    assert request_path({"PATH_INFO": "/\u0100"}) == "/\u0100"  # a server that broke PEP 3333
    assert request_path({}) == "/"  # a mounted app's root, as Flask routes it
    assert request_path({"PATH_INFO": "api/items"}) == "/api/items"
    assert request_path({"SCRIPT_NAME": "/app", "PATH_INFO": ""}) == "/app"
    assert request_path({"SCRIPT_NAME": "/app", "PATH_INFO": "x"}) == "/app/x"


def test_flask_example() -> None:
    client = flask_app.create_app().test_client()
    ok = client.get("/api/items", headers={"Origin": APP})
    assert ok.headers["Access-Control-Allow-Origin"] == APP
    assert ok.headers["Access-Control-Expose-Headers"] == "X-Total-Count"
    assert ok.headers["Vary"] == "Origin"
    pre = client.options(
        "/api/items/1",
        headers={
            "Origin": APP,
            "Access-Control-Request-Method": "PUT",
            "Access-Control-Request-Headers": "authorization",
        },
    )
    assert pre.status_code == 204
    assert client.put("/api/items/1", headers={"Origin": APP}).headers["Access-Control-Allow-Origin"] == APP
    crash = client.get("/api/crash", headers={"Origin": APP})
    assert crash.status_code == 500
    assert crash.headers["Access-Control-Allow-Origin"] == APP
    assert "Access-Control-Allow-Origin" not in client.get("/api/items", headers={"Origin": EVIL}).headers


def test_flask_propagating_exceptions_still_get_cors_headers() -> None:
    app = Flask("propagate")
    app.config["PROPAGATE_EXCEPTIONS"] = True

    @app.get("/boom")
    def boom() -> str:
        raise RuntimeError("boom")

    app.wsgi_app = CORSMiddleware(app.wsgi_app, **OPTIONS)  # type: ignore[method-assign]
    out = call(app, path="/boom", headers={"Origin": APP})
    assert out.status.startswith("500")
    assert out.header("Access-Control-Allow-Origin") == APP


@pytest.mark.parametrize("origin", [APP, EVIL, None])
def test_response_headers_given_as_an_iterator_are_all_kept(origin: str | None) -> None:
    # Issue 10, defect 1, in WSGI: whatever iterable the app passes, every header is kept.
    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        pairs = [("Content-Type", "application/json"), ("Content-Length", "2"), ("Set-Cookie", "a=b")]
        start_response("200 OK", iter(pairs))
        return [b"{}"]

    out = call(CORSMiddleware(app, **OPTIONS), headers={"Origin": origin} if origin else None)
    assert out.header("content-type") == "application/json"
    assert out.header("content-length") == "2"
    assert out.header("set-cookie") == "a=b"
    assert out.header("vary") == "Origin"
