"""``corskit audit``: scan URLs for CORS misconfigurations, judged by the browser engine.

Exit codes: 0 nothing at or above ``--fail-on`` (and every target audited), 1 a finding at or above ``--fail-on``,
2 bad usage, 3 some target could not be audited (unreachable, redirect loop, not a URL) and nothing triggered 1.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Iterator
from contextlib import ExitStack
from typing import IO, Annotated

import typer
from rich.console import Console
from rich.text import Text

from ..audit import AuditOptions, SarifWriter, parse_severity
from ..audit.catalog import Severity
from ..audit.html import HtmlWriter
from ..audit.markdown import MarkdownWriter
from ..spec.origins import OriginError, normalize_origin
from ..tools.diagrams.evidence import html_block, markdown_block
from ..tools.fixes import STACKS, Stack
from ..tools.network import NetworkOptions
from .audit_output import (
    FORMATS,
    Format,
    JsonLinesWriter,
    TextWriter,
    Writer,
    _wrap,
    progress_wanted,
    render_report,
    run,
    summary_line,
)
from .browsers import BrowserChoice, BrowserOption, browsers_of
from .check import parse_header

EXIT_FINDINGS = 1
EXIT_TARGET_ERRORS = 3


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
    output_format: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help="Report as text, json (JSON Lines, like --json), html or markdown (self-contained documents).",
        ),
    ] = "text",
    output: Annotated[
        str | None, typer.Option("--output", "-o", help="Write the report to FILE instead of stdout.")
    ] = None,
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
    browser: BrowserOption = BrowserChoice.all,
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
    if output_format not in FORMATS:
        raise typer.BadParameter(f"must be one of {', '.join(FORMATS)}", param_hint="--format")
    chosen: Format = next(f for f in FORMATS if f == output_format)
    if as_json and chosen not in ("text", "json"):
        raise typer.BadParameter(f"--json and --format {chosen} ask for two reports: pick one", param_hint="--json")
    fmt: Format = "json" if as_json else chosen
    headers = tuple(parse_header(h) for h in header or [])
    options = AuditOptions(
        network=NetworkOptions(timeout=timeout, verify=not insecure, proxy=proxy, cookie=cookie, extra_headers=headers),
        concurrency=concurrency,
        rate=rate,
        retries=retries,
        trusted=tuple(origins),
        browsers=browsers_of(browser),
    )
    if sarif == "-" and (output is None and fmt != "text"):
        raise typer.BadParameter(
            f"'--sarif -' and --format {fmt} both want stdout: write one of them to a file", param_hint="--sarif"
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
        writers: list[Writer] = []
        report_stream: IO[str] = sys.stdout
        if output is not None:
            report_stream = _open_for_writing(stack, output, "--output")
        text_console: Console | None = None
        if fmt == "text":
            if sarif != "-" or output is not None:
                text_console = Console(file=report_stream, highlight=False, soft_wrap=True)
                writers.append(TextWriter(text_console, show_info=show_info, fix_for=fix_stack))
        elif fmt == "json":
            writers.append(JsonLinesWriter(report_stream, fix_for=fix_stack))
        elif fmt == "html":
            writers.append(HtmlWriter(report_stream, fix_for=fix_stack, extra_evidence=[html_block]))
        else:
            writers.append(MarkdownWriter(report_stream, fix_for=fix_stack, extra_evidence=[markdown_block]))
        if sarif is not None:
            writers.append(SarifWriter(sys.stdout if sarif == "-" else _open_for_writing(stack, sarif, "--sarif")))
        data_to_stdout = output is None and (fmt != "text" or sarif == "-")
        bar = progress_wanted(data_to_stdout=data_to_stdout, quiet=quiet, total=total)
        summary, interrupted = run(
            (line for source in sources for line in source), options, writers, total=total, progress_bar=bar
        )
        if not quiet:
            console = text_console or Console(stderr=True, highlight=False, soft_wrap=True)
            console.print(Text(_wrap(summary_line(summary, interrupted=interrupted), console.width, ""), style="bold"))
    if interrupted:
        raise typer.Exit(130)
    code = 0
    if threshold is not None and summary.reached(threshold):
        code = EXIT_FINDINGS
    elif summary.errors:
        code = EXIT_TARGET_ERRORS
    raise typer.Exit(code)


def _open_for_writing(stack: ExitStack, path: str, option: str) -> IO[str]:
    try:
        return stack.enter_context(open(path, "w", encoding="utf-8"))
    except OSError as error:
        raise typer.BadParameter(f"cannot write {path!r}: {error.strerror}", param_hint=option) from None


def register(app: typer.Typer) -> None:
    app.command(
        "audit",
        help="Scan URLs for CORS misconfigurations, judged by what a browser would actually allow.",
        no_args_is_help=True,
    )(audit_command)


__all__ = ["audit_command", "register", "render_report"]
