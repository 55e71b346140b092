"""Firefox ESR 153: the Standard's safelist, a strict ``*`` for ``Authorization``, a 24-hour cap on preflight
answers, and the "Cross-Origin Request Blocked: … (Reason: …)" lines with their reason keys
(``CORSMissingAllowOrigin``…), whose text is Firefox's ``security.properties``."""

from __future__ import annotations

from collections.abc import Iterable

from ...spec.errors import ErrorCode
from ...spec.headers import is_token, lowercase_ascii, parse_single_range
from ...spec.safelist import is_safelisted_request_header
from ..checks import Failure
from ..wire import Response
from . import MessageContext, Profile

_BLOCKED = "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at {url}. "

#: Reason key → the text after the lead-in; ``{param}`` is the failed parameter, ``{status}`` the status code.
REASONS: dict[str, str] = {
    "CORSDisabled": "(Reason: CORS disabled).",
    "CORSDidNotSucceed2": "(Reason: CORS request did not succeed). Status code: {status}.",
    "CORSOriginHeaderNotAdded": "(Reason: CORS header ‘Origin’ cannot be added).",
    "CORSExternalRedirectNotAllowed": "(Reason: CORS request external redirect not allowed).",
    "CORSRequestNotHttp": "(Reason: CORS request not http).",
    "CORSMissingAllowOrigin2": "(Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status code: {status}.",
    "CORSMultipleAllowOriginNotAllowed": "(Reason: Multiple CORS header ‘Access-Control-Allow-Origin’ not allowed).",
    "CORSAllowOriginNotMatchingOrigin": "(Reason: CORS header ‘Access-Control-Allow-Origin’ does not match ‘{param}’).",
    "CORSNotSupportingCredentials": (
        "(Reason: Credential is not supported if the CORS header ‘Access-Control-Allow-Origin’ is ‘*’)."
    ),
    "CORSMethodNotFound": "(Reason: Did not find method in CORS header ‘Access-Control-Allow-Methods’).",
    "CORSMissingAllowCredentials": "(Reason: expected ‘true’ in CORS header ‘Access-Control-Allow-Credentials’).",
    "CORSPreflightDidNotSucceed3": "(Reason: CORS preflight response did not succeed). Status code: {status}.",
    "CORSInvalidAllowMethod": "(Reason: invalid token ‘{param}’ in CORS header ‘Access-Control-Allow-Methods’).",
    "CORSInvalidAllowHeader": "(Reason: invalid token ‘{param}’ in CORS header ‘Access-Control-Allow-Headers’).",
    "CORSMissingAllowHeaderFromPreflight2": (
        "(Reason: header ‘{param}’ is not allowed according to header ‘Access-Control-Allow-Headers’ from CORS"
        " preflight response)."
    ),
}

