"""The ``corskit`` command (also ``python -m corskit``): explain, check, demo, audit, origins, playground.

Needs the ``cli`` extra (``pip install 'corskit[cli]'``): typer for arguments, rich for output, httpx for HTTP.
"""

from __future__ import annotations

import io
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import typer

__all__ = ["build_app", "main"]


def build_app() -> typer.Typer:
    """The typer application with every subcommand registered."""
    from .app import build_app as build

    return build()


def _never_fail_to_encode() -> None:
    """Output the encoding cannot show becomes an escape instead of a UnicodeEncodeError (the renderers already
    fall back to ASCII glyphs and escape data; this covers help texts and third-party output too)."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")


def main() -> None:
    """Console-script entry point."""
    try:
        import rich  # noqa: F401
        import typer  # noqa: F401
    except ImportError:
        print("corskit: the command line needs the 'cli' extra: pip install 'corskit[cli]'", file=sys.stderr)
        sys.exit(2)
    _never_fail_to_encode()
    build_app()()
