"""Property tests: the engine is total on arbitrary input, and what it puts on the wire is always well-formed."""

from __future__ import annotations

import contextlib
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corskit.browser import Request, Response, Result, WireRequest, run
from corskit.browser.fetch import MAX_REDIRECTS
from corskit.spec.headers import is_token
from corskit.spec.safelist import is_forbidden_request_header, is_no_cors_safelisted_request_header, normalize_method
from corskit.tools.scenario import ScenarioError, evaluate, parse_scenario

from ._util import API, APP, OTHER

# A fixed, modest profile: deterministic, no example database, no deadline (CI machines vary).
PROFILE = settings(
    max_examples=100,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

TOKEN_ALPHABET = "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
KNOWN_NAMES = [
    "Accept",
    "Accept-Language",
    "Content-Language",
    "Content-Type",
    "Range",
    "Authorization",
    "X-Custom",
    "x-custom",
    "Cookie",
    "Origin",
    "Sec-Fetch-Mode",
    "Proxy-X",
    "X-HTTP-Method-Override",
    "DPR",
    "Save-Data",
    "*",
]
RESPONSE_NAMES = [
    "Access-Control-Allow-Origin",
    "Access-Control-Allow-Credentials",
    "Access-Control-Allow-Methods",
    "Access-Control-Allow-Headers",
    "Access-Control-Expose-Headers",
    "Access-Control-Max-Age",
    "Location",
    "Set-Cookie",
    "Content-Type",
    "X-Custom",
]
URLS = [
    API + "/r",
    API + "/r?x=1#f",
    API + "/other",
    APP + "/r",
    OTHER + "/x",
    "https://api.test/r",
    "http://api.test:8080/r",
    "http://u:p@api.test/r",
    "http://[::1]/r",
    "data:text/plain,x",
    "about:blank",
    "/relative",
    "../up",
    "",
    "http://",
    "not a url",
]
VALUES = [APP, "*", "null", "true", "TRUE", "", " ", "PUT, DELETE", "x-custom, *", "a b", "60", "-1", "bytes=0-"]

names = st.one_of(st.sampled_from(KNOWN_NAMES), st.text(TOKEN_ALPHABET, min_size=1, max_size=12), st.text(max_size=8))
values = st.one_of(st.sampled_from(VALUES), st.text(max_size=30))
methods = st.one_of(
    st.sampled_from(["GET", "HEAD", "POST", "PUT", "patch", "DELETE", "OPTIONS", "TRACE"]), st.text(max_size=8)
)
urls = st.one_of(st.sampled_from(URLS), st.text(max_size=20))
header_lists = st.lists(st.tuples(names, values), max_size=6)
response_headers = st.lists(
    st.tuples(st.sampled_from(RESPONSE_NAMES), st.one_of(st.sampled_from(VALUES + URLS), st.text(max_size=20))),
    max_size=6,
)
statuses = st.one_of(st.sampled_from([200, 204, 301, 302, 303, 307, 308, 404, 500]), st.integers(0, 999))
requests = st.builds(
    Request,
    url=urls,
    method=methods,
    headers=header_lists,
    credentials=st.sampled_from(["omit", "same-origin", "include"]),
    mode=st.sampled_from(["cors", "no-cors", "same-origin"]),
    redirect=st.sampled_from(["follow", "error", "manual"]),
)

ENGINE_SET = {"origin", "access-control-request-method", "access-control-request-headers"}


def check_wire(wire: WireRequest, request: Request) -> None:
    """What the engine emits is always well-formed."""
    for name, value in wire.headers:
        assert is_token(name)
        assert not any(c in value for c in "\r\n\x00"), (name, value)
    origin = wire.header("Origin")
    assert origin in (None, APP, "null")
    author = [(n, v) for n, v in wire.headers if n.lower() not in ENGINE_SET]
    for name, value in author:
        assert not is_forbidden_request_header(name, value)
        if request.mode == "no-cors":
            assert is_no_cors_safelisted_request_header(name, value)
    if wire.kind == "preflight":
        assert wire.method == "OPTIONS"
        assert wire.credentials is False
        assert origin is not None
        acrm = wire.header("Access-Control-Request-Method")
        assert acrm is not None
        assert acrm == normalize_method(request.method)
        acrh = wire.header("Access-Control-Request-Headers")
        if acrh is not None:
            items = acrh.split(",")
            assert all(items)
            assert " " not in acrh
            assert items == sorted(set(items))
            assert all(item == item.lower() and is_token(item) for item in items)
            assert not any(is_forbidden_request_header(item) for item in items)


def check_result(result: Result) -> None:
    if result.allowed:
        assert result.error is None
        assert result.message is None
    else:
        assert result.error is not None
        assert result.message
        assert result.response is None
    # At most a preflight and a request per hop, and at most 20 redirects.
    assert len(result.exchanges) <= 2 * (MAX_REDIRECTS + 1)
    json.dumps(result.to_json())


@PROFILE
@given(request=requests, data=st.data())
def test_engine_never_raises_and_emits_well_formed_requests(request: Request, data: st.DataObject) -> None:
    def respond(wire: WireRequest) -> Response:
        check_wire(wire, request)
        return Response(data.draw(statuses), data.draw(response_headers))

    check_result(run(APP, request, respond))


@PROFILE
@given(request=requests, status=st.sampled_from([301, 302, 303, 307, 308]), loop_to=st.sampled_from(URLS[:6]))
def test_redirect_loops_end_within_the_limit(request: Request, status: int, loop_to: str) -> None:
    def respond(wire: WireRequest) -> Response:
        check_wire(wire, request)
        allow = [
            ("Access-Control-Allow-Origin", "*"),
            ("Access-Control-Allow-Methods", "*"),
            ("Access-Control-Allow-Headers", "*"),
        ]
        if wire.kind == "preflight":
            return Response(204, allow)
        return Response(status, [*allow, ("Location", loop_to)])

    result = run(APP, request, respond)
    check_result(result)
    assert not (result.allowed and result.response is not None and result.response.type != "opaqueredirect")


@PROFILE
@given(
    method=st.sampled_from(["GET", "POST", "PUT", "patch", "delete", "PURGE"]),
    headers=st.lists(
        st.tuples(
            st.one_of(st.sampled_from(KNOWN_NAMES), st.text(TOKEN_ALPHABET, min_size=1, max_size=10)),
            st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF), max_size=140),
        ),
        max_size=10,
    ),
)
def test_preflight_headers_are_well_formed(method: str, headers: list[tuple[str, str]]) -> None:
    request = Request(API + "/r", method, headers)
    sent: list[WireRequest] = []

    def respond(wire: WireRequest) -> Response:
        sent.append(wire)
        check_wire(wire, request)
        return Response(
            204,
            [
                ("Access-Control-Allow-Origin", APP),
                ("Access-Control-Allow-Methods", normalize_method(method)),
                ("Access-Control-Allow-Headers", "*"),
            ],
        )

    result = run(APP, request, respond)
    assert result.allowed, result.message  # the answer allows everything this request can carry
    preflights = [w for w in sent if w.kind == "preflight"]
    assert len(preflights) <= 1
    acrh = preflights[0].header("Access-Control-Request-Headers") if preflights else None
    if acrh:
        # Every name announced is a header the actual request really carries.
        assert set(acrh.split(",")) <= {n.lower() for n, _ in sent[-1].headers}


