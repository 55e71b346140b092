"""The model: which arrows and notes a fetch becomes, what each says, and what is drawn in red."""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest

from corskit.browser import PreflightCache, Request, Response, run
from corskit.tools.diagrams import Arrow, Diagram, Note, sequence
from corskit.tools.diagrams.sequence import BROWSER, MAX_HEADERS, PAGE

from ._cases import API, APP, EXAMPLE, diagram_of, preflighted

ACAO = ("Access-Control-Allow-Origin", APP)


def arrows(diagram: Diagram) -> list[Arrow]:
    return [s for s in diagram.steps if isinstance(s, Arrow)]


def notes(diagram: Diagram) -> list[Note]:
    return [s for s in diagram.steps if isinstance(s, Note)]


def texts(step: Arrow | Note) -> list[str]:
    lines = (step.title, *step.lines) if isinstance(step, Arrow) else step.lines
    return [line.text for line in lines]


def red(diagram: Diagram) -> list[str]:
    out = []
    for step in diagram.steps:
        lines = (step.title, *step.lines) if isinstance(step, Arrow) else step.lines
        out += [line.text for line in lines if line.tone == "bad"]
    return out


def test_the_example_draws_call_preflight_answer_verdict_and_fix() -> None:
    diagram = diagram_of(json.loads(EXAMPLE.read_text()))
    assert [p.name for p in diagram.parties] == ["Page", "Browser", "Server"]
    assert [p.detail for p in diagram.parties] == ["http://app.test", "Chromium", "http://api.test"]
    call, preflight, answer, rejected = arrows(diagram)
    assert (call.source, call.target) == (PAGE, BROWSER)
    assert call.title.text == "fetch(http://api.test/items/1)"
    assert 'method: "PUT"' in texts(call)
    assert texts(preflight)[0] == "OPTIONS /items/1  (preflight)"
    assert "Access-Control-Request-Headers: content-type,x-request-id" in texts(preflight)
    assert answer.reply
    assert answer.tone == "bad"
    assert red(diagram)[:2] == [
        "Access-Control-Allow-Headers: Content-Type",
        "✗ blocked: header_disallowed_by_preflight_response",
    ]
    assert rejected.title.text == "✗ TypeError: Failed to fetch"
    assert rejected.target == PAGE
    verdict, fix = notes(diagram)
    assert "x-request-id is not allowed by" in " ".join(texts(verdict))
    assert texts(fix)[0].startswith("Fix (server side): The request header 'x-request-id'")
    assert (fix.first, fix.last) == (PAGE, 2)
    assert diagram.failed


@pytest.mark.parametrize(
    ("data", "culprit"),
    [
        (preflighted(("Access-Control-Allow-Methods", "PUT")), "Access-Control-Allow-Origin: (missing)"),
        (preflighted(("Access-Control-Allow-Origin", "http://x.test")), "Access-Control-Allow-Origin: http://x.test"),
        (preflighted(ACAO), "Access-Control-Allow-Methods: (missing)"),
        (
            preflighted(ACAO, ("Access-Control-Allow-Methods", "PUT"), actual=()),
            "Access-Control-Allow-Origin: (missing)",
        ),
        (
            preflighted(
                ACAO,
                ("Access-Control-Allow-Methods", "PUT"),
                ("Access-Control-Allow-Credentials", "True"),
                credentials="include",
            ),
            "Access-Control-Allow-Credentials: True",
        ),
        (
            preflighted(
                ("Access-Control-Allow-Origin", "*"), ("Access-Control-Allow-Methods", "PUT"), credentials="include"
            ),
            "Access-Control-Allow-Origin: *",
        ),
    ],
)
def test_the_header_the_check_failed_on_is_red(data: dict[str, Any], culprit: str) -> None:
    diagram = diagram_of(data)
    assert red(diagram)[0] == culprit
    failing = [a for a in arrows(diagram) if a.reply and a.tone == "bad" and a.target == BROWSER]
    assert len(failing) == 1
    assert culprit in texts(failing[0])


@pytest.mark.parametrize(("redirect", "location"), [("error", "/b"), ("follow", "ftp://x.test/")])
def test_a_refused_redirect_has_its_location_in_red(redirect: str, location: str) -> None:
    data = {
        "origin": APP,
        "request": {"url": API, "redirect": redirect},
        "server": [
            {"url": API, "status": 302, "headers": [["Access-Control-Allow-Origin", "*"], ["Location", location]]}
        ],
    }
    assert red(diagram_of(data))[0] == f"Location: {location}"


def test_a_preflight_with_a_bad_status_has_its_status_in_red() -> None:
    data = preflighted(ACAO)
    data["server"][0]["status"] = 401
    assert red(diagram_of(data))[0] == "401"


def test_allowed_fetch_ends_with_a_green_response_and_what_script_reads() -> None:
    data = preflighted(
        ACAO,
        ("Access-Control-Allow-Methods", "PUT"),
        actual=(ACAO, ("Access-Control-Expose-Headers", "X-Total"), ("X-Total", "3")),
    )
    diagram = diagram_of(data)
    last = arrows(diagram)[-1]
    assert last.tone == "good"
    assert last.title.text == "✓ Response: 200, type cors"
    assert texts(last)[1] == "script can read: x-total"
    assert not red(diagram)
    assert diagram.allowed
    assert "(+1 other header)" in texts(arrows(diagram)[-2])


