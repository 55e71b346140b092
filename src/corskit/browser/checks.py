"""The CORS check (Fetch §4.9), as Chromium performs it on every cross-origin response and preflight response."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..spec.errors import PREFLIGHT_VARIANT, ErrorCode
from ..spec.origins import parse_url
from .wire import Response

if TYPE_CHECKING:
    from .profiles import CorsCheck


@dataclass(frozen=True)
class Failure:
    """A failed check: the error code and Chromium's "failed parameter" (the offending value or name).

    ``url`` is the URL Chromium names when it is not the current one (a redirect target); ``variant`` picks the
    message text when a code has several (see :func:`corskit.spec.errors.format_message`).
    """

    code: ErrorCode
    param: str = ""
    url: str | None = None
    variant: str = ""
    #: The URL a refused redirect pointed to, when a message names it besides ``url``.
    target: str = ""
    #: The request header a refusal is about, when ``param`` is its value.
    header: str = ""


def _looks_like_url(value: str) -> bool:
    """Chromium ``GURL(value).is_valid()``: tells an invalid ACAO value from a merely different origin.

    The header's bytes must decode as UTF-8 for GURL (``é`` sent as Latin-1 is invalid).
    """
    try:
        text = value.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return False
    return parse_url(text) is not None


def cors_check(response: Response, origin: str, *, include_credentials: bool) -> Failure | None:
    """Fetch "CORS check" with Chromium's error classification (``cors.cc`` ``CheckAccessInternal``).

    *origin* is the serialized request origin (``null`` once the request is tainted). Header lines are combined
    with ", " and trimmed of spaces and tabs, so two ACAO lines can never match.
    """
    allow_origin = response.header("Access-Control-Allow-Origin")
    if allow_origin is None:
        return Failure(ErrorCode.MISSING_ALLOW_ORIGIN_HEADER)
    if allow_origin == "*":
        # Fetch §3.2.5: `*` works only for requests without credentials.
        if include_credentials:
            return Failure(ErrorCode.WILDCARD_ORIGIN_NOT_ALLOWED)
        return None
    if allow_origin != origin:
        # Chromium classifies the mismatch: a list, an unparsable value, or just another origin.
        if " " in allow_origin or "," in allow_origin:
            return Failure(ErrorCode.MULTIPLE_ALLOW_ORIGIN_VALUES, allow_origin)
        # Chromium checks "null" before parsing: it is a valid (if different) origin, never an invalid value.
        if allow_origin != "null" and not _looks_like_url(allow_origin):
            return Failure(ErrorCode.INVALID_ALLOW_ORIGIN_VALUE, allow_origin)
        return Failure(ErrorCode.ALLOW_ORIGIN_MISMATCH, allow_origin)
    if include_credentials:
        # Fetch §3.2.5: exactly `true`, case-sensitive.
        allow_credentials = response.header("Access-Control-Allow-Credentials")
        if allow_credentials != "true":
            return Failure(ErrorCode.INVALID_ALLOW_CREDENTIALS, allow_credentials or "")
    return None


def preflight_cors_check(
    response: Response, origin: str, *, include_credentials: bool, check: CorsCheck = cors_check
) -> Failure | None:
    """The CORS check on a preflight response: same rules, ``preflight_`` error codes.

    Fetch §4.8 step 7: the check uses the *actual* request's credentials mode. *check* is the browser's CORS check.
    """
    failure = check(response, origin, include_credentials=include_credentials)
    if failure is None:
        return None
    code = PREFLIGHT_VARIANT.get(failure.code, failure.code)
    return Failure(code, failure.param, failure.url, failure.variant, failure.target)
