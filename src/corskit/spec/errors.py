"""Errors are data: one table of codes and the exact text Chromium prints for each.

CORS failures use Chromium's DevTools ``corsErrorStatus.corsError`` names in snake_case
(``MissingAllowOriginHeader`` → ``missing_allow_origin_header``); their text comes from Chromium's
``cors_error_string.cc`` and is checked against a real Chromium by ``make conformance``. Failures that are not CORS
errors (a ``TypeError`` thrown by ``fetch()`` before any network access, a redirect loop) have codes of our own and
the text Chromium shows for them.
"""

from __future__ import annotations

from enum import Enum
from typing import Any


class ErrorCode(str, Enum):
    """Why a fetch failed. The value is the stable snake_case code printed in JSON output."""

    # CORS errors (Chromium's CorsError names).
    DISALLOWED_BY_MODE = "disallowed_by_mode"
    INVALID_RESPONSE = "invalid_response"
    WILDCARD_ORIGIN_NOT_ALLOWED = "wildcard_origin_not_allowed"
    MISSING_ALLOW_ORIGIN_HEADER = "missing_allow_origin_header"
    MULTIPLE_ALLOW_ORIGIN_VALUES = "multiple_allow_origin_values"
    INVALID_ALLOW_ORIGIN_VALUE = "invalid_allow_origin_value"
    ALLOW_ORIGIN_MISMATCH = "allow_origin_mismatch"
    INVALID_ALLOW_CREDENTIALS = "invalid_allow_credentials"
    CORS_DISABLED_SCHEME = "cors_disabled_scheme"
    PREFLIGHT_WILDCARD_ORIGIN_NOT_ALLOWED = "preflight_wildcard_origin_not_allowed"
    PREFLIGHT_MISSING_ALLOW_ORIGIN_HEADER = "preflight_missing_allow_origin_header"
    PREFLIGHT_MULTIPLE_ALLOW_ORIGIN_VALUES = "preflight_multiple_allow_origin_values"
    PREFLIGHT_INVALID_ALLOW_ORIGIN_VALUE = "preflight_invalid_allow_origin_value"
    PREFLIGHT_ALLOW_ORIGIN_MISMATCH = "preflight_allow_origin_mismatch"
    PREFLIGHT_INVALID_ALLOW_CREDENTIALS = "preflight_invalid_allow_credentials"
    PREFLIGHT_INVALID_STATUS = "preflight_invalid_status"
    PREFLIGHT_DISALLOWED_REDIRECT = "preflight_disallowed_redirect"
    INVALID_ALLOW_METHODS_PREFLIGHT_RESPONSE = "invalid_allow_methods_preflight_response"
    INVALID_ALLOW_HEADERS_PREFLIGHT_RESPONSE = "invalid_allow_headers_preflight_response"
    METHOD_DISALLOWED_BY_PREFLIGHT_RESPONSE = "method_disallowed_by_preflight_response"
    HEADER_DISALLOWED_BY_PREFLIGHT_RESPONSE = "header_disallowed_by_preflight_response"
    REDIRECT_CONTAINS_CREDENTIALS = "redirect_contains_credentials"
    LOCAL_NETWORK_ACCESS_PERMISSION_DENIED = "local_network_access_permission_denied"

    # fetch() throws a TypeError before any network access.
    INVALID_URL = "invalid_url"
    NON_LATIN1_HEADER = "non_latin1_header"
    URL_INCLUDES_CREDENTIALS = "url_includes_credentials"
    INVALID_METHOD = "invalid_method"
    FORBIDDEN_METHOD = "forbidden_method"
    METHOD_NOT_ALLOWED_IN_NO_CORS = "method_not_allowed_in_no_cors"
    INVALID_HEADER_NAME = "invalid_header_name"
    INVALID_HEADER_VALUE = "invalid_header_value"
    #: ``fetch()`` with ``mode: "navigate"`` (only the browser makes navigation requests).
    NAVIGATE_MODE = "navigate_mode"

    # Network errors that are not CORS errors (names from Chromium's net::ERR_* and DevTools blockedReason).
    TOO_MANY_REDIRECTS = "too_many_redirects"
    UNSAFE_REDIRECT = "unsafe_redirect"
    INVALID_REDIRECT = "invalid_redirect"
    UNKNOWN_URL_SCHEME = "unknown_url_scheme"
    RESPONSE_HEADERS_MULTIPLE_LOCATION = "response_headers_multiple_location"
    RESPONSE_HEADERS_MULTIPLE_CONTENT_LENGTH = "response_headers_multiple_content_length"
    RESPONSE_HEADERS_MULTIPLE_CONTENT_DISPOSITION = "response_headers_multiple_content_disposition"
    REDIRECT_MODE_ERROR = "redirect_mode_error"
    #: mode "no-cors" to another origin needs redirect mode "follow" (a CDP CORS code, reported by Blink).
    NO_CORS_REDIRECT_MODE_NOT_FOLLOW = "no_cors_redirect_mode_not_follow"
    #: Blink refused to follow a redirect (credentials in the Location, or mode "same-origin" leaving the origin).
    BLOCKED_ORIGIN = "blocked_origin"

    @property
    def is_cors(self) -> bool:
        """True for CORS errors (the ones Chromium reports with an "Access to fetch … blocked" line)."""
        return self in _CORS_TEXT

    @property
    def is_preflight(self) -> bool:
        """True when the failure is in the preflight response rather than the actual one."""
        return self in _PREFLIGHT_CODES

    @property
    def is_thrown(self) -> bool:
        """True when ``fetch()`` itself throws, before any network access: the browser's message is the text of
        the ``TypeError`` script catches."""
        return self in _THROWN_CODES


