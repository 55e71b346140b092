"""Can a shared cache store a response, and does it key it on ``Origin``? (RFC 9111 §3, §4.1, §5.2.)"""

from __future__ import annotations

from typing import Literal

from ..browser.wire import Response
from ..spec.headers import lowercase_ascii, split_list

#: ``shared``: explicitly storable by shared caches (public, s-maxage, max-age > 0, Expires);
#: ``heuristic``: no freshness information at all (a cache may still apply a default TTL, as Varnish does);
#: ``none``: private, no-store, no-cache or already stale.
Cacheability = Literal["shared", "heuristic", "none"]


def _directives(response: Response) -> dict[str, str]:
    value = response.header("Cache-Control")
    out: dict[str, str] = {}
    for item in split_list(value or "") or []:
        name, _, arg = item.partition("=")
        out[lowercase_ascii(name.strip())] = arg.strip().strip('"')
    return out


def _positive(text: str) -> bool:
    # ASCII digits, read without int(): str.isdigit() is also true of "²" (which int() refuses), and int() refuses
    # more than 4,300 digits.
    return text.isascii() and text.isdigit() and text.strip("0") != ""


def cacheability(response: Response) -> Cacheability:
    """How a shared cache may treat *response* (RFC 9111 §3: storing; §4.2: freshness)."""
    directives = _directives(response)
    if {"no-store", "private", "no-cache"} & directives.keys():
        return "none"
    if "s-maxage" in directives:
        return "shared" if _positive(directives["s-maxage"]) else "none"
    if "max-age" in directives:
        return "shared" if _positive(directives["max-age"]) else "none"
    if "public" in directives or response.header("Expires") is not None:
        return "shared"
    return "heuristic"


def varies_on_origin(response: Response) -> bool:
    """True when ``Vary`` names ``Origin`` or is ``*`` (RFC 9110 §12.5.5)."""
    names = {lowercase_ascii(n) for n in split_list(response.header("Vary") or "") or []}
    return "origin" in names or "*" in names


def describe(response: Response) -> dict[str, str | None]:
    """The headers that decide caching, for evidence."""
    return {
        "vary": response.header("Vary"),
        "cache_control": response.header("Cache-Control"),
        "expires": response.header("Expires"),
        "cacheability": cacheability(response),
    }
