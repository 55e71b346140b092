"""Human-readable traces of a fetch: each request with its CORS headers, each response's relevant headers, the
verdict and Chromium's message. Shared by ``explain``, ``check`` and ``demo``."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.text import Text

from ..browser import Result
from ..browser.wire import Response
from ..tools.fixes import Fix

# Response headers worth showing in a trace: the CORS ones and those that steer caching and redirects.
_RELEVANT_PREFIXES = ("access-control-",)
_RELEVANT = frozenset({"location", "vary", "cache-control", "content-type", "set-cookie", "www-authenticate"})


def _printable(value: str) -> str:
    """Make control characters visible: a trace must never let a header value move the cursor."""
    return "".join(c if 0x20 <= ord(c) < 0x7F or ord(c) > 0x9F else repr(c)[1:-1] for c in value)


def render_fix(console: Console, fix: Fix, *, label: str = "Fix") -> None:
    """One line: whose change it is and what to change (server values in it are made printable)."""
    console.print(Text.assemble((label, "bold"), f" ({fix.side} side): ", _printable(fix.summary)))


def relevant_headers(response: Response) -> list[tuple[str, str]]:
    return [(n, v) for n, v in response.headers if n.lower().startswith(_RELEVANT_PREFIXES) or n.lower() in _RELEVANT]


def render_result(console: Console, result: Result, *, origin: str, title: str | None = None) -> None:
    """Print the trace of *result* for a page on *origin*."""
    if title:
        console.print(Text(title, style="bold"))
    if not result.exchanges:
        console.print(Text("  nothing was sent: fetch() failed before the network", style="dim"))
    for exchange in result.exchanges:
        req = exchange.request
        label = "preflight" if req.kind == "preflight" else "request"
        console.print(Text.assemble(("→ ", "cyan"), (f"{req.method} {_printable(req.url)}", "bold"), f"  ({label})"))
        for name, value in req.headers:
            console.print(f"    {escape(name)}: {escape(_printable(value))}")
        resp = exchange.response
        if resp is None:
            continue
        console.print(
            Text.assemble(("← ", "magenta"), (str(resp.status), "bold"), f" {resp.note}" if resp.note else "")
        )
        shown = relevant_headers(resp)
        for name, value in shown:
            console.print(f"    {escape(name)}: {escape(_printable(value))}")
        if not shown:
            console.print(Text("    (no CORS headers)", style="dim"))
        excerpt = resp.body.strip()
        if excerpt and (resp.status >= 400 or resp.header("Access-Control-Allow-Origin") is None):
            clipped = excerpt if len(excerpt) <= 160 else excerpt[:160] + "…"
            console.print(Text(f"    body: {_printable(clipped)}", style="dim"))
    for warning in result.warnings:
        console.print(Text(f"! {warning.message}", style="yellow"))
    if result.dropped_headers:
        names = ", ".join(result.dropped_headers)
        console.print(Text(f"! fetch() dropped headers script may not set: {names}", style="yellow"))
    if result.allowed:
        assert result.response is not None
        resp_view = result.response
        console.print(
            Text.assemble(("✓ ALLOWED", "bold green"), f"  response type {resp_view.type}, status {resp_view.status}")
        )
        if resp_view.headers:
            readable = ", ".join(n for n, _ in resp_view.headers)
            console.print(f"  script can read: {escape(readable)}")
    else:
        assert result.error is not None
        console.print(Text.assemble(("✗ BLOCKED", "bold red"), f"  {result.error.value}"))
        console.print(Text(_printable(result.message or ""), style="red"))
