"""Scenarios for diagram tests: the example, the conformance corpus, and hostile ones."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from corskit.browser import Result
from corskit.spec.origins import normalize_origin
from corskit.tools.diagrams import Diagram, sequence
from corskit.tools.fixes import suggest
from corskit.tools.scenario import Scenario, parse_scenario, play

ROOT = Path(__file__).parents[3]
EXAMPLE = ROOT / "examples" / "scenarios" / "put-missing-header.json"
CORPUS = ROOT / "tests" / "conformance" / "corpus"

APP, API = "http://app.test", "http://api.test/r"

#: Strings a hostile scenario may carry: markup, escapes, bidi overrides, wide and combining characters, bulk.
HOSTILE = (
    ']]></text><script>alert(1)</script><svg onload="x">&amp;',
    "\x1b[31mred\x1b[0m\x07\x00\x7f\x85\u2028\u2029",
    "\u202eevil\u202c\u200b\ufeff\ufffe\uffff",
    "漢字😀" * 200,
    "e" + "\u0301" * 500,
    "A" * 100_000,
    "#59; %%{init: {}}%% ;end\nNote over P0: x",
)


def scenario_result(data: dict[str, Any]) -> tuple[Scenario, Result]:
    parsed = parse_scenario(data)
    return parsed, play(parsed)


def diagram_of(data: dict[str, Any]) -> Diagram:
    parsed, result = scenario_result(data)
    fix = suggest(result, normalize_origin(parsed.origin).serialize(), parsed.request)
    return sequence(parsed.origin, parsed.request, result, fix=fix)


def corpus_sample(every: int) -> list[dict[str, Any]]:
    """Every *every*-th scenario of each corpus file (a spread of categories and outcomes)."""
    out: list[dict[str, Any]] = []
    for path in sorted(CORPUS.glob("*.json")):
        out += json.loads(path.read_text(encoding="utf-8"))[::every]
    return out


def preflighted(
    *answer: tuple[str, str],
    actual: tuple[tuple[str, str], ...] = ((("Access-Control-Allow-Origin", APP)),),
    method: str = "PUT",
    headers: tuple[tuple[str, str], ...] = (),
    credentials: str = "same-origin",
) -> dict[str, Any]:
    """A PUT (by default) with its preflight answered by *answer* and the request by *actual*."""
    return {
        "origin": APP,
        "request": {"url": API, "method": method, "headers": [list(h) for h in headers], "credentials": credentials},
        "server": [
            {"method": "OPTIONS", "url": API, "status": 204, "headers": [list(h) for h in answer]},
            {"method": "*", "url": API, "status": 200, "headers": [list(h) for h in actual]},
        ],
    }


def hostile_scenario(value: str, *, in_request: bool = False) -> dict[str, Any]:
    """*value* in every response header (the preflight's), or in a request header (where fetch() may refuse it)."""
    safe = value.replace("\r", "").replace("\n", "").replace("\x00", "")
    return preflighted(
        ("Access-Control-Allow-Origin", safe),
        ("Access-Control-Allow-Methods", safe),
        ("X-" + "x" * 3000, safe),
        *((f"Access-Control-Extra-{i}", safe) for i in range(40)),
        headers=(("X-Evil", safe if in_request else "1"), ("Content-Type", "text/plain")),
    )
