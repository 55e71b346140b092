"""WebKit (Safari's engine; judged with WebKitGTK): a skeleton the ``webkit`` engineer fills from the WebKit judge.

Until then it follows the Standard (no Chromium client hints, ``*`` never covers ``Authorization``), caps preflight
answers at 10 minutes, and prints WebKit's two line shapes: "Origin … is not allowed by
Access-Control-Allow-Origin. Status code: …" for a failed CORS check and "Fetch API cannot load … due to access
control checks." otherwise.
"""

from __future__ import annotations

from ...spec.errors import ErrorCode
from ...spec.safelist import is_safelisted_request_header
from ..checks import cors_check
from . import MessageContext, Profile
from .firefox import sorted_names


def message(ctx: MessageContext) -> str | None:
    if ctx.code in (ErrorCode.MISSING_ALLOW_ORIGIN_HEADER, ErrorCode.ALLOW_ORIGIN_MISMATCH) and ctx.status:
        return f"Origin {ctx.origin} is not allowed by Access-Control-Allow-Origin. Status code: {ctx.status}"
    return f"Fetch API cannot load {ctx.url} due to access control checks."


def reason(code: ErrorCode) -> str | None:
    return None


WEBKIT = Profile(
    name="webkit",
    title="Safari (WebKit)",
    judged="WebKitGTK 2.50",
    is_safelisted_request_header=is_safelisted_request_header,
    extra_forbidden_request_headers=frozenset(),
    header_check_order=sorted_names,
    cors_check=cors_check,
    wildcard_covers_authorization=False,
    max_age_cap=600,
    max_age_default=5,
    cache_max_entries=1024,
    cache_max_url_length=1 << 30,
    message=message,
    reason=reason,
)
