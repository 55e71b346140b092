"""Probe one target through the browser engine and record what a browser would make of each answer.

Nothing here decides what is a finding (that is :mod:`corskit.audit.judge`): this module sends the probes in
phases, each one a real ``fetch()`` played by :class:`corskit.browser.Fetch`, and keeps the engine's results.

1. a request without ``Origin`` (the engine in ``no-cors`` mode): is the target up, does it redirect in a loop, does
   it redirect to another origin (whose answer to the attacker is then checked too);
2. the attacker's origin, ``null``, the origins the site probably trusts (siblings: ``app.``, ``www.``, the apex)
   and the target's own origin, so that an allow-list of one origin shows itself;
3. unless any origin is reflected or ``*`` is answered: look-alikes of the target and of every trusted origin
   found, third-party, development and extension origins, other schemes and ports;
4. real preflights: a ``PUT`` preflight from one origin of every untrusted class tried in 2-3 (within
   :data:`PREFLIGHT_BUDGET`), then every method and header probe (``PUT``, ``DELETE``, an invented method,
   ``X-Requested-With``, ``Authorization``, an invented header) from the attacker's origin and from the most
   dangerous origins whose preflight was accepted; one from a trusted origin (does it mirror requests?); a Private
   Network Access preflight from the untrusted ones.

State-changing requests are never sent: the engine is stopped after their preflight, whose verdict is the one that
matters (a browser that passes it sends the request, with cookies).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from ..browser import Fetch, Request, Response, Result, SendRequest, WireRequest
from ..browser.preflight import PreflightResult, check_preflight_response, preflight_request, unsafe_header_names
from ..spec.errors import ErrorCode
from ..spec.origins import parse_origin, parse_url
from ..spec.safelist import SAFE_METHODS
from ..tools.network import NetworkError
from .probes import (
    UNTRUSTED_KINDS,
    Probe,
    ProbeKind,
    Site,
    attacker_probes,
    extension_probes,
    own_probe,
    site_probes,
    trusted_candidates,
    trusted_variants,
)

logger = logging.getLogger("corskit")

Sender = Callable[[WireRequest], Awaitable[Response]]

#: Methods tried in preflights: two real ones and an invented one that only a mirroring server allows.
METHOD_PROBES = ("PUT", "DELETE", "CORSKITPROBE")
#: Request headers tried in preflights: a CSRF-defence header, Authorization, and an invented one.
HEADER_PROBES = (
    ("X-Requested-With", "XMLHttpRequest"),
    ("Authorization", "Bearer corskit-audit"),
    ("X-Corskit-Probe", "1"),
)
MIRROR_METHOD = "CORSKITPROBE"
MIRROR_HEADER = "x-corskit-probe"
#: The label of the trusted origin's combined probe (invented method and invented header at once).
MIRROR_LABEL = "mirror"

#: Preflight failures that concern the origin itself: the method or header asked for cannot change them.
_ORIGIN_REFUSED = frozenset(
    {
        ErrorCode.PREFLIGHT_MISSING_ALLOW_ORIGIN_HEADER,
        ErrorCode.PREFLIGHT_MULTIPLE_ALLOW_ORIGIN_VALUES,
        ErrorCode.PREFLIGHT_INVALID_ALLOW_ORIGIN_VALUE,
        ErrorCode.PREFLIGHT_ALLOW_ORIGIN_MISMATCH,
        ErrorCode.PREFLIGHT_INVALID_STATUS,
        ErrorCode.PREFLIGHT_DISALLOWED_REDIRECT,
    }
)

#: At most this many trusted origins have their variants probed.
MAX_TRUSTED_EXPANDED = 2
#: How dangerous an untrusted origin is, to pick the ones whose preflights are tried (and in which order).
KIND_PRIORITY: tuple[ProbeKind, ...] = (
    "attacker",
    "null",
    "pre_domain",
    "post_domain",
    "unescaped_dot",
    "substring",
    "special_characters",
    "third_party",
    "dev",
    "subdomain",
    "http_origin",
    "extension",
    "port_variant",
)
#: Origin classes whose preflight is tried, besides the attacker's (one origin each, one request each).
PREFLIGHT_BUDGET = 12
#: Origins, besides the attacker's, whose accepted preflight gets every method and header probe.
MAX_PREFLIGHT_EXPANDED = 2

# Errors of the origin-less request that mean the target cannot be audited at all.
_FATAL_REDIRECTS = {
    ErrorCode.TOO_MANY_REDIRECTS: "redirect loop: more than 20 redirects",
    ErrorCode.UNSAFE_REDIRECT: "redirects to a URL that is not http(s)",
    ErrorCode.INVALID_REDIRECT: "redirects to a Location that is not a valid URL",
    ErrorCode.REDIRECT_CONTAINS_CREDENTIALS: "redirects to a URL with user:password in it",
}


class TargetError(Exception):
    """The target cannot be audited (unreachable, redirect loop, not a URL); the message says why."""


@dataclass(frozen=True)
class Outcome:
    """A simple (non-preflighted) ``fetch()`` from a probe origin, judged with and without credentials."""

    probe: Probe
    include: Result
    omit: Result

    @property
    def response(self) -> Response | None:
        """The last response received (after redirects)."""
        for exchange in reversed(self.include.exchanges):
            if exchange.response is not None:
                return exchange.response
        return None

    @property
    def acao(self) -> str | None:
        response = self.response
        return response.header("Access-Control-Allow-Origin") if response else None

    @property
    def allowed(self) -> bool:
        return self.include.allowed or self.omit.allowed

    @property
    def untrusted(self) -> bool:
        return self.probe.kind in UNTRUSTED_KINDS


@dataclass(frozen=True)
class PreflightOutcome:
    """A preflighted ``fetch()`` (a method or a header), judged with and without credentials."""

    origin: str
    kind: str  # the probe kind of the origin ("attacker", "trusted"…)
    label: str  # the method or header name tried
    request: Request
    include: Result
    omit: Result

    @property
    def preflight(self) -> WireRequest | None:
        for exchange in self.include.exchanges:
            if exchange.request.kind == "preflight":
                return exchange.request
        return None

    @property
    def preflight_response(self) -> Response | None:
        for exchange in self.include.exchanges:
            if exchange.request.kind == "preflight":
                return exchange.response
        return None


@dataclass(frozen=True)
class PnaOutcome:
    """A Private Network Access preflight and whether it grants access (with and without credentials)."""

    origin: str
    kind: str
    request: WireRequest
    response: Response
    include: bool
    omit: bool


@dataclass(frozen=True)
class OwnOutcome:
    """The target's answer to a ``GET`` carrying its own origin (as a same-origin ``POST`` would): no browser checks
    it, but an ``Access-Control-Allow-Origin`` that echoes it shows the answer depends on ``Origin``."""

    origin: str
    request: WireRequest
    response: Response

    @property
    def acao(self) -> str | None:
        return self.response.header("Access-Control-Allow-Origin")

    @property
    def allowed(self) -> bool:
        return self.acao in (self.origin, "*")


@dataclass(frozen=True)
class RedirectOutcome:
    """The target redirects to another origin; *outcome* is the attacker's ``fetch()`` of that destination."""

    destination: str
    hops: int
    outcome: Outcome


