"""Starlette's CORSMiddleware → corskit.asgi.CORSMiddleware: every difference docs/migrating.md lists, pinned.

Each test builds the same app twice, once with Starlette's middleware and once with corskit's (same keywords), and
asserts what each answers. A test named ``test_<row>`` pins the guide's row of that name.
"""

from __future__ import annotations

import warnings
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware as StarletteCORS
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from corskit import ConfigError
from corskit.asgi import CORSMiddleware

APP = "https://app.example"
EVIL = "https://evil.example"


def home(request: Request) -> PlainTextResponse:
    return PlainTextResponse("home", headers={"Vary": "Accept-Encoding"})


def boom(request: Request) -> PlainTextResponse:
    raise RuntimeError("boom")


def client(middleware: Any, **options: Any) -> TestClient:
    app = Starlette(routes=[Route("/", home), Route("/boom", boom)], middleware=[Middleware(middleware, **options)])
    return TestClient(app, raise_server_exceptions=False)


def both(**options: Any) -> tuple[TestClient, TestClient]:
    return client(StarletteCORS, **options), client(CORSMiddleware, **options)


def preflight(c: TestClient, method: str = "PUT", origin: str = APP, **headers: str) -> Any:
    return c.options("/", headers={"Origin": origin, "Access-Control-Request-Method": method, **headers})


def test_credentials_with_wildcard() -> None:
    peer = client(StarletteCORS, allow_origins=["*"], allow_credentials=True)
    reflected = peer.get("/", headers={"Origin": EVIL, "Cookie": "sid=1"})
    assert reflected.headers["access-control-allow-origin"] == EVIL  # any site reads the user's responses
    with pytest.raises(ConfigError, match="list the origins"):
        CORSMiddleware(home, allow_origins=["*"], allow_credentials=True)
    ours = client(CORSMiddleware, allow_origins=["https://*.app.example", APP], allow_credentials=True)
    assert ours.get("/", headers={"Origin": APP}).headers["access-control-allow-origin"] == APP


def test_preflight_status() -> None:
    peer, ours = both(allow_origins=[APP], allow_methods=["PUT"])
    assert (preflight(peer).status_code, preflight(peer).text) == (200, "OK")
    assert (preflight(ours).status_code, preflight(ours).text) == (204, "")
    same = client(CORSMiddleware, allow_origins=[APP], allow_methods=["PUT"], preflight_status=200)
    assert preflight(same).status_code == 200


def test_preflight_refused() -> None:
    peer, ours = both(allow_origins=[APP], allow_methods=["PUT"])
    theirs = preflight(peer, origin=EVIL)
    assert (theirs.status_code, theirs.text) == (400, "Disallowed CORS origin")
    assert theirs.headers["access-control-allow-methods"]  # still advertised
    refused = preflight(ours, origin=EVIL)
    assert refused.status_code == 403
    assert "origin not allowed" in refused.text
    assert not [h for h in refused.headers if h.startswith("access-control-")]
    assert (preflight(peer, "PATCH").status_code, preflight(ours, "PATCH").status_code) == (400, 403)


def test_private_network_refused() -> None:
    peer, ours = both(allow_origins=[APP], allow_methods=["PUT"])
    pna = {"Access-Control-Request-Private-Network": "true"}
    assert (preflight(peer, **pna).status_code, preflight(peer, **pna).text) == (400, "Disallowed CORS private-network")
    assert preflight(ours, **pna).status_code == 403
    allowed = client(CORSMiddleware, allow_origins=[APP], allow_methods=["PUT"], allow_private_network=True)
    assert preflight(allowed, **pna).headers["access-control-allow-private-network"] == "true"


def test_methods_wildcard() -> None:
    peer, ours = both(allow_origins=[APP], allow_methods=["*"])
    assert preflight(peer, "CUSTOM").status_code == 400  # Starlette's '*' is its eight named methods
    assert preflight(ours, "CUSTOM").status_code == 204  # corskit's '*' is any method
    assert preflight(peer, "QUERY").status_code == 200
    named = ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "QUERY"]
    strict = client(CORSMiddleware, allow_origins=[APP], allow_methods=named)
    assert (preflight(strict, "CUSTOM").status_code, preflight(strict, "QUERY").status_code) == (403, 204)


