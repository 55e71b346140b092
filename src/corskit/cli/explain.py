"""``corskit explain``: play the browser against a described server, offline."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from ..spec.origins import normalize_origin
from ..tools.diagrams import Diagram, sequence
from ..tools.fixes import suggest
from ..tools.scenario import ScenarioError, parse_scenario, play
from .diagram import DiagramOption, DiagramOutOption, diagram_format, refuse_many, write_diagrams
from .render import render_fix, render_result

EXIT_ALLOWED, EXIT_BLOCKED, EXIT_USAGE = 0, 1, 2


def _read(source: str) -> str:
    if source == "-":
        return sys.stdin.read()
    try:
        return Path(source).read_text(encoding="utf-8")
    except OSError as err:
        raise typer.BadParameter(f"cannot read {source!r}: {err.strerror}") from None


def _documents(text: str) -> tuple[list[tuple[Any, str | None]], bool]:
    """Decoded scenarios with a parse error per line where there is one; True when the input is JSON Lines."""
    try:
        return [(json.loads(text), None)], False
    except json.JSONDecodeError as err:
        if "Extra data" not in err.msg:
            return [(None, f"not valid JSON: {err.msg} at line {err.lineno} column {err.colno}")], False
    docs: list[tuple[Any, str | None]] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            docs.append((json.loads(line), None))
        except json.JSONDecodeError as err:
            docs.append((None, f"line {number}: not valid JSON: {err.msg} at column {err.colno}"))
    return docs, True


def explain(
    scenario: Annotated[
        str, typer.Argument(help="Scenario JSON file, a JSON Lines file of scenarios, or - for stdin.")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON (one line per scenario).")] = False,
    diagram: DiagramOption = None,
    diagram_out: DiagramOutOption = None,
) -> None:
    """Play a browser's fetch() against a described server and say what happens, with Chromium's message."""
    fmt = diagram_format(diagram, diagram_out, as_json=as_json)
    docs, many = _documents(_read(scenario))
    refuse_many(fmt, len(docs))
    report = fmt is None or diagram_out is not None
    diagrams: list[Diagram] = []
    out = Console(highlight=False, soft_wrap=True)
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    codes: list[int] = []
    for index, (data, problem) in enumerate(docs):
        try:
            if problem is not None:
                raise ScenarioError(problem)
            parsed = parse_scenario(data)
            result = play(parsed)
        except ScenarioError as error:
            codes.append(EXIT_USAGE)
            if as_json and many:
                print(json.dumps({"usage_error": str(error)}), flush=True)
            else:
                where = f"scenario {index + 1}: " if many else ""
                err.print(f"corskit explain: {where}{error}", markup=False)
            continue
        codes.append(EXIT_ALLOWED if result.allowed else EXIT_BLOCKED)
        fix = suggest(result, normalize_origin(parsed.origin).serialize(), parsed.request)
        name = data.get("name") if isinstance(data, dict) else None
        if fmt is not None:
            heading = f"{name}: {'allowed' if result.allowed else 'blocked'}" if isinstance(name, str) else None
            diagrams.append(sequence(parsed.origin, parsed.request, result, fix=fix, title=heading))
        if not report:
            continue
        if as_json:
            print(json.dumps(result.to_json(), ensure_ascii=False), flush=not many)
        else:
            title = f"Scenario: {name}" if name else None
            if many and index:
                out.print()
            render_result(out, result, origin=parsed.origin, title=title)
            if fix is not None:
                render_fix(out, fix)
    if fmt is not None:
        write_diagrams(fmt, diagram_out, diagrams, title=f"corskit explain {scenario}")
    if EXIT_USAGE in codes and not (as_json and many):
        raise typer.Exit(EXIT_USAGE)
    raise typer.Exit(EXIT_BLOCKED if EXIT_BLOCKED in codes else EXIT_ALLOWED)


def register(app: typer.Typer) -> None:
    app.command(
        "explain",
        help="Play a browser's fetch() against a described server (scenario JSON) and explain the verdict.",
    )(explain)
