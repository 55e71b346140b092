"""The scenario schema behind `corskit explain`: parsing, exact field paths in errors, playing, evaluating."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from corskit.tools.scenario import ScenarioError, evaluate, parse_scenario, play

APP, URL = "http://app.test", "http://api.test/r"

BASE: dict[str, Any] = {
    "origin": APP,
    "request": {"url": URL, "method": "PUT", "headers": [["X-Foo", "1"]], "credentials": "same-origin", "mode": "cors"},
    "server": [
        {
            "method": "OPTIONS",
            "url": URL,
            "status": 204,
            "headers": [
                ["Access-Control-Allow-Origin", APP],
                ["Access-Control-Allow-Methods", "PUT"],
                ["Access-Control-Allow-Headers", "X-Foo"],
            ],
        },
        {"method": "*", "url": URL, "status": 200, "headers": [["Access-Control-Allow-Origin", APP]]},
    ],
}


def scenario(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    for path, value in changes.items():
        target = data
        keys = path.split("__")
        for key in keys[:-1]:
            target = target[int(key)] if isinstance(target, list) else target[key]
        last = keys[-1]
        if value is ...:
            del target[last]
        elif isinstance(target, list):
            target[int(last)] = value
        else:
            target[last] = value
    return data


def test_a_full_scenario_plays_and_evaluates_to_the_explain_schema() -> None:
    assert evaluate(BASE) == {
        "allowed": True,
        "error": None,
        "message": None,
        "sent": [
            {
                "method": "OPTIONS",
                "url": URL,
                "headers": [
                    ["Origin", APP],
                    ["Access-Control-Request-Method", "PUT"],
                    ["Access-Control-Request-Headers", "x-foo"],
                ],
            },
            {"method": "PUT", "url": URL, "headers": [["Origin", APP], ["X-Foo", "1"]]},
        ],
        "response": {"type": "cors", "status": 200, "headers": []},
    }


def test_a_blocked_scenario() -> None:
    data = scenario(server__0__headers=[["Access-Control-Allow-Origin", APP]])
    result = evaluate(data)
    assert result["allowed"] is False
    assert result["error"] == "method_disallowed_by_preflight_response"
    assert result["message"] == (
        f"Access to fetch at '{URL}' from origin '{APP}' has been blocked by CORS policy: Method PUT is not allowed "
        "by Access-Control-Allow-Methods in preflight response."
    )
    assert result["response"] is None
    assert [s["method"] for s in result["sent"]] == ["OPTIONS"]


def test_defaults() -> None:
    parsed = parse_scenario({"origin": APP, "request": {"url": URL}})
    req = parsed.request
    assert (req.method, req.headers, req.credentials, req.mode, req.redirect) == (
        "GET",
        (),
        "same-origin",
        "cors",
        "follow",
    )
    assert parsed.server == ()


def test_duplicate_header_names_survive_parsing() -> None:
    parsed = parse_scenario(scenario(server__1__headers=[["A", "1"], ["A", "2"]]))
    assert parsed.server[1].headers == (("A", "1"), ("A", "2"))


def test_annotation_keys_are_ignored() -> None:
    data = scenario(name="n", category="c", note="x", description="d", tags=["a"], expect={"allowed": True}, id=7)
    assert evaluate(data)["allowed"] is True


def test_first_matching_entry_answers_and_star_matches_any_method() -> None:
    data = {
        "origin": APP,
        "request": {"url": URL},
        "server": [
            {"method": "POST", "url": URL, "status": 500},
            {"url": URL, "status": 200, "headers": [["Access-Control-Allow-Origin", "*"]]},
            {"method": "GET", "url": URL, "status": 404},
        ],
    }
    assert evaluate(data)["response"]["status"] == 200


def test_entry_urls_match_canonically() -> None:
    data = {
        "origin": APP,
        "request": {"url": URL + "#frag"},
        "server": [{"method": "GET", "url": "HTTP://API.test:80/r", "headers": [["Access-Control-Allow-Origin", "*"]]}],
    }
    assert evaluate(data)["allowed"] is True


def test_a_3xx_entry_with_location_redirects() -> None:
    data = {
        "origin": APP,
        "request": {"url": URL},
        "server": [
            {"url": URL, "status": 302, "headers": [["Location", "/next"], ["Access-Control-Allow-Origin", "*"]]},
            {"url": "http://api.test/next", "status": 200, "headers": [["Access-Control-Allow-Origin", "*"]]},
        ],
    }
    result = evaluate(data)
    assert result["allowed"] is True
    assert [s["url"] for s in result["sent"]] == [URL, "http://api.test/next"]


def test_a_request_rejected_before_the_network_is_a_result_not_a_usage_error() -> None:
    result = evaluate(scenario(request__method="TRACE"))
    assert (result["allowed"], result["error"], result["sent"]) == (False, "forbidden_method", [])
    assert result["message"]


def test_no_matching_entry_names_the_request() -> None:
    with pytest.raises(ScenarioError, match=r"^server: no entry answers OPTIONS http://api\.test/r \(the preflight\)"):
        evaluate(scenario(server=[]))
    with pytest.raises(ScenarioError, match=r"no entry answers PUT http://api\.test/r \(the request\)"):
        evaluate(scenario(server=[BASE["server"][0]]))


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ([], "scenario"),
        ("x", "scenario"),
        (scenario(bogus=1), "scenario.bogus"),
        (scenario(origin=...), "origin"),
        (scenario(origin=5), "origin"),
        (scenario(origin="http://app.test/"), "origin"),
        (scenario(origin="app.test"), "origin"),
        (scenario(request=...), "request"),
        (scenario(request="http://api.test/r"), "request"),
        (scenario(request__url=...), "request.url"),
        (scenario(request__url=5), "request.url"),
        (scenario(request__method=None), "request.method"),
        (scenario(request__headers={"X-Foo": "1"}), "request.headers"),
        (scenario(request__headers=[["X-Foo", "1"], ["X-Bar"]]), "request.headers[1]"),
        (scenario(request__headers=[["X-Foo", 1]]), "request.headers[0]"),
        (scenario(request__credentials="Include"), "request.credentials"),
        (scenario(request__mode="Navigate"), "request.mode"),
        (scenario(request__redirect="stop"), "request.redirect"),
        (scenario(request__body="x"), "request.body"),
        (scenario(server={}), "server"),
        (scenario(server=["x"]), "server[0]"),
        (scenario(server__1__method=""), "server[1].method"),
        (scenario(server__1__method=3), "server[1].method"),
        (scenario(server__0__url=...), "server[0].url"),
        (scenario(server__0__url="/r"), "server[0].url"),
        (scenario(server__1__status="200"), "server[1].status"),
        (scenario(server__1__status=True), "server[1].status"),
        (scenario(server__1__status=199), "server[1].status"),
        (scenario(server__1__status=600), "server[1].status"),
        (scenario(server__1__status=200.0), "server[1].status"),
        (scenario(server__1__headers=[["Bad Name", "x"]]), "server[1].headers[0][0]"),
        (scenario(server__1__headers=[["X:Y", "x"]]), "server[1].headers[0][0]"),
        (scenario(server__1__headers=[["", "x"]]), "server[1].headers[0][0]"),
        (scenario(server__1__headers=[["X", "a\r\nSet-Cookie: b"]]), "server[1].headers[0][1]"),
        (scenario(server__1__headers=[["X", "nul\u0000"]]), "server[1].headers[0][1]"),
        (scenario(server__1__headers="x"), "server[1].headers"),
        (scenario(server__1__delay=1), "server[1].delay"),
    ],
)
def test_usage_errors_name_the_exact_field(data: Any, field: str) -> None:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(data)
    assert str(info.value).startswith(field + ": ")


def test_choice_errors_list_the_options() -> None:
    with pytest.raises(ScenarioError, match="must be one of omit, same-origin, include"):
        parse_scenario(scenario(request__credentials="all"))


def test_bundled_example_is_valid() -> None:
    example = Path(__file__).parents[2] / "examples" / "scenarios" / "put-missing-header.json"
    result = play(parse_scenario(json.loads(example.read_text(encoding="utf-8"))))
    assert result.error is not None
    assert result.error.value == "header_disallowed_by_preflight_response"


# --- several fetches sharing a preflight cache ("requests") ------------------------------------------------------

CACHED: dict[str, Any] = {
    "origin": APP,
    "requests": [
        {"url": URL, "method": "PUT"},
        {"url": URL, "method": "PUT", "after": 5},
        {"url": URL, "method": "PUT", "after": 10},
        {"url": URL, "method": "PUT", "headers": [["X-New", "1"]]},
    ],
    "server": [
        {
            "method": "OPTIONS",
            "url": URL,
            "status": 204,
            "headers": [
                ["Access-Control-Allow-Origin", APP],
                ["Access-Control-Allow-Methods", "PUT"],
                ["Access-Control-Max-Age", "10"],
            ],
        },
        {"method": "PUT", "url": URL, "headers": [["Access-Control-Allow-Origin", APP]]},
    ],
}


def test_requests_share_one_preflight_cache_whose_clock_follows_after() -> None:
    from corskit.tools.scenario import play_all

    results = play_all(parse_scenario(CACHED))
    assert [[w.method for w in r.sent] for r in results] == [
        ["OPTIONS", "PUT"],  # first: a preflight, cached for 10 s
        ["PUT"],  # 5 s later: the cache covers it
        ["OPTIONS", "PUT"],  # 15 s: expired, preflighted again
        ["OPTIONS"],  # a header the cached answer does not cover: preflighted, and refused
    ]
    assert results[1].preflight_cache_hits == (0,)
    assert [r.allowed for r in results] == [True, True, True, False]


def test_requests_json_schema() -> None:
    data = evaluate(CACHED)
    assert list(data) == ["allowed", "results"]
    assert data["allowed"] is False  # not every fetch was allowed
    assert len(data["results"]) == 4
    assert data["results"][3]["error"] == "header_disallowed_by_preflight_response"
    single = evaluate({**CACHED, "requests": CACHED["requests"][:1]})
    assert single["allowed"] is True
    assert list(single) == ["allowed", "results"]


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"request": {"url": URL}}, 'request: cannot be given with "requests"'),
        ({"requests": []}, "requests: must be a list of 1 to 100"),
        ({"requests": [{"url": URL}] * 101}, "requests: must be a list of 1 to 100"),
        ({"requests": {"url": URL}}, "requests: must be a list"),
        ({"requests": [{"url": URL}, {"url": URL, "after": -1}]}, "requests[1].after: must be a number of seconds"),
        ({"requests": [{"url": URL, "after": True}]}, "requests[0].after: must be a number"),
        ({"requests": [{"url": URL, "method": 3}]}, "requests[0].method: must be a string"),
        ({"requests": [{"url": URL, "mode": "x"}]}, "requests[0].mode: must be one of"),
        ({"requests": [5]}, "requests[0]: must be an object"),
        ({"requests": [{"url": URL, "wait": 1}]}, "requests[0].wait: is not a scenario field"),
    ],
)
def test_bad_requests_name_the_field(change: dict[str, Any], words: str) -> None:
    with pytest.raises(ScenarioError) as error:
        parse_scenario({**CACHED, **change})
    assert str(error.value).startswith(words)


def test_after_without_requests_is_refused() -> None:
    with pytest.raises(ScenarioError, match=r"request\.after: is not a scenario field"):
        parse_scenario({"origin": APP, "request": {"url": URL, "after": 1}, "server": []})
