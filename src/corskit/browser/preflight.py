"""Preflights: when one is needed, what it looks like on the wire, and how its response is judged."""

from __future__ import annotations

from dataclasses import dataclass

from ..spec.errors import ErrorCode
from ..spec.headers import HeaderList, lowercase_ascii, parse_token_list
from ..spec.safelist import (
    SAFELISTED_METHODS,
    classify_request_headers,
    cors_unsafe_request_header_names,
    is_forbidden_request_header,
)
from .checks import Failure, preflight_cors_check
from .header_order import chromium_header_order
from .wire import Response, WireRequest

#: Chromium caps Access-Control-Max-Age at two hours (``preflight_result.cc`` kMaxTimeout).
MAX_AGE_CAP = 7200
#: Max-age used when the header is missing or does not parse (Chromium kDefaultTimeout; Fetch leaves it open).
MAX_AGE_DEFAULT = 5

#: Chromium 156 still lets ``Access-Control-Allow-Headers: *`` cover ``Authorization`` (the Standard says it never
#: does) and reports a deprecation issue instead. Set to False to get the Standard's behaviour.
WILDCARD_COVERS_AUTHORIZATION = True


def unsafe_header_names(headers: HeaderList) -> list[str]:
    """The names that make a request need a preflight: CORS-unsafe and not forbidden, sorted lowercase."""
    return [n for n in cors_unsafe_request_header_names(headers) if not is_forbidden_request_header(n)]


def checked_header_names(headers: HeaderList) -> list[str]:
    """The same names in the order Chromium checks them against a preflight answer: the unsafe ones, then those
    over the 1024-byte total, each group in Blink's header-map order (which decides the name a message shows)."""
    unsafe, over = classify_request_headers(headers)
    order = chromium_header_order(name for name, _ in headers)
    return [n for group in (unsafe, over) for n in order if n in group and not is_forbidden_request_header(n)]


def needs_preflight(method: str, headers: HeaderList) -> bool:
    """Fetch §4.1 main fetch step 12: a non-safelisted method or any CORS-unsafe header."""
    return method not in SAFELISTED_METHODS or bool(unsafe_header_names(headers))


def preflight_request(url: str, origin: str, method: str, headers: HeaderList) -> WireRequest:
    """Fetch §4.8 "CORS-preflight fetch": OPTIONS, ``Origin``, ``Access-Control-Request-Method``, and the unsafe
    header names lowercased, sorted and joined with "," (no space) in ``Access-Control-Request-Headers``."""
    out = [("Origin", origin), ("Access-Control-Request-Method", method)]
    names = unsafe_header_names(headers)
    if names:
        out.append(("Access-Control-Request-Headers", ",".join(names)))
    return WireRequest("OPTIONS", url, tuple(out), "preflight", credentials=False)


def parse_max_age(value: str | None) -> int:
    """Seconds a preflight answer may be cached (Chromium ``ParseAccessControlMaxAge``).

    The value must be a base-10 64-bit integer, optionally signed once (``base::StringToInt64``); anything else
    (``5.5``, ``+-5``, an overflow) gives the default 5. Negative gives 0 (not cached); capped at 7200.
    """
    if value is None:
        return MAX_AGE_DEFAULT
    digits = value[1:] if value[:1] in ("+", "-") else value
    if not digits or len(digits) > 19 or not digits.isascii() or not digits.isdigit():
        return MAX_AGE_DEFAULT
    seconds = int(value)
    if not -(2**63) <= seconds < 2**63:
        return MAX_AGE_DEFAULT
    return 0 if seconds < 0 else min(seconds, MAX_AGE_CAP)


@dataclass(frozen=True)
class PreflightResult:
    """A successful preflight's answer: what it allows, for how long, and whether it was credentialed."""

    methods: frozenset[str]
    headers: frozenset[str]  # lowercase
    credentials: bool
    max_age: int

    def method_failure(self, method: str) -> Failure | None:
        """Fetch §4.8 step 7.5, case-sensitive (Chromium with ``acam_preflight_spec_conformant``)."""
        if method in self.methods or method in SAFELISTED_METHODS:
            return None
        if not self.credentials and "*" in self.methods:
            return None
        return Failure(ErrorCode.METHOD_DISALLOWED_BY_PREFLIGHT_RESPONSE, method)

    def header_failure(
        self, headers: HeaderList, *, wildcard_covers_authorization: bool | None = None
    ) -> Failure | None:
        """Fetch §4.8 step 7.6-7.7; the first name that is not allowed, in Chromium's order, is reported.

        *wildcard_covers_authorization* defaults to :data:`WILDCARD_COVERS_AUTHORIZATION` (Chromium's check of a
        fresh preflight answer); a cached answer is always checked with ``False``.
        """
        if wildcard_covers_authorization is None:
            wildcard_covers_authorization = WILDCARD_COVERS_AUTHORIZATION
        names = checked_header_names(headers)
        if not self.credentials and "*" in self.headers:
            if wildcard_covers_authorization or "authorization" not in names or "authorization" in self.headers:
                return None
            return Failure(ErrorCode.HEADER_DISALLOWED_BY_PREFLIGHT_RESPONSE, "authorization")
        for name in names:
            if name not in self.headers:
                return Failure(ErrorCode.HEADER_DISALLOWED_BY_PREFLIGHT_RESPONSE, name)
        return None

    def wildcard_covers_authorization(self, headers: HeaderList) -> bool:
        """True when only ``*`` lets ``Authorization`` through (Chromium's deprecation issue)."""
        return (
            not self.credentials
            and "*" in self.headers
            and "authorization" not in self.headers
            and "authorization" in unsafe_header_names(headers)
        )

    def allows(self, method: str, headers: HeaderList, *, include_credentials: bool) -> bool:
        """Can this cached answer stand in for a new preflight? (Chromium ``EnsureAllowedRequest``).

        Chromium (``PreflightCache::CheckIfRequestCanSkipPreflight``) never lets a cached ``*`` cover
        ``Authorization``: such a request is preflighted every time.
        """
        if include_credentials and not self.credentials:
            return False
        if self.method_failure(method) is not None:
            return False
        return self.header_failure(headers, wildcard_covers_authorization=False) is None


def check_preflight_response(
    response: Response, origin: str, *, include_credentials: bool
) -> PreflightResult | Failure:
    """Judge a preflight response in Chromium's order: CORS check, redirect, status, then header syntax.

    Checking the preflight against the actual request's method and headers is left to the caller.
    """
    failure = preflight_cors_check(response, origin, include_credentials=include_credentials)
    if failure is not None:
        return failure
    if response.location is not None:
        # Fetch §4.8: a preflight is never redirected; Chromium reports it once the CORS check passed.
        return Failure(ErrorCode.PREFLIGHT_DISALLOWED_REDIRECT)
    if not 200 <= response.status <= 299:
        return Failure(ErrorCode.PREFLIGHT_INVALID_STATUS)
    methods = parse_token_list(response.header("Access-Control-Allow-Methods"))
    if methods is None:
        return Failure(ErrorCode.INVALID_ALLOW_METHODS_PREFLIGHT_RESPONSE)
    headers = parse_token_list(response.header("Access-Control-Allow-Headers"))
    if headers is None:
        return Failure(ErrorCode.INVALID_ALLOW_HEADERS_PREFLIGHT_RESPONSE)
    return PreflightResult(
        methods=frozenset(methods),
        headers=frozenset(lowercase_ascii(h) for h in headers),
        credentials=include_credentials,
        max_age=parse_max_age(response.header("Access-Control-Max-Age")),
    )