@dataclass
class Observations:
    """Everything learnt about one target."""

    site: Site
    url: str
    originless: Response
    outcomes: list[Outcome] = field(default_factory=list)
    preflights: list[PreflightOutcome] = field(default_factory=list)
    pna: list[PnaOutcome] = field(default_factory=list)
    #: The answer to the target's own origin (``None`` when it redirects or did not answer).
    own: OwnOutcome | None = None
    #: Where the target redirects, when that is another origin, and what the attacker's page gets there.
    redirect: RedirectOutcome | None = None
    #: The origin classes whose preflight was tried (class → origin), and those the budget left out.
    preflight_tried: dict[str, str] = field(default_factory=dict)
    preflight_skipped: list[str] = field(default_factory=list)
    #: The classes whose preflight passed the origin check (the method may still have been refused).
    preflight_accepted: list[str] = field(default_factory=list)
    #: The application's own methods and request headers (from a capture), probed like the invented ones: the
    #: preflight labels they were tried under.
    app_methods: tuple[str, ...] = ()
    app_headers: str | None = None
    #: Probes that got no answer (after retries): "origin: reason".
    failures: list[str] = field(default_factory=list)

    def allowed(self, *, untrusted: bool) -> list[Outcome]:
        return [o for o in self.outcomes if o.allowed and o.untrusted == untrusted]


