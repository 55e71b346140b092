"""What the playground page sends: how the API behaves (a corskit Policy, or raw headers) and the ``fetch()`` to run.

The page is a browser tab anyone can edit (or a link anyone can craft), so its JSON is validated here like any
hostile input: every list and string is bounded, header names are tokens, values are what HTTP can carry. A bad
field raises :class:`SetupError` naming it; nothing past this module sees an unchecked value.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from ...browser.request import CREDENTIALS, MODES, REDIRECT_MODES, Credentials, Mode, RedirectMode
from ...server.policy import Policy
from ...spec.errors import ConfigError
from ...spec.headers import is_token

#: Bounds on what the page may send.
MAX_ITEMS = 32
MAX_TEXT = 2048
MAX_HEADERS = 32
REDIRECTS = (301, 302, 303, 307, 308)

ApiMode = Literal["policy", "raw"]

# Headers that frame the message: the server writes them, a raw answer may not.
_FRAMING = frozenset({"content-length", "transfer-encoding", "connection", "keep-alive", "upgrade", "trailer"})


class SetupError(ValueError):
    """The page sent something the playground cannot use; the message names the field."""


@dataclass(frozen=True)
class PolicyForm:
    """The Policy form: Starlette's (and corskit's) keyword names."""

    allow_origins: tuple[str, ...] = ()
    allow_methods: tuple[str, ...] = ()
    allow_headers: tuple[str, ...] = ()
    allow_credentials: bool = False
    expose_headers: tuple[str, ...] = ()
    max_age: int | None = None

    def policy(self) -> tuple[Policy, tuple[str, ...]]:
        """The corskit Policy and its configuration warnings; :class:`SetupError` with corskit's own message when it
        refuses the configuration."""
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                policy = Policy(
                    allow_origins=list(self.allow_origins),
                    allow_methods=list(self.allow_methods),
                    allow_headers=list(self.allow_headers),
                    allow_credentials=self.allow_credentials,
                    expose_headers=list(self.expose_headers),
                    max_age=self.max_age,
                )
            except (ConfigError, ValueError, TypeError) as error:
                raise SetupError(f"policy: {error}") from None
        return policy, tuple(str(w.message) for w in caught)

    def to_json(self) -> dict[str, Any]:
        return {
            "allow_origins": list(self.allow_origins),
            "allow_methods": list(self.allow_methods),
            "allow_headers": list(self.allow_headers),
            "allow_credentials": self.allow_credentials,
            "expose_headers": list(self.expose_headers),
            "max_age": self.max_age,
        }


@dataclass(frozen=True)
class RawAnswer:
    """A response written by hand: status and header lines (duplicates allowed)."""

    status: int
    headers: tuple[tuple[str, str], ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"status": self.status, "headers": [list(h) for h in self.headers]}


@dataclass(frozen=True)
class ApiSetup:
    """How origin B answers: its Policy (``mode="policy"``) or raw preflight and actual responses, and whether the
    first request is redirected (to ``…/final`` on the same API) before it is answered."""

    mode: ApiMode = "policy"
    policy: PolicyForm = field(default_factory=PolicyForm)
    preflight: RawAnswer = field(default_factory=lambda: RawAnswer(204))
    actual: RawAnswer = field(default_factory=lambda: RawAnswer(200))
    redirect: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "policy": self.policy.to_json(),
            "preflight": self.preflight.to_json(),
            "actual": self.actual.to_json(),
            "redirect": self.redirect,
        }


@dataclass(frozen=True)
class FetchSetup:
    """The ``fetch()`` the page runs, and whether it runs it twice (the second may hit the preflight cache)."""

    method: str = "GET"
    headers: tuple[tuple[str, str], ...] = ()
    credentials: Credentials = "same-origin"
    mode: Mode = "cors"
    redirect: RedirectMode = "follow"
    twice: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "headers": [list(h) for h in self.headers],
            "credentials": self.credentials,
            "mode": self.mode,
            "redirect": self.redirect,
            "twice": self.twice,
        }


@dataclass(frozen=True)
class Setup:
    api: ApiSetup
    fetch: FetchSetup

    def to_json(self) -> dict[str, Any]:
        return {"api": self.api.to_json(), "fetch": self.fetch.to_json()}

    def with_api(self, api: ApiSetup) -> Setup:
        return replace(self, api=api)

    def with_fetch(self, fetch: FetchSetup) -> Setup:
        return replace(self, fetch=fetch)


# --- parsing ------------------------------------------------------------------------------------------------------


def _expect(ok: bool, path: str, what: str) -> None:
    if not ok:
        raise SetupError(f"{path}: {what}")


def _object(data: Any, path: str, keys: set[str]) -> Mapping[str, Any]:
    _expect(isinstance(data, dict), path, "must be an object")
    unknown = sorted(k for k in data if k not in keys)
    _expect(not unknown, f"{path}.{unknown[0]}" if unknown else path, "is not a playground field")
    return data  # type: ignore[no-any-return]


def _text(value: Any, path: str, *, limit: int = MAX_TEXT) -> str:
    _expect(isinstance(value, str), path, "must be a string")
    _expect(len(value) <= limit, path, f"is longer than {limit} characters")
    return str(value)


def _strings(value: Any, path: str) -> tuple[str, ...]:
    _expect(isinstance(value, list), path, "must be a list of strings")
    _expect(len(value) <= MAX_ITEMS, path, f"has more than {MAX_ITEMS} items")
    return tuple(_text(item, f"{path}[{i}]", limit=256) for i, item in enumerate(value))


def _choice(data: Mapping[str, Any], key: str, options: tuple[str, ...], default: str, path: str) -> str:
    value = data.get(key, default)
    _expect(value in options, f"{path}.{key}", f"must be one of {', '.join(options)}")
    return str(value)


def _headers(value: Any, path: str, *, wire: bool) -> tuple[tuple[str, str], ...]:
    """``[[name, value], …]``. For *wire* (a response the API writes) names must be tokens and values printable
    Latin-1 that HTTP can carry; a fetch()'s headers are left for fetch() (and the engine) to judge."""
    _expect(isinstance(value, list), path, "must be a list of [name, value] pairs")
    _expect(len(value) <= MAX_HEADERS, path, f"has more than {MAX_HEADERS} headers")
    out: list[tuple[str, str]] = []
    for i, pair in enumerate(value):
        where = f"{path}[{i}]"
        _expect(isinstance(pair, list) and len(pair) == 2, where, "must be a [name, value] pair")
        name, text = _text(pair[0], f"{where}[0]", limit=256), _text(pair[1], f"{where}[1]")
        if wire:
            _expect(is_token(name), f"{where}[0]", f"{name!r} is not a header name")
            _expect(name.lower() not in _FRAMING, f"{where}[0]", f"{name} is written by the server itself")
            _expect(_writable(text), f"{where}[1]", "must be printable Latin-1 (no control characters)")
            text = text.strip(" \t")
        out.append((name, text))
    return tuple(out)


