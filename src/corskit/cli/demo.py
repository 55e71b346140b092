"""``corskit demo``: start the demo API on loopback and check each case from a browser's point of view."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich import box
from rich.rule import Rule
from rich.table import Table

from ..browser.engines import Verdicts
from ..browser.request import CREDENTIALS
from ..tools.check import CheckReport, check
from ..tools.demo import CASES, Case, build_app
from ..tools.network import NetworkOptions
from . import options
from .browsers import browsers_of, render_verdicts
from .output import Output
from .render import render_fix, render_result


@contextmanager
def serve_demo() -> Iterator[str]:
    """Run the demo app under uvicorn on an ephemeral loopback port; yield its base URL."""
    import uvicorn

    config = uvicorn.Config(
        build_app(), host="127.0.0.1", port=0, log_level="critical", access_log=False, lifespan="off"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="corskit-demo", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the demo server did not start")
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=5)


def run_case(base: str, case: Case, browser: str = "chromium") -> CheckReport:
    credentials = next(c for c in CREDENTIALS if c == case.credentials)
    return check(
        base + case.path,
        case.origin,
        method=case.method,
        headers=case.headers,
        credentials=credentials,
        send_actual=True,  # our own demo server: side effects are fine
        options=NetworkOptions(timeout=5),
        browser=browser,
    )


def demo(
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only the summary table.")] = False,
    browser: options.BrowserOption = options.BrowserChoice.chromium,
) -> None:
    """Start a demo API on loopback (half corskit, half classic mistakes) and check it as a browser would."""
    out = Output()
    g = out.glyphs
    names = browsers_of(browser)
    rows: list[tuple[Case, CheckReport]] = []
    everyone: list[dict[str, CheckReport]] = []
    with serve_demo() as base:
        if not quiet:
            out.prose(
                ("corskit demo", "bold"),
                f": an API on {base}, pages on {CASES[0].origin} (the app) and https://evil.example (an attacker).",
            )
        for number, case in enumerate(CASES, 1):
            reports = {name: run_case(base, case, name) for name in names}
            report = next(iter(reports.values()))
            rows.append((case, report))
            everyone.append(reports)
            if quiet:
                continue
            out.blank()
            out.print(Rule(out.text(f"{number}. {case.title}"), align="left"))
            out.prose((case.lesson, "italic"))
            if report.result is not None:
                render_result(out, report.result)
            if len(names) > 1 and all(r.result is not None for r in reports.values()):
                results = {name: r.result for name, r in reports.items() if r.result is not None}
                render_verdicts(out, Verdicts(report.request, results), None)
            if report.network_error is not None:
                out.line((f"{g.bad} network error: ", "red"), (report.network_error.message, "red"))
            if case.takeaway:
                out.prose((case.takeaway, "bold"))
            elif report.fix is not None:
                render_fix(out, report.fix)
    out.blank()
    out.print(summary_table(out, rows, everyone if len(names) > 1 else None))
    surprises = sum(
        any(r.allowed is not case.expect_allowed for r in reports.values())
        for (case, _), reports in zip(rows, everyone, strict=True)
    )
    if surprises:
        out.prose((f"{surprises} case(s) did not turn out as the demo expects.", "bold red"))
        raise typer.Exit(1)


def summary_table(
    out: Output, rows: list[tuple[Case, CheckReport]], per_browser: list[dict[str, CheckReport]] | None = None
) -> Table:
    """One row per case; it fits 80 columns (the case titles wrap at word boundaries). With *per_browser*
    (``--browser all``), a verdict column per browser."""
    g = out.glyphs
    table = Table(title=out.text("Summary"), title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("#", justify="right")
    table.add_column("case", overflow="fold")
    table.add_column("from")
    columns = list(per_browser[0]) if per_browser else ["verdict"]
    for column in columns:
        table.add_column(column)
    table.add_column("expected")
    for number, (case, report) in enumerate(rows, 1):
        reports = per_browser[number - 1] if per_browser else {"verdict": report}
        verdicts = [
            out.text({True: ("allowed", "green"), False: ("blocked", "red"), None: ("no answer", "")}[r.allowed])
            for r in reports.values()
        ]
        expected = all(r.allowed is case.expect_allowed for r in reports.values())
        origin = "attacker" if case.origin != CASES[0].origin else "app"
        mark = out.text((g.ok, "green")) if expected else out.text((g.bad, "bold red"))
        table.add_row(str(number), out.text(case.title), origin, *verdicts, mark)
    return table


EXAMPLES = """\
Examples:

  corskit demo              # every case with its trace, then a summary
  corskit demo --quiet      # the summary table only
"""


def register(app: typer.Typer) -> None:
    app.command(
        "demo",
        help="Run a demo API on loopback and check it as a browser would (offline, a few seconds).",
        epilog=EXAMPLES,
    )(demo)
