"""Chromium 156: the Standard plus its client-hint safelist, its hash-map header order, a lenient ``*`` for
``Authorization``, a 2-hour cap on preflight answers, and the "Access to fetch at … has been blocked by CORS
policy" lines (``cors_error_string.cc``)."""

from __future__ import annotations

from ...spec.errors import ErrorCode, format_message
from ...spec.headers import lowercase_ascii
from ...spec.safelist import is_safelisted_request_header
from ..checks import cors_check
from ..header_order import chromium_header_order
from . import MessageContext, Profile

#: preflight_result.cc kMaxTimeout and kDefaultTimeout.
MAX_AGE_CAP = 7200
MAX_AGE_DEFAULT = 5


def _is_decimal(value: str) -> bool:
    """Chromium ``IsSimilarToDoubleABNF``: ``1*DIGIT [ "." 1*DIGIT ]``."""
    whole, dot, frac = value.partition(".")
    ok = whole.isascii() and whole.isdigit()
    return ok and (not dot or (frac.isascii() and frac.isdigit()))


def is_safelisted(name: str, value: str) -> bool:
    """The Standard's safelist plus "Intervention" and the client hints a page may set (``cors.cc``
    ``IsCorsSafelistedHeader``), each within the Standard's 128-byte limit."""
    if is_safelisted_request_header(name, value):
        return True
    if len(value) > 128:
        return False
    lname = lowercase_ascii(name)
    if lname == "intervention":
        return True
    if lname in ("device-memory", "dpr", "downlink"):
        return _is_decimal(value)
    if lname in ("width", "viewport-width", "rtt"):
        return value.isascii() and value.isdigit()
    if lname == "ect":
        return value in ("slow-2g", "2g", "3g", "4g")
    if lname == "save-data":
        return value.lower() == "on"
    return False


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


def message(ctx: MessageContext) -> str | None:
    return format_message(
        ctx.code,
        url=ctx.url,
        origin=ctx.origin,
        initial_url=ctx.initial_url,
        param=ctx.param,
        variant=ctx.variant,
        page=ctx.page,
    )


def reason(code: ErrorCode) -> str | None:
    """DevTools' ``corsErrorStatus.corsError`` name is the code itself in CamelCase."""
    return "".join(part.capitalize() for part in code.value.split("_")) if code.is_cors else None


CHROMIUM = Profile(
    name="chromium",
    title="Chromium",
    judged="156",
    is_safelisted_request_header=is_safelisted,
    # Chromium ignores a User-Agent set by script (the Standard allows it).
    extra_forbidden_request_headers=frozenset({"user-agent"}),
    header_check_order=chromium_header_order,
    cors_check=cors_check,
    # preflight_result.cc kMaxTimeout, kDefaultTimeout; preflight_cache.cc kMaxCacheEntries, kMaxKeyLength.
    max_age_cap=MAX_AGE_CAP,
    max_age_default=MAX_AGE_DEFAULT,
    cache_max_entries=1024,
    cache_max_url_length=1024,
    parse_max_age=parse_max_age,
    message=message,
    reason=reason,
    rejection="Failed to fetch",
)
