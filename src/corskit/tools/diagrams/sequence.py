"""The picture every CORS explainer draws, computed from the engine: page, browser and server(s); the preflight and
its answer, the request and its answer, redirects, preflight-cache hits; the check that failed in red, with the
browser's message and the fix.

:func:`sequence` turns engine results into a :class:`Diagram`, plain data that the SVG, HTML and Mermaid writers
draw without deciding anything. Every string in it has been through :func:`~.text.clean`: visible, one line,
bounded.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from ...browser.fetch import Result
from ...browser.profiles import profile
from ...browser.request import Request
from ...browser.wire import Exchange, WireRequest
from ...spec.errors import ErrorCode
from ...spec.headers import lowercase_ascii
from ...spec.origins import parse_url
from ..fixes import Fix
from .text import clean, wrap

Tone = Literal["plain", "dim", "good", "bad", "warn"]

#: Header lines drawn on one arrow; the rest are counted.
MAX_HEADERS = 12
#: Lines of a message or a fix.
MAX_TEXT_LINES = 6
#: Fetches drawn in one diagram (e.g. "send twice").
MAX_FETCHES = 4
#: Servers drawn as their own lifeline; later origins share the last one.
MAX_SERVERS = 3

PAGE, BROWSER = 0, 1


@dataclass(frozen=True)
class Line:
    """One line of text, already clean."""

    text: str
    tone: Tone = "plain"


@dataclass(frozen=True)
class Party:
    """A lifeline: its name and what it is (an origin, an engine)."""

    name: str
    detail: str


@dataclass(frozen=True)
class Arrow:
    """A message from one party to another; ``reply`` arrows are drawn dashed."""

    source: int
    target: int
    title: Line
    lines: tuple[Line, ...] = ()
    reply: bool = False
    tone: Tone = "plain"


@dataclass(frozen=True)
class Note:
    """A box over the parties ``first`` to ``last``."""

    first: int
    last: int
    lines: tuple[Line, ...]
    tone: Tone = "plain"


Step = Arrow | Note


@dataclass(frozen=True)
class Diagram:
    title: str
    parties: tuple[Party, ...]
    steps: tuple[Step, ...]
    allowed: bool

    @property
    def failed(self) -> bool:
        return not self.allowed


# Which response header each failure is about: the line drawn in red on the failing answer.
_E = ErrorCode
_CULPRITS: tuple[tuple[str, tuple[ErrorCode, ...]], ...] = (
    (
        "access-control-allow-origin",
        (
            _E.MISSING_ALLOW_ORIGIN_HEADER,
            _E.WILDCARD_ORIGIN_NOT_ALLOWED,
            _E.MULTIPLE_ALLOW_ORIGIN_VALUES,
            _E.INVALID_ALLOW_ORIGIN_VALUE,
            _E.ALLOW_ORIGIN_MISMATCH,
            _E.PREFLIGHT_MISSING_ALLOW_ORIGIN_HEADER,
            _E.PREFLIGHT_WILDCARD_ORIGIN_NOT_ALLOWED,
            _E.PREFLIGHT_MULTIPLE_ALLOW_ORIGIN_VALUES,
            _E.PREFLIGHT_INVALID_ALLOW_ORIGIN_VALUE,
            _E.PREFLIGHT_ALLOW_ORIGIN_MISMATCH,
        ),
    ),
    ("access-control-allow-credentials", (_E.INVALID_ALLOW_CREDENTIALS, _E.PREFLIGHT_INVALID_ALLOW_CREDENTIALS)),
    (
        "access-control-allow-methods",
        (_E.INVALID_ALLOW_METHODS_PREFLIGHT_RESPONSE, _E.METHOD_DISALLOWED_BY_PREFLIGHT_RESPONSE),
    ),
    (
        "access-control-allow-headers",
        (_E.INVALID_ALLOW_HEADERS_PREFLIGHT_RESPONSE, _E.HEADER_DISALLOWED_BY_PREFLIGHT_RESPONSE),
    ),
    (
        "location",
        (
            _E.PREFLIGHT_DISALLOWED_REDIRECT,
            _E.REDIRECT_CONTAINS_CREDENTIALS,
            _E.TOO_MANY_REDIRECTS,
            _E.UNSAFE_REDIRECT,
            _E.INVALID_REDIRECT,
            _E.UNKNOWN_URL_SCHEME,
            _E.CORS_DISABLED_SCHEME,
            _E.REDIRECT_MODE_ERROR,
            _E.NO_CORS_REDIRECT_MODE_NOT_FOLLOW,
            _E.BLOCKED_ORIGIN,
            _E.RESPONSE_HEADERS_MULTIPLE_LOCATION,
        ),
    ),
    ("content-length", (_E.RESPONSE_HEADERS_MULTIPLE_CONTENT_LENGTH,)),
    ("content-disposition", (_E.RESPONSE_HEADERS_MULTIPLE_CONTENT_DISPOSITION,)),
)
_CULPRIT = {code: header for header, codes in _CULPRITS for code in codes}

# Response headers an arrow shows: the CORS ones and those that steer redirects and caches.
_SHOWN_PREFIX = "access-control-"
_SHOWN = frozenset({"location", "vary"})


def sequence(
    origin: str,
    request: Request,
    results: Result | Sequence[Result],
    *,
    fix: Fix | None = None,
    title: str | None = None,
) -> Diagram:
    """The diagram of one or more fetches of *request* from a page on *origin* (several share a preflight cache,
    as "send twice" does), in the browser they were played as. *fix* is drawn under a blocked last fetch."""
    runs = (results,) if isinstance(results, Result) else tuple(results)[:MAX_FETCHES]
    if not runs:
        raise ValueError("sequence() needs at least one result")
    servers = _servers(r for run in runs for r in run.sent)
    engine = profile(runs[-1].browser).title
    parties = (Party("Page", clean(origin, 60)), Party("Browser", clean(engine, 40)), *servers)
    steps: list[Step] = []
    for number, result in enumerate(runs):
        last = number == len(runs) - 1
        steps += _fetch(request, result, [s.detail for s in servers], call=number + 1, many=len(runs) > 1)
        if last and not result.allowed and fix is not None:
            steps.append(_fix_note(fix, len(parties)))
    final = runs[-1]
    verdict = "allowed" if final.allowed else "blocked"
    heading = title or f"{request.method} {request.url} from {origin}: {verdict}"
    return Diagram(clean(heading, 120), parties, tuple(steps), final.allowed)


def _origin_of(url: str) -> str:
    parsed = parse_url(url[:4096])
    return parsed.origin.serialize() if parsed is not None else url


def _servers(requests: Iterable[WireRequest]) -> tuple[Party, ...]:
    seen: list[str] = []
    for wire in requests:
        origin = _origin_of(wire.url)
        if origin not in seen:
            seen.append(origin)
    if not seen:
        return ()
    if len(seen) > MAX_SERVERS:
        seen = [*seen[: MAX_SERVERS - 1], "other servers"]
    names = ["Server"] if len(seen) == 1 else [f"Server {i + 1}" for i in range(len(seen))]
    return tuple(Party(name, clean(origin, 60)) for name, origin in zip(names, seen, strict=True))


def _lane(url: str, servers: list[str]) -> int:
    origin = clean(_origin_of(url), 60)
    index = servers.index(origin) if origin in servers else len(servers) - 1
    return 2 + index


def _target(url: str, servers: list[str]) -> str:
    """What the arrow names: the path and query when the lifeline names the origin, else the whole URL."""
    parsed = parse_url(url[:4096])
    if parsed is None or clean(parsed.origin.serialize(), 60) not in servers:
        return url
    return parsed.path + (f"?{parsed.query}" if parsed.query is not None else "")


def _fetch(request: Request, result: Result, servers: list[str], *, call: int, many: bool) -> list[Step]:
    steps: list[Step] = [_call(request, result, call if many else 0)]
    failing = len(result.exchanges) - 1 if not result.allowed and result.exchanges else -1
    for index, exchange in enumerate(result.exchanges):
        lane = _lane(exchange.request.url, servers)
        if index in result.preflight_cache_hits:
            steps.append(
                Note(BROWSER, BROWSER, (Line("preflight cache hit:", "good"), Line("no OPTIONS sent", "good")), "good")
            )
        steps.append(_sent(exchange.request, lane, servers))
        if exchange.response is not None:
            culprit = _CULPRIT.get(result.error) if index == failing and result.error else None
            steps.append(_answer(exchange, lane, failing=index == failing, culprit=culprit))
    steps += _warnings(result)
    steps += _outcome(result)
    return steps


def _call(request: Request, result: Result, call: int) -> Arrow:
    """Page → browser: the ``fetch()`` as script wrote it."""
    options: list[Line] = []
    if request.method != "GET":
        options.append(Line(clean(f'method: "{request.method}"')))
    dropped = {lowercase_ascii(n) for n in result.dropped_headers}
    for name, value in request.headers[:MAX_HEADERS]:
        gone = lowercase_ascii(name) in dropped
        text = clean(f"{name}: {value}", 90) + ("  (dropped by fetch())" if gone else "")
        options.append(Line(text, "dim" if gone else "plain"))
    options += _more(len(request.headers) - MAX_HEADERS, "header")
    for key, value, default in (
        ("credentials", request.credentials, "same-origin"),
        ("mode", request.mode, "cors"),
        ("redirect", request.redirect, "follow"),
    ):
        if value != default:
            options.append(Line(f'{key}: "{value}"'))
    before_network = not result.allowed and not result.exchanges
    label = f"fetch({clean(request.url, 80)})" + (f"  #{call}" if call else "")
    return Arrow(PAGE, BROWSER, Line(label, "bad" if before_network else "plain"), tuple(options))


def _sent(wire: WireRequest, lane: int, servers: list[str]) -> Arrow:
    """Browser → server: the request as it goes on the wire, with its CORS headers."""
    what = "preflight" if wire.kind == "preflight" else "request"
    title = Line(clean(f"{wire.method} {_target(wire.url, servers)}", 80) + f"  ({what})")
    lines = [Line(clean(f"{name}: {value}", 90)) for name, value in wire.headers[:MAX_HEADERS]]
    lines += _more(len(wire.headers) - MAX_HEADERS, "header")
    if wire.credentials:
        lines.append(Line("+ cookies / HTTP auth", "dim"))
    return Arrow(BROWSER, lane, title, tuple(lines))


def _answer(exchange: Exchange, lane: int, *, failing: bool, culprit: str | None) -> Arrow:
    """Server → browser: the status and the headers the CORS checks read; the culprit in red."""
    response = exchange.response
    assert response is not None
    shown = [(n, v) for n, v in response.headers if _is_shown(n)]
    lines: list[Line] = []
    for name, value in shown[:MAX_HEADERS]:
        bad = failing and lowercase_ascii(name) == culprit
        lines.append(Line(clean(f"{name}: {value}", 90), "bad" if bad else "plain"))
    lines += _more(len(shown) - MAX_HEADERS, "header")
    if failing and culprit and not any(lowercase_ascii(n) == culprit for n, _ in shown):
        lines.append(Line(f"{_title_case(culprit)}: (missing)", "bad"))
    hidden = len(response.headers) - len(shown)
    if hidden > 0:
        lines.append(Line(f"(+{hidden} other header{'s' if hidden > 1 else ''})", "dim"))
    if not response.headers:
        lines.append(Line("(no headers)", "dim"))
    status_bad = failing and exchange.request.kind == "preflight" and not 200 <= response.status < 300
    head = clean(f"{response.status} {response.note}".strip(), 60)
    if response.location is not None:
        head += "  redirect"
    tone: Tone = "bad" if failing else "plain"
    return Arrow(lane, BROWSER, Line(head, "bad" if status_bad else "plain"), tuple(lines), reply=True, tone=tone)


def _is_shown(name: str) -> bool:
    lname = lowercase_ascii(name)
    return lname.startswith(_SHOWN_PREFIX) or lname in _SHOWN


def _title_case(name: str) -> str:
    return "-".join(part.capitalize() for part in name.split("-"))


def _more(count: int, what: str) -> list[Line]:
    return [Line(f"… {count} more {what}{'s' if count > 1 else ''}", "dim")] if count > 0 else []


def _warnings(result: Result) -> list[Step]:
    notes: list[Step] = []
    for warning in result.warnings:
        notes.append(Note(BROWSER, BROWSER, tuple(Line(t, "warn") for t in wrap(warning.message, 60, 4)), "warn"))
    return notes


def _outcome(result: Result) -> list[Step]:
    """The verdict over the browser, and what script gets back."""
    if result.allowed:
        view = result.response
        if view is None:  # a check that stopped before the actual request
            return [
                Note(
                    BROWSER,
                    BROWSER,
                    (Line("✓ preflight passed", "good"), Line("(the request itself was not sent)", "dim")),
                    "good",
                )
            ]
        readable = ", ".join(n for n, _ in view.headers) or "none"
        lines = (Line(clean(f"script can read: {readable}", 90), "dim"),) if view.type != "opaque" else ()
        kind = {"opaque": "opaque response (status 0, no headers)", "opaqueredirect": "opaque redirect"}.get(
            view.type, f"{view.status}, type {view.type}"
        )
        return [Arrow(BROWSER, PAGE, Line(f"✓ Response: {kind}", "good"), lines, reply=True, tone="good")]
    code = result.error.value if result.error else "blocked"
    message = result.message or "(the browser logs no message for this failure)"
    verdict = Note(
        BROWSER,
        BROWSER,
        (Line(f"✗ blocked: {code}", "bad"), *(Line(t, "bad") for t in wrap(message, 60, MAX_TEXT_LINES))),
        "bad",
    )
    thrown = message if result.error is not None and result.error.is_thrown else profile(result.browser).rejection
    rejected = Arrow(BROWSER, PAGE, Line(clean(f"✗ TypeError: {thrown}", 90), "bad"), reply=True, tone="bad")
    return [verdict, rejected]


def _fix_note(fix: Fix, parties: int) -> Note:
    lines = wrap(f"Fix ({fix.side} side): {fix.summary}", 90, MAX_TEXT_LINES)
    return Note(PAGE, parties - 1, tuple(Line(t, "good") for t in lines), "good")
