"""The real browsers are the judges: every corpus scenario, played in Chromium, Firefox and WebKit, must match the
engine's answer for that browser.

The engines play the whole corpus once, in parallel (one browser each); each (engine, scenario) is then its own
test, failing with a diff (``-`` browser, ``+`` engine). An engine whose browser is missing skips with the reason,
unless its ``CORSKIT_REQUIRE_<ENGINE>=1`` is set (CI sets all three). Allow-listed differences
(tests/conformance/allowlist.json, each naming its engine) are reported as xfail with their reason.
"""

from __future__ import annotations

import pytest

from tests.conformance import harness
from tests.conformance.cases import Case, load
from tests.conformance.judges import ENGINES, Observation, require_env, required

CASES = load()


@pytest.fixture(scope="session")
def runs(request: pytest.FixtureRequest) -> dict[str, harness.Run]:
    """Every selected engine plays the corpus once, all at the same time (``-k firefox`` starts only Firefox)."""
    selected = {item.callspec.params.get("engine") for item in request.session.items if hasattr(item, "callspec")}
    return harness.observe_all([e for e in ENGINES if e in selected], CASES)


@pytest.fixture(scope="session")
def observations(runs: dict[str, harness.Run]) -> dict[tuple[str, str], Observation]:
    return {(o.engine, o.name): o for run in runs.values() for o in run.observations}


@pytest.mark.parametrize("engine", [pytest.param(e, marks=getattr(pytest.mark, e)) for e in ENGINES])
@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.category}/{c.name}")
def test_engine_agrees_with_the_browser(
    engine: str, case: Case, runs: dict[str, harness.Run], observations: dict[tuple[str, str], Observation]
) -> None:
    run = runs[engine]
    if run.crashed:
        pytest.fail(run.crashed, pytrace=False)
    if run.unavailable:
        if required(engine):
            pytest.fail(f"{run.unavailable} ({require_env(engine)}=1 makes this a failure)", pytrace=False)
        pytest.skip(run.unavailable)
    evaluate = harness.load_engine(engine)
    assert evaluate is not None
    verdict = harness.judge(observations[(engine, case.name)], evaluate, harness.load_allowlist(), run.compared)
    if verdict.differences and verdict.allowed_reason:
        pytest.xfail(f"allow-listed: {verdict.allowed_reason}")
    if not verdict.passed:
        pytest.fail(f"{engine} {case.category}/{case.name} differs:\n" + "\n".join(verdict.differences), pytrace=False)


def test_corpus_is_large_and_named() -> None:
    assert len(CASES) >= 500
    assert len({c.name for c in CASES}) == len(CASES)
    assert sum(c.category == "random" for c in CASES) >= 100


def test_allowlist_entries_name_their_engine() -> None:
    for (engine, name), (_fields, reason) in harness.load_allowlist().items():
        assert engine in ENGINES
        assert reason, f"{engine}/{name} needs a reason"
