"""Error codes and Chromium's console messages (browser-rules §14)."""

from __future__ import annotations

import re

import pytest

from corskit.spec.errors import PREFLIGHT_VARIANT, CORSError, ErrorCode, format_message

URL = "http://api.test/r"
ORIGIN = "http://app.test"
PREFIX = f"Access to fetch at '{URL}' from origin '{ORIGIN}' has been blocked by CORS policy: "
P = "Response to preflight request doesn't pass access control check: "
FETCH = " Have the server send the header with a valid value."

# DevTools corsError names; our codes are their snake_case.
CDP_NAMES = [
    "DisallowedByMode",
    "InvalidResponse",
    "WildcardOriginNotAllowed",
    "MissingAllowOriginHeader",
    "MultipleAllowOriginValues",
    "InvalidAllowOriginValue",
    "AllowOriginMismatch",
    "InvalidAllowCredentials",
    "CorsDisabledScheme",
    "PreflightWildcardOriginNotAllowed",
    "PreflightMissingAllowOriginHeader",
    "PreflightMultipleAllowOriginValues",
    "PreflightInvalidAllowOriginValue",
    "PreflightAllowOriginMismatch",
    "PreflightInvalidAllowCredentials",
    "PreflightInvalidStatus",
    "PreflightDisallowedRedirect",
    "InvalidAllowMethodsPreflightResponse",
    "InvalidAllowHeadersPreflightResponse",
    "MethodDisallowedByPreflightResponse",
    "HeaderDisallowedByPreflightResponse",
    "RedirectContainsCredentials",
    "LocalNetworkAccessPermissionDenied",
]


def snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


@pytest.mark.parametrize("cdp", CDP_NAMES)
def test_codes_are_the_snake_case_cdp_names(cdp: str) -> None:
    code = ErrorCode(snake(cdp))
    # Every CDP CORS error is printed as an "Access to fetch … blocked by CORS policy" line, except DisallowedByMode:
    # Chromium 156 reports it from Blink with a "Fetch API cannot load" line (docs/chromium-findings.md §2).
    assert code.is_cors is (cdp != "DisallowedByMode")


# The text after the prefix, per browser-rules §14 (for fetch(): [fetch] suffix yes, [xhr] suffix no).
WILDCARD = (
    "The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the "
    "request's credentials mode is 'include'."
)
MULTIPLE = "The 'Access-Control-Allow-Origin' header contains multiple values 'a, b', but only one is allowed." + FETCH
INVALID = "The 'Access-Control-Allow-Origin' header contains the invalid value 'a, b'." + FETCH
MISMATCH = (
    "The 'Access-Control-Allow-Origin' header has a value 'a, b' that is not equal to the supplied origin." + FETCH
)
ACAC = (
    "The value of the 'Access-Control-Allow-Credentials' header in the response is 'a, b' which must be 'true' when "
    "the request's credentials mode is 'include'."
)
EXPECTED = {
    ErrorCode.INVALID_RESPONSE: "The response is invalid.",
    ErrorCode.WILDCARD_ORIGIN_NOT_ALLOWED: WILDCARD,
    ErrorCode.MULTIPLE_ALLOW_ORIGIN_VALUES: MULTIPLE,
    ErrorCode.INVALID_ALLOW_ORIGIN_VALUE: INVALID,
    ErrorCode.ALLOW_ORIGIN_MISMATCH: MISMATCH,
    ErrorCode.INVALID_ALLOW_CREDENTIALS: ACAC,
    ErrorCode.CORS_DISABLED_SCHEME: "Cross origin requests are only supported for protocol schemes: a, b.",
    ErrorCode.PREFLIGHT_WILDCARD_ORIGIN_NOT_ALLOWED: P + WILDCARD,
    ErrorCode.PREFLIGHT_MULTIPLE_ALLOW_ORIGIN_VALUES: P + MULTIPLE,
    ErrorCode.PREFLIGHT_INVALID_ALLOW_ORIGIN_VALUE: P + INVALID,
    ErrorCode.PREFLIGHT_ALLOW_ORIGIN_MISMATCH: P + MISMATCH,
    ErrorCode.PREFLIGHT_INVALID_ALLOW_CREDENTIALS: P + ACAC,
    ErrorCode.PREFLIGHT_INVALID_STATUS: P + "It does not have HTTP ok status.",
    ErrorCode.PREFLIGHT_DISALLOWED_REDIRECT: P + "Redirect is not allowed for a preflight request.",
    ErrorCode.INVALID_ALLOW_METHODS_PREFLIGHT_RESPONSE: (
        "Cannot parse Access-Control-Allow-Methods response header field in preflight response."
    ),
    ErrorCode.INVALID_ALLOW_HEADERS_PREFLIGHT_RESPONSE: (
        "Cannot parse Access-Control-Allow-Headers response header field in preflight response."
    ),
    ErrorCode.METHOD_DISALLOWED_BY_PREFLIGHT_RESPONSE: (
        "Method a, b is not allowed by Access-Control-Allow-Methods in preflight response."
    ),
    ErrorCode.HEADER_DISALLOWED_BY_PREFLIGHT_RESPONSE: (
        "Request header field a, b is not allowed by Access-Control-Allow-Headers in preflight response."
    ),
    ErrorCode.REDIRECT_CONTAINS_CREDENTIALS: (
        "Redirect location 'a, b' contains a username and password, which is disallowed for cross-origin requests."
    ),
    ErrorCode.LOCAL_NETWORK_ACCESS_PERMISSION_DENIED: (
        "Permission was denied for this request to access the `a, b` address space."
    ),
}