#: Our codes → Firefox's reason keys for failed CORS checks (several of ours share one of Firefox's).
_KEYS: dict[ErrorCode, str] = {
    ErrorCode.MISSING_ALLOW_ORIGIN_HEADER: "CORSMissingAllowOrigin2",
    ErrorCode.MULTIPLE_ALLOW_ORIGIN_VALUES: "CORSMultipleAllowOriginNotAllowed",
    ErrorCode.INVALID_ALLOW_ORIGIN_VALUE: "CORSAllowOriginNotMatchingOrigin",
    ErrorCode.ALLOW_ORIGIN_MISMATCH: "CORSAllowOriginNotMatchingOrigin",
    ErrorCode.WILDCARD_ORIGIN_NOT_ALLOWED: "CORSNotSupportingCredentials",
    ErrorCode.INVALID_ALLOW_CREDENTIALS: "CORSMissingAllowCredentials",
    ErrorCode.PREFLIGHT_MISSING_ALLOW_ORIGIN_HEADER: "CORSMissingAllowOrigin2",
    ErrorCode.PREFLIGHT_MULTIPLE_ALLOW_ORIGIN_VALUES: "CORSMultipleAllowOriginNotAllowed",
    ErrorCode.PREFLIGHT_INVALID_ALLOW_ORIGIN_VALUE: "CORSAllowOriginNotMatchingOrigin",
    ErrorCode.PREFLIGHT_ALLOW_ORIGIN_MISMATCH: "CORSAllowOriginNotMatchingOrigin",
    ErrorCode.PREFLIGHT_WILDCARD_ORIGIN_NOT_ALLOWED: "CORSNotSupportingCredentials",
    ErrorCode.PREFLIGHT_INVALID_ALLOW_CREDENTIALS: "CORSMissingAllowCredentials",
    ErrorCode.PREFLIGHT_INVALID_STATUS: "CORSPreflightDidNotSucceed3",
    ErrorCode.PREFLIGHT_DISALLOWED_REDIRECT: "CORSExternalRedirectNotAllowed",
    ErrorCode.INVALID_ALLOW_METHODS_PREFLIGHT_RESPONSE: "CORSInvalidAllowMethod",
    ErrorCode.INVALID_ALLOW_HEADERS_PREFLIGHT_RESPONSE: "CORSInvalidAllowHeader",
    ErrorCode.METHOD_DISALLOWED_BY_PREFLIGHT_RESPONSE: "CORSMethodNotFound",
    ErrorCode.HEADER_DISALLOWED_BY_PREFLIGHT_RESPONSE: "CORSMissingAllowHeaderFromPreflight2",
}

#: Network failures of a CORS request: Firefox says only "CORS request did not succeed" (no status).
_DID_NOT_SUCCEED = frozenset(
    {
        ErrorCode.TOO_MANY_REDIRECTS,
        ErrorCode.REDIRECT_CONTAINS_CREDENTIALS,
        ErrorCode.INVALID_REDIRECT,
        ErrorCode.RESPONSE_HEADERS_MULTIPLE_LOCATION,
        ErrorCode.RESPONSE_HEADERS_MULTIPLE_CONTENT_LENGTH,
        ErrorCode.RESPONSE_HEADERS_MULTIPLE_CONTENT_DISPOSITION,
    }
)
#: A redirect to a URL that is not http(s).
_BAD_SCHEME = frozenset({ErrorCode.UNSAFE_REDIRECT, ErrorCode.UNKNOWN_URL_SCHEME, ErrorCode.CORS_DISABLED_SCHEME})

#: Schemes Firefox can load but a CORS redirect may not reach ("did not succeed"); any other is "not http".
_LOADABLE_SCHEMES = frozenset({"data", "file", "blob", "javascript", "ws", "wss"})

_FETCH = "Window.fetch: "
_TYPEERRORS: dict[ErrorCode, str] = {
    ErrorCode.INVALID_URL: _FETCH + "{param} is not a valid URL.",
    ErrorCode.URL_INCLUDES_CREDENTIALS: _FETCH + "{param} is an url with embedded credentials.",
    ErrorCode.INVALID_METHOD: _FETCH + "Invalid request method {param}.",
    ErrorCode.FORBIDDEN_METHOD: _FETCH + "Invalid request method {param}.",
    ErrorCode.METHOD_NOT_ALLOWED_IN_NO_CORS: _FETCH + "Invalid request method {param}.",
    ErrorCode.INVALID_HEADER_NAME: _FETCH + "{param} is an invalid header name.",
    ErrorCode.INVALID_HEADER_VALUE: _FETCH + "{param} is an invalid header value.",
    ErrorCode.NAVIGATE_MODE: _FETCH + "Invalid request mode navigate.",
}
_NON_LATIN1 = (
    _FETCH + "Cannot convert element of element of sequence<sequence<ByteString>> branch of"
    " (sequence<sequence<ByteString>> or record<ByteString, ByteString>) to ByteString because the character at"
    " index {index} has value {value} which is greater than 255."
)
#: The page of an opaque origin: Firefox prints its null principal's random id, which the judge masks as "…".
NULL_PRINCIPAL = "moz-nullprincipal:{…}"