# Chromium: kPreflight* variants of the CORS check get this lead-in (cors_error_string.cc).
_PREFLIGHT_LEAD = "Response to preflight request doesn't pass access control check: "
_FIX_SUFFIX = " Have the server send the header with a valid value."

_ACAO_MISSING = "No 'Access-Control-Allow-Origin' header is present on the requested resource."
_ACAO_WILDCARD = (
    "The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the"
    " request's credentials mode is 'include'."
)
_ACAO_MULTIPLE = "The 'Access-Control-Allow-Origin' header contains multiple values '{param}', but only one is allowed."
_ACAO_INVALID = "The 'Access-Control-Allow-Origin' header contains the invalid value '{param}'."
_ACAO_MISMATCH = (
    "The 'Access-Control-Allow-Origin' header has a value '{param}' that is not equal to the supplied origin."
)
_ACAC_INVALID = (
    "The value of the 'Access-Control-Allow-Credentials' header in the response is '{param}' which must be 'true'"
    " when the request's credentials mode is 'include'."
)

# Code → text after "Access to fetch at … has been blocked by CORS policy: ". {param} is the failed parameter.
_CORS_TEXT: dict[ErrorCode, str] = {
    ErrorCode.INVALID_RESPONSE: "The response is invalid.",
    ErrorCode.WILDCARD_ORIGIN_NOT_ALLOWED: _ACAO_WILDCARD,
    ErrorCode.MISSING_ALLOW_ORIGIN_HEADER: _ACAO_MISSING,
    ErrorCode.MULTIPLE_ALLOW_ORIGIN_VALUES: _ACAO_MULTIPLE + _FIX_SUFFIX,
    ErrorCode.INVALID_ALLOW_ORIGIN_VALUE: _ACAO_INVALID + _FIX_SUFFIX,
    ErrorCode.ALLOW_ORIGIN_MISMATCH: _ACAO_MISMATCH + _FIX_SUFFIX,
    ErrorCode.INVALID_ALLOW_CREDENTIALS: _ACAC_INVALID,
    ErrorCode.CORS_DISABLED_SCHEME: "Cross origin requests are only supported for protocol schemes: {param}.",
    ErrorCode.PREFLIGHT_WILDCARD_ORIGIN_NOT_ALLOWED: _PREFLIGHT_LEAD + _ACAO_WILDCARD,
    ErrorCode.PREFLIGHT_MISSING_ALLOW_ORIGIN_HEADER: _PREFLIGHT_LEAD + _ACAO_MISSING,
    ErrorCode.PREFLIGHT_MULTIPLE_ALLOW_ORIGIN_VALUES: _PREFLIGHT_LEAD + _ACAO_MULTIPLE + _FIX_SUFFIX,
    ErrorCode.PREFLIGHT_INVALID_ALLOW_ORIGIN_VALUE: _PREFLIGHT_LEAD + _ACAO_INVALID + _FIX_SUFFIX,
    ErrorCode.PREFLIGHT_ALLOW_ORIGIN_MISMATCH: _PREFLIGHT_LEAD + _ACAO_MISMATCH + _FIX_SUFFIX,
    ErrorCode.PREFLIGHT_INVALID_ALLOW_CREDENTIALS: _PREFLIGHT_LEAD + _ACAC_INVALID,
    ErrorCode.PREFLIGHT_INVALID_STATUS: _PREFLIGHT_LEAD + "It does not have HTTP ok status.",
    ErrorCode.PREFLIGHT_DISALLOWED_REDIRECT: _PREFLIGHT_LEAD + "Redirect is not allowed for a preflight request.",
    ErrorCode.INVALID_ALLOW_METHODS_PREFLIGHT_RESPONSE: (
        "Cannot parse Access-Control-Allow-Methods response header field in preflight response."
    ),
    ErrorCode.INVALID_ALLOW_HEADERS_PREFLIGHT_RESPONSE: (
        "Cannot parse Access-Control-Allow-Headers response header field in preflight response."
    ),
    ErrorCode.METHOD_DISALLOWED_BY_PREFLIGHT_RESPONSE: (
        "Method {param} is not allowed by Access-Control-Allow-Methods in preflight response."
    ),
    ErrorCode.HEADER_DISALLOWED_BY_PREFLIGHT_RESPONSE: (
        "Request header field {param} is not allowed by Access-Control-Allow-Headers in preflight response."
    ),
    ErrorCode.REDIRECT_CONTAINS_CREDENTIALS: (
        "Redirect location '{param}' contains a username and password, which is disallowed for cross-origin requests."
    ),
    ErrorCode.LOCAL_NETWORK_ACCESS_PERMISSION_DENIED: (
        "Permission was denied for this request to access the `{param}` address space."
    ),
}

