"""The peers' configurations translated into corskit's: django-cors-headers' ``CORS_*`` settings and flask-cors'
keyword options become :class:`~corskit.Policy` keyword options.

>>> from_django_settings({"CORS_ALLOWED_ORIGINS": ["https://app.example.com"], "CORS_PREFLIGHT_MAX_AGE": 0})
{'allow_origins': ['https://app.example.com'], 'allow_methods': ['DELETE', 'GET', 'OPTIONS', 'PATCH', 'POST', \
'PUT'], 'allow_headers': ['accept', 'authorization', 'content-type', 'user-agent', 'x-csrftoken', \
'x-requested-with'], 'max_age': None}

A translation keeps the peer's meaning where corskit can say the same thing safely, and otherwise refuses with
:class:`~corskit.ConfigError` naming what the peer meant and what to write for corskit. Where the meaning changes
on purpose (the peers match origin regexes by prefix; corskit full-matches them) it warns with
:class:`~corskit.ConfigWarning`. Every difference is listed in docs/migrating.md.
"""

from __future__ import annotations

import inspect
import re
import warnings
from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import Any, TypeAlias

from .spec.errors import ConfigError

__all__ = [
    "DJANGO_DEFAULT_HEADERS",
    "DJANGO_DEFAULT_METHODS",
    "DJANGO_SETTINGS",
    "FLASK_CORS_OPTIONS",
    "from_django_settings",
    "from_flask_cors",
    "matches_every_path",
    "path_pattern",
]

#: django-cors-headers' defaults (``corsheaders.defaults``), which a project that sets nothing relies on.
DJANGO_DEFAULT_METHODS = ("DELETE", "GET", "OPTIONS", "PATCH", "POST", "PUT")
DJANGO_DEFAULT_HEADERS = ("accept", "authorization", "content-type", "user-agent", "x-csrftoken", "x-requested-with")
DJANGO_DEFAULT_MAX_AGE = 86400

#: The django-cors-headers settings corskit reads, each with the ``CORSKIT`` key it becomes (older names included).
DJANGO_SETTINGS = {
    "CORS_ALLOW_ALL_ORIGINS": "allow_origins",
    "CORS_ORIGIN_ALLOW_ALL": "allow_origins",
    "CORS_ALLOWED_ORIGINS": "allow_origins",
    "CORS_ORIGIN_WHITELIST": "allow_origins",
    "CORS_ALLOWED_ORIGIN_REGEXES": "allow_origin_regex",
    "CORS_ORIGIN_REGEX_WHITELIST": "allow_origin_regex",
    "CORS_ALLOW_METHODS": "allow_methods",
    "CORS_ALLOW_HEADERS": "allow_headers",
    "CORS_ALLOW_CREDENTIALS": "allow_credentials",
    "CORS_EXPOSE_HEADERS": "expose_headers",
    "CORS_PREFLIGHT_MAX_AGE": "max_age",
    "CORS_ALLOW_PRIVATE_NETWORK": "allow_private_network",
    "CORS_URLS_REGEX": "paths",
}

#: flask-cors' keyword options (also read from ``app.config`` as ``CORS_<NAME>``).
FLASK_CORS_OPTIONS = (
    "origins",
    "methods",
    "allow_headers",
    "expose_headers",
    "supports_credentials",
    "max_age",
    "send_wildcard",
    "vary_header",
    "automatic_options",
    "always_send",
    "intercept_exceptions",
    "allow_private_network",
    "resources",
)
FLASK_CORS_METHODS = ("GET", "HEAD", "POST", "OPTIONS", "PUT", "PATCH", "DELETE")

# flask-cors' test for "this string is a regex" (flask_cors.core._REGEX_HINT_CHARS).
_REGEX_HINT = frozenset("*\\]?$^[]()")
_ANY = (".*", "*", "^.*$", ".*$", "^.*", r"^.*\Z")