class _Memo:
    """Send each distinct wire request once per target: the include/omit runs of a probe share their requests."""

    def __init__(self, send: Sender, *, cookie_matters: bool) -> None:
        self._send = send
        self._cookie = cookie_matters
        self._tasks: dict[tuple[object, ...], asyncio.Future[Response]] = {}

    async def __call__(self, wire: WireRequest) -> Response:
        key = (wire.method, wire.url, wire.headers, wire.credentials and self._cookie)
        task = self._tasks.get(key)
        if task is None:
            task = asyncio.ensure_future(self._send(wire))
            self._tasks[key] = task
        return await asyncio.shield(task)

    def close(self) -> None:
        for task in self._tasks.values():
            if not task.done():
                task.cancel()
            elif not task.cancelled():
                task.exception()  # mark retrieved: failures are reported through the probes


async def _drive(origin: str, request: Request, send: Sender, *, preflight_only: bool = False) -> Result:
    """Play one fetch; stop before an actual request that would change state, or after the preflight when
    *preflight_only* (the verdict that matters for methods and headers: a browser that passes it sends the
    request, with cookies, whatever the answer)."""
    fetch = Fetch(origin, request)
    event = fetch.start()
    while isinstance(event, SendRequest):
        wire = event.request
        if wire.kind == "actual" and (preflight_only or wire.method not in SAFE_METHODS):
            return fetch.halt()
        event = fetch.receive(await send(wire))
    return event