_PREFLIGHT_CODES = frozenset(
    {
        ErrorCode.PREFLIGHT_WILDCARD_ORIGIN_NOT_ALLOWED,
        ErrorCode.PREFLIGHT_MISSING_ALLOW_ORIGIN_HEADER,
        ErrorCode.PREFLIGHT_MULTIPLE_ALLOW_ORIGIN_VALUES,
        ErrorCode.PREFLIGHT_INVALID_ALLOW_ORIGIN_VALUE,
        ErrorCode.PREFLIGHT_ALLOW_ORIGIN_MISMATCH,
        ErrorCode.PREFLIGHT_INVALID_ALLOW_CREDENTIALS,
        ErrorCode.PREFLIGHT_INVALID_STATUS,
        ErrorCode.PREFLIGHT_DISALLOWED_REDIRECT,
        ErrorCode.INVALID_ALLOW_METHODS_PREFLIGHT_RESPONSE,
        ErrorCode.INVALID_ALLOW_HEADERS_PREFLIGHT_RESPONSE,
        ErrorCode.METHOD_DISALLOWED_BY_PREFLIGHT_RESPONSE,
        ErrorCode.HEADER_DISALLOWED_BY_PREFLIGHT_RESPONSE,
    }
)

# The CORS-check errors and their preflight twins.
PREFLIGHT_VARIANT: dict[ErrorCode, ErrorCode] = {
    ErrorCode.WILDCARD_ORIGIN_NOT_ALLOWED: ErrorCode.PREFLIGHT_WILDCARD_ORIGIN_NOT_ALLOWED,
    ErrorCode.MISSING_ALLOW_ORIGIN_HEADER: ErrorCode.PREFLIGHT_MISSING_ALLOW_ORIGIN_HEADER,
    ErrorCode.MULTIPLE_ALLOW_ORIGIN_VALUES: ErrorCode.PREFLIGHT_MULTIPLE_ALLOW_ORIGIN_VALUES,
    ErrorCode.INVALID_ALLOW_ORIGIN_VALUE: ErrorCode.PREFLIGHT_INVALID_ALLOW_ORIGIN_VALUE,
    ErrorCode.ALLOW_ORIGIN_MISMATCH: ErrorCode.PREFLIGHT_ALLOW_ORIGIN_MISMATCH,
    ErrorCode.INVALID_ALLOW_CREDENTIALS: ErrorCode.PREFLIGHT_INVALID_ALLOW_CREDENTIALS,
}