def from_django_settings(settings: Mapping[str, Any]) -> dict[str, Any]:
    """The ``CORSKIT`` options that mean what django-cors-headers' ``CORS_*`` *settings* (name → value) mean.

    Settings left out take django-cors-headers' defaults (its method and header lists, a one-day max age).
    ``CORS_URLS_REGEX`` becomes ``{"paths": {pattern: options}}`` (see :func:`path_pattern`).
    """
    everyone = bool(_first(settings, "CORS_ALLOW_ALL_ORIGINS", "CORS_ORIGIN_ALLOW_ALL", default=False))
    credentials = bool(settings.get("CORS_ALLOW_CREDENTIALS", False))
    options: dict[str, Any] = {}
    if everyone:
        if credentials:
            raise ConfigError(
                "CORS_ALLOW_ALL_ORIGINS with CORS_ALLOW_CREDENTIALS: django-cors-headers reflects every origin with "
                "credentials, so any website can read your users' responses; corskit refuses it: list the origins "
                "you trust in CORSKIT['allow_origins'] (patterns such as 'https://*.example.com' work)"
            )
        options["allow_origins"] = ["*"]
    else:
        origins = _strings("CORS_ALLOWED_ORIGINS", _first(settings, "CORS_ALLOWED_ORIGINS", "CORS_ORIGIN_WHITELIST"))
        options["allow_origins"] = origins
        regexes = _first(settings, "CORS_ALLOWED_ORIGIN_REGEXES", "CORS_ORIGIN_REGEX_WHITELIST")
        if regexes:
            options["allow_origin_regex"] = origin_regex(
                "CORS_ALLOWED_ORIGIN_REGEXES", regexes, peer="django-cors-headers", ignore_case=False
            )
    options["allow_methods"] = _setting(settings, "CORS_ALLOW_METHODS", DJANGO_DEFAULT_METHODS)
    options["allow_headers"] = _setting(settings, "CORS_ALLOW_HEADERS", DJANGO_DEFAULT_HEADERS)
    if credentials:
        options["allow_credentials"] = True
    exposed = _setting(settings, "CORS_EXPOSE_HEADERS", ())
    if exposed:
        options["expose_headers"] = exposed
    # django-cors-headers sends no Access-Control-Max-Age for 0 (or None): corskit's max_age=None.
    max_age = settings.get("CORS_PREFLIGHT_MAX_AGE", DJANGO_DEFAULT_MAX_AGE)
    options["max_age"] = max_age or None
    if settings.get("CORS_ALLOW_PRIVATE_NETWORK", False):
        options["allow_private_network"] = True
    urls = settings.get("CORS_URLS_REGEX", r"^.*$")
    pattern = path_pattern("CORS_URLS_REGEX", urls)
    return options if pattern == "/*" else {"paths": {pattern: options}}


#: A flask-cors resource as it matches a request's path: a literal path (compared whole) or a compiled regex
#: (matched at the start of the path, as flask-cors does with ``re.match``).
Resource: TypeAlias = "str | re.Pattern[str]"


def from_flask_cors(options: Mapping[str, Any]) -> list[tuple[Resource, dict[str, Any]]]:
    """flask-cors' keyword options → ``[(resource, policy options)]``, in the order flask-cors tries them.

    Without ``resources`` the whole app (``r"/*"``) gets one policy; with it, each resource's options are merged
    over the others, and the resources are matched against the path as flask-cors matches them (a regex-looking
    string is a regex matched at the start of the path; literal paths first, then the longer regexes). Options
    flask-cors has and corskit does not need (``send_wildcard``, ``vary_header``, ``automatic_options``,
    ``always_send``, ``intercept_exceptions``) are accepted and have no effect: corskit always sends ``Vary``,
    answers preflights and keeps CORS headers on errors.
    """
    unknown = sorted(set(options) - set(FLASK_CORS_OPTIONS))
    if unknown:
        raise ConfigError(f"unknown flask-cors option(s) {', '.join(unknown)}; the options are {FLASK_CORS_OPTIONS}")
    base = {k: v for k, v in options.items() if k != "resources"}
    resources = options.get("resources", r"/*")
    if isinstance(resources, Mapping):
        pairs = [(p, _flask_policy({**base, **_resource(p, o)})) for p, o in resources.items()]
        pairs.sort(key=lambda pair: _specificity(pair[0]))
    else:
        if isinstance(resources, (str, re.Pattern)):
            resources = [resources]
        elif not isinstance(resources, Iterable):
            raise ConfigError(f"resources must be a path regex, a list of them or a dict, got {resources!r}")
        policy = _flask_policy(base)
        pairs = [(p, policy) for p in resources]
    return [(_path_resource(p), policy) for p, policy in pairs]


