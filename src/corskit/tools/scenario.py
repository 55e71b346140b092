"""Scenarios: a page, a ``fetch()`` and a described server, played through the engine (``corskit explain``).

The schema (headers are ``[name, value]`` lists so duplicates are possible)::

    {"origin": "http://app.test",
     "request": {"url": "http://api.test/r", "method": "PUT", "headers": [["X-Foo", "1"]],
                 "credentials": "same-origin", "mode": "cors"},
     "server": [{"method": "OPTIONS", "url": "http://api.test/r", "status": 204,
                 "headers": [["Access-Control-Allow-Origin", "http://app.test"]]},
                {"method": "*", "url": "http://api.test/r", "status": 200, "headers": []}]}

A request is answered by the first ``server`` entry whose method (or ``"*"``) and URL match; a 3xx entry with a
``Location`` header redirects. A malformed scenario, or a request no entry answers, raises :class:`ScenarioError`
naming the exact field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..browser.fetch import Result, run
from ..browser.profiles import Profile
from ..browser.request import CREDENTIALS, MODES, REDIRECT_MODES, Credentials, Mode, RedirectMode, Request
from ..browser.wire import Response, WireRequest
from ..spec.origins import URL, OriginError, normalize_origin, parse_url

#: Keys a scenario may carry for people and tools; the engine ignores them.
ANNOTATION_KEYS = frozenset({"name", "category", "note", "description", "tags", "expect", "id"})


class ScenarioError(ValueError):
    """The scenario is malformed or incomplete; the message names the field."""


@dataclass(frozen=True)
class ServerEntry:
    method: str
    url: str
    status: int
    headers: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Scenario:
    origin: str
    request: Request
    server: tuple[ServerEntry, ...]

    def answer(self, wire: WireRequest) -> Response:
        """The first matching entry's response; :class:`ScenarioError` when none matches."""
        target = _canonical(wire.url)
        for entry in self.server:
            if entry.method in ("*", wire.method) and _canonical(entry.url) == target:
                return Response(entry.status, entry.headers)
        what = "the preflight" if wire.kind == "preflight" else "the request"
        raise ScenarioError(
            f"server: no entry answers {wire.method} {wire.url} ({what}); "
            f'add {{"method": "{wire.method}", "url": "{wire.url}", "status": …, "headers": […]}}'
        )


def _canonical(url: str) -> str:
    parsed = parse_url(url)
    if parsed is None:
        return url
    # What identifies the resource: credentials in the URL (a browser may follow such a Location) do not.
    bare = URL(parsed.scheme, "", "", parsed.host, parsed.port, parsed.path, parsed.query, None)
    return bare.serialize()


def _expect(cond: bool, path: str, what: str) -> None:
    if not cond:
        raise ScenarioError(f"{path}: {what}")


def _headers(value: Any, path: str, *, wire: bool) -> tuple[tuple[str, str], ...]:
    _expect(isinstance(value, list), path, "must be a list of [name, value] pairs")
    out: list[tuple[str, str]] = []
    for i, pair in enumerate(value):
        where = f"{path}[{i}]"
        _expect(
            isinstance(pair, list) and len(pair) == 2 and all(isinstance(p, str) for p in pair),
            where,
            "must be a [name, value] pair of strings",
        )
        name, val = pair
        if wire:
            # A response header cannot hold these: an HTTP parser would have split or rejected the line.
            _expect(bool(name) and not any(c in name for c in ":\r\n\x00 \t"), f"{where}[0]", "is not a header name")
            _expect(not any(c in val for c in "\r\n\x00"), f"{where}[1]", "cannot contain CR, LF or NUL")
        out.append((name, val))
    return tuple(out)


def _choice(data: Mapping[str, Any], key: str, options: tuple[str, ...], default: str, path: str) -> str:
    value = data.get(key, default)
    _expect(value in options, f"{path}.{key}", f"must be one of {', '.join(options)}")
    return str(value)


def _no_unknown_keys(data: Mapping[str, Any], allowed: set[str], path: str) -> None:
    unknown = sorted(set(data) - allowed - ANNOTATION_KEYS)
    _expect(not unknown, f"{path}.{unknown[0]}" if unknown else path, "is not a scenario field")


def parse_scenario(data: Any) -> Scenario:
    """Validate a decoded JSON scenario; raise :class:`ScenarioError` naming the first bad field."""
    _expect(isinstance(data, dict), "scenario", "must be a JSON object")
    _no_unknown_keys(data, {"origin", "request", "server"}, "scenario")
    origin = data.get("origin")
    _expect(isinstance(origin, str), "origin", 'is required: the page\'s origin, e.g. "http://app.test"')
    try:
        normalize_origin(origin)
    except OriginError as err:
        raise ScenarioError(f"origin: {err}") from None

    req = data.get("request")
    _expect(isinstance(req, dict), "request", 'is required: an object with at least "url"')
    _no_unknown_keys(req, {"url", "method", "headers", "credentials", "mode", "redirect"}, "request")
    _expect(isinstance(req.get("url"), str), "request.url", "is required and must be a string")
    method = req.get("method", "GET")
    _expect(isinstance(method, str), "request.method", "must be a string")
    request = Request(
        url=req["url"],
        method=method,
        headers=_headers(req.get("headers", []), "request.headers", wire=False),
        credentials=_choice_credentials(req),
        mode=_choice_mode(req),
        redirect=_choice_redirect(req),
    )

    server = data.get("server", [])
    _expect(isinstance(server, list), "server", "must be a list of response entries")
    entries: list[ServerEntry] = []
    for i, entry in enumerate(server):
        path = f"server[{i}]"
        _expect(isinstance(entry, dict), path, "must be an object")
        _no_unknown_keys(entry, {"method", "url", "status", "headers"}, path)
        emethod = entry.get("method", "*")
        _expect(isinstance(emethod, str) and bool(emethod), f"{path}.method", 'must be a method or "*"')
        _expect(isinstance(entry.get("url"), str), f"{path}.url", "is required and must be a string")
        _expect(parse_url(entry["url"]) is not None, f"{path}.url", "is not a valid absolute URL")
        status = entry.get("status", 200)
        _expect(
            isinstance(status, int) and not isinstance(status, bool) and 200 <= status <= 599,
            f"{path}.status",
            "must be an integer from 200 to 599",
        )
        entries.append(
            ServerEntry(emethod, entry["url"], status, _headers(entry.get("headers", []), f"{path}.headers", wire=True))
        )
    return Scenario(origin, request, tuple(entries))


def _choice_credentials(req: Mapping[str, Any]) -> Credentials:
    value = _choice(req, "credentials", CREDENTIALS, "same-origin", "request")
    return next(c for c in CREDENTIALS if c == value)


def _choice_mode(req: Mapping[str, Any]) -> Mode:
    value = _choice(req, "mode", MODES, "cors", "request")
    return next(m for m in MODES if m == value)


def _choice_redirect(req: Mapping[str, Any]) -> RedirectMode:
    value = _choice(req, "redirect", REDIRECT_MODES, "follow", "request")
    return next(r for r in REDIRECT_MODES if r == value)


def play(scenario: Scenario, browser: str | Profile = "chromium") -> Result:
    """Run the engine, as *browser*, against the scenario's server table."""
    return run(scenario.origin, scenario.request, scenario.answer, browser=browser)


def evaluate(data: Any, browser: str | Profile = "chromium") -> dict[str, Any]:
    """Decoded scenario in, ``corskit explain --json`` object out (as *browser* would do it); :class:`ScenarioError`
    on a bad scenario."""
    return play(parse_scenario(data), browser).to_json()