class _Prober:
    def __init__(
        self, site: Site, url: str, send: Sender, obs: Observations, app_headers: tuple[tuple[str, str], ...] = ()
    ) -> None:
        self.site = site
        self.url = url
        self.send = send
        self.obs = obs
        self.app_headers = app_headers
        self.seen: set[str] = set()

    async def simple(self, probes: list[Probe]) -> list[Outcome]:
        fresh: list[Probe] = []
        for probe in probes:
            if probe.origin not in self.seen and probe.origin != self.site.origin.serialize():
                self.seen.add(probe.origin)
                fresh.append(probe)
        results = await asyncio.gather(*(self._simple(p) for p in fresh))
        outcomes = [o for o in results if o is not None]
        self.obs.outcomes.extend(outcomes)
        return outcomes

    async def _simple(self, probe: Probe) -> Outcome | None:
        try:
            include, omit = await asyncio.gather(
                _drive(probe.origin, Request(self.url, credentials="include"), self.send),
                _drive(probe.origin, Request(self.url, credentials="omit"), self.send),
            )
        except NetworkError as error:
            self.obs.failures.append(f"{probe.origin}: {error.message}")
            return None
        return Outcome(probe, include, omit)

    def _requests(self) -> list[tuple[str, Request]]:
        """The method and header probes: the invented ones, then the application's own (from a capture)."""
        requests: list[tuple[str, Request]] = [(m, Request(self.url, method=m)) for m in METHOD_PROBES]
        # A captured POST is probed with the captured headers that make it preflighted (else it is not one).
        requests += [
            (m, Request(self.url, method=m, headers=self.app_headers if m == "POST" else ()))
            for m in self.obs.app_methods
        ]
        requests += [(n.lower(), Request(self.url, headers=[(n, v)])) for n, v in HEADER_PROBES]
        if self.obs.app_headers is not None:
            requests.append((self.obs.app_headers, Request(self.url, headers=self.app_headers)))
        return requests

    async def gate(self, origin: str, kind: str) -> bool:
        """The first method probe (``PUT``) alone: does the preflight accept *origin* at all? When even its origin
        check fails, the other probes would fail the same way and are not sent."""
        outcome = await self._preflight(origin, kind, *self._requests()[0])
        if outcome is None:
            return False
        self.obs.preflights.append(outcome)
        accepted = outcome.omit.error not in _ORIGIN_REFUSED
        if accepted:
            self.obs.preflight_accepted.append(kind)
        return accepted

    async def rest(self, origin: str, kind: str) -> None:
        """Every method and header probe after the gate."""
        requests = self._requests()[1:]
        results = await asyncio.gather(*(self._preflight(origin, kind, label, r) for label, r in requests))
        self.obs.preflights.extend(o for o in results if o is not None)

    async def own(self) -> None:
        """A ``GET`` carrying the target's own origin, judged by no browser: does the answer depend on it?"""
        origin = own_probe(self.site).origin
        wire = WireRequest("GET", self.url, (("Origin", origin),), "actual", credentials=True)
        try:
            response = await self.send(wire)
        except NetworkError as error:
            self.obs.failures.append(f"{origin} (own origin): {error.message}")
            return
        self.obs.own = OwnOutcome(origin, wire, response)

    async def destination(self, url: str, hops: int, attacker: Probe) -> None:
        """The attacker's ``fetch()`` of the URL the target redirects to."""
        try:
            include, omit = await asyncio.gather(
                _drive(attacker.origin, Request(url, credentials="include"), self.send),
                _drive(attacker.origin, Request(url, credentials="omit"), self.send),
            )
        except NetworkError as error:
            self.obs.failures.append(f"{attacker.origin} at {url}: {error.message}")
            return
        self.obs.redirect = RedirectOutcome(url, hops, Outcome(attacker, include, omit))

    async def mirror(self, origin: str) -> None:
        """One preflight for an invented method with an invented header, from a trusted origin."""
        request = Request(self.url, method=MIRROR_METHOD, headers=[(MIRROR_HEADER, "1")])
        outcome = await self._preflight(origin, "trusted", MIRROR_LABEL, request)
        if outcome is not None:
            self.obs.preflights.append(outcome)

    async def _preflight(self, origin: str, kind: str, label: str, request: Request) -> PreflightOutcome | None:
        include_request = Request(request.url, request.method, request.headers, credentials="include")
        omit_request = Request(request.url, request.method, request.headers, credentials="omit")
        try:
            include, omit = await asyncio.gather(
                _drive(origin, include_request, self.send, preflight_only=True),
                _drive(origin, omit_request, self.send, preflight_only=True),
            )
        except NetworkError as error:
            self.obs.failures.append(f"{origin} preflight ({label}): {error.message}")
            return None
        return PreflightOutcome(origin, kind, label, request, include, omit)

    async def pna(self, origin: str, kind: str) -> None:
        """A Private Network Access preflight, as Chromium sent it before Local Network Access replaced it."""
        base = preflight_request(self.url, origin, "GET", ())
        wire = WireRequest(
            "OPTIONS",
            self.url,
            (*base.headers, ("Access-Control-Request-Private-Network", "true")),
            "preflight",
            credentials=False,
        )
        try:
            response = await self.send(wire)
        except NetworkError as error:
            self.obs.failures.append(f"{origin} private-network preflight: {error.message}")
            return
        granted = response.header("Access-Control-Allow-Private-Network") == "true"

        def passes(include: bool) -> bool:
            verdict = check_preflight_response(response, origin, include_credentials=include)
            return granted and isinstance(verdict, PreflightResult)

        self.obs.pna.append(PnaOutcome(origin, kind, wire, response, passes(True), passes(False)))


