"""``corskit demo``: start the demo API on loopback and check each case from a browser's point of view."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from ..browser.engines import Verdicts
from ..browser.request import CREDENTIALS
from ..tools.check import CheckReport, check
from ..tools.demo import CASES, Case, build_app
from ..tools.network import NetworkOptions
from .browsers import BrowserChoice, BrowserOption, browsers_of, render_verdicts
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
    browser: BrowserOption = BrowserChoice.chromium,
) -> None:
    """Start a demo API on loopback (half corskit, half classic mistakes) and check it as a browser would."""
    console = Console(highlight=False, soft_wrap=True)
    names = browsers_of(browser)
    rows: list[tuple[Case, CheckReport, dict[str, CheckReport]]] = []
    with serve_demo() as base:
        if not quiet:
            console.print(
                Text.assemble(
                    ("corskit demo", "bold"),
                    f": an API on {base}, pages on {CASES[0].origin} (the app) and https://evil.example (an attacker).",
                )
            )
        for number, case in enumerate(CASES, 1):
            reports = {name: run_case(base, case, name) for name in names}
            report = next(iter(reports.values()))
            rows.append((case, report, reports))
            if quiet:
                continue
            console.print(Rule(f"{number}. {case.title}", align="left"))
            console.print(Text(case.lesson, style="italic"))
            if report.result is not None:
                render_result(console, report.result, origin=case.origin)
            if len(names) > 1 and all(r.result is not None for r in reports.values()):
                results = {name: r.result for name, r in reports.items() if r.result is not None}
                render_verdicts(console, Verdicts(report.request, results), None)
            if report.network_error is not None:
                console.print(Text(f"✗ network error: {report.network_error.message}", style="red"))
            if case.takeaway:
                console.print(Text(case.takeaway, style="bold"))
            elif report.fix is not None:
                render_fix(console, report.fix)
    table = Table(title="Summary", title_justify="left")
    verdict_columns = ["verdict"] if len(names) == 1 else list(names)
    for column in ("#", "case", "from", *verdict_columns, "as expected"):
        table.add_column(column)
    surprises = 0
    for number, (case, _report, reports) in enumerate(rows, 1):
        verdicts: list[Any] = [
            {True: Text("allowed", "green"), False: Text("blocked", "red"), None: Text("no answer")}[r.allowed]
            for r in reports.values()
        ]
        expected = all(r.allowed is case.expect_allowed for r in reports.values())
        surprises += not expected
        origin = "attacker" if case.origin != CASES[0].origin else "app"
        table.add_row(str(number), case.title, origin, *verdicts, "✓" if expected else Text("✗", "bold red"))
    console.print()
    console.print(table)
    if surprises:
        console.print(Text(f"{surprises} case(s) did not turn out as the demo expects.", style="bold red"))
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("demo", help="Run a demo API on loopback and check it as a browser would (offline, a few seconds).")(
        demo
    )