@pytest.mark.parametrize("code", list(EXPECTED), ids=lambda c: c.value)
def test_every_message_template_exactly(code: ErrorCode) -> None:
    assert format_message(code, url=URL, origin=ORIGIN, param="a, b") == PREFIX + EXPECTED[code]


@pytest.mark.parametrize(
    ("code", "lead"),
    [(ErrorCode.MISSING_ALLOW_ORIGIN_HEADER, ""), (ErrorCode.PREFLIGHT_MISSING_ALLOW_ORIGIN_HEADER, P)],
    ids=["actual", "preflight"],
)
def test_missing_allow_origin_message_exactly(code: ErrorCode, lead: str) -> None:
    expected = PREFIX + lead + "No 'Access-Control-Allow-Origin' header is present on the requested resource."
    assert format_message(code, url=URL, origin=ORIGIN) == expected


@pytest.mark.parametrize(
    "code", [ErrorCode.MISSING_ALLOW_ORIGIN_HEADER, ErrorCode.PREFLIGHT_MISSING_ALLOW_ORIGIN_HEADER]
)
def test_missing_allow_origin_message_starts_with_the_rule_text(code: ErrorCode) -> None:
    lead = P if code.is_preflight else ""
    message = format_message(code, url=URL, origin=ORIGIN)
    assert message.startswith(PREFIX + lead + "No 'Access-Control-Allow-Origin' header is present on the requested")


def test_redirected_form_names_the_initial_url() -> None:
    message = format_message(
        ErrorCode.ALLOW_ORIGIN_MISMATCH,
        url="http://other.test/final",
        origin=ORIGIN,
        initial_url=URL,
        param="x",
    )
    assert message.startswith(
        f"Access to fetch at 'http://other.test/final' (redirected from '{URL}') from origin '{ORIGIN}' has been "
        "blocked by CORS policy: The 'Access-Control-Allow-Origin' header has a value 'x'"
    )


def test_no_redirected_form_when_the_url_did_not_change() -> None:
    message = format_message(ErrorCode.PREFLIGHT_INVALID_STATUS, url=URL, origin=ORIGIN, initial_url=URL)
    assert "redirected from" not in message
    assert message == PREFIX + P + "It does not have HTTP ok status."


def test_origin_null_is_printed_as_the_page_origin_given() -> None:
    message = format_message(ErrorCode.INVALID_RESPONSE, url=URL, origin="null")
    assert message == f"Access to fetch at '{URL}' from origin 'null' has been blocked by CORS policy: " + (
        "The response is invalid."
    )


