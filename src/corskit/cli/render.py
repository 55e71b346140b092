"""Human-readable traces of a fetch, styled with rich: the lines of :mod:`corskit.tools.trace` (the one place that
says what a trace shows), laid out by :class:`~corskit.cli.output.Output`. Shared by ``explain``, ``check`` and
``demo``."""

from __future__ import annotations

from rich.syntax import Syntax

from ..browser import Result
from ..tools import trace
from ..tools.fixes import STACKS, Fix, Stack
from .output import Output

_LANG = {"nginx": "nginx", "express": "javascript"}


def render_trace(out: Output, result: Result) -> None:
    """Every request on the wire with its response; what fetch() dropped; the engine's warnings."""
    out.emit(trace.trace(result, out.glyphs))


def render_result(out: Output, result: Result, *, title: str | None = None) -> None:
    """Print the trace of *result* and its verdict."""
    if title:
        out.line((title, "bold"))
    out.emit(trace.trace(result, out.glyphs))
    out.emit(trace.verdict(result, out.glyphs))


def render_fix(out: Output, fix: Fix, *, stack: Stack | None = None, label: str = "Fix", snippet: bool = False) -> None:
    """Whose change it is and what to change; with *snippet*, the configuration for *stack* (corskit by default)."""
    out.emit([trace.fix_summary(fix, label=label)])
    if not snippet or fix.side != "server":
        return
    chosen: Stack = stack or "corskit"
    out.line((f"  {chosen}:", "bold"))
    code = "\n".join(out.safe(line) for line in fix.snippet(chosen).split("\n"))
    colored = Syntax(code, _LANG.get(chosen, "python"), theme="ansi_dark", background_color="default").highlight(code)
    for line in colored.split("\n"):  # never wrapped nor cropped: it is meant to be copied
        out.console.print(line, soft_wrap=True)
    if stack is None:
        out.line(("  Other stacks: --fix-for ", "dim"), ("|".join(STACKS[1:]), "dim"))
