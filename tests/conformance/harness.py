"""Run cases in Chromium and judge the engine against them (shared by ``python -m tests.conformance`` and pytest)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import compare
from .cases import Case, isolate
from .runner import ChromiumRunner, Observation
from .server import ScenarioServer

if TYPE_CHECKING:
    from playwright.sync_api import Browser

ALLOWLIST = Path(__file__).parent / "allowlist.json"
Engine = Callable[[dict[str, Any]], dict[str, Any]]


def marker(index: int) -> str:
    """The path segment that makes case *index*'s URLs unique within a run."""
    return f"_c{index}"


@contextmanager
def chromium_session(browser: Browser) -> Iterator[tuple[ScenarioServer, ChromiumRunner]]:
    """A scenario proxy plus a fresh browser context (fresh caches) routed through it."""
    with ScenarioServer() as server:
        runner = ChromiumRunner(browser, server.proxy, server.router)
        try:
            yield server, runner
        finally:
            runner.close()


def observe(browser: Browser, cases: Iterable[Case]) -> Iterator[Observation]:
    """Play each case in Chromium (cases grouped by origin so the page moves rarely)."""
    indexed = sorted(enumerate(cases), key=lambda ic: (ic[1].scenario["origin"], ic[0]))
    with chromium_session(browser) as (server, runner):
        played: list[tuple[int, Case, dict[str, Any]]] = []
        for index, case in indexed:
            scenario = isolate(case.scenario, marker(index))
            for entry in scenario.get("server", []):
                server.router.add(
                    entry.get("method", "*"),
                    entry["url"],
                    entry.get("status", 200),
                    [tuple(h) for h in entry.get("headers", [])],
                )
            played.append((index, case, scenario))
        results = {
            index: runner.run(case.category, case.name, scenario, marker(index)) for index, case, scenario in played
        }
    for index in sorted(results):
        yield results[index]


def load_engine() -> Engine | None:
    """``corskit.tools.scenario.evaluate`` when the engine provides it, else ``None`` (imported lazily)."""
    try:
        from corskit.tools.scenario import evaluate
    except ImportError:
        return None
    return evaluate


#: The fields a comparison covers, in the order diffs show them.
FIELDS = ("allowed", "error", "message", "sent", "response")


def load_allowlist(path: Path = ALLOWLIST) -> dict[str, tuple[frozenset[str], str]]:
    """Scenario name → (the fields allowed to differ, the reason), for deliberate differences."""
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return {
        entry["name"]: (frozenset(entry.get("fields", FIELDS)), entry["reason"])
        for entry in data.get("allowed_differences", [])
    }


@dataclass
class Verdict:
    observation: Observation
    engine: dict[str, Any] | None
    differences: list[str] = field(default_factory=list)
    allowed_reason: str | None = None

    @property
    def passed(self) -> bool:
        return not self.observation.broken and (not self.differences or self.allowed_reason is not None)


def judge(observation: Observation, engine: Engine, allowlist: dict[str, tuple[frozenset[str], str]]) -> Verdict:
    """Compare one observation with the engine's answer to the same (isolated) scenario."""
    if observation.broken:
        return Verdict(observation, None, [f"  broken scenario: {why}" for why in observation.broken])
    try:
        answer = engine(observation.scenario)
    except Exception as err:  # the engine must answer every corpus scenario
        return Verdict(observation, None, [f"  engine raised {type(err).__name__}: {err}"])
    chromium = compare.project(observation.result, observation.scenario, chromium=True)
    ours = compare.project(answer, observation.scenario, chromium=False)
    differences = compare.diff(chromium, ours)
    reason = None
    if differences and observation.name in allowlist:
        fields, why = allowlist[observation.name]
        # An entry forgives only the fields it names: any other difference still fails.
        if {key for key in FIELDS if chromium.get(key) != ours.get(key)} <= fields:
            reason = why
    return Verdict(observation, answer, differences, reason)
