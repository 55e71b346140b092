"""``--browser chromium|firefox|webkit|all``: which browser's rules a command applies, and the report for ``all``
(one verdict per browser, where they differ and why, one fix that works in all of them)."""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Any

import typer

from ..browser import BROWSERS, Result, profile
from ..browser.engines import Verdicts
from ..tools.fixes import Fix, Stack
from .output import Output
from .render import render_fix


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
        metavar="BROWSER",
        help="Whose rules to apply: chromium, firefox, webkit (Safari), or all (the three side by side).",
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


def render_verdicts(out: Output, verdicts: Verdicts, fix: Fix | None, stack: Stack | None = None) -> None:
    """One line per browser, the differences, and the fix for all of them."""
    width = max(len(profile(n).title) for n in verdicts.results)
    for name, result in verdicts.results.items():
        out.line(f"{profile(name).title.ljust(width)}  ", *_verdict(out, result))
    if verdicts.agree:
        out.line(("The browsers agree.", "dim"))
    for sentence in verdicts.differences:
        out.prose((sentence, "yellow"), hang=2)
    if fix is not None:
        render_fix(out, fix, stack=stack, label="Fix for all browsers", snippet=stack is not None)


def _verdict(out: Output, result: Result) -> tuple[tuple[str, str], ...]:
    if result.allowed:
        return ((f"{out.glyphs.ok} allowed", "bold green"),)
    return ((f"{out.glyphs.bad} blocked", "bold red"), (f"  {result.error.value if result.error else ''}", ""))