def matches_every_path(resource: Resource) -> bool:
    """True for a resource that matches any path (flask-cors' default ``r"/*"``, ``"*"``, ``".*"``)."""
    text = resource.pattern if isinstance(resource, re.Pattern) else resource
    return text in _ANY or text in ("/*", "/.*", "^/.*", "^/.*$")


def _path_resource(resource: Any) -> Resource:
    if isinstance(resource, re.Pattern):
        return resource
    if not isinstance(resource, str):
        raise ConfigError(f"resources must hold path regex strings, got {resource!r}")
    text = ".*" if resource == "*" else resource
    if not _REGEX_HINT & set(text):
        return text
    try:
        return re.compile(text)
    except re.error as exc:
        raise ConfigError(f"resources: {text!r} does not compile: {exc}") from None


def _specificity(resource: Any) -> tuple[int, int, int, int]:
    """flask-cors' order for a ``resources`` dict: literal paths first, then regexes with more '/', then longer."""
    if isinstance(resource, re.Pattern):
        return (1, 0, -resource.pattern.count("/"), -len(resource.pattern))
    text = str(resource)
    if _REGEX_HINT & set(text):
        return (1, 1, -text.count("/"), -len(text))
    return (0, 0, -text.count("/"), -len(text))


def _resource(pattern: object, options: object) -> Mapping[str, Any]:
    if options is None:
        return {}
    if not isinstance(options, Mapping):
        raise ConfigError(f"resources[{pattern!r}] must be a dict of flask-cors options, got {options!r}")
    unknown = sorted(set(options) - set(FLASK_CORS_OPTIONS) - {"resources"})
    if unknown:
        raise ConfigError(f"resources[{pattern!r}]: unknown flask-cors option(s) {', '.join(map(str, unknown))}")
    return options


def _flask_policy(options: Mapping[str, Any]) -> dict[str, Any]:
    credentials = bool(options.get("supports_credentials", False))
    out: dict[str, Any] = {}
    origins = _listed(options.get("origins", "*"))
    if any(_text(o) in _ANY for o in origins):
        if credentials:
            raise ConfigError(
                "origins='*' with supports_credentials=True: flask-cors reflects every origin with credentials, so "
                "any website can read your users' responses; corskit refuses it: list the origins you trust, e.g. "
                "origins=['https://app.example.com'] (corskit patterns such as 'https://*.example.com' work as "
                "allow_origins)"
            )
        out["allow_origins"] = ["*"]
    else:
        exact = [o for o in origins if isinstance(o, str) and not _REGEX_HINT & set(o)]
        regexes = [o for o in origins if not (isinstance(o, str) and not _REGEX_HINT & set(o))]
        out["allow_origins"] = exact
        if regexes:
            out["allow_origin_regex"] = origin_regex("origins", regexes, peer="flask-cors", ignore_case=True)
    out["allow_methods"] = [m.upper() for m in _strings("methods", _listed(options.get("methods", FLASK_CORS_METHODS)))]
    headers = _strings("allow_headers", _listed(options.get("allow_headers", "*")))
    out["allow_headers"] = ["*"] if any(h in _ANY for h in headers) else headers
    exposed = options.get("expose_headers")
    if exposed:
        out["expose_headers"] = _strings("expose_headers", _listed(exposed))
    if credentials:
        out["allow_credentials"] = True
    max_age = options.get("max_age")
    if isinstance(max_age, timedelta):
        max_age = int(max_age.total_seconds())
    elif isinstance(max_age, str) and max_age.isdigit():
        max_age = int(max_age)
    out["max_age"] = max_age
    if options.get("allow_private_network", False):
        out["allow_private_network"] = True
    return out


