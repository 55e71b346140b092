"""A policy's options, validated once into an immutable value.

:func:`validate` takes :class:`~corskit.Policy`'s keyword arguments and returns :class:`Options`: normalised origins,
compiled patterns and regex, method and header sets. Every configuration that would be insecure or silently
ineffective raises :class:`~corskit.ConfigError` here, with a message that says what to write instead; nothing
later re-checks them.
"""

from __future__ import annotations

import difflib
import inspect
import re
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any

from ..spec.errors import ConfigError
from ..spec.headers import is_token, lowercase_ascii
from ..spec.origins import OriginError, normalize_origin
from ..spec.safelist import (
    FORBIDDEN_RESPONSE_HEADERS,
    is_forbidden_method,
    is_forbidden_request_header,
    normalize_method,
)
from .patterns import OriginPattern, compile_origin_pattern, compile_origin_regex
from .stores.base import OriginStore

__all__ = ["OPTION_NAMES", "ConfigWarning", "Options", "OriginPredicate", "unknown_option", "validate"]

#: ``allow_origin_func``: called with a validated, canonical origin; returns (or resolves to) ``True`` to allow it.
OriginPredicate = Callable[[str], bool | Awaitable[bool]]

#: The keyword options of :class:`~corskit.Policy`, in the order the documentation lists them.
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

# Fetch §2.2.2: request headers safelisted by name; a trusted origin may send them with any value (as Starlette).
ALWAYS_ALLOWED_HEADERS = frozenset({"accept", "accept-language", "content-language", "content-type"})


class ConfigWarning(UserWarning):
    """A configuration corskit accepts but that will not do what it says (e.g. a ``max_age`` above browsers' caps)."""


@dataclass(frozen=True, slots=True)
class Options:
    """Validated options. The first ten fields are the keywords as the policy reports them back (normalised);
    the others are their compiled forms."""

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
    #: ``allow_origins=["*"]``: every origin, answered ``*``.
    any_origin: bool
    #: Exact origins, canonical (``"null"`` included when listed).
    exact_origins: frozenset[str]
    patterns: tuple[OriginPattern, ...]
    regex: re.Pattern[str] | None
    #: ``allow_origin_func`` is a coroutine function: only async servers can ask it.
    is_async: bool
    #: A decision may wait on I/O (an async ``allow_origin_func``, or an ``origin_store``'s cache miss).
    awaits: bool
    any_method: bool
    methods: frozenset[str]
    any_header: bool
    #: Lowercase names, the always-allowed safelisted ones included.
    headers: frozenset[str]


def validate(
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
) -> Options:
    """Check every option and compile it; :class:`~corskit.ConfigError` (a ``ValueError``) on the first bad one."""
    credentials = _flag("allow_credentials", allow_credentials)
    any_origin, exact, patterns = _origins(allow_origins)
    regex = None if allow_origin_regex is None else compile_origin_regex(allow_origin_regex)
    if allow_origin_func is not None and not callable(allow_origin_func):
        raise ConfigError(f"allow_origin_func must be a function, got {allow_origin_func!r}")
    if origin_store is not None and not isinstance(origin_store, OriginStore):
        raise ConfigError(
            "origin_store must be an origin store (corskit.stores.RedisOriginStore, MemoryOriginStore), "
            f"got {type(origin_store).__name__}"
        )
    _check_origin_combination(any_origin, exact, credentials, regex, allow_origin_func, origin_store)
    is_async = allow_origin_func is not None and _is_async_callable(allow_origin_func)
    any_method, methods = _methods(allow_methods)
    any_header, headers = _request_headers(allow_headers)
    return Options(
        allow_origins=("*",) if any_origin else (*exact, *(p.text for p in patterns)),
        allow_origin_regex=None if regex is None else regex.pattern,
        allow_origin_func=allow_origin_func,
        origin_store=origin_store,
        allow_methods=("*",) if any_method else tuple(methods),
        allow_headers=("*",) if any_header else tuple(headers),
        allow_credentials=credentials,
        expose_headers=_expose_headers(expose_headers, credentials),
        max_age=_max_age(max_age),
        allow_private_network=_flag("allow_private_network", allow_private_network),
        preflight_status=_preflight_status(preflight_status),
        any_origin=any_origin,
        exact_origins=frozenset(exact),
        patterns=patterns,
        regex=regex,
        is_async=is_async,
        awaits=is_async or origin_store is not None,
        any_method=any_method,
        methods=frozenset(methods),
        any_header=any_header,
        headers=frozenset(headers) | ALWAYS_ALLOWED_HEADERS,
    )


def unknown_option(owner: str, name: object) -> ConfigError:
    """The error for a keyword *owner* (``"Policy"``, ``"CORSMiddleware"``) does not take: the likely one named."""
    if name in PEER_NAMES:
        return ConfigError(f"{owner}() got {name!r}, another library's name: corskit's is {PEER_NAMES[name]}")
    close = difflib.get_close_matches(str(name), OPTION_NAMES, n=1, cutoff=0.6)
    hint = f"did you mean {close[0]!r}?" if close else f"the options are {', '.join(OPTION_NAMES)}"
    return ConfigError(f"{owner}() got an unknown option {name!r}: {hint}")


