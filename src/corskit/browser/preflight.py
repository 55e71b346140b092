"""Preflights: when one is needed, what it looks like on the wire, and how its response is judged."""

from __future__ import annotations

from dataclasses import dataclass

from ..spec.errors import ErrorCode
from ..spec.headers import HeaderList, lowercase_ascii, parse_token_list
from ..spec.safelist import (
    SAFELISTED_METHODS,
    classify_request_headers,
    is_forbidden_request_header,
)
from .checks import Failure, preflight_cors_check
from .profiles import Profile
from .profiles.chromium import CHROMIUM
from .wire import Response, WireRequest

#: Chromium caps Access-Control-Max-Age at two hours (``preflight_result.cc`` kMaxTimeout).
MAX_AGE_CAP = CHROMIUM.max_age_cap
#: Max-age used when the header is missing or does not parse (Chromium kDefaultTimeout; Fetch leaves it open).
MAX_AGE_DEFAULT = CHROMIUM.max_age_default


def unsafe_header_names(headers: HeaderList, profile: Profile = CHROMIUM) -> list[str]:
    """The names that make a request need a preflight: CORS-unsafe and not forbidden, sorted lowercase; once per
    name, or once per header entry in a browser that lists them so (Firefox)."""
    unsafe, over = classify_request_headers(headers, profile.is_safelisted_request_header, profile.max_safelisted_total)
    if profile.unique_request_header_names:
        listed = sorted(unsafe | over)
    else:
        # Firefox lists each entry that is not safelisted on its own (``X-A`` twice: ``x-a,x-a``).
        safe = profile.is_safelisted_request_header
        listed = sorted(lowercase_ascii(n) for n, v in headers if not safe(n, v) or lowercase_ascii(n) in over)
    return [n for n in listed if not is_forbidden_request_header(n)]


def checked_header_names(headers: HeaderList, profile: Profile = CHROMIUM) -> list[str]:
    """The same names in the order the browser checks them against a preflight answer: the unsafe ones, then
    those over the 1024-byte total, each group in the browser's order (which decides the name a message shows)."""
    unsafe, over = classify_request_headers(headers, profile.is_safelisted_request_header, profile.max_safelisted_total)
    order = profile.header_check_order(name for name, _ in headers)
    return [n for group in (unsafe, over) for n in order if n in group and not is_forbidden_request_header(n)]


def needs_preflight(method: str, headers: HeaderList, profile: Profile = CHROMIUM) -> bool:
    """Fetch §4.1 main fetch step 12: a non-safelisted method or any CORS-unsafe header."""
    return method not in SAFELISTED_METHODS or bool(unsafe_header_names(headers, profile))


def preflight_request(
    url: str, origin: str, method: str, headers: HeaderList, profile: Profile = CHROMIUM
) -> WireRequest:
    """Fetch §4.8 "CORS-preflight fetch": OPTIONS, ``Origin``, ``Access-Control-Request-Method``, and the unsafe
    header names lowercased, sorted and joined with "," (no space) in ``Access-Control-Request-Headers``."""
    out = [("Origin", origin), ("Access-Control-Request-Method", method)]
    names = unsafe_header_names(headers, profile)
    if names:
        out.append(("Access-Control-Request-Headers", ",".join(names)))
    # A browser may send some of script's headers on the preflight too (WebKit: User-Agent).
    out += [(n, v) for n, v in headers if lowercase_ascii(n) in profile.preflight_copies]
    return WireRequest("OPTIONS", url, tuple(out), "preflight", credentials=False)


def parse_max_age(value: str | None, profile: Profile = CHROMIUM) -> int:
    """Seconds a preflight answer may be cached by *profile*'s browser (0: not cached)."""
    return profile.parse_max_age(value)


