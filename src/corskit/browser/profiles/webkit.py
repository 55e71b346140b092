"""WebKit (Safari's engine), as WebKitGTK 2.50 does it: checked against the real one on every test run.

Where WebKit departs from Chromium, and why a page can work in one and not the other:

- **Safelist**: only the Standard's headers (none of Chromium's client hints: ``Save-Data``, ``DPR``… need a
  preflight); ``Range`` as WebKit parses it (unit in any case, ``+`` signs, numbers up to 2^64-1, no whitespace);
  ``User-Agent`` may be set by script and then needs a preflight.
- **Preflight answer**: the status is judged first ("Preflight response is not successful"), then the CORS check;
  ``Access-Control-Allow-Headers: *`` covers ``Authorization``, cached or not; answers live at most 10 minutes.
- **CORS check**: ``Access-Control-Allow-Origin`` must equal the origin exactly; a value with a comma is "more than
  one origin"; the credentials rule comes last.
- **Redirects**: the redirect itself is CORS-checked first; once a fetch was preflighted, every later cross-origin
  hop is preflighted again, listing the headers script set (``Authorization`` included, though it is no longer
  sent); a ``DELETE`` redirected to another origin becomes a ``GET`` (libsoup); ``Origin`` stays on a request a
  redirect turned into a ``GET``; several ``Location`` lines are joined with ", "; an empty ``Location`` is a
  network error; credentials in a ``Location`` are refused only across origins.
- **Wire**: header values go out as UTF-8 (Chromium: Latin-1), ``Range`` exactly as script wrote it.
- **Messages**: the console's two lines, the reason then "Fetch API cannot load … due to access control checks.".

The libsoup items are WebKitGTK's network stack; Safari's (CFNetwork) may differ there.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Literal

from ...spec.errors import PREFLIGHT_VARIANT, ErrorCode
from ...spec.headers import HeaderList, lowercase_ascii
from ...spec.safelist import is_safelisted_request_header
from ..checks import Failure
from ..wire import Response
from . import Hop, MessageContext, Profile
from .chromium import CHROMIUM

# -- request headers -------------------------------------------------------------------------------------------

#: The header names WebKit knows by name (``HTTPHeaderNames.in``), spelled as its messages print them. A header
#: script sets with one of these names is kept in a separate, earlier list, and its name is printed this way.
KNOWN_HEADERS = [
    "Accept",
    "Accept-Charset",
    "Accept-Encoding",
    "Accept-Language",
    "Accept-Ranges",
    "Access-Control-Allow-Credentials",
    "Access-Control-Allow-Headers",
    "Access-Control-Allow-Methods",
    "Access-Control-Allow-Origin",
    "Access-Control-Expose-Headers",
    "Access-Control-Max-Age",
    "Access-Control-Request-Headers",
    "Access-Control-Request-Method",
    "Age",
    "Authorization",
    "Cache-Control",
    "Clear-Site-Data",
    "Connection",
    "Content-Disposition",
    "Content-Encoding",
    "Content-Language",
    "Content-Length",
    "Content-Location",
    "Content-Range",
    "Content-Security-Policy",
    "Content-Security-Policy-Report-Only",
    "Content-Type",
    "Cookie",
    "Cookie2",
    "Cross-Origin-Embedder-Policy",
    "Cross-Origin-Embedder-Policy-Report-Only",
    "Cross-Origin-Opener-Policy",
    "Cross-Origin-Opener-Policy-Report-Only",
    "Cross-Origin-Resource-Policy",
    "DNT",
    "Date",
    "Default-Style",
    "ETag",
    "Expect",
    "Expires",
    "Host",
    "Icy-MetaInt",
    "Icy-Metadata",
    "If-Match",
    "If-Modified-Since",
    "If-None-Match",
    "If-Range",
    "If-Unmodified-Since",
    "Keep-Alive",
    "Last-Event-ID",
    "Last-Modified",
    "Link",
    "Location",
    "Origin",
    "Ping-From",
    "Ping-To",
    "Pragma",
    "Proxy-Authorization",
    "Range",
    "Referer",
    "Referrer-Policy",
    "Refresh",
    "Report-To",
    "Reporting-Endpoints",
    "Sec-Fetch-Dest",
    "Sec-Fetch-Mode",
    "Sec-Fetch-Site",
    "Sec-Fetch-User",
    "Sec-WebSocket-Accept",
    "Sec-WebSocket-Extensions",
    "Sec-WebSocket-Key",
    "Sec-WebSocket-Protocol",
    "Sec-WebSocket-Version",
    "Server-Timing",
    "Service-Worker",
    "Service-Worker-Allowed",
    "Service-Worker-Navigation-Preload",
    "Set-Cookie",
    "Set-Cookie2",
    "SourceMap",
    "TE",
    "Timing-Allow-Origin",
    "Trailer",
    "Transfer-Encoding",
    "Upgrade",
    "Upgrade-Insecure-Requests",
    "User-Agent",
    "Vary",
    "Via",
    "X-Content-Type-Options",
    "X-Frame-Options",
    "X-SourceMap",
    "X-Temp-Tablet",
    "X-XSS-Protection",
]
_KNOWN = {lowercase_ascii(name): name for name in KNOWN_HEADERS}

_UINT64 = re.compile(r"\+?[0-9]+")


def _uint64(text: str) -> int | None:
    """WTF ``parseInteger<uint64_t>``: ASCII digits after an optional ``+``, at most 2^64-1."""
    if not text.isascii() or not _UINT64.fullmatch(text):
        return None
    digits = text.lstrip("+").lstrip("0") or "0"
    if len(digits) > 20:  # leading zeros are fine, more than 20 digits never fits (and int() of them is slow)
        return None
    value = int(digits)
    return value if value < 2**64 else None


def is_simple_range(value: str) -> bool:
    """A ``Range`` WebKit lets through without a preflight: ``bytes=FIRST-`` or ``bytes=FIRST-LAST`` with ``bytes``
    in any case, no space or tab anywhere, ``FIRST <= LAST`` (no suffix range, no list)."""
    if " " in value or "\t" in value or lowercase_ascii(value[:6]) != "bytes=":
        return False
    first, dash, last = value[6:].partition("-")
    start = _uint64(first) if dash else None
    if start is None:
        return False
    if not last:
        return True
    end = _uint64(last)
    return end is not None and end >= start


def is_safelisted(name: str, value: str) -> bool:
    """The Standard's safelist (no client hints), with ``Range`` as WebKit parses it."""
    if lowercase_ascii(name) == "range":
        return len(value) <= 128 and is_simple_range(value)
    return is_safelisted_request_header(name, value)