_FETCH_TYPEERROR = "Failed to execute 'fetch' on 'Window': "

#: fetch() throws a TypeError with the message before any network access (the enum's second group).
_THROWN_CODES = frozenset(
    {
        ErrorCode.INVALID_URL,
        ErrorCode.NON_LATIN1_HEADER,
        ErrorCode.URL_INCLUDES_CREDENTIALS,
        ErrorCode.INVALID_METHOD,
        ErrorCode.FORBIDDEN_METHOD,
        ErrorCode.METHOD_NOT_ALLOWED_IN_NO_CORS,
        ErrorCode.INVALID_HEADER_NAME,
        ErrorCode.INVALID_HEADER_VALUE,
        ErrorCode.NAVIGATE_MODE,
    }
)

# Messages of failures that are not CORS errors: a TypeError thrown by fetch(), or Chromium's console line.
_OTHER_TEXT: dict[ErrorCode, str] = {
    # Chromium 156 reports mode "same-origin" to another origin in Blink, before CORS (CDP issue DisallowedByMode).
    ErrorCode.DISALLOWED_BY_MODE: (
        'Fetch API cannot load {url}. Request mode is "same-origin" but the URL\'s origin is not same as the request'
        " origin {origin}."
    ),
    ErrorCode.NO_CORS_REDIRECT_MODE_NOT_FOLLOW: (
        'Fetch API cannot load {url}. Request mode is "no-cors" but the redirect mode is not "follow".'
    ),
    ErrorCode.INVALID_URL: _FETCH_TYPEERROR + "Failed to parse URL from {param}",
    ErrorCode.URL_INCLUDES_CREDENTIALS: (
        _FETCH_TYPEERROR + "Request cannot be constructed from a URL that includes credentials: {param}"
    ),
    ErrorCode.INVALID_METHOD: _FETCH_TYPEERROR + "'{param}' is not a valid HTTP method.",
    ErrorCode.FORBIDDEN_METHOD: _FETCH_TYPEERROR + "'{param}' HTTP method is unsupported.",
    ErrorCode.METHOD_NOT_ALLOWED_IN_NO_CORS: _FETCH_TYPEERROR + "'{param}' is unsupported in no-cors mode.",
    ErrorCode.INVALID_HEADER_NAME: _FETCH_TYPEERROR + "Invalid name",
    ErrorCode.INVALID_HEADER_VALUE: _FETCH_TYPEERROR + "Invalid value",
    ErrorCode.NAVIGATE_MODE: (
        _FETCH_TYPEERROR + "Cannot construct a Request with a RequestInit whose mode member is set as 'navigate'."
    ),
    ErrorCode.NON_LATIN1_HEADER: (
        _FETCH_TYPEERROR + "Failed to read the 'headers' property from 'RequestInit': String contains non"
        " ISO-8859-1 code point."
    ),
    ErrorCode.TOO_MANY_REDIRECTS: "Failed to load resource: net::ERR_TOO_MANY_REDIRECTS",
    ErrorCode.UNSAFE_REDIRECT: "Failed to load resource: net::ERR_UNSAFE_REDIRECT",
    ErrorCode.INVALID_REDIRECT: "Failed to load resource: net::ERR_INVALID_REDIRECT",
    ErrorCode.UNKNOWN_URL_SCHEME: "Failed to load resource: net::ERR_UNKNOWN_URL_SCHEME",
    ErrorCode.RESPONSE_HEADERS_MULTIPLE_LOCATION: (
        "Failed to load resource: net::ERR_RESPONSE_HEADERS_MULTIPLE_LOCATION"
    ),
    ErrorCode.RESPONSE_HEADERS_MULTIPLE_CONTENT_LENGTH: (
        "Failed to load resource: net::ERR_RESPONSE_HEADERS_MULTIPLE_CONTENT_LENGTH"
    ),
    ErrorCode.RESPONSE_HEADERS_MULTIPLE_CONTENT_DISPOSITION: (
        "Failed to load resource: net::ERR_RESPONSE_HEADERS_MULTIPLE_CONTENT_DISPOSITION"
    ),
    ErrorCode.REDIRECT_MODE_ERROR: "Failed to load resource: net::ERR_FAILED",
}

