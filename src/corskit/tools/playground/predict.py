"""corskit's prediction for a playground run: the engine plays each browser against the very app that answers the
real browser (called in-process), and the page gets the verdicts, the messages, the diagrams, the fix, a "Fix it"
setup, the ``explain`` scenario and the configuration for every stack.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

from ...browser import BROWSERS, PreflightCache, Request, Response, Result, WireRequest, arun
from ...spec.errors import ErrorCode
from ...spec.origins import normalize_origin
from ..diagrams import sequence, to_svg
from ..fixes import STACKS, Fix, Need, render, suggest
from .api import ASGIApp, Message, build_api
from .setup import ApiSetup, PolicyForm, Setup

#: Display names of the engines corskit models.
LABELS = {"chromium": "Chromium", "firefox": "Firefox", "webkit": "Safari"}


def browsers() -> tuple[str, ...]:
    """The browser profiles ``corskit.browser`` offers, Chromium first."""
    return tuple(BROWSERS)


def fetch_request(setup: Setup, url: str) -> Request:
    f = setup.fetch
    return Request(url, f.method, f.headers, credentials=f.credentials, mode=f.mode, redirect=f.redirect)


async def call(app: ASGIApp, wire: WireRequest) -> Response:
    """Send *wire* to an ASGI *app* in-process, with the headers Chromium adds; the response as the engine sees it."""
    parts = urlsplit(wire.url)
    headers = [(n.lower().encode("latin-1", "replace"), v.encode("latin-1", "replace")) for n, v in wire.full_headers()]
    headers.append((b"host", parts.netloc.encode("latin-1", "replace")))
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": wire.method,
        "scheme": parts.scheme,
        "path": parts.path or "/",
        "raw_path": (parts.path or "/").encode("latin-1", "replace"),
        "query_string": parts.query.encode("latin-1", "replace"),
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 0),
        "server": (parts.hostname or "127.0.0.1", parts.port or 80),
    }
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    await app(scope, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    lines = [(n.decode("latin-1"), v.decode("latin-1")) for n, v in start.get("headers", [])]
    return Response(start["status"], lines, body=body[:200].decode("utf-8", "replace"))


async def play(setup: Setup, page: str, url: str, app: ASGIApp, browser: str = "chromium") -> list[Result]:
    """The fetch (twice with ``twice``, sharing a preflight cache as a tab does) as *browser* would run it."""
    request = fetch_request(setup, url)
    cache = PreflightCache()

    async def respond(wire: WireRequest) -> Response:
        return await call(app, wire)

    runs = 2 if setup.fetch.twice else 1
    return [await arun(page, request, respond, cache=cache, browser=browser) for _ in range(runs)]


def _result_json(result: Result) -> dict[str, Any]:
    data = result.to_json()
    data["sent"] = [{"method": w.method, "url": w.url, "kind": w.kind} for w in result.sent]
    data["cache_hits"] = list(result.preflight_cache_hits)
    return data


async def report(setup: Setup, page: str, url: str, prefix: str, notes: tuple[str, ...] = ()) -> dict[str, Any]:
    """Everything the page shows beside the real outcome."""
    app = build_api(setup.api, prefix)
    request = fetch_request(setup, url)
    origin = normalize_origin(page).serialize()
    predictions = []
    fix: Fix | None = None
    chromium: list[Result] = []
    for name in browsers():
        results = await play(setup, page, url, app, name)
        last = results[-1]
        found = suggest(last, origin, request)
        if name == "chromium":
            chromium, fix = results, found
        diagram = sequence(page, request, results, fix=found)
        predictions.append(
            {
                "browser": name,
                "label": LABELS.get(name, name),
                "runs": [_result_json(r) for r in results],
                "svg": to_svg(diagram),
            }
        )
    need = fix.need if fix else Need.of(origin, request)
    fixed = await _fixed(setup, fix, chromium[-1].error, page, url, prefix) if fix else None
    return {
        "predictions": predictions,
        "fix": None if fix is None else {"summary": fix.summary, "side": fix.side},
        "fixed": None if fixed is None else fixed.to_json(),
        "scenario": scenario(page, request, chromium[0]),
        "config": {stack: render(need, stack) for stack in STACKS},
        "notes": list(notes),
    }


# --- "Fix it" -----------------------------------------------------------------------------------------------------

# Client-side failures with one obvious change to the fetch() options.
_CLIENT_FIXES: dict[ErrorCode, dict[str, str]] = {
    ErrorCode.DISALLOWED_BY_MODE: {"mode": "cors"},
    ErrorCode.METHOD_NOT_ALLOWED_IN_NO_CORS: {"mode": "cors"},
    ErrorCode.NO_CORS_REDIRECT_MODE_NOT_FOLLOW: {"redirect": "follow"},
    ErrorCode.REDIRECT_MODE_ERROR: {"redirect": "follow"},
}


def fixed_setup(setup: Setup, fix: Fix, code: ErrorCode | None) -> Setup | None:
    """The setup with the fix applied: the policy extended by what the request needs (a raw API becomes a policy),
    or the fetch() option the browser objected to; ``None`` when no change of ours would help."""
    if fix.side == "client":
        change = _CLIENT_FIXES.get(code) if code else None
        return None if change is None else setup.with_fetch(replace(setup.fetch, **change))  # type: ignore[arg-type]
    need = fix.need
    base = setup.api.policy if setup.api.mode == "policy" else PolicyForm()
    origins = tuple(o for o in base.allow_origins if not (need.credentials and o == "*"))
    form = PolicyForm(
        allow_origins=_union(origins, (need.origin,)),
        allow_methods=_union(base.allow_methods, need.methods),
        allow_headers=_union(base.allow_headers, need.headers),
        allow_credentials=base.allow_credentials or need.credentials,
        expose_headers=base.expose_headers,
        max_age=base.max_age,
    )
    return setup.with_api(ApiSetup("policy", form, setup.api.preflight, setup.api.actual, setup.api.redirect))


def _union(first: tuple[str, ...], second: tuple[str, ...]) -> tuple[str, ...]:
    seen = {item.lower() for item in first}
    return (*first, *(item for item in second if item.lower() not in seen))


async def _fixed(setup: Setup, fix: Fix, code: ErrorCode | None, page: str, url: str, prefix: str) -> Setup | None:
    """The "Fix it" setup, offered only when the engine says it unblocks the request."""
    candidate = fixed_setup(setup, fix, code)
    if candidate is None:
        return None
    try:
        app = build_api(candidate.api, prefix)
    except ValueError:
        return None
    again = await play(candidate, page, url, app)
    return candidate if again[-1].allowed else None


# --- "Copy as scenario" -------------------------------------------------------------------------------------------


def scenario(page: str, request: Request, result: Result) -> dict[str, Any]:
    """The ``corskit explain`` scenario that replays this fetch: the request, and each answer the API gave."""
    server = []
    for exchange in result.exchanges:
        if exchange.response is None:
            continue
        wire = exchange.request
        server.append(
            {
                "method": "OPTIONS" if wire.kind == "preflight" else wire.method,
                "url": wire.url,
                "status": exchange.response.status,
                "headers": [list(h) for h in exchange.response.headers],
            }
        )
    return {
        "origin": page,
        "request": {
            "url": request.url,
            "method": request.method,
            "headers": [list(h) for h in request.headers],
            "credentials": request.credentials,
            "mode": request.mode,
            "redirect": request.redirect,
        },
        "server": server,
    }
