"""Chromium is the judge: every corpus scenario played in a real headless Chromium must match the engine.

One browser plays the whole corpus once (about 15 s); each scenario is then its own test, failing with a diff
(``-`` Chromium, ``+`` engine). Skipped without Chromium/Playwright unless ``CORSKIT_REQUIRE_CHROMIUM=1``.
Allow-listed differences (tests/conformance/allowlist.json) are reported as xfail with their reason.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests._chromium import chromium_browser  # noqa: F401  (module fixture)
from tests.conformance import harness
from tests.conformance.cases import Case, load
from tests.conformance.runner import Observation

if TYPE_CHECKING:
    from playwright.sync_api import Browser

CASES = load()


@pytest.fixture(scope="module")
def observations(chromium_browser: Browser) -> dict[str, Observation]:  # noqa: F811
    return {o.name: o for o in harness.observe(chromium_browser, CASES)}


@pytest.fixture(scope="session")
def engine() -> harness.Engine:
    evaluate = harness.load_engine()
    if evaluate is None:
        pytest.skip("corskit.tools.scenario.evaluate does not exist yet")
    return evaluate


@pytest.mark.chromium
@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.category}/{c.name}")
def test_engine_agrees_with_chromium(case: Case, observations: dict[str, Observation], engine: harness.Engine) -> None:
    verdict = harness.judge(observations[case.name], engine, harness.load_allowlist())
    if verdict.differences and verdict.allowed_reason:
        pytest.xfail(f"allow-listed: {verdict.allowed_reason}")
    if verdict.differences:
        pytest.fail(f"{case.category}/{case.name} differs:\n" + "\n".join(verdict.differences), pytrace=False)


def test_corpus_is_large_and_named() -> None:
    assert len(CASES) >= 500
    assert len({c.name for c in CASES}) == len(CASES)
    assert sum(c.category == "random" for c in CASES) >= 100