def header_check_order(names: Iterable[str]) -> list[str]:
    """WebKit's header map: the names it knows first, then the others, each in the order script set them."""
    seen: dict[str, None] = {}
    for name in names:
        seen.setdefault(lowercase_ascii(name), None)
    return [n for n in seen if n in _KNOWN] + [n for n in seen if n not in _KNOWN]


def header_name(name: str, headers: HeaderList) -> str:
    """How a message spells a request header: WebKit's own spelling for a name it knows, else as script first
    wrote it."""
    if name in _KNOWN:
        return _KNOWN[name]
    return next((n for n, _ in headers if lowercase_ascii(n) == name), name)


def wire_value(name: str, value: str) -> str:
    """A header value as libsoup puts it on the wire: UTF-8 bytes (shown, like every wire value, one char a byte)."""
    return value.encode("utf-8").decode("latin-1") if not value.isascii() else value


# -- the CORS check --------------------------------------------------------------------------------------------


def cors_check(response: Response, origin: str, *, include_credentials: bool) -> Failure | None:
    """WebKit's ``passesAccessControlCheck``: exact match, the wildcard without credentials, then credentials."""
    allow_origin = response.header("Access-Control-Allow-Origin")
    if allow_origin == "*" and not include_credentials:
        return None
    if allow_origin != origin:
        if allow_origin == "*":
            return Failure(ErrorCode.WILDCARD_ORIGIN_NOT_ALLOWED)
        if allow_origin is None:
            return Failure(ErrorCode.MISSING_ALLOW_ORIGIN_HEADER)
        if "," in allow_origin:
            return Failure(ErrorCode.MULTIPLE_ALLOW_ORIGIN_VALUES, allow_origin)
        return Failure(ErrorCode.ALLOW_ORIGIN_MISMATCH, allow_origin)
    if include_credentials and response.header("Access-Control-Allow-Credentials") != "true":
        return Failure(ErrorCode.INVALID_ALLOW_CREDENTIALS, response.header("Access-Control-Allow-Credentials") or "")
    return None


