"""``corskit explain``: play the browser against a described server, offline.

Exit code: 0 allowed, 1 blocked, 2 a usage error; for JSON Lines, the worst of its lines (a bad line is a usage
error on its line, the others still run), with and without ``--json``.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from contextlib import ExitStack
from typing import Annotated, Any, BinaryIO

import typer

from ..browser import Result
from ..browser.engines import Verdicts
from ..spec.origins import normalize_origin
from ..tools.diagrams import Diagram, sequence
from ..tools.documents import Document, Input, InputError
from ..tools.fixes import Fix, Stack, suggest, suggest_for_all
from ..tools.scenario import Scenario, ScenarioError, parse_scenario, play_all, to_json
from . import options
from .browsers import browsers_of, render_verdicts
from .diagram import diagram_format, refuse_many, write_diagrams
from .output import Output, console, emit_json, fail
from .render import render_fix, render_result

EXIT_ALLOWED, EXIT_BLOCKED, EXIT_USAGE = 0, 1, 2

EXAMPLES = """\
Examples:

  corskit explain examples/scenarios/put-missing-header.json
  corskit explain --json scenario.json
  corskit explain --json many.jsonl     # JSON Lines: one result per line
  cat scenario.json | corskit explain -
  corskit explain scenario.json --fix-for flask-cors
"""


def _open(source: str, stack: ExitStack) -> tuple[BinaryIO, str]:
    if source == "-":
        return sys.stdin.buffer, "standard input"
    try:
        return stack.enter_context(open(source, "rb")), source
    except OSError as err:
        fail("explain", f"cannot read {source}: {err.strerror or err}")


def explain(
    scenario: Annotated[
        str,
        typer.Argument(help="Scenario JSON file, a JSON Lines file of scenarios, or - for stdin.", metavar="SCENARIO"),
    ],
    as_json: options.JsonOption = False,
    fix_for: options.FixForOption = None,
    diagram: options.DiagramOption = None,
    diagram_out: options.DiagramOutOption = None,
    browser: options.BrowserOption = options.BrowserChoice.chromium,
) -> None:
    """Play a browser's fetch() against a described server and say what happens, with the browser's message and
    the fix (--browser all: every browser side by side)."""
    stack = fix_for
    fmt = diagram_format(diagram, diagram_out, as_json=as_json)
    report = fmt is None or diagram_out is not None  # a diagram alone on stdout replaces the report
    diagrams: list[Diagram] = []
    with ExitStack() as files:
        stream, name = _open(scenario, files)
        try:
            batch = Input(stream, lines=scenario.endswith((".jsonl", ".ndjson")))
        except InputError as error:
            fail("explain", f"{name} {error}")
        except OSError as error:
            fail("explain", f"cannot read {name}: {error.strerror or error}")
        out, err = Output(), Output(console(stderr=True))
        worst, shown = EXIT_ALLOWED, 0
        documents: Iterable[Document] = batch
        engines = browsers_of(browser)
        if fmt is not None:  # diagrams are drawn together at the end
            documents = list(batch)
            count = len(documents) * len(engines)
            what = (
                f"{len(documents)} scenarios"
                if len(engines) == 1
                else f"{len(documents)} scenario(s) in {len(engines)} browsers"
            )
            refuse_many(fmt, count, what)
        for document in documents:
            try:
                if document.problem is not None:
                    raise ScenarioError(document.problem)
                parsed = parse_scenario(document.data)
                by_browser = {name: play_all(parsed, name) for name in engines}
                results = next(iter(by_browser.values()))
            except ScenarioError as error:
                worst = EXIT_USAGE
                if as_json and batch.many:
                    emit_json({"usage_error": str(error), "line": document.line})
                elif document.problem is not None:
                    err.line(f"corskit explain: line {document.line} {error}")
                else:
                    where = f"line {document.line}: " if batch.many else ""
                    err.line(f"corskit explain: {where}{error}")
                continue
            every = [r for rs in by_browser.values() for r in rs]
            worst = max(worst, *(EXIT_ALLOWED if r.allowed else EXIT_BLOCKED for r in every))
            fixes = _fixes(parsed, results)
            given = document.data.get("name")
            label = given if isinstance(given, str) and given else None
            if fmt is not None:  # one per browser: each lifeline names its browser
                for played in by_browser.values():
                    diagrams += _diagrams(parsed, played, _fixes(parsed, played), label)
            if not report:
                continue
            if as_json:
                emit_json(
                    _all_to_json(parsed, by_browser) if len(by_browser) > 1 else _to_json(parsed, results, fixes, stack)
                )
                continue
            if shown:
                out.blank()
            if batch.many:
                title: str | None = f"Line {document.line}" + (f": {label}" if label else "")
            else:
                title = f"Scenario: {label}" if label else None
            if len(by_browser) > 1:
                _render_all(out, parsed, by_browser, title, stack)
            else:
                _render(out, parsed, results, fixes, title, stack)
            shown += 1
    if fmt is not None:
        write_diagrams(fmt, diagram_out, diagrams, title=f"corskit explain {scenario}")
    raise typer.Exit(worst)


def _compared(scenario: Scenario, by_browser: dict[str, tuple[Result, ...]]) -> list[Verdicts]:
    """Each fetch's results side by side (one :class:`Verdicts` per fetch of a ``"requests"`` scenario)."""
    requests = [r for _, r in scenario.sequence] or [scenario.request]
    return [
        Verdicts(request, {name: results[n] for name, results in by_browser.items()})
        for n, request in enumerate(requests)
    ]


