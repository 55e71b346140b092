"""The playground in a real Chromium: the page loads, every control works, and on each case of the table the
outcome Chromium really gets equals corskit's Chromium prediction (the page shows no disagreement), down to the
console message."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest

from corskit.tools.playground import Playground, running
from corskit.tools.scenario import evaluate

from ..._chromium import chromium_browser  # noqa: F401  (the fixture)
from .cases import CASES, link

pytestmark = pytest.mark.chromium


@pytest.fixture(scope="module")
def playground() -> Iterator[Playground]:
    with running() as server:
        yield server


@pytest.fixture(scope="module")
def page(chromium_browser: Any, playground: Playground) -> Iterator[Any]:  # noqa: F811
    context = chromium_browser.new_context()
    tab = context.new_page()
    tab.console_lines = []
    tab.on("console", lambda message: tab.console_lines.append(message.text))
    tab.goto(playground.url)
    tab.wait_for_selector("body[data-ready=true]")
    yield tab
    context.close()


def open_setup(page: Any, playground: Playground, setup: dict[str, Any]) -> None:
    page.goto(playground.url + link(setup))
    page.wait_for_selector("body[data-ready=true]")


def run(page: Any) -> None:
    page.console_lines.clear()
    page.click("#run")
    page.wait_for_selector("#results[data-state=done]", timeout=15_000)


def wait_until(page: Any, expression: str, timeout: float = 15.0) -> None:
    """Poll *expression* with ``evaluate`` (``wait_for_function`` evaluates strings, which the page's CSP forbids)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"still false after {timeout}s: {expression}"
        page.wait_for_timeout(20)


def prediction(page: Any, browser: str = "chromium") -> list[dict[str, Any]]:
    return page.evaluate(f"playground.last.predictions.find((p) => p.browser === {browser!r}).runs")  # type: ignore[no-any-return]


@pytest.mark.parametrize(("name", "setup"), CASES, ids=[c[0] for c in CASES])
def test_chromium_does_what_corskit_predicts(
    page: Any, playground: Playground, name: str, setup: dict[str, Any]
) -> None:
    open_setup(page, playground, setup)
    run(page)
    problems = page.inner_text("#agreement")
    assert page.get_attribute("#agreement", "data-verdict") == "agree", problems
    real = page.evaluate("[...document.querySelectorAll('#real-runs li')].map((li) => li.textContent)")
    for predicted, outcome in zip(prediction(page), real, strict=True):
        message = predicted["message"]
        if message and message.startswith("Failed to execute 'fetch'"):
            # fetch() threw before the network: the TypeError script caught is the one corskit predicted.
            assert outcome == f"rejected: TypeError: {message}"
        elif message:
            # The console line Chromium printed is the one corskit predicted, word for word.
            assert message.rstrip("\n") in [line.rstrip("\n") for line in page.console_lines]


def test_the_table_is_broad(page: Any) -> None:
    assert len(CASES) >= 30
    verdicts = {json.dumps(setup["api"].get("mode")) for _, setup in CASES}
    assert verdicts == {'"policy"', '"raw"'}


# --- the controls -------------------------------------------------------------------------------------------------


def test_the_page_shows_both_origins_and_the_defaults(page: Any, playground: Playground) -> None:
    page.goto(playground.url)
    page.wait_for_selector("body[data-ready=true]")
    assert page.inner_text("#page-origin") == playground.page_origin
    assert page.inner_text("#api-origin") == playground.api_origin
    assert page.input_value("#allow-origins") == playground.page_origin
    assert page.input_value("#method") == "GET"
    assert 'fetch("' + playground.api_origin in page.inner_text("#code")


def test_every_control_lands_in_the_link_and_a_reload_restores_it(page: Any, playground: Playground) -> None:
    page.goto(playground.url)
    page.wait_for_selector("body[data-ready=true]")
    page.click("#mode-raw")
    page.fill("#raw-preflight-status", "202")
    page.fill("#raw-preflight-headers", "Access-Control-Allow-Origin: *\nAccess-Control-Allow-Methods: DELETE")
    page.fill("#raw-actual-status", "201")
    page.fill("#raw-actual-headers", "Access-Control-Allow-Origin: *")
    page.select_option("#api-redirect", "307")
    page.fill("#method", "DELETE")
    page.fill("#headers", "X-One: 1\nX-Two: a: b")
    page.select_option("#credentials", "omit")
    page.select_option("#mode", "cors")
    page.select_option("#redirect", "manual")
    page.check("#twice")
    page.click("#mode-policy")
    page.fill("#allow-origins", "https://a.test\nhttps://b.test")
    page.fill("#allow-methods", "DELETE, PATCH")
    page.fill("#allow-headers", "X-One, X-Two")
    page.check("#allow-credentials")
    page.fill("#expose-headers", "X-Total-Count")
    page.fill("#max-age", "600")
    page.click("#mode-raw")
    state = page.evaluate("playground.state")
    assert state["api"]["mode"] == "raw"
    assert state["api"]["preflight"] == {
        "status": 202,
        "headers": [["Access-Control-Allow-Origin", "*"], ["Access-Control-Allow-Methods", "DELETE"]],
    }
    assert state["api"]["actual"]["status"] == 201
    assert state["api"]["redirect"] == 307
    assert state["api"]["policy"] == {
        "allow_origins": ["https://a.test", "https://b.test"],
        "allow_methods": ["DELETE", "PATCH"],
        "allow_headers": ["X-One", "X-Two"],
        "allow_credentials": True,
        "expose_headers": ["X-Total-Count"],
        "max_age": 600,
    }
    assert state["fetch"] == {
        "method": "DELETE",
        "headers": [["X-One", "1"], ["X-Two", "a: b"]],
        "credentials": "omit",
        "mode": "cors",
        "redirect": "manual",
        "twice": True,
    }
    assert '"DELETE"' in page.inner_text("#code")
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    assert page.evaluate("playground.state") == state
    assert page.is_visible("#raw-form")
    assert not page.is_visible("#policy-form")


def test_a_link_from_another_port_keeps_the_page_origin(page: Any, playground: Playground) -> None:
    open_setup(page, playground, CASES[0][1])
    assert page.input_value("#allow-origins") == playground.page_origin
    assert "$PAGE" in json.dumps(CASES[0][1])


def test_a_broken_link_falls_back_to_the_defaults(page: Any, playground: Playground) -> None:
    page.goto(playground.url + "#s=!!not-base64!!")
    page.wait_for_selector("body[data-ready=true]")
    assert "could not be read" in page.inner_text("#error")
    assert page.input_value("#method") == "GET"


def test_fix_it_applies_the_fix_and_runs_again(page: Any, playground: Playground) -> None:
    open_setup(page, playground, dict(CASES[4][1]))  # a custom header the policy does not allow
    run(page)
    assert prediction(page)[0]["allowed"] is False
    assert "x-request-id" in page.inner_text("#fix-text")
    page.console_lines.clear()
    page.click("#fix-it")
    page.wait_for_selector("#results[data-state=done]")
    wait_until(page, "playground.last.predictions[0].runs[0].allowed === true")
    page.wait_for_selector("#results[data-state=done]")
    assert page.input_value("#allow-headers") == "x-request-id"
    assert page.get_attribute("#agreement", "data-verdict") == "agree"
    assert page.inner_text("#real-runs").startswith("resolved: 200")


def test_copy_as_scenario_replays_in_explain(page: Any, playground: Playground) -> None:
    open_setup(page, playground, CASES[29][1])  # raw: ACAC True, credentials
    run(page)
    page.click("#copy-scenario")
    scenario = json.loads(page.inner_text("#copied"))
    replay = evaluate(scenario)
    predicted = prediction(page)[0]
    assert replay["allowed"] is predicted["allowed"] is False
    assert replay["error"] == predicted["error"] == "invalid_allow_credentials"
    assert replay["message"] == predicted["message"]


def test_copy_config_gives_the_chosen_stack(page: Any, playground: Playground) -> None:
    open_setup(page, playground, CASES[4][1])
    run(page)
    for stack, marker in (
        ("corskit", "from corskit.asgi import CORSMiddleware"),
        ("flask-cors", "CORS(app"),
        ("nginx", "add_header"),
    ):
        page.select_option("#stack", stack)
        page.click("#copy-config")
        text = page.inner_text("#copied")
        assert marker in text
        assert playground.page_origin in text
        assert "x-request-id" in text


def test_the_diagram_is_drawn_for_each_profile(page: Any, playground: Playground) -> None:
    open_setup(page, playground, CASES[9][1])  # send twice, cache hit
    run(page)
    wait_until(page, "document.getElementById('diagram-img').complete")
    assert page.evaluate("document.getElementById('diagram-img').naturalWidth") > 300
    tabs = page.locator("#diagram-tabs button")
    assert tabs.count() == len(page.evaluate("playground.info.browsers"))
    svg = page.evaluate("playground.last.predictions[0].svg")
    assert "preflight cache hit:" in svg
    assert page.inner_text("#seen").count("PUT /r/") == 2


def test_a_refused_policy_says_what_to_write_instead(page: Any, playground: Playground) -> None:
    setup = {"api": {"mode": "policy", "policy": {"allow_origins": ["*"], "allow_credentials": True}}, "fetch": {}}
    open_setup(page, playground, setup)
    page.click("#run")
    wait_until(page, "document.getElementById('error').textContent !== ''")
    assert page.inner_text("#error").startswith("policy: ")
    assert page.is_enabled("#run")


def test_hostile_fields_are_refused_or_shown_as_text(page: Any, playground: Playground) -> None:
    evil = "<img src=x onerror=alert(1)>"
    setup = {
        "api": {"mode": "raw", "actual": {"status": 200, "headers": [["Access-Control-Allow-Origin", evil]]}},
        "fetch": {"method": "GET", "headers": [["X-Evil", evil + "\u202e"]]},
    }
    open_setup(page, playground, setup)
    run(page)
    assert page.locator("#results img").count() == 1  # only the diagram: no markup from data
    assert page.get_attribute("#agreement", "data-verdict") == "agree"
    assert "TypeError" in page.inner_text("#real-runs")
    setup["api"]["actual"]["headers"] = [["Access-Control-Allow-Origin", "a\u0001b"]]
    open_setup(page, playground, setup)
    page.click("#run")
    wait_until(page, "document.getElementById('error').textContent !== ''")
    assert "printable Latin-1" in page.inner_text("#error")
