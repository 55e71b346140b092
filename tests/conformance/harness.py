"""Play cases in the real browsers and judge the engine against each (shared by ``python -m tests.conformance``
and pytest).

One corpus, every engine: each case is isolated once (its URLs carry a marker), served by one scenario server
per engine, played by that engine's judge, and compared with ``corskit explain --browser ENGINE --json`` on the
same isolated scenario. Engines run in parallel, one thread each (the browsers do the work).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import compare
from .cases import Case, isolate
from .judges import ENGINES, FIELDS, JudgeUnavailable, Observation, Play, launch
from .server import ScenarioServer

ALLOWLIST = Path(__file__).parent / "allowlist.json"
#: Scenario (isolated) in, ``corskit explain --json`` object out, for one browser.
Engine = Callable[[dict[str, Any]], dict[str, Any]]


def marker(index: int) -> str:
    """The path segment that makes case *index*'s URLs unique within a run."""
    return f"_c{index}"


def plays(cases: Iterable[Case]) -> list[Play]:
    return [
        Play(index, case.category, case.name, isolate(case.scenario, marker(index)), marker(index))
        for index, case in enumerate(cases)
    ]


@dataclass
class Run:
    """One engine's pass over the cases: its version and observations, or why it could not run."""

    engine: str
    version: str = ""
    compared: tuple[str, ...] = FIELDS
    observations: list[Observation] = field(default_factory=list)
    #: Why the browser cannot run here (a skip, unless its CORSKIT_REQUIRE_<ENGINE> is set).
    unavailable: str | None = None
    #: The judge itself failed (always a failure).
    crashed: str | None = None
    seconds: float = 0.0


def observe(engine: str, cases: Sequence[Case]) -> Run:
    """Play *cases* in *engine*'s real browser; ``Run.unavailable`` says why not."""
    started = time.monotonic()
    with ScenarioServer() as server:
        todo = plays(cases)
        for play in todo:
            for entry in play.scenario.get("server", []):
                server.router.add(
                    entry.get("method", "*"),
                    entry["url"],
                    entry.get("status", 200),
                    [tuple(h) for h in entry.get("headers", [])],
                )
        try:
            with launch(engine, server) as judge:
                observations = judge.play(todo)
                run = Run(engine, judge.version, judge.compared, observations)
        except JudgeUnavailable as err:
            run = Run(engine, unavailable=str(err))
    run.seconds = time.monotonic() - started
    return run


def observe_all(engines: Sequence[str], cases: Sequence[Case]) -> dict[str, Run]:
    """:func:`observe` for each engine at once, one thread each; results in *engines*' order."""
    runs: dict[str, Run] = {}

    def work(engine: str) -> None:
        try:
            runs[engine] = observe(engine, cases)
        except Exception as err:  # a judge that crashes fails its engine, not the others
            runs[engine] = Run(engine, crashed=f"the {engine} judge crashed: {type(err).__name__}: {err}")

    threads = [threading.Thread(target=work, args=(e,), name=f"judge-{e}") for e in engines]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {e: runs[e] for e in engines}


def load_engine(browser: str = "chromium") -> Engine | None:
    """``corskit.tools.scenario.evaluate`` for *browser* when the engine provides it, else ``None``."""
    try:
        from corskit.tools.scenario import evaluate
    except ImportError:
        return None
    return lambda scenario: evaluate(scenario, browser=browser)


Allowlist = dict[tuple[str, str], tuple[frozenset[str], str]]


def load_allowlist(path: Path = ALLOWLIST) -> Allowlist:
    """(engine, scenario name) → (the fields allowed to differ, the reason), for deliberate differences."""
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    out: Allowlist = {}
    for entry in data.get("allowed_differences", []):
        if entry.get("engine") not in ENGINES:
            raise ValueError(f"allowlist entry {entry.get('name')!r} must name its engine: one of {ENGINES}")
        out[(entry["engine"], entry["name"])] = (frozenset(entry.get("fields", FIELDS)), entry["reason"])
    return out


@dataclass
class Verdict:
    observation: Observation
    engine: dict[str, Any] | None
    differences: list[str] = field(default_factory=list)
    allowed_reason: str | None = None

    @property
    def passed(self) -> bool:
        return not self.observation.broken and (not self.differences or self.allowed_reason is not None)


def judge(
    observation: Observation, engine: Engine, allowlist: Allowlist, compared: tuple[str, ...] = FIELDS
) -> Verdict:
    """Compare one observation with the engine's answer to the same (isolated) scenario, on *compared* fields."""
    if observation.broken:
        return Verdict(observation, None, [f"  broken scenario: {why}" for why in observation.broken])
    try:
        answer = engine(observation.scenario)
    except Exception as err:  # the engine must answer every corpus scenario
        return Verdict(observation, None, [f"  engine raised {type(err).__name__}: {err}"])
    browser = compare.project(observation.result, observation.scenario, observed=True, fields=compared)
    ours = compare.project(answer, observation.scenario, observed=False, fields=compared)
    differences = compare.diff(browser, ours, observation.engine)
    reason = None
    key = (observation.engine, observation.name)
    if differences and key in allowlist:
        fields, why = allowlist[key]
        # An entry forgives only the fields it names: any other difference still fails.
        if {f for f in FIELDS if browser.get(f) != ours.get(f)} <= fields:
            reason = why
    return Verdict(observation, answer, differences, reason)