def preflight_candidates(outcomes: list[Outcome]) -> list[Probe]:
    """One probe origin per untrusted class (and port variants), most dangerous class first. Within a class, an
    origin the ``GET`` let through comes first, then one derived from an allowed trusted origin."""
    allowed_hosts = {_host(o.probe.origin) for o in outcomes if o.probe.kind == "trusted" and o.allowed}
    best: dict[str, tuple[tuple[bool, bool], Probe]] = {}
    for outcome in outcomes:
        probe = outcome.probe
        if probe.kind not in KIND_PRIORITY or probe.kind == "attacker":
            continue
        rank = (not outcome.allowed, _host(probe.base) not in allowed_hosts)
        if probe.kind not in best or rank < best[probe.kind][0]:
            best[probe.kind] = (rank, probe)
    return [best[kind][1] for kind in KIND_PRIORITY if kind in best]


def _host(text: str) -> str:
    parsed = parse_url(text) if "://" in text else None
    return parsed.host if parsed is not None else text


async def observe(
    url: str,
    send: Sender,
    *,
    trusted: tuple[str, ...] = (),
    cookie: bool = False,
    methods: tuple[str, ...] = (),
    headers: tuple[tuple[str, str], ...] = (),
) -> Observations:
    """Run every probe phase against *url*; :class:`TargetError` when the target cannot be audited at all.

    *methods* and *headers* are what the application itself sends to *url* (from a capture): the methods that need
    a preflight and the request headers that make one are tried from untrusted origins too.
    """
    parsed = parse_url(url)
    # The strict origin parser refuses hosts a browser would never put in an Origin (spaces, '%', uppercase…).
    if parsed is None or not parsed.is_http or parse_origin(parsed.origin.serialize()) is None:
        raise TargetError(f"not an http(s) URL: {url[:200]!r}; write it as https://host/path")
    if parsed.has_credentials:
        raise TargetError("the URL contains user:password, which browsers refuse in fetch(); remove it")
    url = parsed.without_fragment().serialize()
    site = Site.of(parsed)
    memo = _Memo(send, cookie_matters=cookie)
    app = _application_requests(methods, headers)
    try:
        return await _observe(url, site, memo, trusted, app)
    finally:
        memo.close()


_App = tuple[tuple[str, ...], tuple[tuple[str, str], ...]]


def _application_requests(methods: tuple[str, ...], headers: tuple[tuple[str, str], ...]) -> _App:
    """The captured methods that need a preflight and are not probed already, and the captured headers if any of
    them makes a preflight (forbidden and safelisted ones dropped by the engine's own rules)."""
    unsafe = set(unsafe_header_names(headers))
    kept = tuple((n, v) for n, v in headers if n.lower() in unsafe)
    skip = {*SAFE_METHODS, *METHOD_PROBES} | (set() if kept else {"POST"})
    extra = tuple(m for m in dict.fromkeys(m.upper() for m in methods) if m not in skip)
    return extra, kept


async def _observe(url: str, site: Site, memo: _Memo, trusted: tuple[str, ...], app: _App) -> Observations:
    attackers = attacker_probes(site)
    # Phase 1: the origin-less request (no-cors GET sends no Origin) tells whether the target answers at all.
    try:
        baseline = await _drive(attackers[0].origin, Request(url, mode="no-cors", credentials="include"), memo)
    except NetworkError as error:
        raise TargetError(error.message) from None
    if not baseline.allowed and baseline.error in _FATAL_REDIRECTS:
        raise TargetError(f"{url} {_FATAL_REDIRECTS[baseline.error]}")
    answered = [e for e in baseline.exchanges if e.response is not None]
    originless = answered[-1].response
    assert originless is not None
    obs = Observations(site, url, originless)
    obs.app_methods = app[0]
    if app[1]:
        obs.app_headers = ", ".join(sorted(n.lower() for n, _ in app[1]))
    prober = _Prober(site, url, memo, obs, app[1])

    # Phase 2: the attacker, null, the probable trusted origins and the target's own.
    side: list[Awaitable[None]] = []
    final = parse_url(answered[-1].request.url)
    if len(answered) == 1:
        side.append(prober.own())
    elif final is not None and not final.origin.same_origin(site.origin):
        side.append(prober.destination(answered[-1].request.url, len(answered) - 1, attackers[0]))
    phase2 = asyncio.ensure_future(prober.simple([*attackers, *trusted_candidates(site, trusted)]))
    await asyncio.gather(phase2, *side)
    first = phase2.result()
    attacker = first[0] if first and first[0].probe.kind == "attacker" else None
    open_to_all = attacker is not None and attacker.allowed
    if not open_to_all:
        # Phase 3: look-alikes of the target and of every trusted origin the server allows.
        allowed_trusted = [o.probe.origin for o in first if o.probe.kind == "trusted" and o.allowed]
        probes = site_probes(site) + extension_probes()
        for origin in allowed_trusted[:MAX_TRUSTED_EXPANDED]:
            probes += trusted_variants(origin, site)
        await prober.simple(probes)
    logger.debug("audit %r: %d probes, %d failed", url, len(obs.outcomes), len(obs.failures))

    # Phase 4: preflights from every untrusted class (and from a trusted one, to see whether it mirrors requests).
    await _preflights(prober, attackers[0], open_to_all=open_to_all)
    return obs


