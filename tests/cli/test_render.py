"""The human renderer handles every Result the engine can produce: the whole conformance corpus (blocked before
the network, allowed, opaque, redirected, cached), each also stopped before its actual request (``check`` without
``--send``) and cut by a network error, in 80 columns, in UTF-8 and in ASCII."""

from __future__ import annotations

import io

import pytest
from rich.cells import cell_len
from rich.console import Console

from corskit.browser import Fetch, Result, SendRequest
from corskit.cli.check import render_report
from corskit.cli.output import Output
from corskit.cli.render import render_fix, render_result
from corskit.spec.origins import normalize_origin
from corskit.tools.check import CheckReport
from corskit.tools.fixes import STACKS, Stack, suggest
from corskit.tools.network import NetworkError
from corskit.tools.scenario import Scenario, parse_scenario, play
from corskit.tools.terminal import ASCII, UNICODE, printable
from tests.conformance.cases import load

SCENARIOS = [(case.name, parse_scenario(case.scenario)) for case in load()]


def output(encoding: str) -> tuple[Output, io.BytesIO]:
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding=encoding, write_through=True)  # strict: a character it cannot encode fails
    return Output(Console(file=stream, width=80, color_system=None, highlight=False, markup=False)), raw


def held_back(scenario: Scenario) -> Result | None:
    """The result of a checker that stops before the actual request (``check`` without ``--send``)."""
    fetch = Fetch(scenario.origin, scenario.request)
    event = fetch.start()
    while isinstance(event, SendRequest):
        if event.request.kind == "actual":
            return fetch.halt()
        event = fetch.receive(scenario.answer(event.request))
    return None


def cut_by_network(scenario: Scenario) -> CheckReport:
    """A network error at the last request the fetch sends, as ``check`` reports it."""
    answered = len(play(scenario).exchanges) - 1
    fetch = Fetch(scenario.origin, scenario.request)
    event = fetch.start()
    for _ in range(answered):
        assert isinstance(event, SendRequest)
        event = fetch.receive(scenario.answer(event.request))
    partial = fetch.halt() if isinstance(event, SendRequest) else None
    error = NetworkError("refused", "connection to http://api.test/ refused: is the server running?", "x")
    return CheckReport(scenario.origin, scenario.request, partial, False, error)


def copyable(line: str, result: Result, code: set[str]) -> bool:
    """Lines that are never wrapped, so that copying them gives them back whole."""
    g = UNICODE if "→" in line or "←" in line else ASCII
    return (
        line in (printable(m) for m in (result.message or "").split("\n"))
        or line in code
        or line.startswith((g.sent, g.received, "    ", "Scenario: ", "connection to "))
    )


def check_lines(text: str, result: Result, code: set[str]) -> None:
    for line in text.split("\n"):
        assert line.isprintable(), line
        assert cell_len(line) <= 80 or copyable(line, result, code), line


def render_everything(out: Output, name: str, scenario: Scenario, stack: Stack, *, variants: bool) -> set[str]:
    """Render the scenario's result and fix (and its held-back and network-cut variants); the code it printed."""
    result = play(scenario)
    render_result(out, result, title=f"Scenario: {name}")
    fix = suggest(result, normalize_origin(scenario.origin).serialize(), scenario.request)
    code: set[str] = set()
    if fix is not None:
        render_fix(out, fix, stack=stack, snippet=True)
        code.update(fix.snippet(stack).split("\n"))
    if variants:
        partial = held_back(scenario)
        if partial is not None:
            render_result(out, partial)
        render_report(out, cut_by_network(scenario), None)
    return code


@pytest.mark.parametrize("encoding", ["utf-8", "ascii"])
def test_every_corpus_result_renders_in_80_columns(encoding: str) -> None:
    verdicts = {"ALLOWED": 0, "BLOCKED": 0}
    if encoding == "utf-8":
        verdicts.update({"PREFLIGHT PASSED": 0, "NOT SENT": 0, "NETWORK ERROR": 0})
    for number, (name, scenario) in enumerate(SCENARIOS):
        out, raw = output(encoding)
        code = render_everything(out, name, scenario, STACKS[number % len(STACKS)], variants=encoding == "utf-8")
        text = raw.getvalue().decode(encoding)
        check_lines(text, play(scenario), code)
        for verdict in verdicts:
            verdicts[verdict] += text.count(f" {verdict}")
        g = UNICODE if encoding == "utf-8" else ASCII
        assert (f"{g.ok} ALLOWED" in text) or (f"{g.bad} BLOCKED" in text), name
    # Every kind of verdict occurred: the corpus covers them all.
    assert all(verdicts.values()), verdicts


def test_opaque_and_redirected_results_say_what_script_sees() -> None:
    kinds: set[str] = set()
    for name, scenario in SCENARIOS:
        result = play(scenario)
        if result.response is None:
            continue
        out, raw = output("utf-8")
        render_result(out, result)
        text = raw.getvalue().decode()
        kinds.add(result.response.type)
        assert f"response type {result.response.type}, status {result.response.status}" in text, name
        if result.response.type in ("opaque", "opaqueredirect"):
            assert "script sees an opaque response" in text
    assert kinds == {"basic", "cors", "opaque", "opaqueredirect"}


