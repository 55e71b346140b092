"""Drive each adapter with raw request header bytes, as a server would hand them over, and the policies to try.

ASGI gets the lines as they are (names lowercased, as servers do); WSGI and Django get them as PEP 3333 says, each
value decoded as Latin-1 and repeated lines joined with ", " (names that cannot be an environ key are dropped).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from corskit import PathPolicies, Policy

from ._hostile import APP_CORS_HEADER, APP_HEADERS

Lines = Sequence[tuple[bytes, bytes]]

EXACT = ["https://app.example.com", "http://localhost:3000", "null"]


def _allow_everything(origin: str) -> bool:
    return True  # the worst predicate: only the policy's own validation stands between a value and the header


async def _allow_everything_async(origin: str) -> bool:
    return True


def policies() -> dict[str, Policy | PathPolicies]:
    """The shapes of policy the fuzz tests try: each way of naming origins, credentials, PNA, per-path rules."""
    exact = Policy(
        allow_origins=EXACT,
        allow_methods=["PUT", "DELETE"],
        allow_headers=["X-Token", "Authorization"],
        expose_headers=["X-Total"],
        max_age=600,
    )
    star = Policy(allow_origins=["*"], allow_methods=["*"], allow_headers=["*"], expose_headers=["*"])
    return {
        "exact": exact,
        "patterns": Policy(
            allow_origins=["https://*.example.com", "http://localhost:*"], allow_methods=["PATCH"], max_age=None
        ),
        "regex": Policy(allow_origin_regex=r"https://([a-z0-9-]+\.)?example\.com", allow_headers=["*"]),
        "func": Policy(allow_origin_func=_allow_everything, allow_credentials=True, allow_methods=["*"]),
        "async-func": Policy(allow_origin_func=_allow_everything_async, allow_headers=["X-Token"]),
        "star": star,
        "credentials-pna": Policy(
            allow_origins=EXACT[:2], allow_credentials=True, allow_private_network=True, allow_headers=["*"]
        ),
        "paths": PathPolicies({"/api/*": exact, "/public/*": star, "/hooks/*": None}),
    }


@dataclass
class Reply:
    status: int
    headers: list[tuple[bytes, bytes]]
    reached_app: bool
    #: The request header lines the app saw (ASGI only).
    app_saw: list[tuple[bytes, bytes]] | None = None


#: The forms of header list an ASGI server and app may use: the spec types both as any iterable of pairs.
SHAPES: dict[str, Callable[[Lines], Iterable[Sequence[bytes]]]] = {
    "list": list,
    "tuple": tuple,
    "generator": lambda lines: (pair for pair in lines),
    "lists": lambda lines: [[name, value] for name, value in lines],
}


def asgi(
    mw_for: Callable[[Any], Any], method: str, path: str, lines: Lines, app_headers: Lines, shape: str = "list"
) -> Reply:
    """The request's *lines* and the app's response headers both given in the form *shape* names."""
    reached: list[bool] = []
    app_saw: list[tuple[bytes, bytes]] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        reached.append(True)
        app_saw.extend((bytes(name), bytes(value)) for name, value in scope["headers"])
        await send({"type": "http.response.start", "status": 200, "headers": SHAPES[shape](app_headers)})
        await send({"type": "http.response.body", "body": b"{}"})

    messages: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        messages.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode("utf-8", "surrogateescape"),
        "query_string": b"",
        "root_path": "",
        "headers": SHAPES[shape]([(name.lower(), value) for name, value in lines]),
        "client": ("127.0.0.1", 5000),
        "server": ("127.0.0.1", 8000),
    }
    asyncio.run(mw_for(app)(scope, receive, send))
    start = next(m for m in messages if m["type"] == "http.response.start")
    written = [(bytes(n), bytes(v)) for n, v in start["headers"]]
    return Reply(start["status"], written, bool(reached), app_saw if reached else None)


def environ_headers(lines: Lines) -> dict[str, str]:
    """``HTTP_*`` keys as a WSGI server builds them: Latin-1 text, repeated lines joined with ", "."""
    out: dict[str, list[str]] = {}
    for name, value in lines:
        text = name.decode("latin-1")
        if not text or not all(c.isascii() and (c.isalnum() or c == "-") for c in text):
            continue  # servers drop (or refuse) header names that cannot become an environ key
        key = "HTTP_" + text.upper().replace("-", "_")
        if key not in ("HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH"):
            out.setdefault(key, []).append(value.decode("latin-1"))
    return {key: ", ".join(values) for key, values in out.items()}


def wsgi(mw_for: Callable[[Any], Any], method: str, path: str, lines: Lines, app_headers: Lines) -> Reply:
    reached: list[bool] = []

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        reached.append(True)
        start_response("200 OK", [(n.decode("latin-1"), v.decode("latin-1")) for n, v in app_headers])
        return [b"{}"]

    environ: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": "",
        "PATH_INFO": path.encode("utf-8", "surrogateescape").decode("latin-1"),
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        **environ_headers(lines),
    }
    got: list[Any] = []
    body = mw_for(app)(environ, lambda status, headers, exc_info=None: got.extend([status, headers]))
    b"".join(body)
    return Reply(int(got[0].split()[0]), [_encode(n, v) for n, v in got[1]], bool(reached))


def django(mw_for: Callable[[Any], Any], method: str, path: str, lines: Lines, app_headers: Lines) -> Reply:
    from django.http import HttpResponse
    from django.test import RequestFactory

    reached: list[bool] = []

    def get_response(request: Any) -> HttpResponse:
        reached.append(True)
        response = HttpResponse(b"{}")
        for name, value in app_headers:
            if name.lower() == b"set-cookie":
                continue  # Django keeps cookies apart from headers (response.cookies)
            response[name.decode("latin-1")] = value.decode("latin-1")
        return response

    request = RequestFactory().generic(method, "/", **environ_headers(lines))
    request.path = request.path_info = path
    response = mw_for(get_response)(request)
    return Reply(response.status_code, [_encode(n, v) for n, v in response.items()], bool(reached))


def _encode(name: str, value: str) -> tuple[bytes, bytes]:
    return name.encode("latin-1"), value.encode("latin-1")


def django_app_headers(app_headers: Lines) -> list[tuple[bytes, bytes]]:
    """What the Django app's response holds of *app_headers* (no cookies: Django sends them apart)."""
    merged: dict[bytes, bytes] = {}
    for name, value in app_headers:
        if name.lower() != b"set-cookie":
            merged[name.lower()] = value
    return list(merged.items())


def middleware(adapter: str, policy: Policy | PathPolicies) -> Callable[[Any], Any]:
    if adapter == "asgi":
        from corskit.asgi import CORSMiddleware as ASGIMiddleware

        return lambda app: ASGIMiddleware(app, policy=policy)
    if adapter == "wsgi":
        from corskit.wsgi import CORSMiddleware as WSGIMiddleware

        return lambda app: WSGIMiddleware(app, policy=policy)
    from corskit.django import CorsMiddleware

    def make(get_response: Any) -> Any:
        mw = CorsMiddleware(get_response)
        mw.policy = policy
        return mw

    return make


DRIVERS = {"asgi": asgi, "wsgi": wsgi, "django": django}
APP_WITH_CORS = [*APP_HEADERS, APP_CORS_HEADER]