def test_disallowed_by_mode_is_blinks_fetch_api_line() -> None:
    # docs/chromium-findings.md §2: mode "same-origin" to another origin.
    assert format_message(ErrorCode.DISALLOWED_BY_MODE, url=URL, origin=ORIGIN) == (
        f'Fetch API cannot load {URL}. Request mode is "same-origin" but the URL\'s origin is not same as the '
        f"request origin {ORIGIN}."
    )


# Chromium escapes the failed parameter: a byte that is not printable ASCII prints as \\uXXXX
# (docs/chromium-findings.md §1: '\\u000Bhttp://app.test'; blink cors_error_string.cc EncodeHint).
@pytest.mark.parametrize(
    ("param", "shown"),
    [("http://app.test\x0b", "http://app.test\\u000B"), ("http://é.test", "http://\\u00E9.test")],
)
def test_failed_parameter_is_escaped_in_messages(param: str, shown: str) -> None:
    message = format_message(ErrorCode.ALLOW_ORIGIN_MISMATCH, url=URL, origin=ORIGIN, param=param)
    assert f"has a value '{shown}' that is not equal" in message


# --- preflight variants and classification ----------------------------------------------------------------------

PREFLIGHT_CODES = {
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


@pytest.mark.parametrize("code", list(ErrorCode), ids=lambda c: c.value)
def test_is_preflight(code: ErrorCode) -> None:
    assert code.is_preflight is (code in PREFLIGHT_CODES)


def test_every_cors_check_error_has_a_preflight_twin() -> None:
    assert {k.value: v.value for k, v in PREFLIGHT_VARIANT.items()} == {
        "wildcard_origin_not_allowed": "preflight_wildcard_origin_not_allowed",
        "missing_allow_origin_header": "preflight_missing_allow_origin_header",
        "multiple_allow_origin_values": "preflight_multiple_allow_origin_values",
        "invalid_allow_origin_value": "preflight_invalid_allow_origin_value",
        "allow_origin_mismatch": "preflight_allow_origin_mismatch",
        "invalid_allow_credentials": "preflight_invalid_allow_credentials",
    }


# --- failures that are not CORS errors (fetch() throws a TypeError, or net:: errors) -----------------------------

TYPEERROR = "Failed to execute 'fetch' on 'Window': "


@pytest.mark.parametrize(
    ("code", "param", "expected"),
    [
        (ErrorCode.FORBIDDEN_METHOD, "TRACE", TYPEERROR + "'TRACE' HTTP method is unsupported."),
        (ErrorCode.INVALID_METHOD, "a b", TYPEERROR + "'a b' is not a valid HTTP method."),
        (ErrorCode.METHOD_NOT_ALLOWED_IN_NO_CORS, "PUT", TYPEERROR + "'PUT' is unsupported in no-cors mode."),
        (
            ErrorCode.URL_INCLUDES_CREDENTIALS,
            "http://u:p@api.test/",
            TYPEERROR + "Request cannot be constructed from a URL that includes credentials: http://u:p@api.test/",
        ),
        (ErrorCode.INVALID_URL, "nope", TYPEERROR + "Failed to parse URL from nope"),
        (ErrorCode.TOO_MANY_REDIRECTS, "", "Failed to load resource: net::ERR_TOO_MANY_REDIRECTS"),
    ],
)
def test_non_cors_failures(code: ErrorCode, param: str, expected: str) -> None:
    assert not code.is_cors
    assert format_message(code, url=URL, origin=ORIGIN, param=param) == expected


def test_cors_error_carries_code_and_message() -> None:
    err = CORSError(ErrorCode.ALLOW_ORIGIN_MISMATCH, "text")
    assert err.code is ErrorCode.ALLOW_ORIGIN_MISMATCH
    assert err.message == "text"
    assert str(err) == "text"
    assert "allow_origin_mismatch" in repr(err)