def test_failure_before_the_network_is_red_on_the_fetch_call_and_has_no_server() -> None:
    data = preflighted(headers=(("X-A", "bad\x00value"),))
    diagram = diagram_of(data)
    assert [p.name for p in diagram.parties] == ["Page", "Browser"]
    call = arrows(diagram)[0]
    assert call.title.tone == "bad"
    assert arrows(diagram)[-1].title.text == "✗ TypeError: Failed to execute 'fetch' on 'Window': Invalid value"


def test_send_twice_shows_the_preflight_cache_hit() -> None:
    request = Request(API, "PUT")
    answers = {
        "OPTIONS": Response(204, [ACAO, ("Access-Control-Allow-Methods", "PUT"), ("Access-Control-Max-Age", "60")]),
        "PUT": Response(200, [ACAO]),
    }
    cache = PreflightCache()
    results = [run(APP, request, lambda w: answers[w.method], cache=cache) for _ in range(2)]
    diagram = sequence(APP, request, results)
    titles = [texts(s)[0] for s in diagram.steps]
    assert titles == [
        "fetch(http://api.test/r)  #1",
        "OPTIONS /r  (preflight)",
        "204",
        "PUT /r  (request)",
        "200",
        "✓ Response: 200, type cors",
        "fetch(http://api.test/r)  #2",
        "preflight cache hit:",
        "PUT /r  (request)",
        "200",
        "✓ Response: 200, type cors",
    ]


def test_a_redirect_to_another_origin_adds_a_lifeline() -> None:
    other = "http://cdn.test/b"
    answers = {
        API: Response(302, [ACAO, ("Location", other)]),
        other: Response(200, [("Access-Control-Allow-Origin", "*")]),
    }
    request = Request(API)
    diagram = sequence(APP, request, run(APP, request, lambda w: answers[w.url]))
    assert [p.detail for p in diagram.parties] == ["http://app.test", "Chromium", "http://api.test", "http://cdn.test"]
    hops = [a for a in arrows(diagram) if a.source == BROWSER and a.target > BROWSER]
    assert [(a.target, a.title.text) for a in hops] == [(2, "GET /r  (request)"), (3, "GET /b  (request)")]
    assert texts(arrows(diagram)[2])[0] == "302  redirect"
    assert f"Location: {other}" in texts(arrows(diagram)[2])
    # Leaving a cross-origin server for another taints the request: the diagram shows the Origin it really sent.
    assert "Origin: null" in texts(hops[1])


def test_many_servers_share_the_last_lifeline() -> None:
    hops = [f"http://h{i}.test/" for i in range(6)]
    answers = {
        url: Response(307, [("Access-Control-Allow-Origin", "*"), ("Location", nxt)])
        for url, nxt in itertools.pairwise(hops)
    }
    answers[hops[-1]] = Response(200, [("Access-Control-Allow-Origin", "*")])
    request = Request(hops[0])
    diagram = sequence(APP, request, run(APP, request, lambda w: answers[w.url]))
    assert [p.detail for p in diagram.parties[2:]] == ["http://h0.test", "http://h1.test", "other servers"]
    assert max(a.target for a in arrows(diagram)) == 4
    assert "GET http://h5.test/  (request)" in [a.title.text for a in arrows(diagram)]


def test_header_lists_are_capped_and_counted() -> None:
    data = preflighted(
        ACAO, ("Access-Control-Allow-Methods", "PUT"), *((f"Access-Control-X{i}", "v") for i in range(30))
    )
    answer = arrows(diagram_of(data))[2]
    assert len(answer.lines) == MAX_HEADERS + 1
    assert answer.lines[-1].text == f"… {32 - MAX_HEADERS} more headers"


def test_dropped_headers_are_shown_dim_on_the_call() -> None:
    data = preflighted(ACAO, ("Access-Control-Allow-Methods", "PUT"), headers=(("Cookie", "a=1"),))
    call = arrows(diagram_of(data))[0]
    assert [(line.text, line.tone) for line in call.lines][1] == ("Cookie: a=1  (dropped by fetch())", "dim")


def test_warnings_become_notes() -> None:
    data = preflighted(
        ACAO,
        ("Access-Control-Allow-Methods", "PUT"),
        ("Access-Control-Allow-Headers", "*"),
        headers=(("Authorization", "t"),),
    )
    warn = [n for n in notes(diagram_of(data)) if n.tone == "warn"]
    assert len(warn) == 1
    assert "Authorization" in " ".join(texts(warn[0]))


def test_needs_a_result() -> None:
    with pytest.raises(ValueError, match="at least one"):
        sequence(APP, Request(API), [])


@pytest.mark.parametrize(
    ("browser", "engine", "rejection"),
    [
        ("chromium", "Chromium", "Failed to fetch"),
        ("firefox", "Firefox", "NetworkError when attempting to fetch resource."),
        ("webkit", "Safari (WebKit)", "Load failed"),
    ],
)
def test_the_browser_lifeline_and_the_rejection_are_the_browsers_own(browser: str, engine: str, rejection: str) -> None:
    request = Request(API, "PUT")
    blocked = run(APP, request, lambda wire: Response(204, ()), browser=browser)
    diagram = sequence(APP, request, blocked)
    assert diagram.parties[BROWSER].detail == engine
    assert arrows(diagram)[-1].title.text == f"✗ TypeError: {rejection}"
    thrown = run(APP, Request(API, headers=[("X A", "1")]), lambda wire: Response(200, ()), browser=browser)
    assert thrown.message is not None
    assert arrows(sequence(APP, Request(API), thrown))[-1].title.text == f"✗ TypeError: {thrown.message}"