def test_default_methods() -> None:
    peer, ours = both(allow_origins=[APP], allow_headers=["X-Token"])
    # Starlette's default allow_methods is ("GET",); corskit never needs GET, HEAD or POST listed.
    assert preflight(peer, "POST", **{"Access-Control-Request-Headers": "x-token"}).status_code == 400
    assert preflight(ours, "POST", **{"Access-Control-Request-Headers": "x-token"}).status_code == 204


def test_vary_with_wildcard() -> None:
    peer, ours = both(allow_origins=["*"])
    assert peer.get("/", headers={"Origin": APP}).headers["vary"] == "Accept-Encoding, Origin"
    ours_answer = ours.get("/", headers={"Origin": APP})
    assert ours_answer.headers["access-control-allow-origin"] == "*"
    assert ours_answer.headers["vary"] == "Accept-Encoding"  # a '*' answer is the same for every origin


def test_refused_origin_headers() -> None:
    peer, ours = both(allow_origins=[APP], allow_credentials=True, expose_headers=["X-Total"])
    theirs, refused = peer.get("/", headers={"Origin": EVIL}), ours.get("/", headers={"Origin": EVIL})
    assert theirs.headers["access-control-allow-credentials"] == "true"  # without Allow-Origin: harmless noise
    assert theirs.headers["access-control-expose-headers"] == "X-Total"
    assert not [h for h in refused.headers if h.startswith("access-control-")]
    # Both send Vary: Origin on a refusal (Starlette 1.10 does too) and on a request without Origin.
    assert theirs.headers["vary"] == refused.headers["vary"] == "Accept-Encoding, Origin"
    assert peer.get("/").headers["vary"] == ours.get("/").headers["vary"] == "Accept-Encoding, Origin"


def test_regex_matching_everything() -> None:
    peer = client(StarletteCORS, allow_origin_regex="https://.*")
    assert peer.get("/", headers={"Origin": EVIL}).headers["access-control-allow-origin"] == EVIL
    with pytest.raises(ConfigError, match="matches any origin"):
        CORSMiddleware(home, allow_origin_regex="https://.*")
    ours = client(CORSMiddleware, allow_origin_regex=r"https://([a-z0-9-]+\.)*app\.example")
    assert ours.get("/", headers={"Origin": "https://x.app.example"}).headers["access-control-allow-origin"]


def test_errors_keep_cors_headers() -> None:
    peer, ours = both(allow_origins=[APP])
    theirs, kept = peer.get("/boom", headers={"Origin": APP}), ours.get("/boom", headers={"Origin": APP})
    assert theirs.status_code == kept.status_code == 500
    assert "access-control-allow-origin" not in theirs.headers  # the browser reports a CORS error, not the 500
    assert kept.headers["access-control-allow-origin"] == APP


def test_wildcard_with_names() -> None:
    peer, ours = both(allow_origins=[APP], allow_methods=["*", "PATCH"], allow_headers=["*", "Authorization"])
    asked = {"Access-Control-Request-Headers": "authorization, x-trace"}
    theirs, answer = preflight(peer, "PATCH", **asked), preflight(ours, "PATCH", **asked)
    assert theirs.status_code == 200
    assert answer.status_code == 204
    assert answer.headers["access-control-allow-methods"] == "PATCH"
    assert answer.headers["access-control-allow-headers"] == "authorization, x-trace"


def test_max_age_above_browser_caps() -> None:
    peer, ours = both(allow_origins=[APP], allow_methods=["PUT"], max_age=7201)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # Starlette's own test configuration: filterwarnings = error
        CORSMiddleware(home, allow_origins=[APP], allow_methods=["PUT"], max_age=7201)
    assert preflight(peer).headers["access-control-max-age"] == preflight(ours).headers["access-control-max-age"]


def test_misspelt_keyword() -> None:
    with pytest.raises(TypeError, match="allow_orgins"):
        StarletteCORS(home, allow_orgins=[APP])  # type: ignore[call-arg]
    with pytest.raises(ConfigError, match=r"CORSMiddleware.*allow_orgins.*did you mean 'allow_origins'"):
        CORSMiddleware(home, allow_orgins=[APP])


def test_positional_options() -> None:
    with pytest.raises(ConfigError, match=r"keyword.*allow_origins=\['https://app.example'\]"):
        CORSMiddleware(home, [APP])  # type: ignore[arg-type]
    with pytest.raises(ConfigError) as huge:
        CORSMiddleware(home, [f"https://{i}.app.example" for i in range(10_000)])  # type: ignore[arg-type]
    assert len(str(huge.value)) < 300
