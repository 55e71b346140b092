"""The server's side: a CORS policy, validated and compiled once, and the pure decisions it makes.

>>> policy = Policy(allow_origins=["https://app.example.com"], allow_methods=["PUT"], allow_credentials=True)
>>> policy.actual("https://app.example.com").headers[0]
('Access-Control-Allow-Origin', 'https://app.example.com')
>>> policy.preflight("https://evil.example", "PUT").allowed
False

Adapters (``corskit.asgi``, ``corskit.wsgi``, ``corskit.django``) read the request, call :meth:`Policy.actual` or
:meth:`Policy.preflight` with the raw header values (several lines joined with ``", "``), and write what the
returned decision says. They never decide anything themselves.
"""

from __future__ import annotations

import difflib
import inspect
import logging
import re
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any, NamedTuple, TypeAlias, TypeVar

from ..spec.errors import ConfigError
from ..spec.headers import is_token, lowercase_ascii, split_list
from ..spec.origins import MAX_ORIGIN_LENGTH, OriginError, normalize_origin, parse_origin
from ..spec.safelist import (
    FORBIDDEN_RESPONSE_HEADERS,
    SAFELISTED_METHODS,
    is_forbidden_method,
    is_forbidden_request_header,
    normalize_method,
)
from .patterns import OriginPattern, compile_origin_pattern, compile_origin_regex
from .stores.base import OriginStore
from .stores.cache import UNKNOWN
from .stores.entry import StoredOrigin

__all__ = [
    "ActualDecision",
    "ConfigWarning",
    "OriginPredicate",
    "Policy",
    "PreflightDecision",
    "is_owned_header",
    "is_preflight",
    "merge_vary",
]

logger = logging.getLogger("corskit")
_debug_enabled = logger.isEnabledFor  # bound once: the refusal path checks it on every request
_DEBUG = logging.DEBUG

#: A request header value as an adapter extracted it: text, raw bytes (ASGI), or ``None`` when absent.
Value: TypeAlias = "str | bytes | None"
#: ``allow_origin_func``: called with a validated, canonical origin; returns (or resolves to) ``True`` to allow it.
OriginPredicate = Callable[[str], bool | Awaitable[bool]]

#: Longest ``Access-Control-Request-Method`` / ``-Headers`` value read; anything longer is refused unread.
MAX_METHOD_LENGTH = 64
MAX_REQUEST_HEADERS_LENGTH = 4096
MAX_REQUEST_HEADERS_ITEMS = 128
#: Decisions remembered for origins and preflights outside the exact list (the cache is emptied when full).
CACHE_SIZE = 1024
#: Decisions remembered for stored origins (only the store can allow those: a flood of unknown origins adds none).
GRANTED_SIZE = 65536

# Fetch §2.2.2: request headers safelisted by name; a trusted origin may send them with any value (as Starlette).
ALWAYS_ALLOWED_HEADERS = frozenset({"accept", "accept-language", "content-language", "content-type"})

_VARY_ACTUAL = ("Origin",)
_VARY_PREFLIGHT = ("Origin", "Access-Control-Request-Method", "Access-Control-Request-Headers")
_PNA_REQUEST = "Access-Control-Request-Private-Network"
_TEXT_PLAIN = ("Content-Type", "text/plain; charset=utf-8")


class ConfigWarning(UserWarning):
    """A configuration corskit accepts but that will not do what it says (e.g. a ``max_age`` above browsers' caps)."""


def _encode(headers: Iterable[tuple[str, str]]) -> tuple[tuple[bytes, bytes], ...]:
    return tuple((n.lower().encode("latin-1"), v.encode("latin-1")) for n, v in headers)