# -- redirects -------------------------------------------------------------------------------------------------


def location(response: Response) -> str | None:
    """libsoup joins the ``Location`` lines with ", "; an empty result is a network error when followed."""
    if response.status not in (301, 302, 303, 307, 308):
        return None
    lines = [v.strip(" \t") for n, v in response.headers if lowercase_ascii(n) == "location"]
    return ", ".join(lines).strip(" \t") if lines else None


def redirect_method(status: int, method: str, leaving: bool) -> str:
    """libsoup: 303 turns anything but GET/HEAD into GET, 301/302 turn POST into GET, and a DELETE that leaves its
    origin becomes a GET whatever the status."""
    if method in ("GET", "HEAD"):
        return method
    if status == 303 or (status in (301, 302) and method == "POST") or (leaving and method == "DELETE"):
        return "GET"
    return method


def check_redirect(hop: Hop) -> Failure | Literal["manual"] | None:
    """WebKit's order: libsoup (empty Location, ftp), then ``NetworkLoadChecker::checkRedirection`` (CORS check of
    the redirect, redirect mode, scheme and credentials across origins, the limit), then the new hop's checks."""
    new = hop.target
    if hop.redirect != "manual":
        if new is None and hop.location and hop.mode == "cors":
            # A Location WebKit cannot parse (an IPv6 zone id, a bad port or host) is refused like a non-HTTP one,
            # after the redirect's CORS check.
            if hop.tainting == "cors":
                failure = cors_check(hop.response, hop.origin, include_credentials=hop.include_credentials)
                if failure is not None:
                    return Failure(failure.code, failure.param, variant="redirect", target=hop.location)
            return Failure(ErrorCode.CORS_DISABLED_SCHEME, variant="redirect", target=hop.location)
        if new is None or not hop.location:
            return Failure(ErrorCode.INVALID_REDIRECT)  # libsoup gives up; nothing on the console
        if new.scheme == "ftp":
            return Failure(ErrorCode.UNSAFE_REDIRECT, variant="ftp")
    shown = "" if new is None else _without_credentials(new.serialize())
    if hop.tainting == "cors":
        failure = cors_check(hop.response, hop.origin, include_credentials=hop.include_credentials)
        if failure is not None:
            return Failure(failure.code, failure.param, variant="redirect", target=shown)
    if hop.redirect == "error":
        return Failure(ErrorCode.REDIRECT_MODE_ERROR)
    if hop.redirect == "manual":
        return "manual"
    assert new is not None
    leaves = not (hop.page.same_origin(hop.current.origin) and hop.page.same_origin(new.origin))
    if hop.mode == "cors" and (hop.tainting == "cors" or leaves):
        if not new.is_http:
            return Failure(ErrorCode.CORS_DISABLED_SCHEME, variant="redirect", target=shown)
        if new.has_credentials:
            return Failure(ErrorCode.REDIRECT_CONTAINS_CREDENTIALS, new.serialize(), variant="redirect", target=shown)
    if hop.redirects + 1 > 20:
        return Failure(ErrorCode.TOO_MANY_REDIRECTS)
    if hop.mode == "same-origin" and not hop.page.same_origin(new.origin):
        return Failure(ErrorCode.BLOCKED_ORIGIN, url=shown, variant="same-origin-mode")
    if not new.is_http:
        if new.scheme == "file":
            return Failure(ErrorCode.UNSAFE_REDIRECT, variant="file", target=new.serialize())
        return Failure(ErrorCode.UNKNOWN_URL_SCHEME, url=new.serialize())
    return None


def _without_credentials(url: str) -> str:
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    authority, slash, path = rest.partition("/")
    return f"{scheme}://{authority.rpartition('@')[2]}{slash}{path}"


