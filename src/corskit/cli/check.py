"""``corskit check``: play the browser against a live URL and say what to fix."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.syntax import Syntax
from rich.text import Text

from ..browser.request import CREDENTIALS, Credentials
from ..spec.origins import OriginError, normalize_origin, parse_url
from ..tools.check import CheckReport, check
from ..tools.diagrams import sequence
from ..tools.fixes import STACKS, Stack
from ..tools.network import NetworkOptions
from .diagram import DiagramOption, DiagramOutOption, diagram_format, write_diagrams
from .render import render_fix, render_result

_LANG = {"nginx": "nginx", "express": "javascript"}


def parse_header(text: str) -> tuple[str, str]:
    """``'Name: value'`` → (name, value); a usage error otherwise."""
    name, sep, value = text.partition(":")
    if not sep or not name.strip():
        raise typer.BadParameter(f"{text!r} is not a header: write it as 'Name: value'", param_hint="-H/--header")
    return name.strip(), value.strip()


def render_report(console: Console, report: CheckReport, fix_for: Stack | None) -> None:
    """The trace, the verdict, Chromium's message, the notes and the fix."""
    if report.result is not None:
        render_result(console, report.result, origin=report.origin)
    if report.network_error is not None:
        error = report.network_error
        console.print(Text.assemble(("✗ NETWORK ERROR", "bold red"), f"  {error.kind}"))
        console.print(Text(error.message, style="red"))
        console.print("  This is not a CORS verdict: the browser would get no response at all.")
        return
    if not report.actual_checked:
        console.print(Text("  (verdict of the preflight only)", style="yellow"))
    for note in report.notes:
        console.print(Text(f"! {note}", style="yellow"))
    if report.fix is None:
        return
    render_fix(console, report.fix)
    if report.fix.side == "server":
        stack: Stack = fix_for or "corskit"
        console.print(Text(f"  {stack}:", style="bold"))
        console.print(Syntax(report.fix.snippet(stack), _LANG.get(stack, "python"), theme="ansi_dark"))
        if fix_for is None:
            console.print(Text(f"  Other stacks: --fix-for {'|'.join(STACKS[1:])}", style="dim"))


def check_command(
    url: Annotated[str, typer.Argument(help="The URL script would fetch.")],
    origin: Annotated[str, typer.Option("--origin", "-o", help="The page's origin, e.g. https://app.example.")],
    method: Annotated[str, typer.Option("--method", "-X", help="Request method.")] = "GET",
    header: Annotated[
        list[str] | None, typer.Option("--header", "-H", help="Request header 'Name: value' (repeatable).")
    ] = None,
    credentials: Annotated[
        str, typer.Option("--credentials", help="fetch() credentials mode: omit, same-origin or include.")
    ] = "same-origin",
    cookie: Annotated[
        str | None, typer.Option("--cookie", help="Cookie header the browser holds (sent only when credentialed).")
    ] = None,
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds to wait for each response.")] = 10.0,
    insecure: Annotated[bool, typer.Option("--insecure", "-k", help="Do not verify TLS certificates.")] = False,
    proxy: Annotated[str | None, typer.Option("--proxy", help="HTTP(S) proxy URL.")] = None,
    send_actual: Annotated[
        bool, typer.Option("--send", help="Also send a non-GET/HEAD actual request (it has side effects).")
    ] = False,
    fix_for: Annotated[
        str | None, typer.Option("--fix-for", help=f"Show the fix as configuration for: {', '.join(STACKS)}.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    diagram: DiagramOption = None,
    diagram_out: DiagramOutOption = None,
) -> None:
    """Check a live URL as a browser on ORIGIN would fetch it: trace, verdict, Chromium's message and the fix."""
    if credentials not in CREDENTIALS:
        raise typer.BadParameter(f"must be one of {', '.join(CREDENTIALS)}", param_hint="--credentials")
    if fix_for is not None and fix_for not in STACKS:
        raise typer.BadParameter(f"must be one of {', '.join(STACKS)}", param_hint="--fix-for")
    try:
        normalize_origin(origin)
    except OriginError as error:
        raise typer.BadParameter(str(error), param_hint="--origin") from None
    parsed = parse_url(url)
    if parsed is None or not parsed.is_http:
        raise typer.BadParameter(f"{url!r} is not an http(s) URL", param_hint="URL")
    if timeout <= 0:
        raise typer.BadParameter("must be more than 0", param_hint="--timeout")
    fmt = diagram_format(diagram, diagram_out, as_json=as_json)
    headers = [parse_header(h) for h in header or []]
    options = NetworkOptions(timeout=timeout, verify=not insecure, proxy=proxy, cookie=cookie)
    mode: Credentials = next(c for c in CREDENTIALS if c == credentials)
    stack: Stack | None = next((s for s in STACKS if s == fix_for), None)
    report = check(
        url, origin, method=method, headers=headers, credentials=mode, send_actual=send_actual, options=options
    )
    if fmt is not None and report.result is not None:
        picture = sequence(report.origin, report.request, report.result, fix=report.fix)
        write_diagrams(fmt, diagram_out, [picture], title=picture.title)
        if diagram_out is None:
            raise typer.Exit(report.exit_code)
    if as_json:
        print(json.dumps(report.to_json(fix_for=stack), ensure_ascii=False))
    else:
        render_report(Console(highlight=False, soft_wrap=True), report, stack)
    raise typer.Exit(report.exit_code)


def register(app: typer.Typer) -> None:
    app.command("check", help="Check a live URL as a browser on --origin would fetch it, and say what to fix.")(
        check_command
    )
