"""``corskit audit``: scan URLs for CORS misconfigurations, judged by the browser engine.

Exit codes: 0 nothing at or above ``--fail-on`` (and every target audited), 1 a finding at or above ``--fail-on``,
2 bad usage, 3 some target could not be audited (unreachable, redirect loop, not a URL) and nothing triggered 1.
"""

from __future__ import annotations

import asyncio
import io
import os
import sys
import textwrap
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import replace
from typing import IO, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.text import Text

from ..audit import AuditOptions, SarifWriter, Summary, TargetReport, jsonl_line, parse_severity, scan
from ..audit.catalog import SEVERITIES, Severity
from ..spec.origins import OriginError, normalize_origin
from ..tools.fixes import STACKS, Stack
from ..tools.fixes import render as render_config
from ..tools.network import NetworkOptions
from .check import parse_header
from .render import _printable

EXIT_FINDINGS = 1
EXIT_TARGET_ERRORS = 3

_INDENT = " " * 11
_STYLE: dict[str, str] = {"high": "bold red", "medium": "yellow", "low": "cyan", "info": "dim"}


def _iter_lines(stream: IO[str]) -> Iterator[str]:
    for line in stream:
        yield line.rstrip("\r\n")


def _stdin() -> IO[str]:
    """Standard input, decoded leniently: a stray byte becomes U+FFFD on its line (then a per-line error), never a
    crash halfway through a scan."""
    buffer = getattr(sys.stdin, "buffer", None)
    if buffer is None:
        return sys.stdin
    return io.TextIOWrapper(buffer, encoding="utf-8", errors="replace")


def _count_lines(path: str) -> int | None:
    """Lines in a regular file (for the progress total); ``None`` for pipes and devices."""
    try:
        if not os.path.isfile(path):
            return None
        count = 0
        with open(path, "rb") as handle:
            while chunk := handle.read(1 << 20):
                count += chunk.count(b"\n")
        return count
    except OSError:
        return None


def _wrap(text: str, width: int, indent: str = _INDENT) -> str:
    """*text* made printable and wrapped at word boundaries to *width*; a word longer than a line (a URL, an origin)
    is never split, so it can still be copied."""
    return textwrap.fill(
        _printable(text),
        max(width, len(indent) + 20),
        initial_indent=indent,
        subsequent_indent=indent,
        break_long_words=False,
        break_on_hyphens=False,
    )


def _head(marker: Text, target: str, tail: str, width: int) -> Text:
    """``✗ TARGET  tail``, the tail on its own wrapped lines when the whole does not fit in *width*."""
    line = Text.assemble(marker, (" " + _printable(target), "bold"))
    if len(line) + 2 + len(tail) <= width:
        line.append("  " + tail)
    elif tail:
        line.append("\n" + _wrap(tail, width, "    "))
    return line


def render_report(console: Console, report: TargetReport, *, show_info: bool, fix_for: Stack | None = None) -> None:
    """One target: a status line, the allow-list shape, then each finding with why and fix, wrapped at word
    boundaries to the console's width."""
    width = console.width
    shown = [f for f in report.findings if show_info or f.severity != "info"]
    shape = next((f for f in report.findings if f.id == "CORS-SHAPE"), None)
    shape_text = f"· allow-list: {shape.evidence.get('shape')}" if shape is not None else ""
    above = [f for f in report.findings if f.severity != "info"]
    if report.error is not None and not report.findings:
        console.print(_head(Text("!", "bold red"), report.target, "could not be audited", width))
        console.print(Text(_wrap(report.error, width, "    "), style="red"))
        return
    if above:
        counts = {s: sum(1 for f in above if f.severity == s) for s in reversed(SEVERITIES)}
        summary = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
        marker = Text("✗", _STYLE[report.worst or "info"])
        console.print(_head(marker, report.target, f"{summary}  {shape_text}".strip(), width))
    else:
        console.print(_head(Text("✓", "green"), report.target, f"no finding above info  {shape_text}".strip(), width))
    if report.error is not None:
        console.print(Text(_wrap("! " + report.error, width, "    "), style="yellow"))
    for finding in shown:
        if finding.id == "CORS-SHAPE" and not show_info:
            continue
        style = _STYLE[finding.severity]
        head = Text.assemble(("    ", ""), (f"{finding.severity.upper():<6}", style), f" {finding.id}")
        if finding.origin:
            origin = _printable(finding.origin)
            separator = "   " if len(head) + 3 + len("origin ") + len(origin) <= width else "\n" + _INDENT
            head.append(f"{separator}origin ")
            head.append(origin, "bold")
        console.print(head)
        console.print(Text(_wrap(finding.why, width)))
        console.print(Text(_wrap("fix: " + finding.fix, width), style="green"))
        if fix_for is not None and finding.config is not None:
            # Configuration is copied, not read: its lines are never wrapped.
            console.print(Text(f"{_INDENT}{fix_for}:", style="bold"))
            snippet = render_config(finding.config, fix_for)
            console.print(Text("\n".join(_INDENT + line for line in snippet.splitlines()), style="green"))