#: The same code can come with another text, depending on where Chromium detects it.
_VARIANT_TEXT: dict[tuple[ErrorCode, str], str | None] = {
    # fetch() of a non-HTTP(S) URL: Blink's line, before any network access.
    (ErrorCode.CORS_DISABLED_SCHEME, "fetch"): 'Fetch API cannot load {url}. URL scheme "{param}" is not supported.',
    # mode "same-origin" redirected to another origin: Blink's line names the page, and ends with a newline.
    (ErrorCode.BLOCKED_ORIGIN, "same-origin-mode"): (
        "Unsafe attempt to load URL {url} from frame with URL {page}. Domains, protocols and ports must match.\n"
    ),
    # Credentials in a redirect's Location outside CORS: blocked without any console line.
    (ErrorCode.BLOCKED_ORIGIN, ""): None,
}


def format_message(
    code: ErrorCode,
    *,
    url: str = "",
    origin: str = "",
    initial_url: str | None = None,
    param: str = "",
    variant: str = "",
    page: str = "",
) -> str | None:
    """The exact text Chromium shows for *code*, or ``None`` when it shows none.

    For CORS errors: ``Access to fetch at '{url}' [(redirected from '{initial_url}') ]from origin '{origin}' has
    been blocked by CORS policy: …``; *param* is Chromium's "failed parameter" (a header value, method, name…).
    *variant* picks another text for the same code (see ``_VARIANT_TEXT``); *page* is the page's URL.
    """
    if (code, variant) in _VARIANT_TEXT:
        template = _VARIANT_TEXT[(code, variant)]
        return None if template is None else template.format(url=url, param=param, page=page)
    if code in _CORS_TEXT:
        redirected = f"(redirected from '{initial_url}') " if initial_url and initial_url != url else ""
        return (
            f"Access to fetch at '{url}' {redirected}from origin '{origin}' has been blocked by CORS policy: "
            + _CORS_TEXT[code].format(param=escape_for_console(param))
        )
    return _OTHER_TEXT[code].format(param=param, url=url, origin=origin)


def escape_for_console(value: str) -> str:
    """Control and non-ASCII characters in a quoted value print as ``\\uXXXX`` (Chromium 156: ``\\v`` →
    ``\\u000B``, ``é`` → ``\\u00E9``)."""
    return "".join(c if 0x20 <= ord(c) < 0x7F else f"\\u{ord(c):04X}" for c in value)


class CORSError(Exception):
    """A fetch that a browser would block (raised by the test client; carried in engine results as data).

    ``code`` is the stable :class:`ErrorCode`; ``message`` is the text Chromium prints; ``result`` is the engine's
    full :class:`~corskit.browser.Result` when there is one (the requests sent, the responses received);
    ``explanation`` is what the test client adds for a test failure (the exchange, the server's refusal, the fix),
    printed after the message by ``str()``.
    """

    def __init__(self, code: ErrorCode, message: str, *, result: Any = None, explanation: str = "") -> None:
        super().__init__(f"{message}\n\n{explanation}" if explanation else message)
        self.code = code
        self.message = message
        self.result = result
        self.explanation = explanation

    def __repr__(self) -> str:
        return f"CORSError({self.code.value!r}, {self.message!r})"


class ConfigError(ValueError):
    """A configuration corskit refuses; the message says what is wrong and how to fix it."""
