"""``corskit audit``: scan URLs for CORS misconfigurations, judged by the browser engine.

Exit codes: 0 nothing at or above ``--fail-on`` (and every target audited), 1 a finding at or above ``--fail-on``,
2 bad usage, 3 some target could not be audited (unreachable, redirect loop, not a URL) and nothing triggered 1.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from typing import IO, Annotated, NoReturn

import typer
from rich.console import Console
from rich.text import Text

from ..audit import AuditOptions, SarifWriter, parse_severity
from ..audit.catalog import Severity
from ..audit.html import HtmlWriter
from ..audit.imports import FORMATS as IMPORT_FORMATS
from ..audit.imports import ImportFailed, detect
from ..audit.imports import read as read_capture
from ..audit.markdown import MarkdownWriter
from ..audit.targets import Target
from ..spec.origins import OriginError, normalize_origin
from ..tools.diagrams.evidence import html_block, markdown_block
from ..tools.fixes import STACKS, Stack
from ..tools.network import NetworkOptions, cookie_problem, header_problem
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
from .output import console as make_console
from .output import fail

EXIT_FINDINGS = 1
EXIT_TARGET_ERRORS = 3


def _iter_lines(stream: IO[str]) -> Iterator[str]:
    for line in stream:
        yield line.rstrip("\r\n")


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
        str | None,
        typer.Option(
            "--input",
            "-i",
            help="Read targets from FILE ('-' for stdin): URLs one per line, a HAR file, a Burp or a ZAP export.",
        ),
    ] = None,
    input_format: Annotated[
        str,
        typer.Option("--input-format", help="What -i holds: auto (recognised by its content), lines, har, burp, zap."),
    ] = "auto",
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
            _usage("--fail-on", str(error))
    if fix_for is not None and fix_for not in STACKS:
        _usage("--fix-for", f"must be one of {', '.join(STACKS)}")
    fix_stack: Stack | None = next((s for s in STACKS if s == fix_for), None)
    if not 1 <= concurrency <= 1000:
        _usage("--concurrency", "must be between 1 and 1000")
    if timeout <= 0:
        _usage("--timeout", "must be more than 0")
    if rate is not None and rate <= 0:
        _usage("--rate", "must be more than 0")
    if not 0 <= retries <= 10:
        _usage("--retries", "must be between 0 and 10")
    origins: list[str] = []
    for text in trusted or []:
        try:
            origins.append(normalize_origin(text).serialize())
        except OriginError as error:
            _usage("--trusted", str(error))
    if not urls and input_file is None:
        _usage("URLS", "give URLs as arguments or a file with -i FILE ('-' for stdin)")
    if output_format not in FORMATS:
        _usage("--format", f"must be one of {', '.join(FORMATS)}")
    chosen: Format = next(f for f in FORMATS if f == output_format)
    if as_json and chosen not in ("text", "json"):
        _usage("--json", f"--json and --format {chosen} ask for two reports: pick one")
    fmt: Format = "json" if as_json else chosen
    headers = tuple(parse_header(h) for h in header or [])
    if cookie is not None and (problem := cookie_problem(cookie)):
        _usage("--cookie", problem)
    for name, value in headers:
        if problem := header_problem(name, value):
            _usage("-H/--header", problem)
    options = AuditOptions(
        network=NetworkOptions(timeout=timeout, verify=not insecure, proxy=proxy, cookie=cookie, extra_headers=headers),
        concurrency=concurrency,
        rate=rate,
        retries=retries,
        trusted=tuple(origins),
        browsers=browsers_of(browser),
    )
    if sarif == "-" and (output is None and fmt != "text"):
        _usage("--sarif", f"'--sarif -' and --format {fmt} both want stdout: write one of them to a file")
    if input_format not in ("auto", *IMPORT_FORMATS):
        _usage("--input-format", f"must be auto or one of {', '.join(IMPORT_FORMATS)}")
    with ExitStack() as stack:
        total: int | None = len(urls or [])
        sources: list[Iterable[str | Target]] = [urls or []]
        if input_file is not None:
            source, count = _open_input(stack, input_file, input_format, quiet=quiet)
            sources.append(source)
            total = None if count is None or total is None else total + count
        writers: list[Writer] = []
        report_stream: IO[str] = sys.stdout
        if output is not None:
            report_stream = _open_for_writing(stack, output, "--output")
        text_console: Console | None = None
        if fmt == "text":
            if sarif != "-" or output is not None:
                text_console = _text_console(None if output is None else report_stream)
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
            (target for source in sources for target in source), options, writers, total=total, progress_bar=bar
        )
        if not quiet:
            console = text_console or _text_console(None, stderr=True)
            line = summary_line(summary, interrupted=interrupted)
            console.print(Text(_wrap(line, console.width, "", encoding=console.encoding), style="bold"))
    if interrupted:
        raise typer.Exit(130)
    code = 0
    if threshold is not None and summary.reached(threshold):
        code = EXIT_FINDINGS
    elif summary.errors:
        code = EXIT_TARGET_ERRORS
    raise typer.Exit(code)


def _open_input(stack: ExitStack, path: str, fmt: str, *, quiet: bool) -> tuple[Iterable[str | Target], int | None]:
    """The targets of ``-i``: URL lines are streamed as they are read; a capture (HAR, Burp, ZAP) is read whole,
    deduplicated by origin and path, and summed up on stderr. Returns them and their number, if known."""
    try:
        binary: IO[bytes] = sys.stdin.buffer if path == "-" else stack.enter_context(open(path, "rb"))  # noqa: SIM115
    except OSError as error:
        _usage("-i", f"cannot read {path!r}: {error.strerror}")
    peek = getattr(binary, "peek", None)
    try:
        head = peek(4096)[:4096] if peek is not None else b""
        if fmt == "auto" and peek is None and binary.seekable():
            head = binary.read(4096)
            binary.seek(0)
    except OSError as error:
        _usage("-i", f"cannot read {path!r}: {error.strerror}")
    chosen = next((f for f in IMPORT_FORMATS if f == fmt), None) or detect(head)
    if chosen == "lines":
        stream = io.TextIOWrapper(binary, encoding="utf-8", errors="replace")
        return _iter_lines(stream), (None if path == "-" else _count_lines(path))
    try:
        imported = read_capture(binary, chosen)
    except ImportFailed as error:
        _usage("-i", f"{path}: {error}")
    except OSError as error:
        _usage("-i", f"cannot read {path!r}: {error.strerror}")
    if not quiet:
        err = _text_console(None, stderr=True)
        err.print(Text(_wrap(f"Imported {imported.summary}.", err.width, "", encoding=err.encoding)))
    return imported.targets, len(imported.targets)


def _text_console(file: IO[str] | None, *, stderr: bool = False) -> Console:
    """The CLI's console (``--no-color``, no markup), or a plain one on *file*; lines are wrapped by the report
    itself, at word boundaries, so the console must not fold them again."""
    console = make_console(stderr=stderr) if file is None else Console(file=file, markup=False, color_system=None)
    console.soft_wrap = True
    return console


def _usage(option: str, message: str) -> NoReturn:
    """A usage error: one line naming the option and the problem, exit code 2."""
    fail("audit", f"{option}: {message}")


def _open_for_writing(stack: ExitStack, path: str, option: str) -> IO[str]:
    try:
        return stack.enter_context(open(path, "w", encoding="utf-8"))
    except OSError as error:
        _usage(option, f"cannot write {path!r}: {error.strerror}")


EXAMPLES = """\
Examples:

  corskit audit https://api.example.com/me --trusted https://app.example.com
  corskit audit api.example.com 127.0.0.1:8000
  corskit audit -i targets.txt --json -c 50 > findings.jsonl
  corskit audit -i session.har --format html -o report.html
  corskit audit -i targets.txt --sarif cors.sarif --fail-on medium
"""


def register(app: typer.Typer) -> None:
    app.command(
        "audit",
        help="Scan URLs for CORS misconfigurations, judged by what a browser would actually allow.",
        epilog=EXAMPLES,
        no_args_is_help=True,
    )(audit_command)


__all__ = ["audit_command", "register", "render_report"]