@dataclass(frozen=True)
class PreflightResult:
    """A successful preflight's answer: what it allows, for how long, and whether it was credentialed."""

    methods: frozenset[str]
    headers: frozenset[str]  # lowercase
    credentials: bool
    max_age: int
    #: The browser whose rules judge requests against this answer.
    profile: Profile = CHROMIUM

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

        *wildcard_covers_authorization* defaults to the profile's rule for a fresh preflight answer (True in
        Chromium 156); a cached answer is always checked with ``False``.
        """
        if wildcard_covers_authorization is None:
            wildcard_covers_authorization = self.profile.wildcard_covers_authorization
        names = checked_header_names(headers, self.profile)
        if not self.credentials and "*" in self.headers:
            if wildcard_covers_authorization or "authorization" not in names or "authorization" in self.headers:
                return None
            return self._header_failure("authorization", headers)
        for name in names:
            if name not in self.headers:
                return self._header_failure(name, headers)
        return None

    def _header_failure(self, name: str, headers: HeaderList) -> Failure:
        spelled = name if self.profile.header_name is None else self.profile.header_name(name, headers)
        return Failure(ErrorCode.HEADER_DISALLOWED_BY_PREFLIGHT_RESPONSE, spelled)

    def wildcard_covers_authorization(self, headers: HeaderList) -> bool:
        """True when only ``*`` lets ``Authorization`` through (Chromium's deprecation issue)."""
        return (
            not self.credentials
            and "*" in self.headers
            and "authorization" not in self.headers
            and "authorization" in unsafe_header_names(headers, self.profile)
        )

    def allows(self, method: str, headers: HeaderList, *, include_credentials: bool) -> bool:
        """Can this cached answer stand in for a new preflight? (Chromium ``EnsureAllowedRequest``).

        What a cached ``*`` covers is the profile's ``cached_wildcard_covers``: in Chromium
        (``PreflightCache::CheckIfRequestCanSkipPreflight``) every header but ``Authorization``, so such a request is
        preflighted every time; in WebKit every header; in Firefox none.
        """
        if include_credentials and not self.credentials:
            return False
        if self.method_failure(method) is not None:
            return False
        covers = self.profile.cached_wildcard_covers
        if covers == "none":
            return all(name in self.headers for name in checked_header_names(headers, self.profile))
        return self.header_failure(headers, wildcard_covers_authorization=covers == "all") is None


def check_preflight_response(
    response: Response,
    origin: str,
    *,
    include_credentials: bool,
    profile: Profile = CHROMIUM,
    method: str | None = None,
) -> PreflightResult | Failure:
    """Judge a preflight response in Chromium's order: CORS check, redirect, status, then header syntax.

    Checking the preflight against the actual request's method and headers is left to the caller (a browser that
    checks the *method* before reading the allowed headers does so here).
    """
    if profile.preflight_status_first and not 200 <= response.status <= 299:
        return Failure(ErrorCode.PREFLIGHT_INVALID_STATUS)  # WebKit: a redirect is just a status that is not ok
    failure = preflight_cors_check(response, origin, include_credentials=include_credentials, check=profile.cors_check)
    if failure is not None:
        return failure
    if response.location is not None:
        # Fetch §4.8: a preflight is never redirected; Chromium reports it once the CORS check passed.
        return Failure(ErrorCode.PREFLIGHT_DISALLOWED_REDIRECT)
    if not 200 <= response.status <= 299:
        return Failure(ErrorCode.PREFLIGHT_INVALID_STATUS)
    allow_methods = response.header("Access-Control-Allow-Methods")
    methods = parse_token_list(allow_methods)
    if methods is None:
        return Failure(ErrorCode.INVALID_ALLOW_METHODS_PREFLIGHT_RESPONSE, allow_methods or "")
    if method is not None and profile.checks_method_first:
        # Firefox checks the method before it reads Access-Control-Allow-Headers.
        early = PreflightResult(frozenset(methods), frozenset(), include_credentials, 0, profile)
        failure = early.method_failure(method)
        if failure is not None:
            return failure
    allow_headers = response.header("Access-Control-Allow-Headers")
    headers = parse_token_list(allow_headers)
    if headers is None:
        return Failure(ErrorCode.INVALID_ALLOW_HEADERS_PREFLIGHT_RESPONSE, allow_headers or "")
    return PreflightResult(
        methods=frozenset(methods),
        headers=frozenset(lowercase_ascii(h) for h in headers),
        credentials=include_credentials,
        max_age=profile.parse_max_age(response.header("Access-Control-Max-Age")),
        profile=profile,
    )
