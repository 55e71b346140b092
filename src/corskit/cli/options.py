"""The options several commands share, declared once: a command takes one by naming its alias in its signature.

To add an option to explain, check and demo (e.g. ``--browser``), declare it here and add one parameter to each
command; its value reaches the command typed, validated and with the same help everywhere.
"""

from __future__ import annotations

from typing import Annotated

import typer

from ..browser.request import Credentials
from ..tools.fixes import STACKS, Stack
from .browsers import BrowserChoice, BrowserOption
from .diagram import DiagramOption, DiagramOutOption

__all__ = [
    "BrowserChoice",
    "BrowserOption",
    "CredentialsOption",
    "DiagramOption",
    "DiagramOutOption",
    "FixForOption",
    "JsonOption",
]

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of the report.")]

FixForOption = Annotated[
    Stack | None,
    typer.Option(
        "--fix-for",
        metavar="STACK",
        help=f"Show the fix as configuration for STACK: {', '.join(STACKS)}.",
    ),
]

CredentialsOption = Annotated[
    Credentials,
    typer.Option(
        "--credentials",
        metavar="MODE",
        help="fetch() credentials mode: omit, same-origin or include. Cookies and HTTP auth go only with include"
        " (or to the page's own origin).",
    ),
]
