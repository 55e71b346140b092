"""The engine: one cross-origin ``fetch()`` as a sans-I/O state machine.

You give it the page's origin and the request; it tells you which request to put on the wire next
(:class:`SendRequest`); you hand back the response; at the end it gives a :class:`Result`. A scenario table, a
live server and an in-process app are three ways of answering::

    fetch = Fetch("https://app.example", Request("https://api.example/items", method="PUT"))
    event = fetch.start()
    while isinstance(event, SendRequest):
        event = fetch.receive(answer(event.request))
    result = event

The algorithm follows Fetch §4.1 "main fetch", §4.3 "HTTP fetch", §4.4 "HTTP-redirect fetch" and §4.8
"CORS-preflight fetch", in the order Chromium's ``CorsURLLoader`` applies them; deviations are marked "Chromium".
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Generator
from dataclasses import dataclass, field
from typing import Any, Literal

from ..spec.errors import CORSError, ErrorCode
from ..spec.headers import canonical_range, lowercase_ascii
from ..spec.origins import URL, Origin, normalize_origin, parse_url
from .cache import PreflightCache
from .checks import Failure
from .filtering import ResponseType, ScriptResponse, script_view
from .preflight import PreflightResult, check_preflight_response, needs_preflight, preflight_request
from .profiles import BrowserName, Hop, MessageContext, Profile, profile
from .request import PreparedRequest, Rejected, Request, merge_request_lines, prepare
from .wire import REDIRECT_STATUSES, Exchange, Response, WireRequest, conflicting_header

#: Fetch §4.4 step 5: a request may be redirected at most 20 times.
MAX_REDIRECTS = 20

# Chromium's net stack refuses to redirect to these (net::ERR_UNSAFE_REDIRECT).
_UNSAFE_REDIRECT_SCHEMES = frozenset({"data", "about", "file", "blob", "filesystem"})

# Chromium 156's list in its cors_disabled_scheme message (SchemeRegistry::ListOfCorsEnabledURLSchemes).
_CORS_SCHEMES = (
    "chrome, chrome-experimental-site-token-provider, chrome-extension, chrome-untrusted, data, http, https,"
    " isolated-app"
)

# Fetch "request-body-header name": dropped when a redirect turns the request into a GET.
_BODY_HEADERS = frozenset({"content-encoding", "content-language", "content-location", "content-type"})


@dataclass(frozen=True)
class SendRequest:
    """Put ``request`` on the wire, then pass the response to :meth:`Fetch.receive`."""

    request: WireRequest


@dataclass(frozen=True)
class Warning:
    """Something the browser let through but is about to stop allowing, or that deserves a look."""

    code: str
    message: str


@dataclass(frozen=True)
class Result:
    """How the fetch ended.

    ``allowed`` is whether script gets the response; when not, ``error`` and ``message`` say why exactly as the
    browser it was played as (``browser``, Chromium by default) does. ``exchanges`` lists every request put on the
    wire with its response; ``response`` is what script can read.
    """

    allowed: bool
    error: ErrorCode | None
    message: str | None
    exchanges: tuple[Exchange, ...]
    response: ScriptResponse | None
    url: str
    initial_url: str
    warnings: tuple[Warning, ...] = ()
    #: Header names ``fetch()`` dropped silently (forbidden, or not allowed in ``no-cors`` mode).
    dropped_headers: tuple[str, ...] = ()
    #: The failed parameter behind ``message`` (a header value or name, a method).
    param: str = ""
    #: Indices into ``exchanges`` of the actual requests sent without a preflight because the preflight cache
    #: covered them (a preflight would have been needed otherwise).
    preflight_cache_hits: tuple[int, ...] = ()
    #: The browser the fetch was played as (its profile's name): whose message, whose rules.
    browser: BrowserName = "chromium"

    @property
    def sent(self) -> tuple[WireRequest, ...]:
        """Every request the browser put on the wire, in order."""
        return tuple(e.request for e in self.exchanges)

    @property
    def preflighted(self) -> bool:
        return any(e.request.kind == "preflight" for e in self.exchanges)

    @property
    def reached_server(self) -> bool:
        """True when the actual request (not just a preflight) was sent: its side effects happened."""
        return any(e.request.kind == "actual" for e in self.exchanges)

    def raise_for_error(self) -> None:
        """Raise :class:`~corskit.CORSError` when the browser would block this fetch."""
        if not self.allowed:
            assert self.error is not None
            raise CORSError(self.error, self.message or "")

    def to_json(self) -> dict[str, Any]:
        """The ``corskit explain --json`` object."""
        return {
            "allowed": self.allowed,
            "error": self.error.value if self.error else None,
            "message": self.message,
            "sent": [{"method": r.method, "url": r.url, "headers": [list(h) for h in r.headers]} for r in self.sent],
            "response": None
            if self.response is None
            else {
                "type": self.response.type,
                "status": self.response.status,
                "headers": [list(h) for h in self.response.headers],
            },
        }


Event = SendRequest | Result


class Fetch:
    """One ``fetch()`` from a page on ``origin``. Not reusable: make one per request.

    ``cache`` is the preflight cache to consult and fill; share one between fetches to model a browser tab (by
    default each fetch has its own). ``page`` is the page's URL, named in a few of Chromium's messages.
    ``browser`` is the engine to behave as: ``"chromium"`` (the default), ``"firefox"``, ``"webkit"`` or a
    :class:`~corskit.browser.profiles.Profile`.
    """

    def __init__(
        self,
        origin: str | Origin,
        request: Request,
        *,
        cache: PreflightCache | None = None,
        page: str | None = None,
        browser: str | Profile = "chromium",
    ) -> None:
        self.origin = origin if isinstance(origin, Origin) else normalize_origin(origin)
        self.request = request
        self.profile = profile(browser)
        # A fetch always has a cache: redirect hops back to a preflighted URL reuse its answer, as in Chromium.
        self.cache = cache if cache is not None else PreflightCache(max_entries=self.profile.cache_max_entries)
        #: The page's URL (Chromium names it in a few messages); its origin's root by default.
        self.page = page or f"{self.origin.serialize()}/"
        self._exchanges: list[Exchange] = []
        self._warnings: list[Warning] = []
        self._cache_hits: list[int] = []
        #: The Origin header of the request the fetch is on ("" when it sends none); messages name it.
        self._origin_sent = ""
        #: Whether the current hop is a CORS request (for the messages of browsers that say so).
        self._cors = True
        self._steps = self._run()
        self._started = False
        self._result: Result | None = None
        #: Header names fetch() dropped silently, known once the request is prepared.
        self._dropped_names: tuple[str, ...] = ()

    # -- driving -------------------------------------------------------------------------------------------------

    def start(self) -> Event:
        """Begin: the first request to send, or a result straight away (e.g. ``fetch()`` threw)."""
        if self._started:
            raise RuntimeError("Fetch.start() called twice")
        self._started = True
        return self._advance(None)

    def receive(self, response: Response) -> Event:
        """Hand back the response to the last :class:`SendRequest`; get the next event."""
        if not self._started or self._result is not None:
            raise RuntimeError("Fetch.receive() called with no request outstanding")
        last = self._exchanges[-1]
        self._exchanges[-1] = Exchange(last.request, response)
        return self._advance(response)

    def halt(self) -> Result:
        """Stop before the outstanding request is sent (e.g. a checker that will not send a DELETE).

        The result is ``allowed`` in the sense that nothing so far blocked the fetch; ``response`` is ``None``.
        """
        if not self._started or self._result is not None:
            raise RuntimeError("Fetch.halt() called with no request outstanding")
        self._steps.close()
        exchanges = tuple(e for e in self._exchanges if e.response is not None)
        last = exchanges[-1].request.url if exchanges else self.request.url
        self._result = Result(
            allowed=True,
            error=None,
            message=None,
            exchanges=exchanges,
            response=None,
            url=last,
            initial_url=exchanges[0].request.url if exchanges else last,
            warnings=tuple(self._warnings),
            dropped_headers=self._dropped_names,
            preflight_cache_hits=tuple(i for i in self._cache_hits if i < len(exchanges)),
            browser=self.profile.name,
        )
        return self._result

    def _advance(self, response: Response | None) -> Event:
        try:
            wire = self._steps.send(response) if response is not None else next(self._steps)
        except StopIteration as stop:
            self._result = stop.value
            return stop.value  # type: ignore[no-any-return]
        self._exchanges.append(Exchange(wire))
        return SendRequest(wire)

    # -- the algorithm -------------------------------------------------------------------------------------------

    def _run(self) -> Generator[WireRequest, Response, Result]:
        try:
            req = prepare(self.request, self.profile)
            self._dropped_names = req.dropped
        except Rejected as rejected:
            refusal = Failure(rejected.code, rejected.param, header=rejected.header)
            return self._finish(refusal, url=self.request.url, initial=None)
        initial = req.url.serialize()
        if not req.url.is_http:
            # Chromium: fetch() of a non-HTTP(S) URL fails in Blink before any network access.
            unsupported = Failure(ErrorCode.CORS_DISABLED_SCHEME, req.url.scheme, variant="fetch")
            return self._finish(unsupported, url=initial, initial=None)

        state = _State(req)
        while True:
            # What goes on the wire and keys the cache: no fragment (and in Firefox no credentials either).
            on_wire = state.url.without_credentials() if self.profile.strips_url_credentials else state.url
            url = on_wire.serialize(fragment=False)
            shown = state.url.serialize()  # what Chromium prints: the fragment stays
            cross_origin = not self.origin.same_origin(state.url.origin)
            # Fetch §4.1 main fetch step 12: pick how this hop is fetched.
            if not cross_origin and state.tainting == "basic":
                pass
            elif req.mode == "same-origin":
                return self._finish(Failure(ErrorCode.DISALLOWED_BY_MODE), shown, initial)
            elif req.mode == "no-cors":
                # Fetch §4.1 step 12 ("no-cors"): an opaque response must not come from a non-followed redirect.
                if req.redirect != "follow":
                    return self._finish(Failure(ErrorCode.NO_CORS_REDIRECT_MODE_NOT_FOLLOW), shown, initial)
                state.tainting = "opaque"
            else:
                state.tainting = "cors"

            origin = "null" if state.tainted else self.origin.serialize()
            self._cors = state.tainting == "cors"
            include = state.include_credentials
            self._origin_sent = origin

            # Fetch §4.8: a preflight, unless the cache covers this method and these headers.
            # (WebKit decides, and lists, with the headers script set, even those a redirect dropped.)
            asked = list(req.headers) if self.profile.preflights_script_headers else state.headers
            needed = needs_preflight(state.method, asked, self.profile) or (
                state.preflighted and self.profile.repreflights_redirects
            )
            # Firefox: a preflight keeps the page's origin after a tainting redirect.
            asking = self.origin.serialize() if self.profile.preflight_uses_page_origin else origin
            if state.tainting == "cors" and needed:
                state.preflighted = True
                # Chromium keys its preflight cache on the URL with its fragment.
                covered = self.cache.covers(asking, shown, state.method, asked, include_credentials=include)
                if covered:
                    self._cache_hits.append(len(self._exchanges))
                else:
                    preflight = preflight_request(url, asking, state.method, asked, self.profile)
                    answer = yield preflight
                    verdict = self._refused_by_network(answer) or self._judge_preflight(answer, asking, state, asked)
                    if isinstance(verdict, Failure):
                        return self._finish(verdict, shown, initial)
                    self.cache.store(asking, shown, verdict)

            # Fetch §3.1 "append a request Origin header": on CORS requests and on non-GET/HEAD ones (WebKit keeps
            # it on a request a redirect turned into a GET).
            send_origin = state.tainting == "cors" or state.method not in ("GET", "HEAD") or state.sent_origin
            state.sent_origin = send_origin and self.profile.keeps_origin_after_redirect
            self._origin_sent = origin if send_origin else ""
            wire_headers = ((("Origin", origin),) if send_origin else ()) + tuple(self._on_the_wire(state.headers))
            credentials = include or (req.credentials == "same-origin" and state.tainting == "basic")
            response = yield WireRequest(state.method, url, wire_headers, "actual", credentials)
            refused = self._refused_by_network(response)
            if refused is not None:
                return self._finish(refused, shown, initial)

            location = response.location if self.profile.location is None else self.profile.location(response)
            if location is None:
                # Fetch §4.3 step 4.4: the CORS check on the final response.
                if state.tainting == "cors":
                    failure = self.profile.cors_check(response, origin, include_credentials=include)
                    if failure is not None:
                        return self._finish(failure, shown, initial)
                if req.redirect == "manual" and response.status in REDIRECT_STATUSES:
                    # Fetch §4.3 step 4.6: any redirect status, even without a Location to follow.
                    return self._opaque_redirect(response, state, url, initial)
                return self._finish_ok(response, state, url, initial)

            outcome = self._follow(response, location, state, origin)
            if isinstance(outcome, Failure):
                if (
                    req.mode == "no-cors"
                    and outcome.target.split(":", 1)[0] in self.profile.refetches_before_external_schemes
                ):
                    # Firefox hands the Location to its external-protocol handler, which loads the URL once more.
                    yield WireRequest(state.method, url, wire_headers, "actual", credentials)
                return self._finish(outcome, shown, initial)
            if outcome == "manual":
                return self._opaque_redirect(response, state, url, initial)

    def _judge_preflight(
        self, answer: Response, origin: str, state: _State, headers: list[tuple[str, str]]
    ) -> PreflightResult | Failure:
        verdict = check_preflight_response(
            answer, origin, include_credentials=state.include_credentials, profile=self.profile, method=state.method
        )
        if isinstance(verdict, Failure):
            return verdict
        failure = verdict.method_failure(state.method) or verdict.header_failure(headers)
        if failure is not None:
            return failure
        if verdict.wildcard_covers_authorization(headers):
            self._warnings.append(
                Warning(
                    "authorization_covered_by_wildcard",
                    "Access-Control-Allow-Headers: * let the Authorization header through. "
                    f"{self.profile.title} still allows this but will stop, as the Fetch Standard requires: list "
                    "'Authorization' explicitly.",
                )
            )
        return verdict

    def _follow(
        self, response: Response, location: str, state: _State, origin: str
    ) -> Failure | Literal["manual", "followed"]:
        """Fetch §4.4 "HTTP-redirect fetch": updates *state* to the new hop, or says why not (the browser's own
        checks come from its profile; Chromium's are :meth:`_chromium_redirect_check`)."""
        req = state.request
        new = parse_url(location, base=state.url)
        hop = Hop(
            response=response,
            location=location,
            target=new,
            current=state.url,
            page=self.origin,
            origin=origin,
            mode=req.mode,
            redirect=req.redirect,
            tainting=state.tainting,
            tainted=state.tainted,
            redirects=state.redirects,
            include_credentials=state.include_credentials,
        )
        verdict = (self.profile.check_redirect or self._chromium_redirect_check)(hop)
        if verdict is not None:
            return verdict
        assert new is not None  # every browser's check refuses a Location that does not parse
        state.redirects += 1
        leaving = not state.url.origin.same_origin(new.origin)
        # Fetch §4.4 step 12: the Standard's rewrite drops the body and its headers; a browser may rewrite more
        # (WebKit: a DELETE leaving its origin becomes a GET), keeping the headers.
        if _redirect_method(response.status, state.method, leaving) != state.method:
            state.headers = [(n, v) for n, v in state.headers if lowercase_ascii(n) not in _BODY_HEADERS]
        state.method = (self.profile.redirect_method or _redirect_method)(response.status, state.method, leaving)
        if leaving:
            state.sent_origin = False  # WebKit keeps Origin on a GET only while the redirects stay on one origin
        # Fetch §4.4 step 13: a cross-origin redirect drops Authorization.
        if leaving:
            state.headers = [(n, v) for n, v in state.headers if lowercase_ascii(n) != "authorization"]
        # Fetch §4.4 step 14: leaving an origin that is not the request's own taints the request.
        if leaving and not self.origin.same_origin(state.url.origin):
            state.tainted = True
        # Fetch §4.4 step 3: a Location without a fragment keeps the request's.
        if new.fragment is None and state.url.fragment is not None:
            new = URL(
                new.scheme, new.username, new.password, new.host, new.port, new.path, new.query, state.url.fragment
            )
        state.url = new
        return "followed"

    def _on_the_wire(self, headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
        """Author headers as the browser writes them on the wire (Firefox merges repeated names only here)."""
        lines = headers if self.profile.merge_request_headers else merge_request_lines(headers)
        wire_value = self.profile.wire_value or _chromium_wire_value
        return [(n, wire_value(n, v)) for n, v in lines]

    def _refused_by_network(self, response: Response) -> Failure | None:
        """Chromium's net stack rejects some responses before CORS sees them (e.g. two different Locations); a
        browser with its own Location rule (WebKit joins the lines) only refuses the other duplicates."""
        code = conflicting_header(response)
        if code is ErrorCode.RESPONSE_HEADERS_MULTIPLE_LOCATION and self.profile.joins_location_lines:
            return None
        return None if code is None else Failure(code)

    def _chromium_redirect_check(self, hop: Hop) -> Failure | Literal["manual"] | None:
        """Chromium's order: its net stack (limit, validity, unsafe schemes), then CORS, then Blink."""
        new, req_mode, redirect = hop.target, hop.mode, hop.redirect
        # Chromium's net stack (URLRequestJob::CanFollowRedirect) first: limit, validity, unsafe schemes.
        if hop.redirects >= MAX_REDIRECTS:
            return Failure(ErrorCode.TOO_MANY_REDIRECTS)
        if new is None:
            return Failure(ErrorCode.INVALID_REDIRECT)
        if new.scheme in _UNSAFE_REDIRECT_SCHEMES:
            return Failure(ErrorCode.UNSAFE_REDIRECT, target=new.serialize())
        # Then CORS (CorsURLLoader::OnReceiveRedirect). Fetch §4.3 step 4.4: a redirect is CORS-checked too, even
        # one that redirect mode "manual" hands to script.
        if hop.tainting == "cors":
            failure = self.profile.cors_check(hop.response, hop.origin, include_credentials=hop.include_credentials)
            if failure is not None:
                return failure
        if redirect == "manual":
            return "manual"
        if redirect == "error":
            return Failure(ErrorCode.REDIRECT_MODE_ERROR)
        # Fetch §4.4 steps 7-8 (Chromium CheckRedirectLocation): no credentials in a cross-origin Location.
        if new.has_credentials and (
            (req_mode == "cors" and (hop.tainted or not hop.page.same_origin(new.origin))) or hop.tainting == "cors"
        ):
            return Failure(ErrorCode.REDIRECT_CONTAINS_CREDENTIALS)
        # Then Blink: it never follows a redirect to a URL with credentials, nor one leaving the page's origin in
        # mode "same-origin" (Chromium; the Standard lets main fetch fail the next hop with a network error).
        if new.has_credentials and self.profile.refuses_credentialed_redirects:
            return Failure(ErrorCode.BLOCKED_ORIGIN)
        if req_mode == "same-origin" and not hop.page.same_origin(new.origin):
            return Failure(ErrorCode.BLOCKED_ORIGIN, url=new.serialize(), variant="same-origin-mode")
        # Then the new hop's scheme (CorsURLLoader::FollowRedirect): CORS only knows http(s).
        if not new.is_http:
            if req_mode == "cors" and new.scheme not in ("ws", "wss"):
                return Failure(
                    ErrorCode.CORS_DISABLED_SCHEME, _CORS_SCHEMES, url=new.serialize(), target=new.serialize()
                )
            return Failure(ErrorCode.UNKNOWN_URL_SCHEME, target=new.serialize())
        return None

    # -- results -------------------------------------------------------------------------------------------------

    def _finish(self, failure: Failure, url: str, initial: str | None) -> Result:
        hop = url
        url = failure.url or url
        last = self._exchanges[-1].response if self._exchanges else None
        message = self.profile.message(
            MessageContext(
                failure.code,
                url=url,
                origin=self.origin.serialize(),
                initial_url=initial,
                param=failure.param,
                variant=failure.variant,
                page=self.page,
                status=None if last is None else last.status,
                method=self.request.method,
                mode=self.request.mode,
                hop=hop,
                cors=self._cors,
                request_origin=self._origin_sent,
                target=failure.target,
                header=failure.header,
            )
        )
        return Result(
            allowed=False,
            error=failure.code,
            message=message,
            exchanges=tuple(self._exchanges),
            response=None,
            url=url,
            initial_url=initial or url,
            warnings=tuple(self._warnings),
            dropped_headers=self._dropped_names,
            preflight_cache_hits=tuple(self._cache_hits),
            browser=self.profile.name,
            param=failure.param,
        )

    def _opaque_redirect(self, response: Response, state: _State, url: str, initial: str) -> Result:
        """Fetch §4.3 step 4.6: redirect mode "manual" hands script an opaque-redirect response."""
        include = state.include_credentials
        view = script_view(response, "opaqueredirect", url=url, include_credentials=include, redirected=False)
        return self._result_ok(view, url, initial)

    def _finish_ok(self, response: Response, state: _State, url: str, initial: str) -> Result:
        kind: ResponseType = state.tainting  # type: ignore[assignment]
        view = script_view(
            response,
            kind,
            url=url,
            include_credentials=state.include_credentials,
            redirected=state.redirects > 0,
            comma_joined=self.profile.comma_joined_response_headers,
        )
        return self._result_ok(view, url, initial)

    def _result_ok(self, view: ScriptResponse, url: str, initial: str) -> Result:
        return Result(
            allowed=True,
            error=None,
            message=None,
            exchanges=tuple(self._exchanges),
            response=view,
            url=url,
            initial_url=initial,
            warnings=tuple(self._warnings),
            dropped_headers=self._dropped_names,
            preflight_cache_hits=tuple(self._cache_hits),
            browser=self.profile.name,
        )


def _chromium_wire_value(name: str, value: str) -> str:
    """An author header as Chromium's network stack writes it: a single Range is re-serialised (``bytes=007-``
    → ``bytes=7-``) after every CORS decision was made on the value script wrote."""
    return canonical_range(value) if lowercase_ascii(name) == "range" else value


def _redirect_method(status: int, method: str, leaving: bool) -> str:
    """Fetch §4.4 step 12: 301/302 turn POST into GET, 303 turns anything but GET/HEAD into GET."""
    if (status in (301, 302) and method == "POST") or (status == 303 and method not in ("GET", "HEAD")):
        return "GET"
    return method


@dataclass
class _State:
    """What changes as the fetch goes along: URL, method, headers, tainting, redirect count."""

    request: PreparedRequest
    url: URL = field(init=False)
    method: str = field(init=False)
    headers: list[tuple[str, str]] = field(init=False)
    tainting: str = "basic"
    tainted: bool = False
    redirects: int = 0
    #: A preflight was needed on some hop (a profile with ``repreflights_redirects`` preflights every later CORS hop).
    preflighted: bool = False
    #: The previous request carried Origin and the browser keeps it across redirects (WebKit).
    sent_origin: bool = False

    def __post_init__(self) -> None:
        self.url = self.request.url
        self.method = self.request.method
        self.headers = list(self.request.headers)

    @property
    def include_credentials(self) -> bool:
        return self.request.credentials == "include"


Responder = Callable[[WireRequest], Response]
AsyncResponder = Callable[[WireRequest], Awaitable[Response]]


def run(
    origin: str | Origin,
    request: Request,
    respond: Responder,
    *,
    cache: PreflightCache | None = None,
    browser: str | Profile = "chromium",
) -> Result:
    """Play one fetch to the end, asking *respond* for each response, as *browser* would."""
    fetch = Fetch(origin, request, cache=cache, browser=browser)
    event = fetch.start()
    while isinstance(event, SendRequest):
        event = fetch.receive(respond(event.request))
    return event


async def arun(
    origin: str | Origin,
    request: Request,
    respond: AsyncResponder,
    *,
    cache: PreflightCache | None = None,
    browser: str | Profile = "chromium",
) -> Result:
    """:func:`run` for an async *respond*."""
    fetch = Fetch(origin, request, cache=cache, browser=browser)
    event = fetch.start()
    while isinstance(event, SendRequest):
        event = fetch.receive(await respond(event.request))
    return event
