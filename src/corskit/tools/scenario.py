"""Scenarios: a page, one or more ``fetch()`` calls and a described server, played through the engine
(``corskit explain``).

The schema (headers are ``[name, value]`` lists so duplicates are possible)::

    {"origin": "http://app.test",
     "request": {"url": "http://api.test/r", "method": "PUT", "headers": [["X-Foo", "1"]],
                 "credentials": "same-origin", "mode": "cors"},
     "server": [{"method": "OPTIONS", "url": "http://api.test/r", "status": 204,
                 "headers": [["Access-Control-Allow-Origin", "http://app.test"]]},
                {"method": "*", "url": "http://api.test/r", "status": 200, "headers": []}]}

``"requests": [{...}, {...}]`` instead of ``"request"`` plays several fetches from the same page, in order, sharing
one preflight cache as a browser tab does; ``"after": SECONDS`` on a request lets that much time pass first (so a
``Max-Age`` can expire). A request is answered by the first ``server`` entry whose method (or ``"*"``) and URL
match; a 3xx entry with a ``Location`` header redirects. A malformed scenario, or a request no entry answers, raises
:class:`ScenarioError` naming the exact field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..browser.cache import PreflightCache
from ..browser.fetch import Result, run
from ..browser.profiles import Profile
from ..browser.request import CREDENTIALS, MODES, REDIRECT_MODES, Credentials, Mode, RedirectMode, Request
from ..browser.wire import Response, WireRequest
from ..spec.origins import URL, OriginError, normalize_origin, parse_url

#: Most fetches in one scenario, and the longest wait before one (a day, in seconds).
MAX_REQUESTS = 100
MAX_AFTER = 86_400

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
    #: The fetch (the first, in a ``"requests"`` scenario).
    request: Request
    server: tuple[ServerEntry, ...]
    #: A ``"requests"`` scenario's fetches, each with the seconds that pass before it; empty for ``"request"``.
    sequence: tuple[tuple[float, Request], ...] = ()

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


def _string(data: Mapping[str, Any], key: str, path: str, example: str) -> str:
    """A required string field: missing and wrong-typed are told apart."""
    where = f"{path}.{key}" if path else key
    _expect(key in data, where, f"is required, e.g. {example}")
    value = data[key]
    _expect(isinstance(value, str), where, f"must be a string, e.g. {example}, not {_json_type(value)}")
    return str(value)


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return "a list"
    return "an object" if isinstance(value, dict) else "a string"


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
    _no_unknown_keys(data, {"origin", "request", "requests", "server"}, "scenario")
    origin = _string(data, "origin", "", '"http://app.test" (the page\'s origin)')
    try:
        normalize_origin(origin)
    except OriginError as err:
        raise ScenarioError(f"origin: {err}") from None

    if "requests" in data:
        _expect("request" not in data, "request", 'cannot be given with "requests": use one or the other')
        sequence = _requests(data["requests"])
        request = sequence[0][1]
    else:
        _expect("request" in data, "request", 'is required: an object with at least "url" (or "requests": [...])')
        request, sequence = _request(data["request"], "request"), ()

    server = data.get("server", [])
    _expect(isinstance(server, list), "server", "must be a list of response entries")
    entries: list[ServerEntry] = []
    for i, entry in enumerate(server):
        path = f"server[{i}]"
        _expect(isinstance(entry, dict), path, "must be an object")
        _no_unknown_keys(entry, {"method", "url", "status", "headers"}, path)
        emethod = entry.get("method", "*")
        _expect(isinstance(emethod, str) and bool(emethod), f"{path}.method", 'must be a method or "*"')
        eurl = _string(entry, "url", path, '"http://api.test/r"')
        _expect(parse_url(eurl) is not None, f"{path}.url", "is not a valid absolute URL")
        status = entry.get("status", 200)
        _expect(
            isinstance(status, int) and not isinstance(status, bool) and 200 <= status <= 599,
            f"{path}.status",
            "must be an integer from 200 to 599",
        )
        entries.append(
            ServerEntry(emethod, eurl, status, _headers(entry.get("headers", []), f"{path}.headers", wire=True))
        )
    return Scenario(origin, request, tuple(entries), sequence)


def _request(req: Any, path: str, *, timed: bool = False) -> Request:
    _expect(isinstance(req, dict), path, f'must be an object with at least "url", not {_json_type(req)}')
    allowed = {"url", "method", "headers", "credentials", "mode", "redirect"} | ({"after"} if timed else set())
    _no_unknown_keys(req, allowed, path)
    url = _string(req, "url", path, '"http://api.test/r"')
    method = req.get("method", "GET")
    _expect(isinstance(method, str), f"{path}.method", f'must be a string, e.g. "PUT", not {_json_type(method)}')
    return Request(
        url=url,
        method=method,
        headers=_headers(req.get("headers", []), f"{path}.headers", wire=False),
        credentials=_choice_credentials(req, path),
        mode=_choice_mode(req, path),
        redirect=_choice_redirect(req, path),
    )


def _requests(value: Any) -> tuple[tuple[float, Request], ...]:
    _expect(
        isinstance(value, list) and 1 <= len(value) <= MAX_REQUESTS,
        "requests",
        f"must be a list of 1 to {MAX_REQUESTS} request objects",
    )
    out: list[tuple[float, Request]] = []
    for i, req in enumerate(value):
        path = f"requests[{i}]"
        request = _request(req, path, timed=True)
        after = req.get("after", 0)
        _expect(
            isinstance(after, int | float) and not isinstance(after, bool) and 0 <= after <= MAX_AFTER,
            f"{path}.after",
            f"must be a number of seconds from 0 to {MAX_AFTER}",
        )
        out.append((float(after), request))
    return tuple(out)


def _choice_credentials(req: Mapping[str, Any], path: str) -> Credentials:
    value = _choice(req, "credentials", CREDENTIALS, "same-origin", path)
    return next(c for c in CREDENTIALS if c == value)


def _choice_mode(req: Mapping[str, Any], path: str) -> Mode:
    value = _choice(req, "mode", MODES, "cors", path)
    return next(m for m in MODES if m == value)


def _choice_redirect(req: Mapping[str, Any], path: str) -> RedirectMode:
    value = _choice(req, "redirect", REDIRECT_MODES, "follow", path)
    return next(r for r in REDIRECT_MODES if r == value)


def play(scenario: Scenario, browser: str | Profile = "chromium") -> Result:
    """Run the engine, as *browser*, against the scenario's server table (the first fetch of a ``"requests"``
    scenario)."""
    return run(scenario.origin, scenario.request, scenario.answer, browser=browser)


def play_all(scenario: Scenario, browser: str | Profile = "chromium") -> tuple[Result, ...]:
    """Every fetch of the scenario in order, as *browser*, sharing one preflight cache whose clock advances by each
    request's ``after``."""
    if not scenario.sequence:
        return (play(scenario, browser),)
    elapsed = [0.0]
    cache = PreflightCache(clock=lambda: elapsed[0])
    results = []
    for after, request in scenario.sequence:
        elapsed[0] += after
        results.append(run(scenario.origin, request, scenario.answer, cache=cache, browser=browser))
    return tuple(results)


def to_json(scenario: Scenario, results: tuple[Result, ...]) -> dict[str, Any]:
    """The ``explain --json`` object: the result's for one fetch; ``{"allowed", "results"}`` for ``"requests"``
    (``allowed`` only when every fetch is)."""
    if not scenario.sequence:
        return results[0].to_json()
    return {"allowed": all(r.allowed for r in results), "results": [r.to_json() for r in results]}


def evaluate(data: Any, browser: str | Profile = "chromium") -> dict[str, Any]:
    """Decoded scenario in, ``corskit explain --json`` object out (as *browser* would do it); :class:`ScenarioError`
    on a bad scenario."""
    scenario = parse_scenario(data)
    return to_json(scenario, play_all(scenario, browser))
