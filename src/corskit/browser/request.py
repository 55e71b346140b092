"""What script asks for (:class:`Request`) and what ``fetch()`` makes of it before any network access.

``new Request()`` / ``fetch()`` validate and normalise the input and throw a ``TypeError`` for some of it; they
silently drop the headers script may not set. :func:`prepare` does exactly that and raises :class:`Rejected` with
the code and the ``TypeError`` text Chromium gives.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from ..spec.errors import ErrorCode
from ..spec.headers import HeaderList, is_token, is_valid_header_value, lowercase_ascii, normalize_value
from ..spec.origins import URL, parse_url
from ..spec.safelist import (
    SAFELISTED_METHODS,
    is_forbidden_method,
    is_forbidden_request_header,
    is_no_cors_safelisted_request_header,
    normalize_method,
)
from .profiles import Profile
from .profiles.chromium import CHROMIUM

Credentials = Literal["omit", "same-origin", "include"]
Mode = Literal["cors", "no-cors", "same-origin", "navigate"]
RedirectMode = Literal["follow", "error", "manual"]

CREDENTIALS: tuple[Credentials, ...] = ("omit", "same-origin", "include")
MODES: tuple[Mode, ...] = ("cors", "no-cors", "same-origin", "navigate")
REDIRECT_MODES: tuple[RedirectMode, ...] = ("follow", "error", "manual")


@dataclass(frozen=True)
class Request:
    """A ``fetch(url, {method, headers, credentials, mode, redirect})`` call, as script writes it."""

    url: str
    method: str = "GET"
    headers: HeaderList = ()
    credentials: Credentials = "same-origin"
    mode: Mode = "cors"
    redirect: RedirectMode = "follow"

    def __post_init__(self) -> None:
        object.__setattr__(self, "headers", tuple((str(n), str(v)) for n, v in self.headers))


@dataclass(frozen=True)
class PreparedRequest:
    """The request after ``fetch()``'s own processing: parsed URL, normalised method, surviving headers."""

    url: URL  # with its fragment: Chromium prints it in messages, never sends it
    method: str
    #: Author headers that survive, one entry per name (repeated names combined with ", ", as on the wire).
    headers: tuple[tuple[str, str], ...]
    credentials: Credentials
    mode: Mode
    redirect: RedirectMode
    #: Names that ``fetch()`` dropped silently (forbidden, or not allowed in ``no-cors`` mode).
    dropped: tuple[str, ...] = field(default=())


class Rejected(Exception):
    """``fetch()`` throws before any network access."""

    def __init__(self, code: ErrorCode, param: str = "", *, header: str = "") -> None:
        super().__init__(code.value, param)
        self.code = code
        self.param = param
        #: The header the refusal is about, when *param* is its value.
        self.header = header


def combine_headers(headers: HeaderList) -> list[tuple[str, str]]:
    """Merge repeated names into one entry (first spelling, first position, values joined with ", ")."""
    order: list[str] = []
    merged: dict[str, tuple[str, list[str]]] = {}
    for name, value in headers:
        key = lowercase_ascii(name)
        if key in merged:
            merged[key][1].append(value)
        else:
            merged[key] = (name, [value])
            order.append(key)
    return [(merged[k][0], ", ".join(merged[k][1])) for k in order]


#: Request headers a browser keeps one line of when script sets them twice (the last one wins).
_SINGLETON_REQUEST_HEADERS = frozenset({"content-type"})


def merge_request_lines(headers: HeaderList) -> list[tuple[str, str]]:
    """Firefox's header array: repeated names merge with ", " (first spelling, first position), except
    ``Content-Type``, whose last value replaces the others."""
    merged = combine_headers(headers)
    last = {lowercase_ascii(n): v for n, v in headers}
    return [(n, last[k]) if (k := lowercase_ascii(n)) in _SINGLETON_REQUEST_HEADERS else (n, v) for n, v in merged]


def prepare(request: Request, profile: Profile = CHROMIUM) -> PreparedRequest:
    """Validate and normalise *request* as ``new Request()`` does in *profile*'s browser; raise :class:`Rejected`
    on a ``TypeError``."""
    # Fetch "new Request()": parse the URL, refuse credentials in it.
    url = parse_url(request.url)
    if url is None:
        raise Rejected(ErrorCode.INVALID_URL, request.url)
    if url.has_credentials:
        raise Rejected(ErrorCode.URL_INCLUDES_CREDENTIALS, request.url)
    # Fetch "new Request()" step 23: script may not ask for mode "navigate".
    if request.mode == "navigate":
        raise Rejected(ErrorCode.NAVIGATE_MODE, request.mode)
    # Fetch "new Request()" step 25: a method must be a token, not forbidden; then it is normalised.
    if not is_token(request.method):
        raise Rejected(ErrorCode.INVALID_METHOD, request.method)
    if is_forbidden_method(request.method):
        raise Rejected(ErrorCode.FORBIDDEN_METHOD, request.method)
    method = normalize_method(request.method)
    # Fetch "new Request()" step 32: no-cors allows only CORS-safelisted methods.
    if request.mode == "no-cors" and method not in SAFELISTED_METHODS:
        raise Rejected(ErrorCode.METHOD_NOT_ALLOWED_IN_NO_CORS, method)

    # WebIDL converts every name and value to a ByteString before fetch() looks at any of them.
    wide = next((text for pair in request.headers for text in pair if any(ord(c) > 0xFF for c in text)), None)
    if wide is not None:
        raise Rejected(ErrorCode.NON_LATIN1_HEADER, wide)
    kept: list[tuple[str, str]] = []
    dropped: list[str] = []
    for name, raw_value in request.headers:
        value = normalize_value(raw_value)
        # Fetch "append" (Headers): the name must be a header name, the value a header value.
        if not is_token(name):
            raise Rejected(ErrorCode.INVALID_HEADER_NAME, name)
        if not is_valid_header_value(value):
            raise Rejected(ErrorCode.INVALID_HEADER_VALUE, value, header=name)
        # A browser may forbid more than the Standard (Chromium ignores a User-Agent set by script).
        if is_forbidden_request_header(name, value) or lowercase_ascii(name) in profile.extra_forbidden_request_headers:
            dropped.append(name)
            continue
        if request.mode == "no-cors":
            # Guard "request-no-cors": the combined value must stay no-CORS-safelisted.
            existing = [v for n, v in kept if lowercase_ascii(n) == lowercase_ascii(name)]
            combined = ", ".join([*existing, value])
            if not is_no_cors_safelisted_request_header(name, combined):
                dropped.append(name)
                continue
        kept.append((name, value))
    return PreparedRequest(
        url=url,
        method=method,
        headers=tuple(combine_headers(kept) if profile.merge_request_headers else kept),
        credentials=request.credentials,
        mode=request.mode,
        redirect=request.redirect,
        dropped=tuple(dropped),
    )
