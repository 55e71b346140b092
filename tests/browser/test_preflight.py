"""Preflights (browser-rules §5, §6, §8, §9): when, what goes on the wire, and how the answer is judged."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from corskit.browser.checks import Failure
from corskit.browser.preflight import (
    MAX_AGE_CAP,
    MAX_AGE_DEFAULT,
    PreflightResult,
    check_preflight_response,
    needs_preflight,
    parse_max_age,
    preflight_request,
)
from corskit.browser.wire import Response
from corskit.spec.errors import ErrorCode
from corskit.spec.headers import TOKEN_CHARS

from ._util import API, APP

DATA = Path(__file__).parent / "data"
STAR = json.loads((DATA / "preflight_star.json").read_text(encoding="utf-8"))["cases"]
STATUS = json.loads((DATA / "preflight_status.json").read_text(encoding="utf-8"))
URL = API + "/r"

# --- when (§5) --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "headers", "needed"),
    [
        ("GET", [], False),
        ("HEAD", [], False),
        ("POST", [], False),
        ("POST", [("Content-Type", "text/plain")], False),
        ("POST", [("Content-Type", "application/json")], True),
        ("GET", [("Accept", "application/json"), ("Accept-Language", "en-US,en;q=0.9")], False),
        ("GET", [("Range", "bytes=0-99")], False),
        ("GET", [("Range", "bytes=-99")], True),
        ("GET", [("X-Requested-With", "XMLHttpRequest")], True),
        ("GET", [("Authorization", "Bearer t")], True),
        ("GET", [("Cookie", "a=b")], False),  # forbidden: never counts
        ("PUT", [], True),
        ("DELETE", [], True),
        ("OPTIONS", [], True),
        ("patch", [], True),
        ("PATCH", [], True),
    ],
)
def test_when_a_preflight_is_needed(method: str, headers: list[tuple[str, str]], needed: bool) -> None:
    assert needs_preflight(method, headers) is needed


def test_safelisted_values_over_1024_bytes_in_total_need_a_preflight() -> None:
    # Eight distinct safelisted headers of 128 bytes each: exactly 1024.
    at_limit = [
        ("Accept", "a" * 128),
        ("Accept-Language", "b" * 128),
        ("Content-Language", "c" * 128),
        ("Content-Type", "text/plain;x=" + "d" * 115),
        ("Range", "bytes=" + "0" * 121 + "-"),
        ("DPR", "1" * 128),
        ("Width", "2" * 128),
        ("Viewport-Width", "3" * 128),
    ]
    assert sum(len(v) for _, v in at_limit) == 1024
    assert not needs_preflight("GET", at_limit)
    assert needs_preflight("GET", [*at_limit, ("Device-Memory", "8")])


# --- the preflight request (§6) ---------------------------------------------------------------------------------


def test_preflight_request_shape() -> None:
    wire = preflight_request(URL, APP, "PUT", [("X-B", "1"), ("x-a", "2"), ("Content-Type", "application/json")])
    assert wire.method == "OPTIONS"
    assert wire.url == URL
    assert wire.kind == "preflight"
    assert wire.credentials is False
    assert wire.headers == (
        ("Origin", APP),
        ("Access-Control-Request-Method", "PUT"),
        ("Access-Control-Request-Headers", "content-type,x-a,x-b"),
    )


def test_request_headers_header_is_absent_when_only_the_method_needs_it() -> None:
    wire = preflight_request(URL, APP, "DELETE", [("Accept", "text/html"), ("Content-Type", "text/plain")])
    assert wire.header("Access-Control-Request-Headers") is None


def test_request_method_is_sent_as_normalised_not_uppercased() -> None:
    assert preflight_request(URL, APP, "patch", []).header("Access-Control-Request-Method") == "patch"


def test_request_headers_lowercased_deduplicated_sorted_without_forbidden_or_safelisted() -> None:
    headers = [
        ("X-Zeta", "1"),
        ("X-Alpha", "1"),
        ("x-alpha", "2"),
        ("Authorization", "t"),
        ("Cookie", "c"),
        ("Sec-Custom", "s"),
        ("Accept", "x"),
        ("Content-Type", "text/plain"),
        ("Range", "bytes=-5"),
    ]
    wire = preflight_request(URL, APP, "GET", headers)
    assert wire.header("Access-Control-Request-Headers") == "authorization,range,x-alpha,x-zeta"


def test_request_headers_include_safelisted_names_when_over_1024_bytes() -> None:
    headers = [("Accept", "a" * 128)] * 8 + [("Content-Language", "en")]
    wire = preflight_request(URL, "null", "GET", headers)
    assert wire.header("Origin") == "null"
    assert wire.header("Access-Control-Request-Headers") == "accept,content-language"


# --- Access-Control-Max-Age (§9) --------------------------------------------------------------------------------

# Chromium's ParseAccessControlMaxAge (preflight_result.cc): base::StringToInt64, default 5 s when that fails,
# 0 (not cached) when negative, at most 7200 s.


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        (None, 5),
        ("", 5),
        ("abc", 5),
        ("5.5", 5),
        ("1e3", 5),
        ("0x10", 5),
        ("5 5", 5),
        ("10, 20", 5),
        ("٣", 5),
        ("+", 5),
        ("-", 5),
        ("0", 0),
        ("-0", 0),
        ("-1", 0),
        ("-7200", 0),
        ("-9223372036854775808", 0),
        ("1", 1),
        ("05", 5),
        ("+5", 5),
        ("600", 600),
        ("7199", 7199),
        ("7200", 7200),
        ("7201", 7200),
        ("86400", 7200),
        ("9223372036854775807", 7200),
        ("9223372036854775808", 5),
        ("99999999999999999999999", 5),
        ("-9223372036854775809", 5),  # Chromium: base::StringToInt64 fails on underflow → default
        ("+-5", 5),  # Chromium: a sign after '+' does not parse → default
    ],
)
def test_max_age_parsing(value: str | None, seconds: int) -> None:
    assert (MAX_AGE_DEFAULT, MAX_AGE_CAP) == (5, 7200)
    assert parse_max_age(value) == seconds


def test_max_age_header_is_read_trimmed_from_the_preflight_response() -> None:
    verdict = check_preflight_response(
        Response(204, [("Access-Control-Allow-Origin", APP), ("Access-Control-Max-Age", " 60 ")]),
        APP,
        include_credentials=False,
    )
    assert isinstance(verdict, PreflightResult)
    assert verdict.max_age == 60


# --- judging the answer: order of checks (§8) -------------------------------------------------------------------


def judge(status: int, headers: list[tuple[str, str]], *, credentials: bool = False) -> PreflightResult | Failure:
    return check_preflight_response(Response(status, headers), APP, include_credentials=credentials)


def code_of(verdict: PreflightResult | Failure) -> str:
    return verdict.code.value if isinstance(verdict, Failure) else "pass"


@pytest.mark.parametrize("status", STATUS["ok"])
def test_ok_statuses(status: int) -> None:
    assert code_of(judge(status, [("Access-Control-Allow-Origin", APP)])) == "pass"


@pytest.mark.parametrize("status", STATUS["not_ok"])
def test_other_statuses_fail_after_a_passing_cors_check(status: int) -> None:
    assert code_of(judge(status, [("Access-Control-Allow-Origin", APP)])) == "preflight_invalid_status"


@pytest.mark.parametrize("status", STATUS["not_ok"])
def test_cors_check_is_reported_before_a_bad_status(status: int) -> None:
    assert code_of(judge(status, [])) == "preflight_missing_allow_origin_header"
    assert code_of(judge(status, [("Access-Control-Allow-Origin", "http://x.test")])) == (
        "preflight_allow_origin_mismatch"
    )


@pytest.mark.parametrize("status", STATUS["redirects"])
def test_a_redirect_answering_a_preflight_is_refused_once_the_cors_check_passed(status: int) -> None:
    # docs/chromium-findings.md §1, §3: the CORS check comes first, then the redirect, then status and lists.
    location = ("Location", API + "/elsewhere")
    assert code_of(judge(status, [location])) == "preflight_missing_allow_origin_header"
    assert code_of(judge(status, [location, ("Access-Control-Allow-Origin", "http://x.test")])) == (
        "preflight_allow_origin_mismatch"
    )
    ok = [("Access-Control-Allow-Origin", APP), location]
    assert code_of(judge(status, ok)) == "preflight_disallowed_redirect"
    assert code_of(judge(status, [*ok, ("Access-Control-Allow-Methods", "bad method")])) == (
        "preflight_disallowed_redirect"
    )


def test_bad_status_is_reported_before_unparsable_allow_lists() -> None:
    headers = [("Access-Control-Allow-Origin", APP), ("Access-Control-Allow-Methods", "bad method")]
    assert code_of(judge(500, headers)) == "preflight_invalid_status"


def test_allow_methods_is_parsed_before_allow_headers() -> None:
    base = [("Access-Control-Allow-Origin", APP)]
    both_bad = [*base, ("Access-Control-Allow-Methods", "Bad method name"), ("Access-Control-Allow-Headers", "a b")]
    assert code_of(judge(200, both_bad)) == "invalid_allow_methods_preflight_response"
    headers_bad = [
        *base,
        ("Access-Control-Allow-Methods", "PUT"),
        ("Access-Control-Allow-Headers", "header name with space"),
    ]
    assert code_of(judge(200, headers_bad)) == "invalid_allow_headers_preflight_response"


@pytest.mark.parametrize("bad", ["a b", "a;b", '"PUT"', "PUT/x", "é", "(x)"])
def test_any_non_token_item_fails_the_list(bad: str) -> None:
    headers = [("Access-Control-Allow-Origin", APP), ("Access-Control-Allow-Methods", f"GET, {bad}")]
    assert code_of(judge(200, headers)) == "invalid_allow_methods_preflight_response"


@pytest.mark.parametrize("lists", ["", ",", " , ,", "GET,,PUT", "GET , PUT ,"])
def test_empty_items_are_not_parse_failures(lists: str) -> None:
    headers = [("Access-Control-Allow-Origin", APP), ("Access-Control-Allow-Methods", lists)]
    headers.append(("Access-Control-Allow-Headers", lists.replace("GET", "x-a").replace("PUT", "x-b")))
    assert code_of(judge(200, headers)) == "pass"


def test_every_token_character_is_accepted_in_the_lists() -> None:
    name = "".join(sorted(TOKEN_CHARS))
    headers = [("Access-Control-Allow-Origin", APP), ("Access-Control-Allow-Headers", name)]
    verdict = judge(200, headers)
    assert isinstance(verdict, PreflightResult)
    assert verdict.headers == frozenset({name.lower()})


def test_the_preflight_cors_check_uses_the_actual_requests_credentials_mode() -> None:
    headers = [("Access-Control-Allow-Origin", APP)]
    assert code_of(judge(204, headers, credentials=True)) == "preflight_invalid_allow_credentials"
    assert code_of(judge(204, [*headers, ("Access-Control-Allow-Credentials", "true")], credentials=True)) == "pass"
    assert code_of(judge(204, [("Access-Control-Allow-Origin", "*")], credentials=True)) == (
        "preflight_wildcard_origin_not_allowed"
    )


def test_multiple_list_lines_combine() -> None:
    headers = [
        ("Access-Control-Allow-Origin", APP),
        ("Access-Control-Allow-Methods", "PUT"),
        ("Access-Control-Allow-Methods", "DELETE"),
        ("Access-Control-Allow-Headers", "X-A"),
        ("access-control-allow-headers", "x-b"),
    ]
    verdict = judge(200, headers)
    assert isinstance(verdict, PreflightResult)
    assert verdict.methods == frozenset({"PUT", "DELETE"})
    assert verdict.headers == frozenset({"x-a", "x-b"})
    assert verdict.credentials is False


# --- the answer against the actual request (data/preflight_star.json) --------------------------------------------


@pytest.mark.parametrize("case", STAR, ids=[f"{i}-{c['method']}-{c['allow_methods']}" for i, c in enumerate(STAR)])
def test_preflight_answer_against_the_request(case: dict[str, Any]) -> None:
    headers = [("Access-Control-Allow-Origin", APP)]
    if case["credentials"]:
        headers.append(("Access-Control-Allow-Credentials", "true"))
    headers += [
        ("Access-Control-Allow-Methods", case["allow_methods"]),
        ("Access-Control-Allow-Headers", case["allow_headers"]),
    ]
    verdict = judge(204, headers, credentials=case["credentials"])
    assert isinstance(verdict, PreflightResult)
    request_headers = [tuple(h) for h in case["headers"]]
    failure = verdict.method_failure(case["method"]) or verdict.header_failure(request_headers)  # type: ignore[arg-type]
    if case["expect"] == "pass":
        assert failure is None
    else:
        assert failure is not None
        assert [failure.code.value, failure.param] == case["expect"]


def test_wildcard_covering_authorization_is_flagged() -> None:
    result = PreflightResult(frozenset(), frozenset({"*"}), credentials=False, max_age=5)
    assert result.wildcard_covers_authorization([("Authorization", "t")])
    assert not result.wildcard_covers_authorization([("X-A", "1")])
    explicit = PreflightResult(frozenset(), frozenset({"*", "authorization"}), credentials=False, max_age=5)
    assert not explicit.wildcard_covers_authorization([("Authorization", "t")])


def test_method_error_names_the_method_as_sent() -> None:
    result = PreflightResult(frozenset({"GET"}), frozenset(), credentials=False, max_age=5)
    failure = result.method_failure("patch")
    assert failure is not None
    assert (failure.code, failure.param) == (ErrorCode.METHOD_DISALLOWED_BY_PREFLIGHT_RESPONSE, "patch")
