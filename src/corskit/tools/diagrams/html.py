"""A :class:`~.sequence.Diagram` as a standalone HTML page: the SVG inline, the Mermaid source underneath. No
script, no external resources; light or dark with the reader's preference."""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape

from .mermaid import to_mermaid
from .sequence import Diagram
from .svg import to_svg
from .text import clean

_PAGE_STYLE = (
    ":root{color-scheme:light dark}"
    "body{margin:2rem;font:14px/1.5 system-ui,sans-serif;background:Canvas;color:CanvasText}"
    "figure{margin:0 0 1rem;overflow-x:auto}"
    "pre{font-size:12px;overflow-x:auto}"
)


def to_html(diagram: Diagram) -> str:
    """A complete HTML document showing the diagram."""
    return to_html_page([diagram], diagram.title)


def to_html_page(diagrams: Sequence[Diagram], title: str) -> str:
    """One HTML document showing several diagrams, each with its Mermaid source."""
    figures = "".join(
        f"<figure>\n{to_svg(d)}\n<figcaption>{escape(d.title)}</figcaption>\n</figure>\n"
        "<details><summary>Mermaid source</summary>\n"
        f"<pre>{escape(to_mermaid(d))}</pre>\n</details>\n"
        for d in diagrams
    )
    return (
        "<!doctype html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="color-scheme" content="light dark">\n'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
        f"<title>{escape(clean(title, 120))}</title>\n<style>{_PAGE_STYLE}</style>\n</head>\n<body>\n"
        f"{figures}</body>\n</html>\n"
    )