def _writable(value: str) -> bool:
    """What an HTTP/1.1 field value may hold: visible Latin-1, spaces and tabs."""
    return all(c == "\t" or 0x20 <= ord(c) <= 0x7E or 0xA0 <= ord(c) <= 0xFF for c in value)


def _status(value: Any, path: str, low: int = 100, high: int = 599) -> int:
    _expect(
        isinstance(value, int) and not isinstance(value, bool) and low <= value <= high, path, f"must be {low}-{high}"
    )
    return int(value)


def _raw(data: Any, path: str) -> RawAnswer:
    obj = _object(data, path, {"status", "headers"})
    return RawAnswer(
        _status(obj.get("status", 200), f"{path}.status", 200),
        _headers(obj.get("headers", []), f"{path}.headers", wire=True),
    )


def _policy_form(data: Any, path: str) -> PolicyForm:
    keys = {"allow_origins", "allow_methods", "allow_headers", "allow_credentials", "expose_headers", "max_age"}
    obj = _object(data, path, keys)
    credentials = obj.get("allow_credentials", False)
    _expect(isinstance(credentials, bool), f"{path}.allow_credentials", "must be true or false")
    max_age = obj.get("max_age")
    if max_age is not None:
        _expect(
            isinstance(max_age, int) and not isinstance(max_age, bool) and 0 <= max_age <= 86400,
            f"{path}.max_age",
            "must be empty or 0-86400 seconds",
        )
    return PolicyForm(
        _strings(obj.get("allow_origins", []), f"{path}.allow_origins"),
        _strings(obj.get("allow_methods", []), f"{path}.allow_methods"),
        _strings(obj.get("allow_headers", []), f"{path}.allow_headers"),
        credentials,
        _strings(obj.get("expose_headers", []), f"{path}.expose_headers"),
        max_age,
    )


def parse_setup(data: Any) -> Setup:
    """Validate the page's JSON; :class:`SetupError` names the first bad field. A Policy corskit refuses is a
    :class:`SetupError` too, with corskit's message (what to write instead)."""
    root = _object(data, "setup", {"api", "fetch"})
    api_data = _object(root.get("api", {}), "api", {"mode", "policy", "preflight", "actual", "redirect"})
    mode = _choice(api_data, "mode", ("policy", "raw"), "policy", "api")
    redirect = api_data.get("redirect")
    if redirect is not None:
        _expect(
            isinstance(redirect, int) and redirect in REDIRECTS,
            "api.redirect",
            f"must be empty or one of {', '.join(map(str, REDIRECTS))}",
        )
    api = ApiSetup(
        mode="raw" if mode == "raw" else "policy",
        policy=_policy_form(api_data.get("policy", {}), "api.policy"),
        preflight=_raw(api_data.get("preflight", {"status": 204}), "api.preflight"),
        actual=_raw(api_data.get("actual", {"status": 200}), "api.actual"),
        redirect=redirect,
    )
    if api.mode == "policy":
        api.policy.policy()  # refused configurations fail here, with corskit's message
    fetch_data = _object(
        root.get("fetch", {}), "fetch", {"method", "headers", "credentials", "mode", "redirect", "twice"}
    )
    method = _text(fetch_data.get("method", "GET"), "fetch.method", limit=64)
    twice = fetch_data.get("twice", False)
    _expect(isinstance(twice, bool), "fetch.twice", "must be true or false")
    fetch = FetchSetup(
        method=method,
        headers=_headers(fetch_data.get("headers", []), "fetch.headers", wire=False),
        credentials=next(
            c for c in CREDENTIALS if c == _choice(fetch_data, "credentials", CREDENTIALS, "same-origin", "fetch")
        ),
        mode=next(m for m in MODES if m == _choice(fetch_data, "mode", MODES, "cors", "fetch")),
        redirect=next(
            r for r in REDIRECT_MODES if r == _choice(fetch_data, "redirect", REDIRECT_MODES, "follow", "fetch")
        ),
        twice=twice,
    )
    return Setup(api, fetch)