def as_shown(value: str) -> str:
    """A header's bytes as Firefox prints them: decoded as UTF-8, invalid bytes as U+FFFD."""
    return value.encode("latin-1", "replace").decode("utf-8", "replace")


_TOKEN_LISTS = frozenset(
    {ErrorCode.INVALID_ALLOW_METHODS_PREFLIGHT_RESPONSE, ErrorCode.INVALID_ALLOW_HEADERS_PREFLIGHT_RESPONSE}
)


def _first_non_token(value: str) -> str:
    """The first comma-separated item of an allow list that is not a token: the one Firefox names."""
    items = (item.strip(" \t") for item in value.split(","))
    return next((item for item in items if item and not is_token(item)), "")


def reason(code: ErrorCode) -> str | None:
    """Firefox's reason key for *code* (the name of its MDN page), or ``None``."""
    if code in _DID_NOT_SUCCEED:
        return "CORSDidNotSucceed2"
    return _KEYS.get(code)


def _blocked(key: str, url: str, param: str = "", status: int | None = None) -> str:
    text = _BLOCKED + REASONS[key]
    if key == "CORSNotSupportingCredentials":
        text = text.replace("at {url}.", "at ‘{url}’.")
    return text.format(url=url, param=as_shown(param), status="(null)" if status is None else status)


def message(ctx: MessageContext) -> str | None:
    code = ctx.code
    if code in _KEYS:
        param = _first_non_token(ctx.param) if code in _TOKEN_LISTS else ctx.param
        return _blocked(_KEYS[code], ctx.url, param, ctx.status)
    page = NULL_PRINCIPAL if ctx.origin == "null" else ctx.page
    if code is ErrorCode.DISALLOWED_BY_MODE or (code is ErrorCode.BLOCKED_ORIGIN and ctx.variant == "same-origin-mode"):
        return f"Security Error: Content at {page} may not load data from {ctx.url}."
    if code is ErrorCode.CORS_DISABLED_SCHEME and ctx.variant == "fetch":
        # fetch("ws://…") fails without a line; other schemes are "not http".
        return None if ctx.param in ("ws", "wss") else _blocked("CORSRequestNotHttp", ctx.url)
    if code in _BAD_SCHEME and ctx.target is not None:
        scheme = ctx.target.split(":", 1)[0]
        if ctx.mode == "cors":
            if scheme in _LOADABLE_SCHEMES:
                return _blocked("CORSDidNotSucceed2", ctx.hop)
            return _blocked("CORSRequestNotHttp", ctx.target)
        if scheme == "file":
            return f"Security Error: Content at {page} may not load or link to {ctx.target}."
        if scheme == "blob":
            return f"Security Error: Content at {ctx.hop} may not load data from {ctx.target}."
        return None
    if code in _DID_NOT_SUCCEED:
        # A credentialed Location is refused by the CORS check of the redirect itself; the other failures are
        # reported only for a request that was cross-origin (or tainted) when it failed.
        reported = ctx.cors or code is ErrorCode.REDIRECT_CONTAINS_CREDENTIALS
        return _blocked("CORSDidNotSucceed2", ctx.hop) if ctx.mode == "cors" and reported else None
    if code is ErrorCode.NON_LATIN1_HEADER:
        index = next((i for i, c in enumerate(ctx.param) if ord(c) > 0xFF), 0)
        return _NON_LATIN1.format(index=index, value=ord(ctx.param[index]) if ctx.param else 0)
    template = _TYPEERRORS.get(code)
    if template is None:
        return None
    param = ctx.param
    if code is ErrorCode.INVALID_HEADER_NAME:
        param = lowercase_ascii(param)
    elif code is ErrorCode.INVALID_HEADER_VALUE:
        param = param.split("\x00", 1)[0]  # Firefox prints the value as a C string
    return template.format(param=as_shown(param), url=ctx.url)