def audit_command(
    urls: Annotated[
        list[str] | None, typer.Argument(help="URLs to audit (https://host/path).", show_default=False)
    ] = None,
    input_file: Annotated[
        str | None, typer.Option("--input", "-i", help="Read URLs from FILE, one per line ('-' for stdin).")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Write JSON Lines: one object per target, as each one finishes.")
    ] = False,
    sarif: Annotated[str | None, typer.Option("--sarif", help="Also write a SARIF 2.1.0 log to FILE.")] = None,
    concurrency: Annotated[
        int, typer.Option("--concurrency", "-c", help="Requests in flight (and targets in progress) at once.")
    ] = 10,
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds to wait for each response.")] = 10.0,
    rate: Annotated[
        float | None, typer.Option("--rate", help="At most this many requests per second, across the scan.")
    ] = None,
    retries: Annotated[int, typer.Option("--retries", help="Extra attempts after a timeout or a reset.")] = 2,
    header: Annotated[
        list[str] | None, typer.Option("--header", "-H", help="Header 'Name: value' added to every request.")
    ] = None,
    cookie: Annotated[
        str | None, typer.Option("--cookie", help="Cookie header sent on credentialed probes (authenticated scan).")
    ] = None,
    proxy: Annotated[str | None, typer.Option("--proxy", help="HTTP(S) proxy URL (e.g. Burp).")] = None,
    insecure: Annotated[bool, typer.Option("--insecure", "-k", help="Do not verify TLS certificates.")] = False,
    trusted: Annotated[
        list[str] | None,
        typer.Option("--trusted", help="An origin the server should allow (repeatable): its look-alikes are probed."),
    ] = None,
    fail_on: Annotated[
        str | None, typer.Option("--fail-on", help="Exit 1 when a finding is at least: info, low, medium, high.")
    ] = None,
    fix_for: Annotated[
        str | None,
        typer.Option("--fix-for", help=f"Print each fix as configuration for: {', '.join(STACKS)}."),
    ] = None,
    show_info: Annotated[bool, typer.Option("--show-info", help="Also print informational findings.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar and no summary.")] = False,
) -> None:
    """Audit URLs for CORS misconfigurations, judged by what a browser would actually allow."""
    threshold: Severity | None = None
    if fail_on is not None:
        try:
            threshold = parse_severity(fail_on)
        except ValueError as error:
            raise typer.BadParameter(str(error), param_hint="--fail-on") from None
    if fix_for is not None and fix_for not in STACKS:
        raise typer.BadParameter(f"must be one of {', '.join(STACKS)}", param_hint="--fix-for")
    fix_stack: Stack | None = next((s for s in STACKS if s == fix_for), None)
    if not 1 <= concurrency <= 1000:
        raise typer.BadParameter("must be between 1 and 1000", param_hint="--concurrency")
    if timeout <= 0:
        raise typer.BadParameter("must be more than 0", param_hint="--timeout")
    if rate is not None and rate <= 0:
        raise typer.BadParameter("must be more than 0", param_hint="--rate")
    if not 0 <= retries <= 10:
        raise typer.BadParameter("must be between 0 and 10", param_hint="--retries")
    origins: list[str] = []
    for text in trusted or []:
        try:
            origins.append(normalize_origin(text).serialize())
        except OriginError as error:
            raise typer.BadParameter(str(error), param_hint="--trusted") from None
    if not urls and input_file is None:
        raise typer.BadParameter("give URLs as arguments or a file with -i FILE ('-' for stdin)", param_hint="URLS")
    headers = tuple(parse_header(h) for h in header or [])
    options = AuditOptions(
        network=NetworkOptions(timeout=timeout, verify=not insecure, proxy=proxy, cookie=cookie, extra_headers=headers),
        concurrency=concurrency,
        rate=rate,
        retries=retries,
        trusted=tuple(origins),
    )
    with ExitStack() as stack:
        total: int | None = len(urls or [])
        sources: list[Iterator[str]] = [iter(urls or [])]
        if input_file is not None:
            if input_file == "-":
                sources.append(_iter_lines(_stdin()))
                total = None
            else:
                try:
                    stream = stack.enter_context(open(input_file, encoding="utf-8", errors="replace"))
                except OSError as error:
                    raise typer.BadParameter(f"cannot read {input_file!r}: {error.strerror}", param_hint="-i") from None
                count = _count_lines(input_file)
                total = None if count is None or total is None else total + count
                sources.append(_iter_lines(stream))
        sarif_writer: SarifWriter | None = None
        if sarif == "-" and as_json:
            raise typer.BadParameter(
                "'--sarif -' and --json both want stdout: write SARIF to a file", param_hint="--sarif"
            )
        if sarif is not None:
            try:
                sarif_stream = sys.stdout if sarif == "-" else stack.enter_context(open(sarif, "w", encoding="utf-8"))
            except OSError as error:
                raise typer.BadParameter(f"cannot write {sarif!r}: {error.strerror}", param_hint="--sarif") from None
            sarif_writer = SarifWriter(sarif_stream)
        summary = _run(
            (line for source in sources for line in source),
            options,
            as_json=as_json,
            sarif=sarif_writer,
            total=total,
            show_info=show_info,
            quiet=quiet,
            report_to_stdout=sarif != "-",
            fix_for=fix_stack,
        )
    code = 0
    if threshold is not None and summary.reached(threshold):
        code = EXIT_FINDINGS
    elif summary.errors:
        code = EXIT_TARGET_ERRORS
    raise typer.Exit(code)