def test_held_back_request_says_it_was_not_checked() -> None:
    seen = set()
    for _name, scenario in SCENARIOS:
        partial = held_back(scenario)
        if partial is None:
            continue
        out, raw = output("utf-8")
        render_result(out, partial)
        text = raw.getvalue().decode()
        if partial.preflighted:
            assert "✓ PREFLIGHT PASSED  the request itself was not sent: its response is unchecked" in text
        else:
            assert "· NOT SENT  the request was not sent: its response is unchecked" in text
        assert "ALLOWED" not in text
        seen.add(partial.preflighted)
    assert seen == {True, False}


# --- arbitrary scenarios: whatever parses renders, printable, in any encoding ----------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from corskit.tools.scenario import ScenarioError, play_all  # noqa: E402

_TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=12) | st.sampled_from(
    ["http://app.test", "http://api.test/r", "GET", "PUT", "*", "Access-Control-Allow-Origin", "\x1b[2J", "\u202e"]
)
_NAMES = st.sampled_from(
    [f"Access-Control-{n}" for n in ("Allow-Origin", "Allow-Methods", "Allow-Headers", "Allow-Credentials")]
    + ["Access-Control-Expose-Headers", "Access-Control-Max-Age", "Location", "Vary", "X-A"]
)
_VALUES = st.sampled_from(["http://app.test", "*", "true", "PUT", "x-a", "600", "http://api.test/r", "null"]) | _TEXT
_HEADERS = st.lists(st.tuples(_NAMES | _TEXT, _VALUES).map(list), max_size=4)
_REQUEST = st.fixed_dictionaries(
    {"url": st.sampled_from(["http://api.test/r", "http://app.test/r", "data:,x"])},
    optional={"method": _TEXT, "headers": _HEADERS, "credentials": st.sampled_from(["omit", "include"])},
)
_ENTRY = st.fixed_dictionaries(
    {"url": st.sampled_from(["http://api.test/r", "http://app.test/r"])},
    optional={
        "method": st.sampled_from(["*", "OPTIONS", "GET", "PUT"]),
        "status": st.integers(200, 599),
        "headers": _HEADERS,
    },
)
_FALLBACK = [{"url": "http://api.test/r"}, {"url": "http://app.test/r"}]  # so that most requests get an answer
_SCENARIO = st.builds(
    lambda origin, fetch, entries, name: {"origin": origin, **fetch, "server": [*entries, *_FALLBACK], "name": name},
    st.one_of(st.sampled_from(["http://app.test", "https://app.test", "null"]), st.just("http://app.test"), _TEXT),
    st.builds(lambda r: {"request": r}, _REQUEST)
    | st.builds(lambda rs: {"requests": rs}, st.lists(_REQUEST, min_size=1, max_size=3)),
    st.lists(_ENTRY, max_size=4),
    _TEXT,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_SCENARIO, st.sampled_from(["utf-8", "ascii"]))
def test_any_scenario_that_parses_renders_printably(data: dict[str, object], encoding: str) -> None:
    try:
        scenario = parse_scenario(data)
        results = play_all(scenario)
    except ScenarioError:
        return
    out, raw = output(encoding)
    for result in results:
        render_result(out, result, title=f"Scenario: {data.get('name', '')}")
        fix = suggest(result, normalize_origin(scenario.origin).serialize(), scenario.request)
        if fix is not None:
            render_fix(out, fix, snippet=True)
    text = raw.getvalue().decode(encoding)
    assert all(line.isprintable() for line in text.split("\n"))


@pytest.mark.parametrize("browser", ["firefox", "webkit"])
def test_every_browser_speaks_in_its_own_name(browser: str) -> None:
    title = {"firefox": "Firefox", "webkit": "Safari (WebKit)"}[browser]
    silent = 0
    for name, scenario in SCENARIOS:
        result = play(scenario, browser)
        out, raw = output("utf-8")
        render_result(out, result, title=f"Scenario: {name}")
        text = raw.getvalue().decode()
        check_lines(text, result, set())
        assert "Chromium" not in text.replace(f"Scenario: {name}", ""), name
        if not result.allowed and result.message is None:
            silent += 1
            assert f"{title} prints no console message for this failure." in text, name
    assert silent  # the corpus has failures this browser reports without a console line


def test_a_network_error_before_any_answer_never_says_the_request_was_held_back() -> None:
    for name, scenario in SCENARIOS:
        report = cut_by_network(scenario)
        if report.result is None or report.result.exchanges:
            continue
        out, raw = output("utf-8")
        render_report(out, report, None)
        text = raw.getvalue().decode()
        assert "held back" not in text, name
        assert "nothing was sent" not in text, name
        assert "✗ NETWORK ERROR  refused" in text