# -- messages --------------------------------------------------------------------------------------------------

_CANNOT_LOAD = "Fetch API cannot load {url} due to access control checks."
_NOT_ALLOWED = "Origin {origin} is not allowed by Access-Control-Allow-Origin. Status code: {status}"
_NOT_SUCCESSFUL = "Preflight response is not successful. Status code: {status}"
_INVALID = "Header Access-Control-Allow-{0} has an invalid value: {{param}}"
E = ErrorCode
#: The reason WebKit gives when the CORS check fails (``passesAccessControlCheck``).
_CHECK_TEXT = {
    E.WILDCARD_ORIGIN_NOT_ALLOWED: "Cannot use wildcard in Access-Control-Allow-Origin when credentials flag is true.",
    E.MULTIPLE_ALLOW_ORIGIN_VALUES: "Access-Control-Allow-Origin cannot contain more than one origin.",
    E.MISSING_ALLOW_ORIGIN_HEADER: _NOT_ALLOWED,
    E.INVALID_ALLOW_ORIGIN_VALUE: _NOT_ALLOWED,
    E.ALLOW_ORIGIN_MISMATCH: _NOT_ALLOWED,
    E.INVALID_ALLOW_CREDENTIALS: 'Credentials flag is true, but Access-Control-Allow-Credentials is not "true".',
}
_CHECK_TEXT.update({PREFLIGHT_VARIANT[code]: text for code, text in list(_CHECK_TEXT.items())})
#: The first line of a failure's two (the second is "Fetch API cannot load …").
_REASONS = {
    **_CHECK_TEXT,
    E.PREFLIGHT_INVALID_STATUS: _NOT_SUCCESSFUL,
    E.PREFLIGHT_DISALLOWED_REDIRECT: _NOT_SUCCESSFUL,
    E.INVALID_ALLOW_METHODS_PREFLIGHT_RESPONSE: _INVALID.format("Methods"),
    E.INVALID_ALLOW_HEADERS_PREFLIGHT_RESPONSE: _INVALID.format("Headers"),
    E.METHOD_DISALLOWED_BY_PREFLIGHT_RESPONSE: "Method {param} is not allowed by Access-Control-Allow-Methods.",
    E.HEADER_DISALLOWED_BY_PREFLIGHT_RESPONSE: (
        "Request header field {param} is not allowed by Access-Control-Allow-Headers."
    ),
    E.REDIRECT_MODE_ERROR: "Not allowed to follow a redirection while loading {url}",
    E.TOO_MANY_REDIRECTS: "Load cannot follow more than 20 redirections",
    E.CORS_DISABLED_SCHEME: "Cross origin requests are only supported for HTTP.",
    E.BLOCKED_ORIGIN: ("Unsafe attempt to load URL {url} from origin {page}. Domains, protocols and ports must match."),
    E.UNKNOWN_URL_SCHEME: "Redirection to URL with a scheme that is not HTTP(S).",
}
#: The reason part of "Cross-origin redirection to … denied by Cross-Origin Resource Sharing policy: <reason>".
_REDIRECT_REASONS = {
    **_CHECK_TEXT,
    E.CORS_DISABLED_SCHEME: "not allowed to follow a cross-origin CORS redirection with non CORS scheme",
    E.REDIRECT_CONTAINS_CREDENTIALS: "redirection URL {param} has credentials",
}
_VARIANT_REASONS = {
    "ftp": "FTP URLs are disabled",
    "file": "Not allowed to load local resource: {target}",
}
#: ``fetch()``'s TypeErrors (a message of their own, nothing on the console).
_TYPEERRORS = {
    ErrorCode.INVALID_URL: "URL is not valid or contains user credentials.",
    ErrorCode.URL_INCLUDES_CREDENTIALS: "URL is not valid or contains user credentials.",
    ErrorCode.INVALID_METHOD: "Method is not a valid HTTP token.",
    ErrorCode.FORBIDDEN_METHOD: "Method is forbidden.",
    ErrorCode.METHOD_NOT_ALLOWED_IN_NO_CORS: "Method must be GET, POST or HEAD in no-cors mode.",
    ErrorCode.INVALID_HEADER_NAME: "Invalid header name: '{param}'",
    ErrorCode.INVALID_HEADER_VALUE: "Header '{name}' has invalid value: '{param}'",
    ErrorCode.NON_LATIN1_HEADER: "Type error",
    ErrorCode.NAVIGATE_MODE: "Request constructor does not accept navigate fetch mode.",
}


