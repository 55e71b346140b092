"""Playground setups for the end-to-end tests: each is what the page puts in its link (``#s=…``), with ``$PAGE``
for the page's origin. Together they cover the policy and raw modes, preflights, credentials, the preflight cache,
every redirect status and mode, no-cors and same-origin modes, and fetch() refusing before the network."""

from __future__ import annotations

import base64
import json
from typing import Any

PAGE = "$PAGE"
ACAO = ["Access-Control-Allow-Origin", PAGE]


def policy(**options: Any) -> dict[str, Any]:
    form = {"allow_origins": [PAGE], "allow_methods": ["PUT"], "allow_headers": [], "allow_credentials": False}
    form.update(options)
    return {"mode": "policy", "policy": form}


def raw(
    preflight: list[list[str]] | None = None, actual: list[list[str]] | None = None, **status: int
) -> dict[str, Any]:
    return {
        "mode": "raw",
        "preflight": {"status": status.get("preflight_status", 204), "headers": preflight or []},
        "actual": {"status": status.get("actual_status", 200), "headers": actual or []},
    }


def fetch(method: str = "GET", *headers: tuple[str, str], **options: Any) -> dict[str, Any]:
    return {"method": method, "headers": [list(h) for h in headers], **options}


def case(
    name: str, api: dict[str, Any], request: dict[str, Any], redirect: int | None = None
) -> tuple[str, dict[str, Any]]:
    return name, {"api": {**api, "redirect": redirect}, "fetch": request}


CASES = [
    case("simple GET allowed", policy(), fetch()),
    case("GET from an origin the policy does not list", policy(allow_origins=["http://other.test"]), fetch()),
    case("PUT allowed by the preflight", policy(), fetch("PUT")),
    case("PUT not in allow_methods", policy(allow_methods=["PATCH"]), fetch("PUT")),
    case("custom header not allowed", policy(), fetch("PUT", ("X-Request-Id", "42"))),
    case("custom header allowed", policy(allow_headers=["X-Request-Id"]), fetch("PUT", ("X-Request-Id", "42"))),
    case("credentials without allow_credentials", policy(), fetch(credentials="include")),
    case("credentials allowed", policy(allow_credentials=True), fetch("PUT", credentials="include")),
    case("exposed header readable", policy(expose_headers=["X-Total-Count"]), fetch()),
    case("send twice: max_age 60, cache hit", policy(max_age=60), fetch("PUT", twice=True)),
    case("send twice: max_age 0, no cache", policy(max_age=0), fetch("PUT", twice=True)),
    case("send twice: default max-age", policy(), fetch("PUT", ("X-A", "1"), twice=True)),
    case("301 GET followed", policy(), fetch(), redirect=301),
    case("302 POST becomes GET", policy(), fetch("POST", ("Content-Type", "application/json")), redirect=302),
    case("303 PUT becomes GET", policy(), fetch("PUT"), redirect=303),
    case("307 PUT preflighted again", policy(), fetch("PUT"), redirect=307),
    case("308 with a custom header", policy(allow_headers=["X-A"]), fetch("PATCH", ("X-A", "1")), redirect=308),
    case("redirect mode error", policy(), fetch(redirect="error"), redirect=302),
    case("redirect mode manual", policy(), fetch(redirect="manual"), redirect=302),
    case("no-cors GET is opaque", policy(allow_origins=["http://other.test"]), fetch(mode="no-cors")),
    case("no-cors PUT throws", policy(), fetch("PUT", mode="no-cors")),
    case("same-origin mode to another origin", policy(), fetch(mode="same-origin")),
    case("invalid header name throws", policy(), fetch("GET", ("X A", "1"))),
    case("forbidden header dropped", policy(), fetch("GET", ("Cookie", "a=1"))),
    case("lowercase custom method", policy(allow_methods=["PATCH"]), fetch("patch")),
    case("simple POST text/plain", policy(), fetch("POST", ("Content-Type", "text/plain"))),
    case("raw: * with credentials", raw(actual=[["Access-Control-Allow-Origin", "*"]]), fetch(credentials="include")),
    case("raw: trailing slash", raw(actual=[["Access-Control-Allow-Origin", PAGE + "/"]]), fetch()),
    case("raw: two ACAO lines", raw(actual=[ACAO, ["Access-Control-Allow-Origin", "*"]]), fetch()),
    case(
        "raw: ACAC True",
        raw(actual=[ACAO, ["Access-Control-Allow-Credentials", "True"]]),
        fetch(credentials="include"),
    ),
    case(
        "raw: preflight 404", raw([ACAO, ["Access-Control-Allow-Methods", "PUT"]], preflight_status=404), fetch("PUT")
    ),
    case("raw: unparsable Allow-Methods", raw([ACAO, ["Access-Control-Allow-Methods", "PU T"]]), fetch("PUT")),
    case(
        "raw: Allow-Headers * covers Authorization (Chromium 156)",
        raw([ACAO, ["Access-Control-Allow-Methods", "PUT"], ["Access-Control-Allow-Headers", "*"]], [ACAO]),
        fetch("PUT", ("Authorization", "Bearer t")),
    ),
    case(
        "raw: preflight redirected",
        raw([ACAO, ["Location", "/elsewhere"]], preflight_status=302),
        fetch("PUT"),
    ),
    case("raw: ACAO null", raw(actual=[["Access-Control-Allow-Origin", "null"]]), fetch()),
    case("raw: * for a public GET", raw(actual=[["Access-Control-Allow-Origin", "*"]]), fetch()),
    case("raw: HEAD", raw(actual=[ACAO]), fetch("HEAD")),
    case(
        "raw: expose *",
        raw(actual=[ACAO, ["Access-Control-Expose-Headers", "*"], ["X-Secret", "1"]]),
        fetch(),
    ),
    case(
        "raw: a redirect with two Location lines",
        raw(actual=[["Location", "/nowhere"]]),
        fetch(),
        redirect=302,
    ),
]


def link(setup: dict[str, Any]) -> str:
    """The ``#s=…`` fragment the page reads."""
    data = json.dumps(setup).encode()
    return "#s=" + base64.urlsafe_b64encode(data).decode().rstrip("=")