def _origins(value: Any) -> tuple[bool, dict[str, None], tuple[OriginPattern, ...]]:
    """``"*"``, exact origins (normalised: case, default port) and patterns."""
    items = _as_list("allow_origins", value)
    if _wildcard("allow_origins", items):
        return True, {}, ()
    exact: dict[str, None] = {}
    patterns: list[OriginPattern] = []
    for text in items:
        if "*" in text:
            patterns.append(compile_origin_pattern(text))
            continue
        if text.lower().startswith("file:"):
            raise ConfigError(
                f"allow_origins: {text!r} is not an origin: pages opened from files send 'Origin: null' (only an old "
                "Android WebView sent 'file://', which django-cors-headers let in). To allow local files, list "
                "'null': sandboxed iframes and data: URLs on any site send it too, so corskit refuses it with "
                "allow_credentials"
            )
        try:
            exact[normalize_origin(text).serialize()] = None
        except OriginError as exc:
            raise ConfigError(f"allow_origins: {exc}") from None
    return False, exact, tuple(patterns)


def _check_origin_combination(
    any_origin: bool,
    exact: dict[str, None],
    credentials: bool,
    regex: re.Pattern[str] | None,
    func: object,
    store: object,
) -> None:
    if any_origin:
        if credentials:
            raise ConfigError(
                "allow_origins=['*'] with allow_credentials=True would let every website read your users' "
                "responses: list the origins (or patterns such as 'https://*.example.com') you trust"
            )
        if regex is not None or func is not None or store is not None:
            raise ConfigError(
                "allow_origins=['*'] already allows every origin: drop allow_origin_regex/func/origin_store"
            )
    if credentials and "null" in exact:
        raise ConfigError(
            "allow_origins lists 'null' with allow_credentials=True: 'null' is the origin of sandboxed iframes and "
            "local files on any site, so any site could read your users' responses; remove 'null'"
        )


def _methods(value: Any) -> tuple[bool, dict[str, None]]:
    """Tokens, normalised as fetch() normalises them (Fetch "normalize a method")."""
    items = _as_list("allow_methods", value)
    if "*" in items:  # ['*', 'PATCH'] (accepted by Starlette) says no more than ['*']: any method
        return True, {}
    normalized: dict[str, None] = {}
    for method in items:
        if not is_token(method):
            raise ConfigError(f"allow_methods: {method!r} is not a valid method name")
        if is_forbidden_method(method):
            raise ConfigError(f"allow_methods: browsers never send {method!r} (a forbidden method); remove it")
        normalized[normalize_method(method)] = None
    return False, normalized


def _request_headers(value: Any) -> tuple[bool, dict[str, None]]:
    """Tokens, case-insensitive; forbidden names can never be sent by a page."""
    items = _as_list("allow_headers", value)
    if "*" in items:  # ['*', 'Authorization'] (accepted by Starlette) says no more than ['*'], which covers it
        return True, {}
    lowered: dict[str, None] = {}
    for name in items:
        _literal_name("allow_headers", name)
        if not is_token(name):
            raise ConfigError(f"allow_headers: {name!r} is not a valid header name")
        if is_forbidden_request_header(name):
            raise ConfigError(
                f"allow_headers: {name!r} is a forbidden request header (Fetch): browsers set it themselves "
                "and scripts cannot; remove it"
            )
        lowered[lowercase_ascii(name)] = None
    return False, lowered


def _expose_headers(value: Any, credentials: bool) -> tuple[str, ...]:
    items = _as_list("expose_headers", value)
    if _wildcard("expose_headers", items):
        if credentials:
            raise ConfigError(
                "expose_headers=['*'] with allow_credentials=True exposes nothing: for credentialed requests "
                "browsers read '*' as a header named '*'; list the header names"
            )
        return ("*",)
    unique: dict[str, str] = {}
    for name in items:
        _literal_name("expose_headers", name)
        if not is_token(name):
            raise ConfigError(f"expose_headers: {name!r} is not a valid header name")
        if lowercase_ascii(name) in FORBIDDEN_RESPONSE_HEADERS:
            raise ConfigError(f"expose_headers: browsers never let script read {name!r}; remove it")
        unique.setdefault(lowercase_ascii(name), name)
    return tuple(unique.values())


def _literal_name(setting: str, name: str) -> None:
    if _PATTERN_CHARACTERS & set(name) and name != "*":
        raise ConfigError(
            f"{setting}: {name!r} looks like a pattern, but header names are compared literally (flask-cors matched "
            "them as regexes), so it would never match: list each header, e.g. ['X-Company-Id', 'X-Company-Tenant'], "
            "or use ['*']"
        )


def _max_age(value: Any) -> int | None:
    """Sent as given. Browsers cap it (Chromium at 7200 s, Firefox at 86400 s, WebKit at 600 s) and use their cap:
    a larger value is harmless, so it is neither refused nor warned about."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigError(f"max_age must be a number of seconds (an int ≥ 0) or None, got {value!r}")
    return value


def _preflight_status(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(f"preflight_status must be an int, got {value!r}")
    if not 200 <= value <= 299:
        # Fetch §4.8 step 7: a preflight answer needs an ok status (200-299).
        raise ConfigError(f"preflight_status must be a 2xx status (an ok status for browsers), got {value}")
    return value


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


def _flag(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{name} must be True or False, got {value!r}")
    return value


def _is_async_callable(func: object) -> bool:
    return inspect.iscoroutinefunction(func) or inspect.iscoroutinefunction(getattr(func, "__call__", None))  # noqa: B004