#: Failures whose parameter is a response header's value (its raw bytes), not something script wrote.
_RESPONSE_VALUES = frozenset({E.INVALID_ALLOW_METHODS_PREFLIGHT_RESPONSE, E.INVALID_ALLOW_HEADERS_PREFLIGHT_RESPONSE})


def _as_printed(value: str) -> str:
    """A response header value as WebKit prints it: its bytes read as UTF-8 (a stray Latin-1 byte becomes U+FFFD)
    then shown one char a byte (``é`` sent as one byte prints as ``ï¿½``)."""
    if value.isascii():
        return value
    raw = value.encode("latin-1", errors="replace")
    return raw.decode("utf-8", errors="replace").encode("utf-8").decode("latin-1")


def message(ctx: MessageContext) -> str | None:
    """WebKit's console text for a failure: the reason, then "Fetch API cannot load …" (one line for mode
    "same-origin", nothing for a network error libsoup reports, the TypeError's message for ``fetch()``'s own
    refusals)."""
    fields = {
        "url": ctx.url,
        "origin": ctx.request_origin or ctx.origin,
        "status": ctx.status,
        "param": _as_printed(ctx.param) if ctx.code in _RESPONSE_VALUES else ctx.param,
        "page": ctx.origin,
        "target": ctx.target,
        "name": ctx.header,
    }
    if ctx.code in _TYPEERRORS:
        return _TYPEERRORS[ctx.code].format(**fields)
    if ctx.code is ErrorCode.DISALLOWED_BY_MODE:
        return f"Fetch API cannot load {ctx.url}."
    if ctx.code is ErrorCode.INVALID_REDIRECT:
        return None
    if ctx.variant == "redirect":
        reason = _REDIRECT_REASONS[ctx.code].format(**fields)
        first = f"Cross-origin redirection to {ctx.target} denied by Cross-Origin Resource Sharing policy: {reason}"
    elif ctx.variant in _VARIANT_REASONS:
        first = _VARIANT_REASONS[ctx.variant].format(**fields)
    else:
        text = _REASONS.get(ctx.code)
        if text is None:
            return _CANNOT_LOAD.format(**fields)
        first = text.format(**fields)
    return f"{first}\n{_CANNOT_LOAD.format(**fields)}"


def reason(code: ErrorCode) -> str | None:
    """WebKit has no names for its failures: only the console text."""
    return None


def parse_max_age(value: str | None) -> int:
    """Chromium's reading of Access-Control-Max-Age, capped at WebKit's 10 minutes."""
    return min(CHROMIUM.parse_max_age(value), 600)


WEBKIT = Profile(
    name="webkit",
    title="Safari (WebKit)",
    judged="WebKitGTK 2.50",
    is_safelisted_request_header=is_safelisted,
    extra_forbidden_request_headers=frozenset(),
    header_check_order=header_check_order,
    cors_check=cors_check,
    # CrossOriginPreflightResultCache: default 5 s, at most 600 s; no capacity or URL-length limit.
    max_age_cap=600,
    max_age_default=5,
    cache_max_entries=1 << 16,
    cache_max_url_length=1 << 30,
    parse_max_age=parse_max_age,
    message=message,
    reason=reason,
    rejection="Load failed",
    cached_wildcard_covers="all",
    # NetworkLoadChecker: once preflighted, every later CORS hop is, listing the headers script set.
    repreflights_redirects=True,
    preflights_script_headers=True,
    preflight_status_first=True,
    header_name=header_name,
    location=location,
    joins_location_lines=True,
    check_redirect=check_redirect,
    redirect_method=redirect_method,
    keeps_origin_after_redirect=True,
    preflight_copies=frozenset({"user-agent"}),
    wire_value=wire_value,
)