def _with_snippets(report: TargetReport, fix_for: Stack | None) -> TargetReport:
    """With ``--fix-for``, each fix text ends with the configuration for that stack."""
    if fix_for is None:
        return report
    findings = tuple(
        replace(f, fix=f"{f.fix}\n\n{render_config(f.config, fix_for)}") if f.config is not None else f
        for f in report.findings
    )
    return replace(report, findings=findings)


def _cache_missing_sniffio() -> None:
    """httpcore tries ``import sniffio`` several times per request; when it is not installed, every attempt walks
    ``sys.path`` again (Python does not cache failed imports), which triples the cost of a request. Record the
    miss once, as Python's own ``sys.modules[name] = None`` convention allows. Harmless once sniffio is installed."""
    import importlib.util

    if "sniffio" not in sys.modules and importlib.util.find_spec("sniffio") is None:
        sys.modules["sniffio"] = None  # type: ignore[assignment]


def _progress_wanted(*, as_json: bool, quiet: bool, total: int | None) -> bool:
    """A progress bar on stderr: only for a terminal, not with --quiet, not when JSON goes to a pipe, and only for
    more than one target."""
    if quiet or not sys.stderr.isatty():
        return False
    if as_json and not sys.stdout.isatty():
        return False
    return total is None or total > 1


def _run(
    lines: Iterator[str],
    options: AuditOptions,
    *,
    as_json: bool,
    sarif: SarifWriter | None,
    total: int | None,
    show_info: bool,
    quiet: bool,
    report_to_stdout: bool = True,
    fix_for: Stack | None = None,
) -> Summary:
    _cache_missing_sniffio()
    summary = Summary()
    out = Console(highlight=False, soft_wrap=True)
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    progress: Progress | None = None
    if _progress_wanted(as_json=as_json, quiet=quiet, total=total):
        progress = Progress(
            SpinnerColumn(),
            TextColumn("auditing"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.fields[found]}"),
            console=err,
            transient=True,
        )
    task = progress.add_task("audit", total=total, found="") if progress is not None else None

    async def main() -> None:
        async for report in scan(lines, options):
            summary.add(report)
            if as_json:
                sys.stdout.write(jsonl_line(_with_snippets(report, fix_for)) + "\n")
                sys.stdout.flush()
            elif report_to_stdout:
                render_report(out, report, show_info=show_info, fix_for=fix_for)
            if sarif is not None:
                sarif.write(report)
            if progress is not None and task is not None:
                found = ", ".join(f"{n} {s}" for s, n in reversed(summary.by_severity.items()) if n and s != "info")
                progress.update(task, advance=1, found=found)

    interrupted = False
    try:
        if progress is not None:
            with progress:
                asyncio.run(main())
        else:
            asyncio.run(main())
    except KeyboardInterrupt:
        interrupted = True
    finally:
        if sarif is not None:
            sarif.close()
    if not quiet:
        counts = ", ".join(f"{summary.by_severity[s]} {s}" for s in reversed(SEVERITIES))
        errors = f"; {summary.errors} could not be (fully) audited" if summary.errors else ""
        stopped = " (interrupted)" if interrupted else ""
        console = out if report_to_stdout and not as_json else err
        line = f"Audited {summary.targets} target(s){stopped}: {counts}{errors}."
        console.print(Text(_wrap(line, console.width, ""), style="bold"))
    if interrupted:
        raise typer.Exit(130)
    return summary


def register(app: typer.Typer) -> None:
    app.command(
        "audit",
        help="Scan URLs for CORS misconfigurations, judged by what a browser would actually allow.",
        no_args_is_help=True,
    )(audit_command)


__all__ = ["audit_command", "register", "render_report"]
