"""Where ``corskit audit`` writes: the human text report, JSON Lines, HTML, Markdown and SARIF, all streamed one
target at a time, and the progress bar. Every writer has ``write(report)`` and ``close()``."""

from __future__ import annotations

import asyncio
import sys
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import IO, Literal, Protocol

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.text import Text

from ..audit import AuditOptions, Summary, TargetReport, jsonl_line, scan
from ..audit.catalog import SEVERITIES
from ..audit.targets import Target
from ..browser import BROWSERS, profile
from ..tools.fixes import Stack
from ..tools.fixes import render as render_config
from ..tools.terminal import glyphs_for
from ..tools.terminal import printable as _printable

Format = Literal["text", "json", "html", "markdown"]
FORMATS: tuple[Format, ...] = ("text", "json", "html", "markdown")

_INDENT = " " * 11
_STYLE: dict[str, str] = {"high": "bold red", "medium": "yellow", "low": "cyan", "info": "dim"}


class Writer(Protocol):
    def write(self, report: TargetReport) -> None: ...

    def close(self) -> None: ...


# -- the human report ------------------------------------------------------------------------------------------------


def _wrap(text: str, width: int, indent: str = _INDENT, *, encoding: str | None = None) -> str:
    """*text* made printable (for *encoding*) and wrapped at word boundaries to *width*; a word longer than a line
    (a URL, an origin) is never split, so it can still be copied."""
    return textwrap.fill(
        _printable(text, encoding),
        max(width, len(indent) + 20),
        initial_indent=indent,
        subsequent_indent=indent,
        break_long_words=False,
        break_on_hyphens=False,
    )


def _head(marker: Text, target: str, tail: str, width: int, encoding: str | None) -> Text:
    """``✗ TARGET  tail``, the tail on its own wrapped lines when the whole does not fit in *width*."""
    line = Text.assemble(marker, (" " + _printable(target, encoding), "bold"))
    if len(line) + 2 + len(tail) <= width:
        line.append("  " + tail)
    elif tail:
        line.append("\n" + _wrap(tail, width, "    ", encoding=encoding))
    return line


def render_report(console: Console, report: TargetReport, *, show_info: bool, fix_for: Stack | None = None) -> None:
    """One target: a status line, the allow-list shape, then each finding with why and fix, wrapped at word
    boundaries to the console's width."""
    width, encoding = console.width, console.encoding
    glyphs = glyphs_for(encoding)

    def wrap(text: str, indent: str = _INDENT) -> str:
        return _wrap(text, width, indent, encoding=encoding)

    shown = [f for f in report.findings if show_info or f.severity != "info"]
    shape = next((f for f in report.findings if f.id == "CORS-SHAPE"), None)
    shape_text = f"{glyphs.dot} allow-list: {shape.evidence.get('shape')}" if shape is not None else ""
    above = [f for f in report.findings if f.severity != "info"]
    if report.error is not None and not report.findings:
        console.print(_head(Text("!", "bold red"), report.target, "could not be audited", width, encoding))
        console.print(Text(wrap(report.error, "    "), style="red"))
        return
    if above:
        counts = {s: sum(1 for f in above if f.severity == s) for s in reversed(SEVERITIES)}
        summary = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
        marker = Text(glyphs.bad, _STYLE[report.worst or "info"])
        console.print(_head(marker, report.target, f"{summary}  {shape_text}".strip(), width, encoding))
    else:
        tail = f"no finding above info  {shape_text}".strip()
        console.print(_head(Text(glyphs.ok, "green"), report.target, tail, width, encoding))
    if report.error is not None:
        console.print(Text(wrap("! " + report.error, "    "), style="yellow"))
    for finding in shown:
        if finding.id == "CORS-SHAPE" and not show_info:
            continue
        style = _STYLE[finding.severity]
        head = Text.assemble(("    ", ""), (f"{finding.severity.upper():<6}", style), f" {finding.id}")
        if finding.origin:
            origin = _printable(finding.origin, encoding)
            separator = "   " if len(head) + 3 + len("origin ") + len(origin) <= width else "\n" + _INDENT
            head.append(f"{separator}origin ")
            head.append(origin, "bold")
        console.print(head)
        console.print(Text(wrap(finding.why)))
        console.print(Text(wrap("fix: " + finding.fix), style="green"))
        if len(finding.browsers) < len(BROWSERS):
            names = ", ".join(profile(b).title for b in finding.browsers) or "no browser (on the recorded answers)"
            console.print(Text(wrap("affects: " + names), style="dim"))
        if fix_for is not None and finding.config is not None:
            # Configuration is copied, not read: its lines are never wrapped.
            console.print(Text(f"{_INDENT}{fix_for}:", style="bold"))
            snippet = render_config(finding.config, fix_for)
            lines = (_INDENT + _printable(line, encoding) for line in snippet.splitlines())
            console.print(Text("\n".join(lines), style="green"))