async def _preflights(prober: _Prober, attacker: Probe, *, open_to_all: bool) -> None:
    obs = prober.obs
    obs.preflight_tried[attacker.kind] = attacker.origin
    jobs: list[Awaitable[None]] = []
    expanded: list[tuple[str, str]] = []
    if await prober.gate(attacker.origin, attacker.kind):
        expanded.append((attacker.origin, attacker.kind))
    # When the preflight accepts the attacker (or the GET reflects everything), every other class would only
    # repeat it; otherwise one origin per class, then every probe from the worst ones the preflight accepted.
    candidates: list[Probe] = []
    if not expanded:
        candidates = preflight_candidates(obs.outcomes)
        if open_to_all:
            candidates = [p for p in candidates if p.kind == "null"]
    tried = candidates[:PREFLIGHT_BUDGET]
    obs.preflight_skipped = [p.kind for p in candidates[PREFLIGHT_BUDGET:]]
    for probe in tried:
        obs.preflight_tried[probe.kind] = probe.origin
    accepted = await asyncio.gather(*(prober.gate(p.origin, p.kind) for p in tried))
    passed = [p for p, ok in zip(tried, accepted, strict=True) if ok and p.kind in UNTRUSTED_KINDS]
    expanded += [(p.origin, p.kind) for p in passed[:MAX_PREFLIGHT_EXPANDED]]
    jobs += [prober.rest(origin, kind) for origin, kind in expanded]
    # Private Network Access from the attacker and from the worst untrusted origin a GET or a preflight accepted.
    pna = [(attacker.origin, attacker.kind)]
    worst = _worst_untrusted(obs.outcomes)
    if worst is not None and worst.probe.origin != attacker.origin:
        pna.append((worst.probe.origin, worst.probe.kind))
    elif passed:
        pna.append((passed[0].origin, passed[0].kind))
    jobs += [prober.pna(origin, kind) for origin, kind in pna]
    trusted_allowed = next((o for o in obs.outcomes if o.probe.kind == "trusted" and o.allowed and o.acao != "*"), None)
    if trusted_allowed is not None and not open_to_all:
        jobs.append(prober.mirror(trusted_allowed.probe.origin))
    await asyncio.gather(*jobs)
    # Concurrent probes finish in any order: keep the order they were tried in (the attacker, then the classes by
    # how dangerous they are; a trusted origin's mirror probe last), so what a finding names never depends on timing.
    rank: dict[str, int] = {}
    for origin in (attacker.origin, *(p.origin for p in tried)):
        rank.setdefault(origin, len(rank))
    obs.preflights.sort(key=lambda outcome: rank.get(outcome.origin, len(rank)))


def _worst_untrusted(outcomes: list[Outcome]) -> Outcome | None:
    allowed = [o for o in outcomes if o.untrusted and o.allowed and o.acao != "*"]
    if not allowed:
        return None
    return min(allowed, key=lambda o: (not o.include.allowed, KIND_PRIORITY.index(o.probe.kind)))