def is_safelisted(name: str, value: str) -> bool:
    """The Standard's safelist, except: ``Accept`` and ``Content-Type`` values with a byte of 0x80 or more need a
    preflight, and a ``Range`` may use any 64-bit unsigned numbers."""
    lname = lowercase_ascii(name)
    if lname in ("accept", "content-type") and not value.isascii():
        return False
    if lname == "range":
        parsed = parse_single_range(value, limit=2**64) if len(value) <= 128 else None
        return parsed is not None and parsed[0] is not None
    return is_safelisted_request_header(name, value)


def cors_check(response: Response, origin: str, *, include_credentials: bool) -> Failure | None:
    """Firefox's CORS check (``nsCORSListenerProxy::CheckRequestApproved``): more than one
    ``Access-Control-Allow-Origin`` line fails as such; a single value is compared as a whole (``a, b`` does not
    "contain multiple values", it just does not match)."""
    lines = [v.strip(" \t") for n, v in response.headers if lowercase_ascii(n) == "access-control-allow-origin"]
    if not lines:
        return Failure(ErrorCode.MISSING_ALLOW_ORIGIN_HEADER)
    if len(lines) > 1:
        return Failure(ErrorCode.MULTIPLE_ALLOW_ORIGIN_VALUES, ", ".join(lines))
    value = lines[0]
    if value == "*":
        return Failure(ErrorCode.WILDCARD_ORIGIN_NOT_ALLOWED) if include_credentials else None
    if value != origin:
        return Failure(ErrorCode.ALLOW_ORIGIN_MISMATCH, value)
    if include_credentials and response.header("Access-Control-Allow-Credentials") != "true":
        return Failure(ErrorCode.INVALID_ALLOW_CREDENTIALS, response.header("Access-Control-Allow-Credentials") or "")
    return None


def parse_max_age(value: str | None) -> int:
    """Seconds Firefox caches a preflight answer: digits only (``+5``, ``5.5``, ``soon``, an overflow: not
    cached), at most 24 hours (a longer run of digits too); 5 s when the header is missing."""
    if value is None:
        return MAX_AGE_DEFAULT
    if not value.isascii() or not value.isdigit():
        return 0
    return MAX_AGE_CAP if len(value) > 6 else min(int(value), MAX_AGE_CAP)


def sorted_names(names: Iterable[str]) -> list[str]:
    """Lowercase, de-duplicated, sorted: the order of the Standard's "CORS-unsafe request-header names"."""
    return sorted({lowercase_ascii(n) for n in names})


MAX_AGE_CAP = 86400
MAX_AGE_DEFAULT = 5

FIREFOX = Profile(
    name="firefox",
    title="Firefox",
    judged="153",
    is_safelisted_request_header=is_safelisted,
    extra_forbidden_request_headers=frozenset(),
    header_check_order=sorted_names,
    cors_check=cors_check,
    max_age_cap=MAX_AGE_CAP,
    max_age_default=MAX_AGE_DEFAULT,
    cache_max_entries=1024,
    cache_max_url_length=1 << 30,
    parse_max_age=parse_max_age,
    message=message,
    reason=reason,
    rejection="NetworkError when attempting to fetch resource.",
    # The preflight cache compares header names literally: a cached `*` covers none.
    cached_wildcard_covers="none",
    merge_request_headers=False,
    max_safelisted_total=None,
    checks_method_first=True,
    unique_request_header_names=False,
    # Range goes out as script wrote it (Chromium re-serialises it).
    wire_value=lambda name, value: value,
    repreflights_redirects=True,
    preflight_uses_page_origin=True,
    refuses_credentialed_redirects=False,
    location=lambda response: response.redirect_location(follow_empty=True),
    strips_url_credentials=True,
    refetches_before_external_schemes=frozenset({"mailto"}),
    comma_joined_response_headers=frozenset({"content-type"}),
)