def _all_to_json(scenario: Scenario, by_browser: dict[str, tuple[Result, ...]]) -> Any:
    """``--browser all --json``: each browser's usual object, whether they agree, and why not."""
    data: dict[str, Any] = {name: to_json(scenario, results) for name, results in by_browser.items()}
    compared = _compared(scenario, by_browser)
    data["agree"] = all(v.agree for v in compared)
    data["differences"] = [sentence for v in compared for sentence in v.differences]
    return data


def _render_all(
    out: Output,
    scenario: Scenario,
    by_browser: dict[str, tuple[Result, ...]],
    title: str | None,
    stack: Stack | None,
) -> None:
    """One verdict per browser, why they differ, and a fix that works in all of them (per fetch)."""
    if title:
        out.line((title, "bold"))
    origin = normalize_origin(scenario.origin).serialize()
    compared = _compared(scenario, by_browser)
    for number, verdicts in enumerate(compared):
        if len(compared) > 1:
            out.line(
                (f"Fetch {number + 1} of {len(compared)}: {verdicts.request.method} {verdicts.request.url}", "bold")
            )
        fix = suggest_for_all(verdicts.results, origin, verdicts.request)
        render_verdicts(out, verdicts, fix, stack)


def _fixes(scenario: Scenario, results: tuple[Result, ...]) -> list[Fix | None]:
    origin = normalize_origin(scenario.origin).serialize()
    requests = [r for _, r in scenario.sequence] or [scenario.request]
    return [suggest(result, origin, request) for request, result in zip(requests, results, strict=True)]


def _to_json(scenario: Scenario, results: tuple[Result, ...], fixes: list[Fix | None], stack: Stack | None) -> Any:
    """The result object (with ``fix`` when --fix-for is given); ``{"allowed", "results"}`` for ``"requests"``."""
    data = to_json(scenario, results)
    if stack is not None:
        objects = data["results"] if scenario.sequence else [data]
        for obj, fix in zip(objects, fixes, strict=True):
            obj["fix"] = None if fix is None else fix.to_json(stack)
    return data


def _render(
    out: Output,
    scenario: Scenario,
    results: tuple[Result, ...],
    fixes: list[Fix | None],
    title: str | None,
    stack: Stack | None,
) -> None:
    """Each fetch's trace, verdict and fix; several fetches each under a heading saying when it happens."""
    if title:
        out.line((title, "bold"))
    clock = 0.0
    for number, (result, fix) in enumerate(zip(results, fixes, strict=True)):
        if scenario.sequence:
            after, request = scenario.sequence[number]
            clock += after
            when = f" at {clock:g} s" if clock else ""
            out.line((f"Fetch {number + 1} of {len(results)}{when}: {request.method} {request.url}", "bold"))
        render_result(out, result)
        if fix is not None:
            render_fix(out, fix, stack=stack, snippet=stack is not None)


def _diagrams(
    scenario: Scenario, results: tuple[Result, ...], fixes: list[Fix | None], name: str | None
) -> list[Diagram]:
    """One diagram; for ``"requests"`` of different requests, one per fetch."""
    requests = [r for _, r in scenario.sequence] or [scenario.request]
    verdict = "allowed" if all(r.allowed for r in results) else "blocked"
    heading = f"{name}: {verdict}" if name else None
    if all(r == requests[0] for r in requests):
        return [sequence(scenario.origin, requests[0], results, fix=fixes[-1], title=heading)]
    return [
        sequence(scenario.origin, request, result, fix=fix, title=f"{name}, fetch {n}" if name else None)
        for n, (request, result, fix) in enumerate(zip(requests, results, fixes, strict=True), 1)
    ]


def register(app: typer.Typer) -> None:
    app.command(
        "explain",
        help="Play a browser's fetch() against a described server (scenario JSON) and explain the verdict.",
        epilog=EXAMPLES,
    )(explain)