@dataclass(frozen=True, slots=True)
class ActualDecision:
    """What to add to the app's response to a request that is not a preflight.

    ``headers`` are the ``Access-Control-*`` headers to add (none when refused); ``vary`` the request headers the
    answer depends on, to merge into ``Vary``. ``raw_headers`` / ``raw_vary`` are the same, encoded for ASGI.
    """

    allowed: bool
    headers: tuple[tuple[str, str], ...] = ()
    vary: tuple[str, ...] = ()
    reason: str = ""
    raw_headers: tuple[tuple[bytes, bytes], ...] = field(init=False, repr=False)
    raw_vary: bytes = field(init=False, repr=False)
    _raw_tail: tuple[tuple[bytes, bytes], ...] = field(init=False, repr=False)
    _tail: tuple[tuple[str, str], ...] = field(init=False, repr=False)
    _vary_text: str = field(init=False, repr=False)

    def __post_init__(self) -> None:
        raw_headers = _encode(self.headers)
        raw_vary = ", ".join(self.vary).encode("latin-1")
        object.__setattr__(self, "raw_headers", raw_headers)
        object.__setattr__(self, "raw_vary", raw_vary)
        object.__setattr__(self, "_raw_tail", (*raw_headers, (b"vary", raw_vary)) if raw_vary else raw_headers)
        vary_text = ", ".join(self.vary)
        object.__setattr__(self, "_vary_text", vary_text)
        object.__setattr__(self, "_tail", (*self.headers, ("Vary", vary_text)) if vary_text else self.headers)

    def apply(self, headers: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
        """The app's response headers with this decision applied: the app's own ``Access-Control-*`` headers
        dropped (the policy owns them), ours added, ``Vary`` merged into one line without duplicates."""
        for name, _ in headers:
            # Only names starting with 'a' or 'v' can be ours to rewrite: one cheap test for the others.
            if name[:1] in _A_OR_V:
                return self._merge(headers)
        return [*headers, *self._tail]

    def _merge(self, headers: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        vary: list[str] = []
        for name, value in headers:
            lname = name.lower()
            if lname == "vary":
                vary.append(value)
            elif not is_owned_header(name):
                out.append((name, value))
        out.extend(self.headers)
        merged = self.merged_vary(", ".join(vary))
        if merged:
            out.append(("Vary", merged))
        return out

    def merged_vary(self, existing: str | None) -> str:
        """The ``Vary`` value to send when the app's response already has *existing* (``None`` or ``""``: none)."""
        if not existing:
            return self._vary_text
        return merge_vary(existing, self.vary)

    def apply_raw(self, headers: Sequence[Sequence[bytes]]) -> list[Sequence[bytes]]:
        """:meth:`apply` for ASGI's ``(bytes, bytes)`` header pairs."""
        for name, _ in headers:
            # Only names below b"b" (access-control-*, uppercase) or starting with "v" can be ours to rewrite.
            if name < b"b" or b"v" <= name < b"w":
                return self._merge_raw(headers)
        return [*headers, *self._raw_tail]

    def _merge_raw(self, headers: Iterable[Sequence[bytes]]) -> list[Sequence[bytes]]:
        out: list[Sequence[bytes]] = []
        vary: list[bytes] = []
        for pair in headers:
            name = pair[0].lower()
            if name == b"vary":
                vary.append(pair[1])
            elif not name.startswith(b"access-control-"):
                out.append(pair)
        out += self.raw_headers
        merged = self.merged_vary(b", ".join(vary).decode("latin-1"))
        if merged:
            out.append((b"vary", merged.encode("latin-1")))
        return out


@dataclass(frozen=True, slots=True)
class PreflightDecision:
    """The complete response to a preflight: status, headers and a short text body (the reason, when refused)."""

    allowed: bool
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes = b""
    reason: str = ""
    raw_headers: tuple[tuple[bytes, bytes], ...] = field(init=False, repr=False)
    status_line: str = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "raw_headers", _encode(self.headers))
        object.__setattr__(self, "status_line", f"{self.status} {_phrase(self.status)}")


_A_OR_V = frozenset("aAvV")


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "OK"


def is_preflight(method: str, origin: Value, request_method: Value) -> bool:
    """Fetch §4.8 "CORS-preflight fetch": an ``OPTIONS`` request with ``Origin`` and ``Access-Control-Request-Method``.

    Any other ``OPTIONS`` request is the app's to answer.
    """
    return method == "OPTIONS" and origin is not None and request_method is not None


def is_owned_header(name: str) -> bool:
    """True for a response header the policy owns (``Access-Control-*``): adapters drop the app's own."""
    return name[:1] in "aA" and name.lower().startswith("access-control-")


def merge_vary(existing: str | None, names: Sequence[str]) -> str:
    """One ``Vary`` value: the *existing* field names, then *names*, without duplicates (case-insensitive).

    ``*`` absorbs everything (RFC 9110 §12.5.5); items that are not field names are dropped.
    """
    out: list[str] = []
    seen: set[str] = set()
    for item in [*(split_list(existing or "", max_items=256) or ()), *names]:
        if item == "*":
            return "*"
        key = lowercase_ascii(item)
        if key not in seen and is_token(item):
            seen.add(key)
            out.append(item)
    return ", ".join(out)


_D = TypeVar("_D", ActualDecision, PreflightDecision)
#: What allowed an origin outside the static rules: its store entry, or :data:`_FUNC_GRANT` (``allow_origin_func``).
_Grant: TypeAlias = StoredOrigin
_FUNC_GRANT = StoredOrigin("", credentials=True)
_PreflightKey: TypeAlias = "tuple[Value, Value, Value, Value]"


class _Verdict(NamedTuple):
    """The static rules' view of an origin: the ``Access-Control-Allow-Origin`` value, or why not."""

    allow_origin: str | None
    reason: str = ""
    ask: bool = False  # the static rules do not allow it; ``origin_store`` or ``allow_origin_func`` may
    credentials: bool = True  # False: a stored origin without credentials (no Allow-Credentials header)


_ASK = _Verdict(None, "origin not allowed", ask=True)
_MALFORMED = _Verdict(None, "malformed Origin")
_NOT_ALLOWED = _Verdict(None, "origin not allowed")
_NULL_NOT_ALLOWED = _Verdict(None, "the 'null' origin is not listed in allow_origins")


def _as_list(name: str, value: Any) -> list[str]:
    if isinstance(value, (str, bytes)):
        raise ConfigError(f"{name} must be a list of strings, not a single string: write {name}=[{value!r}]")
    try:
        items = list(value)
    except TypeError:
        raise ConfigError(f"{name} must be a list of strings, got {type(value).__name__}") from None
    for item in items:
        if not isinstance(item, str):
            raise ConfigError(f"{name} must hold strings, got {item!r}")
    return items


def _wildcard(name: str, items: list[str]) -> bool:
    if "*" not in items:
        return False
    if len(items) > 1:
        others = [i for i in items if i != "*"]
        raise ConfigError(f"{name}: '*' already allows every value; remove {others!r} or remove '*'")
    return True


def _check_flag(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{name} must be True or False, got {value!r}")
    return value


#: The keyword options of :class:`Policy`, in the order the documentation lists them.
OPTION_NAMES = (
    "allow_origins",
    "allow_origin_regex",
    "allow_origin_func",
    "origin_store",
    "allow_methods",
    "allow_headers",
    "allow_credentials",
    "expose_headers",
    "max_age",
    "allow_private_network",
    "preflight_status",
)
#: The peers' names for corskit's options, for the message that names the right one.
PEER_NAMES = {
    "origins": "allow_origins",
    "methods": "allow_methods",
    "supports_credentials": "allow_credentials",
    "allow_origin_regexes": "allow_origin_regex",
    "resources": "PathPolicies (policy=PathPolicies({'/api/*': Policy(...)}))",
}
# Characters a header-name pattern uses; '*', '^', '$', '|' and '+' are also token characters, so a pattern such
# as 'X-COMPANY-.*' would otherwise be taken as a literal name that no request ever has.
_PATTERN_CHARACTERS = frozenset("*^$|+\\?[](){}")


def unknown_option(owner: str, name: object) -> ConfigError:
    """The error for a keyword *owner* (``"Policy"``, ``"CORSMiddleware"``) does not take: the likely one named."""
    if name in PEER_NAMES:
        return ConfigError(f"{owner}() got {name!r}, another library's name: corskit's is {PEER_NAMES[name]}")
    close = difflib.get_close_matches(str(name), OPTION_NAMES, n=1, cutoff=0.6)
    hint = f"did you mean {close[0]!r}?" if close else f"the options are {', '.join(OPTION_NAMES)}"
    return ConfigError(f"{owner}() got an unknown option {name!r}: {hint}")


def _literal_name(setting: str, name: str) -> None:
    if _PATTERN_CHARACTERS & set(name) and name != "*":
        raise ConfigError(
            f"{setting}: {name!r} looks like a pattern, but header names are compared literally (flask-cors matched "
            "them as regexes), so it would never match: list each header, e.g. ['X-Company-Id', 'X-Company-Tenant'], "
            "or use ['*']"
        )


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
        "_actuals",
        "_allow_credentials_headers",
        "_any_header",
        "_any_method",
        "_any_origin",
        "_cache_limit",
        "_dynamic",
        "_exact",
        "_expose",
        "_granted",
        "_headers",
        "_methods",
        "_no_origin",
        "_patterns",
        "_preflights",
        "_refusals",
        "_regex",
        "_vary_actual",
        "_vary_preflight",
        "allow_credentials",
        "allow_headers",
        "allow_methods",
        "allow_origin_func",
        "allow_origin_regex",
        "allow_origins",
        "allow_private_network",
        "awaits",
        "cached_actual",
        "expose_headers",
        "is_async",
        "max_age",
        "origin_store",
        "preflight_status",
    )

    allow_origins: tuple[str, ...]
    allow_origin_regex: str | None
    allow_origin_func: OriginPredicate | None
    allow_methods: tuple[str, ...]
    allow_headers: tuple[str, ...]
    allow_credentials: bool
    expose_headers: tuple[str, ...]
    max_age: int | None
    allow_private_network: bool
    preflight_status: int
    origin_store: OriginStore | None
    #: True when ``allow_origin_func`` is a coroutine function: use :meth:`aactual` / :meth:`apreflight`.
    is_async: bool
    #: True when a decision may wait on I/O (an async ``allow_origin_func``, or an ``origin_store``'s cache miss):
    #: async servers call :meth:`aactual` / :meth:`apreflight`; sync servers may call :meth:`actual`, which waits
    #: at most the store's timeout.
    awaits: bool
    #: The decision :meth:`actual` already made and cached for this ``Origin`` value (text or bytes, as passed
    #: then), or ``None``: one dictionary lookup, for adapters' hot paths. On ``None``, call :meth:`actual`.
    cached_actual: Callable[[Value], ActualDecision | None]
    _any_origin: bool
    _exact: frozenset[str]
    _patterns: tuple[OriginPattern, ...]
    _regex: re.Pattern[str] | None
    _dynamic: bool
    _any_method: bool
    _methods: frozenset[str]
    _any_header: bool
    _headers: frozenset[str]
    _allow_credentials_headers: tuple[tuple[str, str], ...]
    _expose: tuple[tuple[str, str], ...]
    _vary_actual: tuple[str, ...]
    _vary_preflight: tuple[str, ...]
    _no_origin: ActualDecision
    _actuals: dict[Value, ActualDecision]
    _preflights: dict[_PreflightKey, PreflightDecision]
    _cache_limit: int
    _refusals: dict[str, ActualDecision]
    _granted: dict[Value, tuple[str, StoredOrigin, ActualDecision]]

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
        setattr_ = super().__setattr__
        credentials = _check_flag("allow_credentials", allow_credentials)
        setattr_("allow_credentials", credentials)
        setattr_("allow_private_network", _check_flag("allow_private_network", allow_private_network))

        # Origins: "*", exact origins (a set: O(1) whatever its size), patterns, "null".
        origins = _as_list("allow_origins", allow_origins)
        any_origin = _wildcard("allow_origins", origins)
        exact: dict[str, None] = {}
        patterns: list[OriginPattern] = []
        for text in [] if any_origin else origins:
            if "*" in text:
                patterns.append(compile_origin_pattern(text))
                continue
            if text.lower().startswith("file:"):
                raise ConfigError(
                    f"allow_origins: {text!r} is not an origin: pages opened from files send 'Origin: null' (only an "
                    "old Android WebView sent 'file://', which django-cors-headers let in). To allow local files, list "
                    "'null': sandboxed iframes and data: URLs on any site send it too, so corskit refuses it with "
                    "allow_credentials"
                )
            try:
                exact[normalize_origin(text).serialize()] = None
            except OriginError as exc:
                raise ConfigError(f"allow_origins: {exc}") from None
        regex = None if allow_origin_regex is None else compile_origin_regex(allow_origin_regex)
        if allow_origin_func is not None and not callable(allow_origin_func):
            raise ConfigError(f"allow_origin_func must be a function, got {allow_origin_func!r}")
        if any_origin:
            if credentials:
                raise ConfigError(
                    "allow_origins=['*'] with allow_credentials=True would let every website read your users' "
                    "responses: list the origins (or patterns such as 'https://*.example.com') you trust"
                )
            if regex is not None or allow_origin_func is not None or origin_store is not None:
                raise ConfigError(
                    "allow_origins=['*'] already allows every origin: drop allow_origin_regex/func/origin_store"
                )
        if credentials and "null" in exact:
            raise ConfigError(
                "allow_origins lists 'null' with allow_credentials=True: 'null' is the origin of sandboxed iframes and "
                "local files on any site, so any site could read your users' responses; remove 'null'"
            )
        setattr_("_any_origin", any_origin)
        setattr_("_exact", frozenset(exact))
        setattr_("_patterns", tuple(patterns))
        setattr_("_regex", regex)
        setattr_("allow_origins", ("*",) if any_origin else (*exact, *(p.text for p in patterns)))
        setattr_("allow_origin_regex", None if regex is None else regex.pattern)
        setattr_("allow_origin_func", allow_origin_func)
        if origin_store is not None and not isinstance(origin_store, OriginStore):
            raise ConfigError(
                f"origin_store must be an origin store (corskit.stores.RedisOriginStore, MemoryOriginStore), "
                f"got {type(origin_store).__name__}"
            )
        setattr_("origin_store", origin_store)
        setattr_("is_async", allow_origin_func is not None and _is_async_callable(allow_origin_func))
        setattr_("awaits", self.is_async or origin_store is not None)
        setattr_("_granted", {})
        asks = allow_origin_func is not None or origin_store is not None
        setattr_("_dynamic", bool(patterns) or regex is not None or asks)

        # Methods: tokens, normalised as fetch() normalises them (Fetch "normalize a method").
        methods = _as_list("allow_methods", allow_methods)
        any_method = "*" in methods  # ['*', 'PATCH'] (accepted by Starlette) says no more than ['*']: any method
        normalized: dict[str, None] = {}
        for method in [] if any_method else methods:
            if not is_token(method):
                raise ConfigError(f"allow_methods: {method!r} is not a valid method name")
            if is_forbidden_method(method):
                raise ConfigError(f"allow_methods: browsers never send {method!r} (a forbidden method); remove it")
            normalized[normalize_method(method)] = None
        setattr_("_any_method", any_method)
        setattr_("_methods", frozenset(normalized))
        setattr_("allow_methods", ("*",) if any_method else tuple(normalized))

        # Request headers: tokens, case-insensitive; forbidden names can never be sent by a page.
        names = _as_list("allow_headers", allow_headers)
        any_header = "*" in names  # ['*', 'Authorization'] (accepted by Starlette): ['*'] already covers it
        lowered: dict[str, None] = {}
        for name in [] if any_header else names:
            _literal_name("allow_headers", name)
            if not is_token(name):
                raise ConfigError(f"allow_headers: {name!r} is not a valid header name")
            if is_forbidden_request_header(name):
                raise ConfigError(
                    f"allow_headers: {name!r} is a forbidden request header (Fetch): browsers set it themselves "
                    "and scripts cannot; remove it"
                )
            lowered[lowercase_ascii(name)] = None
        setattr_("_any_header", any_header)
        setattr_("_headers", frozenset(lowered) | ALWAYS_ALLOWED_HEADERS)
        setattr_("allow_headers", ("*",) if any_header else tuple(lowered))

        # Exposed response headers.
        exposed = _as_list("expose_headers", expose_headers)
        any_exposed = _wildcard("expose_headers", exposed)
        if any_exposed and credentials:
            raise ConfigError(
                "expose_headers=['*'] with allow_credentials=True exposes nothing: for credentialed requests "
                "browsers read '*' as a header named '*'; list the header names"
            )
        unique: dict[str, str] = {}
        for name in [] if any_exposed else exposed:
            _literal_name("expose_headers", name)
            if not is_token(name):
                raise ConfigError(f"expose_headers: {name!r} is not a valid header name")
            if lowercase_ascii(name) in FORBIDDEN_RESPONSE_HEADERS:
                raise ConfigError(f"expose_headers: browsers never let script read {name!r}; remove it")
            unique.setdefault(lowercase_ascii(name), name)
        setattr_("expose_headers", ("*",) if any_exposed else tuple(unique.values()))

        # Sent as given: browsers cap it (Chromium at 7200 s, Firefox at 86400 s, WebKit at 600 s) and use their cap,
        # so a larger value is harmless, and a warning would stop a start-up under filterwarnings=error.
        if max_age is not None and (isinstance(max_age, bool) or not isinstance(max_age, int) or max_age < 0):
            raise ConfigError(f"max_age must be a number of seconds (an int ≥ 0) or None, got {max_age!r}")
        setattr_("max_age", max_age)
        if isinstance(preflight_status, bool) or not isinstance(preflight_status, int):
            raise ConfigError(f"preflight_status must be an int, got {preflight_status!r}")
        if not 200 <= preflight_status <= 299:
            # Fetch §4.8 step 7: a preflight answer needs an ok status (200-299).
            raise ConfigError(
                f"preflight_status must be a 2xx status (an ok status for browsers), got {preflight_status}"
            )
        setattr_("preflight_status", preflight_status)

        # Pre-built answers.
        credentials_header = (("Access-Control-Allow-Credentials", "true"),) if credentials else ()
        expose_header = (
            (("Access-Control-Expose-Headers", ", ".join(self.expose_headers)),) if self.expose_headers else ()
        )
        setattr_("_allow_credentials_headers", credentials_header)
        setattr_("_expose", expose_header)
        vary_actual = () if any_origin else _VARY_ACTUAL
        vary_preflight = _VARY_PREFLIGHT[1:] if any_origin else _VARY_PREFLIGHT
        if self.allow_private_network:
            vary_preflight = (*vary_preflight, _PNA_REQUEST)
        setattr_("_vary_actual", vary_actual)
        setattr_("_vary_preflight", vary_preflight)
        # Fetch §3.2.5: a `*` answer needs no Vary, and is sent to every request so that caches can share it.
        no_origin = self._allow("*") if any_origin else ActualDecision(False, vary=vary_actual)
        setattr_("_no_origin", no_origin)
        actuals: dict[Value, ActualDecision] = {None: no_origin}
        setattr_("_actuals", actuals)
        setattr_("cached_actual", actuals.get)
        setattr_("_preflights", {})
        setattr_("_refusals", {})
        setattr_("_cache_limit", len(exact) + CACHE_SIZE)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Policy is immutable; build a new one")

    def __repr__(self) -> str:
        parts = [f"{name}={getattr(self, name)!r}" for name in OPTION_NAMES]
        return f"Policy({', '.join(parts)})"

    def for_path(self, path: str) -> Policy:
        """This policy (the interface :class:`~corskit.PathPolicies` shares)."""
        return self

    # --- actual requests --------------------------------------------------------------------------------------

    def actual(self, origin: Value, path: str = "") -> ActualDecision:
        """Decide a request that is not a preflight, given its ``Origin`` value (``None`` when absent).

        Values may be text or, as ASGI carries them, raw bytes. Raises nothing: a malformed or disallowed origin
        gets a refusal (no CORS header, ``Vary: Origin`` unless the policy is ``*``), logged at DEBUG.
        """
        answer = self._actuals.get(origin)  # None maps to the answer for requests without Origin
        if answer is None:
            answer = self._decide_actual(origin, path, None)
        return answer

    def _decide_actual(self, origin: Value, path: str, asked: _Grant | None) -> ActualDecision:
        if origin is None:
            return self._no_origin
        granted = self._still_granted(origin)
        if granted is not None:
            return granted
        text = _text(origin)
        verdict = self._verdict(text)
        if verdict.ask:
            # Not cached with the static answers: the store and the predicate may change their minds.
            grant = self._ask(text) if asked is None else asked
            return self._log(self._asked_actual(origin, text, grant), origin, path)
        answer = self._actual_for(verdict)
        if answer.reason and _debug_enabled(_DEBUG):
            # While DEBUG is on, refusals are not cached, so that every refused request gets its log line.
            return self._log(answer, origin, path)
        if verdict is not _MALFORMED and len(text) <= MAX_ORIGIN_LENGTH:
            self._remember(self._actuals, origin, answer)
        return answer

    async def aactual(self, origin: Value, path: str = "") -> ActualDecision:
        """:meth:`actual`, awaiting an async ``allow_origin_func``."""
        answer = self._actuals.get(origin) or (None if origin is None else self._still_granted(origin))
        if answer is not None:
            return answer
        if origin is not None and self._verdict(_text(origin)).ask:
            return self._decide_actual(origin, path, await self._aask(_text(origin)))
        return self._decide_actual(origin, path, None)

    def _still_granted(self, origin: str | bytes) -> ActualDecision | None:
        """The decision made for a stored origin, while the store's cache still holds the same entry: two dict
        lookups, no parsing, no I/O (the hot path for stored origins)."""
        granted = self._granted.get(origin)
        if granted is None:
            return None
        text, entry, answer = granted
        assert self.origin_store is not None
        return answer if self.origin_store.peek(text) is entry else None

    def _asked_actual(self, origin: str | bytes, text: str, grant: _Grant | None) -> ActualDecision:
        if grant is None:
            return self._refusal(_NOT_ALLOWED.reason)
        answer = self._allow(text, credentials=grant.credentials)
        if grant is not _FUNC_GRANT and len(text) <= MAX_ORIGIN_LENGTH:
            if len(self._granted) >= GRANTED_SIZE:
                self._granted.clear()
            self._granted[origin] = (text, grant, answer)
            if grant.tenant and _debug_enabled(_DEBUG):
                logger.debug("CORS: origin %r allowed by the origin store (tenant %r)", text, grant.tenant)
        return answer

    def _actual_for(self, verdict: _Verdict) -> ActualDecision:
        if verdict.allow_origin is None:
            return self._refusal(verdict.reason)
        return self._allow(verdict.allow_origin)

    def _refusal(self, reason: str) -> ActualDecision:
        refusal = self._refusals.get(reason)
        if refusal is None:
            refusal = self._refusals[reason] = ActualDecision(False, vary=self._vary_actual, reason=reason)
        return refusal

    def _allow(self, allow_origin: str, *, credentials: bool = True) -> ActualDecision:
        with_credentials = self._allow_credentials_headers if credentials else ()
        headers = (("Access-Control-Allow-Origin", allow_origin), *with_credentials, *self._expose)
        return ActualDecision(True, headers, self._vary_actual)

    # --- preflights --------------------------------------------------------------------------------------------

    def preflight(
        self, origin: Value, method: Value, headers: Value = None, private_network: Value = None, path: str = ""
    ) -> PreflightDecision:
        """Answer a preflight from its ``Origin``, ``Access-Control-Request-Method``, ``-Headers`` and
        ``-Private-Network`` values (text or raw bytes; several lines joined with ``", "``; ``None`` when absent).

        Raises nothing: anything not allowed, malformed or over-long gets a refusal with no ``Access-Control-Allow-*``
        header and the reason in the body.
        """
        key = (origin, method, headers, private_network)
        answer = self._preflights.get(key)
        if answer is None:
            answer = self._preflight_miss(key, None)
        if answer.reason and _debug_enabled(_DEBUG):
            self._log(answer, origin, path, method, headers)
        return answer

    async def apreflight(
        self, origin: Value, method: Value, headers: Value = None, private_network: Value = None, path: str = ""
    ) -> PreflightDecision:
        """:meth:`preflight`, awaiting an async ``allow_origin_func``."""
        key = (origin, method, headers, private_network)
        if key in self._preflights or origin is None or not self._verdict(_text(origin)).ask:
            return self.preflight(origin, method, headers, private_network, path)
        answer = self._preflight_miss(key, await self._aask(_text(origin)))
        return self._log(answer, origin, path, method, headers)

    def _preflight_miss(self, key: _PreflightKey, asked: _Grant | None) -> PreflightDecision:
        origin, method, headers, private_network = (None if v is None else _text(v) for v in key)
        if origin is None:
            return self._refuse_preflight("no Origin")
        verdict = self._verdict(origin)
        cacheable = not verdict.ask
        if verdict.ask:
            if asked is None:
                asked = self._ask(origin)
            verdict = _NOT_ALLOWED if asked is None else _Verdict(origin, credentials=asked.credentials)
        answer = self._decide_preflight(verdict, method, headers, private_network)
        small = len(origin) <= MAX_ORIGIN_LENGTH and len(headers or "") <= 1024 and len(private_network or "") <= 8
        if cacheable and small and len(method or "") <= MAX_METHOD_LENGTH:
            self._remember(self._preflights, key, answer)
        return answer

    def _decide_preflight(
        self, verdict: _Verdict, method: str | None, headers: str | None, private_network: str | None
    ) -> PreflightDecision:
        if verdict.allow_origin is None:
            return self._refuse_preflight(verdict.reason)
        if method is None or len(method) > MAX_METHOD_LENGTH or not is_token(method):
            return self._refuse_preflight("malformed Access-Control-Request-Method")
        # Fetch §4.8 step 7.5: safelisted methods need not be listed.
        if not (self._any_method or method in self._methods or method in SAFELISTED_METHODS):
            return self._refuse_preflight(f"method {method} not allowed")
        names: dict[str, None] = {}
        if headers is not None:
            too_long = len(headers) > MAX_REQUEST_HEADERS_LENGTH
            items = None if too_long else split_list(headers, max_items=MAX_REQUEST_HEADERS_ITEMS)
            if items is None:
                return self._refuse_preflight("Access-Control-Request-Headers too long")
            for item in items:
                if not is_token(item):
                    return self._refuse_preflight("malformed Access-Control-Request-Headers")
                name = lowercase_ascii(item)
                if not (self._any_header or name in self._headers):
                    return self._refuse_preflight(f"header {name} not allowed")
                names[name] = None
        # Private Network Access §3.2: answered only when the policy opts in.
        wants_private = private_network == "true"
        if wants_private and not self.allow_private_network:
            return self._refuse_preflight("private network access not allowed")
        out: list[tuple[str, str]] = [("Access-Control-Allow-Origin", verdict.allow_origin)]
        if verdict.credentials:
            out.extend(self._allow_credentials_headers)
        # Echo what was asked (validated tokens): exact, and wildcards keep working with credentials.
        out.append(("Access-Control-Allow-Methods", method))
        if names:
            out.append(("Access-Control-Allow-Headers", ", ".join(names)))
        if wants_private:
            out.append(("Access-Control-Allow-Private-Network", "true"))
        if self.max_age is not None:
            out.append(("Access-Control-Max-Age", str(self.max_age)))
        out.append(("Vary", ", ".join(self._vary_preflight)))
        if self.preflight_status != 204:
            out.append(("Content-Length", "0"))
        return PreflightDecision(True, self.preflight_status, tuple(out))

    def _refuse_preflight(self, reason: str) -> PreflightDecision:
        body = f"CORS preflight refused: {reason}\n".encode()
        headers = (("Vary", ", ".join(self._vary_preflight)), _TEXT_PLAIN, ("Content-Length", str(len(body))))
        return PreflightDecision(False, 403, headers, body, reason)

    # --- origins -------------------------------------------------------------------------------------------------

    def _verdict(self, origin: str) -> _Verdict:
        """The static rules on *origin*, in order: ``*``, the exact set, patterns, the regex."""
        if self._any_origin:
            return _Verdict("*")
        if origin in self._exact:
            return _Verdict(origin)
        if len(origin) > MAX_ORIGIN_LENGTH or not origin.isascii() or not origin.isprintable():
            return _MALFORMED
        if not self._dynamic:
            return _NOT_ALLOWED
        parsed = parse_origin(origin)
        if parsed is None:
            return _MALFORMED
        if parsed.opaque:
            return _NULL_NOT_ALLOWED
        for pattern in self._patterns:
            if pattern.matches(parsed):
                return _Verdict(origin)
        # parse_origin returns only canonical origins: what matches here is safe to reflect.
        if self._regex is not None and self._regex.fullmatch(origin):
            return _Verdict(origin)
        if self.allow_origin_func is not None or self.origin_store is not None:
            return _ASK
        return _NOT_ALLOWED

    def _ask(self, origin: str) -> _Grant | None:
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

    async def _aask(self, origin: str) -> _Grant | None:
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

    def _remember(self, cache: dict[Any, Any], key: object, value: object) -> None:
        if len(cache) >= self._cache_limit:
            cache.clear()
            if cache is self._actuals:
                cache[None] = self._no_origin
        cache[key] = value

    @staticmethod
    def _log(answer: _D, origin: Value, path: str, method: Value = None, headers: Value = None) -> _D:
        if answer.reason and logger.isEnabledFor(logging.DEBUG):
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


def _text(value: str | bytes) -> str:
    """A header value as text: bytes are decoded as latin-1 (lossless; non-ASCII then fails validation)."""
    return value.decode("latin-1") if isinstance(value, bytes) else value


def _clip(value: Value, limit: int = 200) -> str | None:
    """At most *limit* characters of a request value for a log line (logged with %r, so CR/LF stay escaped)."""
    if value is None:
        return None
    text = _text(value)
    return text if len(text) <= limit else f"{text[:limit]}…({len(text)} characters)"


def _check_answer(result: object, origin: str) -> _Grant | None:
    if result is True:
        return _FUNC_GRANT
    if result is not False:
        logger.warning("CORS: allow_origin_func returned %r for origin %r, not a bool; refusing it", result, origin)
    return None


def _is_async_callable(func: object) -> bool:
    return inspect.iscoroutinefunction(func) or inspect.iscoroutinefunction(getattr(func, "__call__", None))  # noqa: B004
