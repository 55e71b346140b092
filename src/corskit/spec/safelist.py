"""What the Fetch Standard lets through without asking: safelisted methods and headers, and what it forbids.

Shared by both parties: the browser engine decides preflights with it, the server policy refuses configurations
that name forbidden headers with it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from .headers import HeaderList, lowercase_ascii, parse_mime_type, parse_single_range

# Fetch §2.2.1 "CORS-safelisted method".
SAFELISTED_METHODS = frozenset({"GET", "HEAD", "POST"})

#: Methods a tool may send without being told to (``corskit check``, the audit): they read and change nothing
#: (RFC 9110 §9.2.1 "safe"). Any other method is sent only up to its preflight unless the user asks.
SAFE_METHODS = frozenset({"GET", "HEAD"})

# Fetch "forbidden method" (compared case-insensitively).
FORBIDDEN_METHODS = frozenset({"CONNECT", "TRACE", "TRACK"})

# Fetch "normalize a method": these are uppercased when they match case-insensitively; others keep their case.
NORMALIZED_METHODS = frozenset({"DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"})

# Fetch "forbidden request-header" names (lowercase). Script cannot set them; fetch() drops them silently.
FORBIDDEN_REQUEST_HEADERS = frozenset(
    {
        "accept-charset",
        "accept-encoding",
        "access-control-request-headers",
        "access-control-request-method",
        "access-control-request-private-network",
        "connection",
        "content-length",
        "cookie",
        "cookie2",
        "date",
        "dnt",
        "expect",
        "host",
        "keep-alive",
        "origin",
        "referer",
        "set-cookie",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "via",
    }
)
FORBIDDEN_REQUEST_HEADER_PREFIXES = ("proxy-", "sec-")
METHOD_OVERRIDE_HEADERS = frozenset({"x-http-method", "x-http-method-override", "x-method-override"})

# Fetch "CORS-safelisted response-header name": always readable by script.
SAFELISTED_RESPONSE_HEADERS = frozenset(
    {"cache-control", "content-language", "content-length", "content-type", "expires", "last-modified", "pragma"}
)

# Fetch "forbidden response-header name": never readable by script.
FORBIDDEN_RESPONSE_HEADERS = frozenset({"set-cookie", "set-cookie2"})

# Fetch "no-CORS-safelisted request-header name".
NO_CORS_SAFELISTED_HEADERS = frozenset({"accept", "accept-language", "content-language", "content-type"})

SAFELISTED_CONTENT_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data", "text/plain"})

# Fetch: a safelisted header's value is at most 128 bytes, and all safelisted values together at most 1024.
MAX_SAFELISTED_VALUE = 128
MAX_SAFELISTED_TOTAL = 1024

# Fetch "CORS-unsafe request-header byte": < 0x20 except TAB, and " ( ) : < > ? @ [ \ ] { } DEL.
_UNSAFE_BYTES = frozenset([chr(c) for c in range(0x20) if c != 0x09] + list('"():<>?@[\\]{}') + ["\x7f"])
_LANGUAGE_BYTES = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz *,-.;=")


def normalize_method(method: str) -> str:
    """Fetch "normalize a method": uppercase the six standard methods, leave anything else as written."""
    upper = method.upper() if method.isascii() else method
    return upper if upper in NORMALIZED_METHODS else method


def is_forbidden_method(method: str) -> bool:
    return method.isascii() and method.upper() in FORBIDDEN_METHODS


def is_forbidden_request_header(name: str, value: str = "") -> bool:
    """Fetch "forbidden request-header": a forbidden name, a ``proxy-``/``sec-`` name, or a method override that
    names a forbidden method."""
    lname = lowercase_ascii(name)
    if lname in FORBIDDEN_REQUEST_HEADERS or lname.startswith(FORBIDDEN_REQUEST_HEADER_PREFIXES):
        return True
    if lname in METHOD_OVERRIDE_HEADERS:
        return any(is_forbidden_method(v.strip(" \t")) for v in value.split(","))
    return False


def has_cors_unsafe_byte(value: str) -> bool:
    return any(c in _UNSAFE_BYTES for c in value)


def is_safelisted_request_header(name: str, value: str) -> bool:
    """Fetch "CORS-safelisted request-header" for one header (the 1024-byte total is applied by the caller).

    The Standard's list; a browser profile adds its own names (Chromium's client hints) or narrows a rule.
    """
    if len(value) > MAX_SAFELISTED_VALUE:
        return False
    lname = lowercase_ascii(name)
    if lname == "accept":
        return not has_cors_unsafe_byte(value)
    if lname in ("accept-language", "content-language"):
        return all(c in _LANGUAGE_BYTES for c in value)
    if lname == "content-type":
        return is_safelisted_content_type(value)
    if lname == "range":
        # Chromium: no whitespace or comma, one range, not a suffix range; numbers must fit in 63 bits.
        parsed = parse_single_range(value)
        return parsed is not None and parsed[0] is not None
    return False


def is_safelisted_content_type(value: str) -> bool:
    """A ``Content-Type`` that needs no preflight: no CORS-unsafe byte, and a parsed essence that is one of the
    three form types (Chromium 156 parses it as the Standard does: ``text /plain`` is not ``text/plain``)."""
    if has_cors_unsafe_byte(value):
        return False
    mime = parse_mime_type(value)
    return mime is not None and mime.essence in SAFELISTED_CONTENT_TYPES


def classify_request_headers(
    headers: HeaderList,
    is_safelisted: Callable[[str, str], bool] = is_safelisted_request_header,
    max_total: int | None = MAX_SAFELISTED_TOTAL,
) -> tuple[frozenset[str], frozenset[str]]:
    """Split lowercased names into (CORS-unsafe, safelisted but over the 1024-byte total).

    Fetch "CORS-unsafe request-header names": if the safelisted headers' values add up to more than 1024 bytes,
    every one of them becomes unsafe too; Chromium checks those after the unsafe ones. *is_safelisted* is the
    browser's rule for one header (a profile's; the Standard's by default); *max_total* ``None`` drops the total.
    """
    unsafe: set[str] = set()
    potentially_unsafe: set[str] = set()
    safelisted_size = 0
    for name, value in headers:
        lname = lowercase_ascii(name)
        if is_safelisted(name, value):
            potentially_unsafe.add(lname)
            safelisted_size += len(value)
        else:
            unsafe.add(lname)
    over = potentially_unsafe - unsafe if max_total is not None and safelisted_size > max_total else set()
    return frozenset(unsafe), frozenset(over)


def cors_unsafe_request_header_names(
    headers: HeaderList, is_safelisted: Callable[[str, str], bool] = is_safelisted_request_header
) -> list[str]:
    """Fetch "CORS-unsafe request-header names": lowercased, de-duplicated and sorted."""
    unsafe, over = classify_request_headers(headers, is_safelisted)
    return sorted(unsafe | over)


def is_no_cors_safelisted_request_header(name: str, value: str) -> bool:
    """Fetch "no-CORS-safelisted request-header": the headers a ``no-cors`` request may carry."""
    return lowercase_ascii(name) in NO_CORS_SAFELISTED_HEADERS and is_safelisted_request_header(name, value)


def is_safelisted_response_header(name: str, exposed: Iterable[str] = ()) -> bool:
    lname = lowercase_ascii(name)
    return lname in SAFELISTED_RESPONSE_HEADERS or lname in exposed