class TextWriter:
    """The human report on a console; the summary line comes at the end."""

    def __init__(self, console: Console, *, show_info: bool, fix_for: Stack | None) -> None:
        self.console = console
        self.show_info = show_info
        self.fix_for = fix_for

    def write(self, report: TargetReport) -> None:
        render_report(self.console, report, show_info=self.show_info, fix_for=self.fix_for)

    def close(self) -> None:
        pass


class JsonLinesWriter:
    """One JSON object per target per line, flushed as each target finishes."""

    def __init__(self, stream: IO[str], *, fix_for: Stack | None) -> None:
        self.stream = stream
        self.fix_for = fix_for

    def write(self, report: TargetReport) -> None:
        self.stream.write(jsonl_line(with_snippets(report, self.fix_for)) + "\n")
        self.stream.flush()

    def close(self) -> None:
        self.stream.flush()


def with_snippets(report: TargetReport, fix_for: Stack | None) -> TargetReport:
    """With ``--fix-for``, each fix text ends with the configuration for that stack."""
    if fix_for is None:
        return report
    findings = tuple(
        replace(f, fix=f"{f.fix}\n\n{render_config(f.config, fix_for)}") if f.config is not None else f
        for f in report.findings
    )
    return replace(report, findings=findings)


def summary_line(summary: Summary, *, interrupted: bool) -> str:
    counts = ", ".join(f"{summary.by_severity[s]} {s}" for s in reversed(SEVERITIES))
    errors = f"; {summary.errors} could not be (fully) audited" if summary.errors else ""
    stopped = " (interrupted)" if interrupted else ""
    return f"Audited {summary.targets} target(s){stopped}: {counts}{errors}."


# -- the run ---------------------------------------------------------------------------------------------------------


def progress_wanted(*, data_to_stdout: bool, quiet: bool, total: int | None) -> bool:
    """A progress bar on stderr: only for a terminal, not with --quiet, not when a machine-readable report goes to a
    pipe (a CI log), and only for more than one target."""
    if quiet or not sys.stderr.isatty():
        return False
    if data_to_stdout and not sys.stdout.isatty():
        return False
    return total is None or total > 1


def _cache_missing_sniffio() -> None:
    """httpcore tries ``import sniffio`` several times per request; when it is not installed, every attempt walks
    ``sys.path`` again (Python does not cache failed imports), which triples the cost of a request. Record the
    miss once, as Python's own ``sys.modules[name] = None`` convention allows. Harmless once sniffio is installed."""
    import importlib.util

    if "sniffio" not in sys.modules and importlib.util.find_spec("sniffio") is None:
        sys.modules["sniffio"] = None  # type: ignore[assignment]


def run(
    targets: Iterable[str | Target],
    options: AuditOptions,
    writers: Sequence[Writer],
    *,
    total: int | None,
    progress_bar: bool,
) -> tuple[Summary, bool]:
    """Audit every target, handing each report to every writer; the writers are closed even on Ctrl-C. Returns the
    counts and whether the scan was interrupted."""
    _cache_missing_sniffio()
    summary = Summary()
    progress: Progress | None = None
    if progress_bar:
        progress = Progress(
            SpinnerColumn(),
            TextColumn("auditing"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.fields[found]}"),
            console=Console(stderr=True, highlight=False),
            transient=True,
        )
    task = progress.add_task("audit", total=total, found="") if progress is not None else None

    async def main() -> None:
        async for report in scan(targets, options):
            summary.add(report)
            for writer in writers:
                writer.write(report)
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
        for writer in writers:
            writer.close()
    return summary, interrupted
