"""Firefox ESR 153: the Standard's safelist, a strict ``*`` for ``Authorization``, a 24-hour cap on preflight
answers, and the "Cross-Origin Request Blocked: … (Reason: …)" lines with their reason keys
(``CORSMissingAllowOrigin``…), whose text is Firefox's ``security.properties``."""

from __future__ import annotations

from collections.abc import Iterable

from ...spec.errors import ErrorCode
from ...spec.headers import lowercase_ascii
from ...spec.safelist import is_safelisted_request_header
from ..checks import cors_check
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

#: Our codes → Firefox's reason keys (several of ours can share one of Firefox's).
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
    ErrorCode.REDIRECT_CONTAINS_CREDENTIALS: "CORSExternalRedirectNotAllowed",
    ErrorCode.CORS_DISABLED_SCHEME: "CORSRequestNotHttp",
}

_FETCH = "Window.fetch: "
_TYPEERRORS: dict[ErrorCode, str] = {
    ErrorCode.INVALID_URL: _FETCH + "{param} is not a valid URL.",
    ErrorCode.URL_INCLUDES_CREDENTIALS: _FETCH + "{param} is an url with embedded credentials.",
    ErrorCode.INVALID_METHOD: _FETCH + "Invalid request method {param}.",
    ErrorCode.FORBIDDEN_METHOD: _FETCH + "Invalid request method {param}.",
    ErrorCode.METHOD_NOT_ALLOWED_IN_NO_CORS: _FETCH + "Invalid request method {param}.",
    ErrorCode.INVALID_HEADER_NAME: _FETCH + "{param} is an invalid header name.",
    ErrorCode.INVALID_HEADER_VALUE: _FETCH + "{param} is an invalid header value.",
    ErrorCode.NON_LATIN1_HEADER: _FETCH + "Cannot convert a header value to ByteString.",
    ErrorCode.NAVIGATE_MODE: _FETCH + "Invalid request mode navigate.",
}


def reason(code: ErrorCode) -> str | None:
    """Firefox's reason key for *code* (the name of its MDN page), or ``None``."""
    return _KEYS.get(code)


def message(ctx: MessageContext) -> str | None:
    key = _KEYS.get(ctx.code)
    if key is not None:
        status = "(null)" if ctx.status is None else str(ctx.status)
        return (_BLOCKED + REASONS[key]).format(url=ctx.url, param=ctx.param, status=status)
    template = _TYPEERRORS.get(ctx.code)
    return None if template is None else template.format(param=ctx.param, url=ctx.url)


def sorted_names(names: Iterable[str]) -> list[str]:
    """Lowercase, de-duplicated, sorted: the order of the Standard's "CORS-unsafe request-header names"."""
    return sorted({lowercase_ascii(n) for n in names})


FIREFOX = Profile(
    name="firefox",
    title="Firefox",
    judged="153",
    is_safelisted_request_header=is_safelisted_request_header,
    extra_forbidden_request_headers=frozenset(),
    header_check_order=sorted_names,
    cors_check=cors_check,
    wildcard_covers_authorization=False,
    max_age_cap=86400,
    max_age_default=5,
    cache_max_entries=1024,
    cache_max_url_length=1 << 30,
    message=message,
    reason=reason,
)
