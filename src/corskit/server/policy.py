"""The server's policy: validated options and the origin matcher, tied into answers.

>>> policy = Policy(allow_origins=["https://app.example.com"], allow_methods=["PUT"], allow_credentials=True)
>>> policy.actual("https://app.example.com").headers[0]
('Access-Control-Allow-Origin', 'https://app.example.com')
>>> policy.preflight("https://evil.example", "PUT").allowed
False

Adapters (``corskit.asgi``, ``corskit.wsgi``, ``corskit.django``) read the request, call :meth:`Policy.actual` or
:meth:`Policy.preflight` with the raw header values (several lines joined with ``", "``), and write what the
answer says (:mod:`.merge`). They never decide anything themselves.

Answers are looked up by the raw value they are given for, in one table. The exact origins' answers are built with
the policy and kept at its head for the policy's life (there are as many as the configuration lists); every other
answer remembered (patterns, regex, refusals) goes after them, in a bounded part (:mod:`.bounded`), so that a flood
of never-seen origins turns that part over and never reaches a configured origin's answer. ``allow_origin_func``'s
answers are never remembered. Adapters first ask :meth:`Policy.encoded` (the same answers, encoded once per header
form, kept the same way) and come here when it cannot settle one.
"""

from __future__ import annotations

import inspect
import logging
import re
from collections.abc import Callable, Hashable, Iterable
from enum import Enum
from typing import TypeAlias, TypeVar

from ..spec.errors import ConfigError
from ..spec.headers import is_token, lowercase_ascii, split_list
from ..spec.origins import MAX_ORIGIN_LENGTH
from ..spec.safelist import SAFELISTED_METHODS
from .bounded import remember
from .decisions import VARY, ActualDecision, Fields, PreflightDecision
from .encoded import EncodedAnswers
from .matcher import ASK, MALFORMED, NOT_ALLOWED, NULL_NOT_ALLOWED, OriginMatcher, Refusal, Verdict
from .merge import BYTES, TEXT, Wire
from .options import OPTION_NAMES, ConfigWarning, Options, OriginPredicate, unknown_option, validate
from .stores.base import OriginStore
from .stores.cache import UNKNOWN
from .stores.entry import StoredOrigin

__all__ = ["CACHE_SIZE", "ActualDecision", "ConfigWarning", "OriginPredicate", "Policy", "PreflightDecision"]

logger = logging.getLogger("corskit")
_debug_enabled = logger.isEnabledFor  # bound once: the refusal paths check it on every request
_DEBUG = logging.DEBUG

#: A request header value as an adapter extracted it: text, raw bytes (ASGI), or ``None`` when absent.
Value: TypeAlias = "str | bytes | None"
_Answer = TypeVar("_Answer", ActualDecision, PreflightDecision)
#: ``ActualDecision(...)`` without its generated ``__new__``: half the cost, on the path of never-seen origins.
_new_answer = tuple.__new__
#: What allowed an origin beyond the static rules: its store entry, or :data:`_FUNC_GRANT` (``allow_origin_func``).
Grant: TypeAlias = StoredOrigin
_FUNC_GRANT = StoredOrigin("", credentials=True)


class _Unasked(Enum):
    """Neither the store nor ``allow_origin_func`` has been asked yet."""

    UNASKED = 0


_UNASKED = _Unasked.UNASKED

#: Longest ``Access-Control-Request-Method`` / ``-Headers`` value read; anything longer is refused unread.
MAX_METHOD_LENGTH = 64
MAX_REQUEST_HEADERS_LENGTH = 4096
MAX_REQUEST_HEADERS_ITEMS = 128
#: Longest ``Access-Control-Request-Private-Network`` value read (the only meaningful one is ``true``).
MAX_PRIVATE_NETWORK_LENGTH = 8
#: Answers remembered for origins outside the exact list, and for (method, headers) pairs of preflights.
CACHE_SIZE = 1024
#: Answers remembered for stored origins (only the store can allow those: a flood of unknown origins adds none).
GRANTED_SIZE = 65536
# Preflight values longer than this are answered, never remembered.
_REMEMBERED_HEADERS_LENGTH = 1024

_VARY_PREFLIGHT = ("Origin", "Access-Control-Request-Method", "Access-Control-Request-Headers")
_PNA_REQUEST = "Access-Control-Request-Private-Network"
_TEXT_PLAIN = ("Content-Type", "text/plain; charset=utf-8")


