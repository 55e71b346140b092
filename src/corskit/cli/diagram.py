"""``--diagram svg|html|mermaid`` and ``--diagram-out FILE``, shared by ``explain`` and ``check``.

With ``--diagram`` alone the diagram replaces the report on standard output (``corskit explain s.json --diagram svg
> s.svg``); with ``--diagram-out FILE`` it goes to FILE and the report (or ``--json``) stays on standard output.
The exit code is the command's own either way.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer

from ..tools.diagrams import FORMATS, Diagram, Format, to_html_page, to_mermaid, to_svg

DiagramOption = Annotated[
    Format | None,
    typer.Option(
        "--diagram",
        metavar="FORMAT",
        help=f"Draw the exchange as a sequence diagram: {', '.join(FORMATS)}. Printed instead of the report,"
        " unless --diagram-out is given.",
    ),
]

DiagramOutOption = Annotated[
    Path | None,
    typer.Option(
        "--diagram-out",
        metavar="FILE",
        help="Write the diagram to FILE (format from --diagram, else from the extension .svg, .html or .mmd); the"
        " report stays on standard output.",
        dir_okay=False,
    ),
]

_BY_EXTENSION: dict[str, Format] = {".svg": "svg", ".html": "html", ".htm": "html", ".mmd": "mermaid"}


def diagram_format(fmt: Format | None, out: Path | None, *, as_json: bool) -> Format | None:
    """The format to draw (``None``: no diagram); a usage error for combinations that cannot work."""
    if fmt is None and out is not None:
        fmt = _BY_EXTENSION.get(out.suffix.lower())
        if fmt is None:
            raise typer.BadParameter(
                f"cannot tell the format from {out.name!r}: add --diagram {'|'.join(FORMATS)}",
                param_hint="--diagram-out",
            )
    if fmt is not None and out is None and as_json:
        raise typer.BadParameter(
            "--json and the diagram would both go to standard output: add --diagram-out FILE", param_hint="--diagram"
        )
    return fmt


def refuse_many(fmt: Format | None, count: int, what: str) -> None:
    """Several diagrams fit in one file only as an HTML page: a usage error for the other formats (*what* says
    where the *count* diagrams come from: "6 scenarios")."""
    if fmt is not None and fmt != "html" and count > 1:
        raise typer.BadParameter(
            f"{what} make {count} diagrams: use --diagram html (one page for all)", param_hint="--diagram"
        )


def write_diagrams(fmt: Format, out: Path | None, diagrams: Sequence[Diagram], *, title: str) -> None:
    """Write *diagrams* (one per scenario; several only as HTML) to *out* or standard output, as UTF-8 (a diagram
    is a document, whatever the terminal's encoding)."""
    if not diagrams:
        return
    refuse_many(fmt, len(diagrams), f"{len(diagrams)} different fetches")
    if fmt == "html":
        text = to_html_page(diagrams, title)
    else:
        text = to_svg(diagrams[0]) + "\n" if fmt == "svg" else to_mermaid(diagrams[0])
    if out is None:
        sys.stdout.flush()
        binary = getattr(sys.stdout, "buffer", None)
        if binary is None:  # a text-only stream (an embedding host): it takes str
            sys.stdout.write(text)
        else:
            binary.write(text.encode("utf-8"))
            binary.flush()
        return
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as err:
        raise typer.BadParameter(f"cannot write {out}: {err.strerror or err}", param_hint="--diagram-out") from None
