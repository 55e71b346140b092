"""``--browser chromium|firefox|webkit|all``: which browser's rules a command applies, and the report for ``all``
(one verdict per browser, where they differ and why, one fix that works in all of them)."""

from __future__ import annotations

import textwrap
from enum import Enum
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.text import Text

from ..browser import BROWSERS, Result, profile
from ..browser.engines import Verdicts
from ..tools.fixes import Fix
from .render import _printable


class BrowserChoice(str, Enum):
    chromium = "chromium"
    firefox = "firefox"
    webkit = "webkit"
    all = "all"


BrowserOption = Annotated[
    BrowserChoice,
    typer.Option(
        "--browser",
        "-b",
        help="Whose rules to apply: chromium, firefox, webkit (Safari), or all three side by side.",
        case_sensitive=False,
    ),
]


def browsers_of(choice: BrowserChoice) -> tuple[str, ...]:
    """The engine names a ``--browser`` value stands for."""
    return BROWSERS if choice is BrowserChoice.all else (choice.value,)


def verdicts_json(verdicts: Verdicts) -> dict[str, Any]:
    """``--json`` for ``--browser all``: each browser's usual object, plus whether they agree and why not."""
    out: dict[str, Any] = {name: result.to_json() for name, result in verdicts.results.items()}
    out["agree"] = verdicts.agree
    out["differences"] = verdicts.differences
    return out


def render_verdicts(console: Console, verdicts: Verdicts, fix: Fix | None) -> None:
    """One line per browser, the differences, and the fix for all of them."""
    width = max(len(profile(n).title) for n in verdicts.results)
    for name, result in verdicts.results.items():
        title = profile(name).title.ljust(width)
        console.print(Text.assemble(f"{title}  ", _verdict(result)))
    if verdicts.agree:
        console.print(Text("The browsers agree.", style="dim"))
    for sentence in verdicts.differences:
        console.print(Text(_wrapped(_printable(sentence), console.width), style="yellow"))
    if fix is not None:
        text = f"Fix for all browsers ({fix.side} side): {_printable(fix.summary)}"
        console.print(Text(_wrapped(text, console.width)))


def _wrapped(text: str, width: int) -> str:
    """Word-wrapped to the terminal, later lines indented (a sentence never runs past column 80)."""
    return textwrap.fill(text, width=max(width, 40), subsequent_indent="  ", break_on_hyphens=False)


def _verdict(result: Result) -> Text:
    if result.allowed:
        return Text("✓ allowed", style="bold green")
    return Text.assemble(("✗ blocked", "bold red"), f"  {result.error.value if result.error else ''}")