class Policy:
    """A CORS policy: what a server allows, validated and compiled once. Immutable; safe to share across threads.

    The keyword names are Starlette's ``CORSMiddleware`` ones. Nothing is allowed unless configured, and
    configurations that would be insecure or silently ineffective raise :class:`~corskit.ConfigError`.

    :param allow_origins: exact origins (``"https://app.example.com"``, normalised: case, default port), patterns
        (``"https://*.example.com"``, ``"http://localhost:*"``), ``"null"``, or ``["*"]`` for any origin (a public
        resource: refused with credentials).
    :param allow_origin_regex: a regex full-matched against the canonical origin.
    :param allow_origin_func: a sync or async predicate called with the canonical origin when nothing above
        matched; its answers are not cached. Never called for ``null`` nor malformed origins.
    :param origin_store: an allow-list that changes while the app runs (``corskit.stores``: a Redis store shared
        by a fleet), consulted after the static rules and before ``allow_origin_func``, with the canonical origin.
        A stored origin gets ``Access-Control-Allow-Credentials`` only if both the policy and its entry allow it.
    :param allow_methods: methods a preflight may ask for, or ``["*"]``. GET, HEAD and POST never need one.
    :param allow_headers: request headers a preflight may ask for (case-insensitive), or ``["*"]`` (any header,
        ``Authorization`` included). ``Accept``, ``Accept-Language``, ``Content-Language`` and ``Content-Type`` are
        always allowed.
    :param allow_credentials: send ``Access-Control-Allow-Credentials: true`` (cookies, HTTP auth).
    :param expose_headers: response headers script may read besides the safelisted ones, or ``["*"]``.
    :param max_age: seconds a browser may cache a preflight answer; ``None`` sends no ``Access-Control-Max-Age``.
    :param allow_private_network: answer Private Network Access preflights (Chrome) with
        ``Access-Control-Allow-Private-Network: true``.
    :param preflight_status: status of an allowed preflight answer (a 2xx).
    """

    __slots__ = (
        "_allowed",
        "_allowed_without_credentials",
        "_credentials",
        "_encoded",
        "_granted",
        "_grants",
        "_kept",
        "_known",
        "_match",
        "_matcher",
        "_options",
        "_origin_refusals",
        "_refusals",
        "_remember_refusals",
        "_star",
        "_vary_preflight",
        "allow_credentials",
        "allow_headers",
        "allow_methods",
        "allow_origin_func",
        "allow_origin_regex",
        "allow_origins",
        "allow_private_network",
        "awaits",
        "expose_headers",
        "is_async",
        "max_age",
        "origin_store",
        "preflight_status",
    )

    allow_origins: tuple[str, ...]
    allow_origin_regex: str | None
    allow_origin_func: OriginPredicate | None
    origin_store: OriginStore | None
    allow_methods: tuple[str, ...]
    allow_headers: tuple[str, ...]
    allow_credentials: bool
    expose_headers: tuple[str, ...]
    max_age: int | None
    allow_private_network: bool
    preflight_status: int
    #: True when ``allow_origin_func`` is a coroutine function: use :meth:`aactual` / :meth:`apreflight`.
    is_async: bool
    #: True when a decision may wait on I/O (an async ``allow_origin_func``, or an ``origin_store``'s cache miss):
    #: async servers call :meth:`aactual` / :meth:`apreflight`; sync servers may call :meth:`actual`, which waits
    #: at most the store's timeout.
    awaits: bool
    _options: Options
    _matcher: OriginMatcher
    _credentials: Fields
    _encoded: dict[Wire, EncodedAnswers]
    #: The headers of every allowed answer besides Access-Control-Allow-Origin (Vary last).
    _allowed: Fields
    _allowed_without_credentials: Fields
    _vary_preflight: str
    _match: Callable[[str], Verdict]
    _star: ActualDecision | None
    _remember_refusals: bool
    #: Stored origins' answers, each with the store entry that allowed it (valid while the store keeps it).
    _granted: dict[Value, tuple[str, StoredOrigin, ActualDecision]]
    _refusals: dict[Refusal, ActualDecision]
    _origin_refusals: dict[str, PreflightDecision]
    #: The exact origins' answers (and the answer without Origin), kept for the policy's life (the first
    #: ``_kept``); after them, up to CACHE_SIZE other answers remembered by raw value (the oldest half goes).
    _known: dict[Value, ActualDecision]
    _kept: int
    _grants: dict[Hashable, Fields | PreflightDecision]

    def __new__(cls, *args: object, **options: object) -> Policy:
        # Before __init__'s own TypeError: a message that names the right keyword.
        if args:
            raise ConfigError(f"Policy takes keyword options only: write Policy(allow_origins={args[0]!r}, ...)")
        for name in options:
            if name not in OPTION_NAMES:
                raise unknown_option("Policy", name)
        return super().__new__(cls)

    def __init__(
        self,
        *,
        allow_origins: Iterable[str] = (),
        allow_origin_regex: str | re.Pattern[str] | None = None,
        allow_origin_func: OriginPredicate | None = None,
        origin_store: OriginStore | None = None,
        allow_methods: Iterable[str] = (),
        allow_headers: Iterable[str] = (),
        allow_credentials: bool = False,
        expose_headers: Iterable[str] = (),
        max_age: int | None = 600,
        allow_private_network: bool = False,
        preflight_status: int = 204,
    ) -> None:
        options = validate(
            allow_origins=allow_origins,
            allow_origin_regex=allow_origin_regex,
            allow_origin_func=allow_origin_func,
            origin_store=origin_store,
            allow_methods=allow_methods,
            allow_headers=allow_headers,
            allow_credentials=allow_credentials,
            expose_headers=expose_headers,
            max_age=max_age,
            allow_private_network=allow_private_network,
            preflight_status=preflight_status,
        )
        init = super().__setattr__
        for name in OPTION_NAMES:
            init(name, getattr(options, name))
        init("is_async", options.is_async)
        init("awaits", options.awaits)
        init("_options", options)
        init("_matcher", OriginMatcher(options))
        # Everything an answer holds besides the origin, built once.
        credentials = (("Access-Control-Allow-Credentials", "true"),) if options.allow_credentials else ()
        expose = (("Access-Control-Expose-Headers", ", ".join(options.expose_headers)),)
        # Fetch §3.2.5: a `*` answer needs no Vary, and is sent to every request so that caches can share it.
        vary = () if options.any_origin else ((VARY, "Origin"),)
        vary_preflight = _VARY_PREFLIGHT[1:] if options.any_origin else _VARY_PREFLIGHT
        if options.allow_private_network:
            vary_preflight = (*vary_preflight, _PNA_REQUEST)
        init("_credentials", credentials)
        init("_allowed", credentials + (expose if options.expose_headers else ()) + vary)
        init("_allowed_without_credentials", self._allowed[len(credentials) :])  # a stored origin's, maybe
        init("_vary_preflight", ", ".join(vary_preflight))
        star = ActualDecision(True, "*", self._allowed) if options.any_origin else None
        init("_star", star)
        init(
            "_refusals",
            {r: ActualDecision(False, None, vary, r.reason) for r in (MALFORMED, NOT_ALLOWED, NULL_NOT_ALLOWED)},
        )
        init("_origin_refusals", {})
        # The exact origins' answers, built now and kept for the policy's life, under both forms adapters pass.
        known: dict[Value, ActualDecision] = {None: star or ActualDecision(False, None, vary)}
        for origin in options.exact_origins:
            known[origin] = known[origin.encode("latin-1")] = ActualDecision(True, origin, self._allowed)
        init("_known", known)
        init("_kept", len(known))
        init("_grants", {})
        init("_match", self._matcher.match)
        init("_remember_refusals", bool(options.patterns) or options.regex is not None)
        init("_granted", {})
        init(
            "_encoded",
            {
                wire: EncodedAnswers(
                    wire,
                    options,
                    self._match,
                    self._matcher.sorter(bytes if wire is BYTES else str),
                    self._grant_fields,
                    self._origin_refusal,
                    self._allowed,
                    vary,
                )
                for wire in (BYTES, TEXT)
            },
        )

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Policy is immutable; build a new one")

    def __repr__(self) -> str:
        parts = [f"{name}={getattr(self, name)!r}" for name in OPTION_NAMES]
        return f"Policy({', '.join(parts)})"

    @property
    def options(self) -> Options:
        """The validated options this policy was built from."""
        return self._options

    def encoded(self, wire: Wire) -> EncodedAnswers:
        """This policy's answers encoded for *wire* (:mod:`.encoded`): the adapters' hot path, which falls back on
        :meth:`actual` or :meth:`preflight` where it returns ``None``."""
        return self._encoded[wire]

    def for_path(self, path: str) -> Policy:
        """This policy (the interface :class:`~corskit.PathPolicies` shares)."""
        return self

    # --- actual requests --------------------------------------------------------------------------------------

    def actual(self, origin: Value, path: str = "") -> ActualDecision:
        """Decide a request that is not a preflight, given its ``Origin`` value (``None`` when absent).

        Values may be text or, as ASGI carries them, raw bytes. Raises nothing: a malformed or disallowed origin
        gets a refusal (no CORS header, ``Vary: Origin`` unless the policy is ``*``), logged at DEBUG.
        """
        return self._recall(origin) or self.decide(origin, path, _UNASKED)

    async def aactual(self, origin: Value, path: str = "") -> ActualDecision:
        """:meth:`actual`, awaiting an async ``allow_origin_func`` or the origin store."""
        return self._recall(origin) or self.decide(origin, path, await self._aask_if_needed(origin))

    def _recall(self, origin: Value) -> ActualDecision | None:
        """The answer kept or remembered for this raw value, if any."""
        return self._known.get(origin)

    def decide(
        self, origin: Value, path: str | None = None, asked: Grant | _Unasked | None = _UNASKED
    ) -> ActualDecision:
        """:meth:`actual` for an origin that nothing kept or remembered answers: decided, remembered if that is safe,
        logged (at DEBUG) if refused and *path* is given. *asked*: what the store or ``allow_origin_func``
        answered, when it was awaited already (:meth:`aactual`)."""
        if origin is None:
            return self._known[None]
        if self._granted:
            still = self._still_granted(origin)
            if still is not None:
                return still
        text = origin.decode("latin-1") if isinstance(origin, bytes) else origin
        verdict = self._match(text)
        if type(verdict) is str:
            if self._star is not None:
                return self._star
            answer = _new_answer(ActualDecision, (True, verdict, self._allowed, ""))
            remember(self._known, origin, answer, CACHE_SIZE, self._kept)
            return answer
        if verdict is ASK:
            grant = self._ask(text) if asked is _UNASKED else asked
            if grant is not None:
                return self._grant_answer(origin, text, grant)
            answer = self._refusals[NOT_ALLOWED]  # never remembered: the store may change its mind
        else:
            answer = self._refusals[verdict]  # type: ignore[index]
        debug = _debug_enabled(_DEBUG)
        # Refusals are remembered where deciding costs more than remembering (patterns, regex), except while DEBUG
        # is on, so that every refused request gets its log line.
        if not debug and self._remember_refusals and verdict is not ASK and verdict is not MALFORMED:
            remember(self._known, origin, answer, CACHE_SIZE, self._kept)
        elif debug and path is not None:
            self._log(answer, origin, path)
        return answer

    def _grant_answer(self, origin: str | bytes, text: str, grant: Grant) -> ActualDecision:
        """Allowed by the origin store (remembered while the store keeps the same entry) or by the function
        (never remembered: it may change its mind). A stored origin gets credentials only if its entry has them."""
        fixed = self._allowed if grant.credentials else self._allowed_without_credentials
        answer = _new_answer(ActualDecision, (True, text, fixed, ""))
        if grant is not _FUNC_GRANT and len(text) <= MAX_ORIGIN_LENGTH:
            remember(self._granted, origin, (text, grant, answer), GRANTED_SIZE)
            if grant.tenant and _debug_enabled(_DEBUG):
                logger.debug("CORS: origin %r allowed by the origin store (tenant %r)", text, grant.tenant)
        return answer

    def _still_granted(self, origin: str | bytes) -> ActualDecision | None:
        """The answer given for a stored origin, while the store's cache still holds the same entry: two dict
        lookups, no parsing, no I/O (the hot path for stored origins)."""
        granted = self._granted.get(origin)
        if granted is None:
            return None
        text, entry, answer = granted
        assert self.origin_store is not None
        return answer if self.origin_store.peek(text) is entry else None

    async def _aask_if_needed(self, origin: Value) -> Grant | _Unasked | None:
        """What the store or ``allow_origin_func`` answers for *origin*, awaited, when the static rules leave them
        the decision (and no remembered grant answers first)."""
        if (self.origin_store is None and self.allow_origin_func is None) or origin is None:
            return _UNASKED
        if self._granted and self._still_granted(origin) is not None:
            return _UNASKED
        text = _text(origin)
        return await self._aask(text) if self._match(text) is ASK else _UNASKED

    # --- preflights --------------------------------------------------------------------------------------------

    def preflight(
        self, origin: Value, method: Value, headers: Value = None, private_network: Value = None, path: str = ""
    ) -> PreflightDecision:
        """Answer a preflight from its ``Origin``, ``Access-Control-Request-Method``, ``-Headers`` and
        ``-Private-Network`` values (text or raw bytes; several lines joined with ``", "``; ``None`` when absent).

        Raises nothing: anything not allowed, malformed or over-long gets a refusal with no ``Access-Control-Allow-*``
        header and the reason in the body.
        """
        answer = self._recall(origin) or self.decide(origin, None, _UNASKED)
        return self._preflight(answer, origin, method, headers, private_network, path)

    async def apreflight(
        self, origin: Value, method: Value, headers: Value = None, private_network: Value = None, path: str = ""
    ) -> PreflightDecision:
        """:meth:`preflight`, awaiting an async ``allow_origin_func``."""
        answer = self._recall(origin) or self.decide(origin, None, await self._aask_if_needed(origin))
        return self._preflight(answer, origin, method, headers, private_network, path)

    def _preflight(
        self, answer: ActualDecision, origin: Value, method: Value, headers: Value, private: Value, path: str
    ) -> PreflightDecision:
        """The origin's *answer*, then what the method, headers and private-network request ask for. The headers
        that grant them are remembered by their values (browsers send the same few whatever the origin), when
        small."""
        if answer.allow_origin is None or origin is None:
            decision = self._origin_refusal("no Origin" if origin is None else answer.reason)
        else:
            credentials = answer.fixed is self._allowed  # (a stored origin's entry may deny them)
            if _rememberable(method, headers, private):
                key = (method, headers, private, credentials)
                grant = self._grants.get(key)
                if grant is None:
                    grant = self._decide_grant(method, headers, private, credentials)
                    remember(self._grants, key, grant, CACHE_SIZE)
            else:
                grant = self._decide_grant(method, headers, private, credentials)
            if isinstance(grant, PreflightDecision):
                decision = grant
            else:  # granted: the origin's answer and these headers
                return _new_answer(
                    PreflightDecision, (True, self.preflight_status, answer.allow_origin, grant, b"", "")
                )
        if _debug_enabled(_DEBUG):
            self._log(decision, origin, path, method, headers)
        return decision

    def _grant_fields(self, method: Value, headers: Value, private: Value) -> Fields | None:
        """The headers that grant a preflight from a statically allowed origin (:mod:`.encoded`); ``None`` when
        refused, or when its values are too long to remember (:meth:`preflight` answers those)."""
        if _rememberable(method, headers, private):
            grant = self._decide_grant(method, headers, private, True)
            return None if isinstance(grant, PreflightDecision) else grant
        return None

    def _origin_refusal(self, reason: str) -> PreflightDecision:
        refusal = self._origin_refusals.get(reason)  # one per origin reason: a handful
        if refusal is None:
            refusal = self._origin_refusals[reason] = self._refuse_preflight(reason)
        return refusal

    def _decide_grant(
        self, method: Value, headers: Value, private_network: Value, credentials: bool
    ) -> Fields | PreflightDecision:
        options = self._options
        text = None if method is None else _text(method)
        if text is None or len(text) > MAX_METHOD_LENGTH or not is_token(text):
            return self._refuse_preflight("malformed Access-Control-Request-Method")
        # Fetch §4.8 step 7.5: safelisted methods need not be listed.
        if not (options.any_method or text in options.methods or text in SAFELISTED_METHODS):
            return self._refuse_preflight(f"method {text} not allowed")
        names = self._requested_headers(None if headers is None else _text(headers))
        if isinstance(names, PreflightDecision):
            return names
        # Private Network Access §3.2: answered only when the policy opts in.
        wants_private = private_network is not None and _text(private_network) == "true"
        if wants_private and not options.allow_private_network:
            return self._refuse_preflight("private network access not allowed")
        out = [*self._credentials] if credentials else []
        # Echo what was asked (validated tokens): exact, and wildcards keep working with credentials.
        out.append(("Access-Control-Allow-Methods", text))
        if names:
            out.append(("Access-Control-Allow-Headers", ", ".join(names)))
        if wants_private:
            out.append(("Access-Control-Allow-Private-Network", "true"))
        if options.max_age is not None:
            out.append(("Access-Control-Max-Age", str(options.max_age)))
        out.append((VARY, self._vary_preflight))
        if options.preflight_status != 204:
            out.append(("Content-Length", "0"))
        return tuple(out)

    def _requested_headers(self, headers: str | None) -> list[str] | PreflightDecision:
        """The lowercase names of ``Access-Control-Request-Headers`` if every one is allowed, else the refusal."""
        if headers is None:
            return []
        too_long = len(headers) > MAX_REQUEST_HEADERS_LENGTH
        items = None if too_long else split_list(headers, max_items=MAX_REQUEST_HEADERS_ITEMS)
        if items is None:
            return self._refuse_preflight("Access-Control-Request-Headers too long")
        names: dict[str, None] = {}
        for item in items:
            if not is_token(item):
                return self._refuse_preflight("malformed Access-Control-Request-Headers")
            name = lowercase_ascii(item)
            if not (self._options.any_header or name in self._options.headers):
                return self._refuse_preflight(f"header {name} not allowed")
            names[name] = None
        return list(names)

    def _refuse_preflight(self, reason: str) -> PreflightDecision:
        body = f"CORS preflight refused: {reason}\n".encode()
        fixed = ((VARY, self._vary_preflight), _TEXT_PLAIN, ("Content-Length", str(len(body))))
        return PreflightDecision(False, 403, None, fixed, body, reason)

    # --- allow_origin_func -------------------------------------------------------------------------------------

    def _ask(self, origin: str) -> Grant | None:
        """The origin store's entry for *origin*, else ``allow_origin_func``'s answer (sync servers)."""
        if self.origin_store is not None:
            entry = self.origin_store.lookup(origin)
            if entry is not None or self.allow_origin_func is None:
                return entry
        func = self.allow_origin_func
        assert func is not None
        try:
            result = func(origin)
        except Exception:
            logger.exception("CORS: allow_origin_func raised for origin %r; refusing it", origin)
            return None
        if inspect.isawaitable(result):
            close = getattr(result, "close", None)
            if close is not None:
                close()
            logger.error("CORS: allow_origin_func is async but the server is not; refusing origin %r", origin)
            return None
        return _check_answer(result, origin)

    async def _aask(self, origin: str) -> Grant | None:
        """:meth:`_ask` for async servers: the store is awaited only on a cache miss."""
        store = self.origin_store
        if store is not None:
            entry = store.peek(origin)
            if entry is UNKNOWN:
                entry = await store.alookup(origin)
            if entry is not None or self.allow_origin_func is None:
                return entry
        func = self.allow_origin_func
        assert func is not None
        try:
            result = func(origin)
            if inspect.isawaitable(result):
                result = await result
        except Exception:
            logger.exception("CORS: allow_origin_func raised for origin %r; refusing it", origin)
            return None
        return _check_answer(result, origin)

    # --- logging -------------------------------------------------------------------------------------------------

    @staticmethod
    def _log(answer: _Answer, origin: Value, path: str, method: Value = None, headers: Value = None) -> _Answer:
        if answer.reason and _debug_enabled(_DEBUG):
            if isinstance(answer, PreflightDecision):
                logger.debug(
                    "CORS preflight refused: %s (origin=%r, method=%r, headers=%r, path=%r)",
                    answer.reason,
                    _clip(origin),
                    _clip(method),
                    _clip(headers),
                    _clip(path),
                )
            else:
                logger.debug("CORS: %s (origin=%r, path=%r)", answer.reason, _clip(origin), _clip(path))
        return answer


def _rememberable(method: Value, headers: Value, private: Value) -> bool:
    """True when a preflight's values are short enough to key a remembered grant by."""
    return (
        (method is None or len(method) <= MAX_METHOD_LENGTH)
        and (headers is None or len(headers) <= _REMEMBERED_HEADERS_LENGTH)
        and (private is None or len(private) <= MAX_PRIVATE_NETWORK_LENGTH)
    )


def _text(value: str | bytes) -> str:
    """A header value as text: bytes are decoded as latin-1 (lossless; non-ASCII then fails validation)."""
    return value.decode("latin-1") if isinstance(value, bytes) else value


def _clip(value: Value, limit: int = 200) -> str | None:
    """At most *limit* characters of a request value for a log line (logged with %r, so CR/LF stay escaped)."""
    if value is None:
        return None
    text = _text(value)
    return text if len(text) <= limit else f"{text[:limit]}…({len(text)} characters)"


def _check_answer(result: object, origin: str) -> Grant | None:
    if result is True:
        return _FUNC_GRANT
    if result is not False:
        logger.warning("CORS: allow_origin_func returned %r for origin %r, not a bool; refusing it", result, origin)
    return None