def origin_regex(setting: str, regexes: Iterable[str | re.Pattern[str]], *, peer: str, ignore_case: bool) -> str:
    """The peers' origin regexes as one corskit ``allow_origin_regex`` (full-matched), as text to paste.

    The peers match with ``re.match``, a *prefix* match (flask-cors also case-insensitively), so
    ``https://app.example.com`` let ``https://app.example.com.evil.example`` in too. corskit full-matches: a regex
    without a final ``$`` now means the whole origin, which a :class:`~corskit.ConfigWarning` says, with the fix.
    """
    parts: list[str] = []
    flags = re.IGNORECASE if ignore_case else 0
    for regex in regexes:
        text = regex.pattern if isinstance(regex, re.Pattern) else regex
        if not isinstance(text, str):
            raise ConfigError(f"{setting} must hold regex strings, got {regex!r}")
        if isinstance(regex, re.Pattern):
            flags |= regex.flags & re.IGNORECASE
        if not re.search(r"(?<!\\)(\$|\\Z|\.\*)$", text):
            how = "as a prefix, case-insensitively" if ignore_case else "as a prefix"
            warnings.warn(
                f"{setting}: {peer} matched {text!r} {how}, so it also let in origins that merely start with a "
                f"match (the same host followed by ':3000' or '.evil.example'); corskit matches the whole origin. "
                f"For any port write {text + '(:[0-9]+)?'!r} (or a pattern such as 'http://localhost:*' in "
                "allow_origins); end it with '$' to say you mean exactly this",
                _config_warning(),
                stacklevel=_caller_level(),
            )
        parts.append(text)
    combined = parts[0] if len(parts) == 1 else "|".join(f"(?:{p})" for p in parts)
    if flags:
        combined = f"(?i){combined}"
    try:
        re.compile(combined)
    except re.error as exc:
        raise ConfigError(f"{setting}: {combined!r} does not compile: {exc}") from None
    return combined


def path_pattern(setting: str, regex: Any) -> str:
    """django-cors-headers' ``CORS_URLS_REGEX`` as a
    :class:`~corskit.PathPolicies` pattern: ``"/exact"`` or ``"/prefix/*"``; any other regex is refused."""
    text = regex.pattern if isinstance(regex, re.Pattern) else regex
    if not isinstance(text, str):
        raise ConfigError(f"{setting} must be a path regex string, got {regex!r}")
    if text in _ANY or text in ("/*", "^/.*$", "^/.*", "/.*"):
        return "/*"
    body = text.removeprefix("^").removesuffix("$").removesuffix(r"\Z")
    for tail in ("/.*", "/*", "/"):
        stem = body.removesuffix(tail)
        if stem != body and stem.startswith("/") and not _REGEX_HINT & set(stem.replace(r"\.", "")):
            return stem.replace(r"\.", ".") + "/*"
    if text == body and body.startswith("/") and not _REGEX_HINT & set(body):
        return body  # flask-cors compares a string without regex characters to the path exactly
    raise ConfigError(
        f"{setting}: {text!r} is a regex; corskit's per-path rules take an exact path ('/api/health') or a prefix "
        "('/api/*'): write the prefixes this regex meant as CORSKIT['paths'] keys"
    )


def _setting(settings: Mapping[str, Any], name: str, default: Iterable[str]) -> list[str]:
    return _strings(name, settings.get(name, default))


def _first(settings: Mapping[str, Any], name: str, old: str, default: Any = ()) -> Any:
    return settings[name] if name in settings else settings.get(old, default)


def _listed(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, (str, re.Pattern)):
        return [value]
    try:
        return list(value)
    except TypeError:
        return [value]


def _text(value: Any) -> Any:
    return value.pattern if isinstance(value, re.Pattern) else value


def _strings(setting: str, value: Any) -> list[str]:
    if isinstance(value, str):
        raise ConfigError(f"{setting} must be a list of strings, not a single string: write [{value!r}]")
    items = _listed(value)
    for item in items:
        if not isinstance(item, str):
            raise ConfigError(f"{setting} must hold strings, got {item!r}")
    return items


def _config_warning() -> type[Warning]:
    from . import ConfigWarning  # the server package defines it; imported late to keep this module standalone

    return ConfigWarning


def _caller_level() -> int:
    """The ``stacklevel`` that points a warning at the user's line: the first frame outside corskit."""
    frame = inspect.currentframe()
    frame = frame.f_back if frame is not None else None  # the function that warns: stacklevel 1
    level = 1
    while frame is not None and frame.f_globals.get("__name__", "").startswith("corskit."):
        frame = frame.f_back
        level += 1
    return level
