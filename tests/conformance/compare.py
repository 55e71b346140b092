"""Put Chromium's observation and the engine's answer in one comparable shape, and diff them.

Compared per case: ``allowed``, ``error``, ``message`` (exact), every request put on the wire (method, URL,
``Origin``, ``Access-Control-Request-Method``, ``Access-Control-Request-Headers`` and the author headers that
survived), and the response script sees (type, status, ``[...response.headers]``).

"Author headers that survived": for each header name the scenario's request sets, the value on the wire. Names
Chromium also sets itself (``Accept``, ``User-Agent``…) count only when the wire value is the author's value, so a
dropped forbidden header (``Accept-Encoding: x``) is not confused with Chromium's own.
"""

from __future__ import annotations

import difflib
import json
from typing import Any

#: Request headers Chromium (or the proxy hop) sets on its own on some request.
BROWSER_REQUEST_HEADERS = frozenset(
    {
        "accept",
        "accept-encoding",
        "accept-language",
        "cache-control",
        "connection",
        "content-length",
        "cookie",
        "host",
        "pragma",
        "priority",
        "proxy-connection",
        "referer",
        "sec-fetch-dest",
        "sec-fetch-mode",
        "sec-fetch-site",
        "upgrade-insecure-requests",
        "user-agent",
    }
)
FIELDS = ("allowed", "error", "message", "sent", "response")
_CORS_REQUEST_HEADERS = ("origin", "access-control-request-method", "access-control-request-headers")
#: Response headers an HTTP stack adds for framing; ignored in Chromium's response only when the scenario's own
#: answer did not set them (our server adds none, this guards against stacks that do).
FRAMING_HEADERS = frozenset({"content-length", "transfer-encoding", "connection", "keep-alive", "date", "server"})

_WS = " \t\r\n"


def _combined(headers: list[list[str]] | list[tuple[str, str]], name: str) -> str | None:
    values = [v for n, v in headers if n.lower() == name]
    return ", ".join(values) if values else None


def author_values(scenario: dict[str, Any]) -> dict[str, str]:
    """Lowercased name → the value ``fetch()`` would put on the wire (lines combined, HTTP whitespace trimmed)."""
    out: dict[str, str] = {}
    for name, value in scenario["request"].get("headers", []):
        key = name.lower()
        value = value.strip(_WS)
        out[key] = f"{out[key]}, {value}" if key in out else value
    return out


def project_request(request: dict[str, Any], authors: dict[str, str]) -> dict[str, Any]:
    """One sent request (wire log entry or engine ``sent`` item) reduced to what we compare."""
    headers = request["headers"]
    out: dict[str, Any] = {"method": request["method"], "url": request["url"].split("#", 1)[0]}
    for name in _CORS_REQUEST_HEADERS:
        value = _combined(headers, name)
        if value is not None:
            out[name] = value
    author: list[list[str]] = []
    for name, wanted in sorted(authors.items()):
        if name in _CORS_REQUEST_HEADERS:
            continue
        value = _combined(headers, name)
        if value is not None and (name not in BROWSER_REQUEST_HEADERS or value == wanted):
            author.append([name, value])
    if author:
        out["author_headers"] = author
    return out


def _answers(scenario: dict[str, Any]) -> list[dict[str, Any]]:
    return list(scenario.get("server", []))


def project(
    result: dict[str, Any], scenario: dict[str, Any], *, observed: bool, fields: tuple[str, ...] = FIELDS
) -> dict[str, Any]:
    """The comparable form of an engine result or of a browser observation's ``result`` (*observed*), reduced to
    *fields* (what the judge can vouch for)."""
    authors = author_values(scenario)
    response = result.get("response")
    if response is not None:
        headers = [list(h) for h in response.get("headers", [])]
        if observed:
            declared = {n.lower() for entry in _answers(scenario) for n, _ in entry.get("headers", [])}
            headers = [h for h in headers if h[0] not in FRAMING_HEADERS or h[0] in declared]
        response = {"type": response.get("type"), "status": response.get("status"), "headers": headers}
    full = {
        "allowed": result.get("allowed"),
        "error": result.get("error"),
        "message": result.get("message"),
        "sent": [project_request(r, authors) for r in result.get("sent", [])],
        "response": response,
    }
    return {key: full[key] for key in fields}


def _lines(value: Any) -> list[str]:
    return json.dumps(value, indent=1, ensure_ascii=False).splitlines()


def diff(browser: dict[str, Any], engine: dict[str, Any], name: str = "chromium") -> list[str]:
    """Short unified diffs per differing field (``-`` the browser called *name*, ``+`` engine); empty when they
    agree."""
    out: list[str] = []
    for key in FIELDS:
        a, b = browser.get(key), engine.get(key)
        if a == b:
            continue
        if key in ("allowed", "error", "message"):
            out += [f"  {key}:", f"    - {name + ':':9} {json.dumps(a, ensure_ascii=False)}"]
            out += [f"    + {'engine:':9} {json.dumps(b, ensure_ascii=False)}"]
            continue
        out.append(f"  {key}:")
        lines = difflib.unified_diff(_lines(a), _lines(b), name, "engine", n=1, lineterm="")
        out += [f"    {line}" for line in list(lines)[2:]]
    return out
