"""docs/browser.md's tables of where the engines differ: every scenario a row cites as evidence is in the corpus, and
the real browsers' recorded observations (tests/conformance/observed/) of those scenarios do differ."""

from __future__ import annotations

import fnmatch
import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.conformance.cases import load

ROOT = Path(__file__).resolve().parent.parent
DOC = (ROOT / "docs" / "browser.md").read_text(encoding="utf-8")
NAMES = sorted(c.name for c in load())
#: A cited scenario: a lowercase name, possibly with a ``*`` glob or a trailing ``…``.
SCENARIO = re.compile(r"`([a-z0-9][a-z0-9_.-]*(?:\*|…)?[a-z0-9_.-]*)`")


def observed() -> dict[str, dict[str, dict[str, Any]]]:
    """Engine file → scenario name → what the real browser did."""
    out = {}
    for path in sorted((ROOT / "tests" / "conformance" / "observed").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        out[path.stem] = {o["name"]: o["result"] for o in data["observations"]}
    return out


def rows() -> list[tuple[str, list[str]]]:
    """(the row's rule, the scenario names its evidence column cites) for each row of the difference tables."""
    found = []
    for section in DOC.split("\n### Where the engines differ")[1:]:
        table = [line for line in section.split("\n## ", 1)[0].splitlines() if line.startswith("| ")]
        for line in table[1:]:  # past the header row
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            found.append((cells[0], SCENARIO.findall(cells[-1])))
    return found


def expand(cited: str) -> list[str]:
    pattern = cited.replace("…", "*")
    return [name for name in NAMES if fnmatch.fnmatchcase(name, pattern)]


ROWS = rows()
OBSERVED = observed()


def test_the_doc_has_both_tables() -> None:
    assert len(ROWS) >= 30
    assert len(OBSERVED) >= 3


@pytest.mark.parametrize(("rule", "cited"), [r for r in ROWS if r[1]], ids=[r[0][:60] for r in ROWS if r[1]])
def test_every_cited_scenario_exists_and_the_browsers_differ_on_it(rule: str, cited: list[str]) -> None:
    scenarios = [name for c in cited for name in expand(c)]
    assert all(expand(c) for c in cited), f"{rule}: cites {cited}, not all in the corpus"

    def seen(name: str) -> set[str]:
        return {json.dumps(results[name], sort_keys=True) for results in OBSERVED.values() if name in results}

    assert any(len(seen(name)) > 1 for name in scenarios), f"{rule}: the browsers agree on every cited scenario"
