"""Sequence diagrams of what the browser did: page, browser, server(s), each arrow with the CORS headers that
matter, the failing check in red with the browser's message and the fix.

One model (:func:`sequence`), three writers::

    from corskit.tools.diagrams import render
    svg = render(origin, request, result, fix=fix, fmt="svg")     # or "html", "mermaid"
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from ...browser.fetch import Result
from ...browser.request import Request
from ..fixes import Fix
from .html import to_html, to_html_page
from .mermaid import to_mermaid
from .sequence import Arrow, Diagram, Line, Note, Party, sequence
from .svg import to_svg

Format = Literal["svg", "html", "mermaid"]
FORMATS: tuple[Format, ...] = ("svg", "html", "mermaid")

_WRITERS = {"svg": to_svg, "html": to_html, "mermaid": to_mermaid}


def render(
    origin: str,
    request: Request,
    results: Result | Sequence[Result],
    *,
    fix: Fix | None = None,
    fmt: Format = "svg",
    title: str | None = None,
) -> str:
    """The diagram of *results* (one fetch, or several sharing a preflight cache, in the browser they were played
    as) in format *fmt*."""
    if fmt not in _WRITERS:
        raise ValueError(f"unknown diagram format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return _WRITERS[fmt](sequence(origin, request, results, fix=fix, title=title))


__all__ = [
    "FORMATS",
    "Arrow",
    "Diagram",
    "Format",
    "Line",
    "Note",
    "Party",
    "render",
    "sequence",
    "to_html",
    "to_html_page",
    "to_mermaid",
    "to_svg",
]