# --- scenarios: arbitrary JSON in, a result or a ScenarioError out -----------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**40), 2**40) | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


@PROFILE
@given(json_values)
def test_parse_scenario_raises_only_scenario_error(data: Any) -> None:
    with contextlib.suppress(ScenarioError):
        parse_scenario(data)


def server_entries() -> st.SearchStrategy[list[dict[str, Any]]]:
    entry = st.fixed_dictionaries(
        {"url": st.sampled_from(URLS[:9])},
        optional={
            "method": st.one_of(st.sampled_from(["*", "OPTIONS", "GET", "PUT"]), st.text(max_size=5)),
            "status": st.one_of(st.sampled_from([200, 204, 301, 302, 303, 307, 308, 404]), st.integers(150, 650)),
            "headers": st.lists(
                st.lists(st.one_of(st.sampled_from(RESPONSE_NAMES), st.text(max_size=6)), min_size=2, max_size=2).map(
                    lambda p: [p[0], p[1]]
                ),
                max_size=5,
            ),
        },
    )
    return st.lists(entry, max_size=5)


scenarios = st.fixed_dictionaries(
    {
        "origin": st.one_of(st.sampled_from([APP, "null", "http://APP.test:80", "app.test"]), st.text(max_size=10)),
        "request": st.fixed_dictionaries(
            {"url": urls},
            optional={
                "method": methods,
                "headers": st.lists(st.tuples(names, values).map(list), max_size=4),
                "credentials": st.sampled_from(["omit", "same-origin", "include", "bogus"]),
                "mode": st.sampled_from(["cors", "no-cors", "same-origin"]),
                "redirect": st.sampled_from(["follow", "error", "manual"]),
            },
        ),
        "server": server_entries(),
    }
)


@PROFILE
@given(scenarios)
def test_evaluate_returns_a_result_or_raises_scenario_error(data: dict[str, Any]) -> None:
    try:
        out = evaluate(data)
    except ScenarioError as error:
        message = str(error)
        assert ": " in message  # every usage error starts with the field it is about
        return
    assert list(out) == ["allowed", "error", "message", "sent", "response"]
    json.dumps(out)
