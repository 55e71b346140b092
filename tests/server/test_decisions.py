"""The pure decisions: what :meth:`Policy.actual` and :meth:`Policy.preflight` answer, header by header."""

from __future__ import annotations

import asyncio
import logging
import warnings

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corskit import Policy
from corskit.server.decisions import ActualDecision, is_preflight
from corskit.server.policy import CACHE_SIZE
from corskit.spec.headers import has_unsafe_wire_bytes, split_list
from corskit.spec.origins import parse_origin

APP = "https://app.example.com"
EVIL = "https://evil.example.net"
VARY_PREFLIGHT = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"

CREDENTIALED = Policy(
    allow_origins=[APP],
    allow_methods=["PUT", "DELETE"],
    allow_headers=["Authorization", "X-Requested-With"],
    allow_credentials=True,
    expose_headers=["X-Total-Count", "ETag"],
    max_age=300,
)


# --- actual requests ----------------------------------------------------------------------------------------


def test_allowed_actual_request_gets_exactly_these_headers() -> None:
    decision = CREDENTIALED.actual(APP)
    assert decision.allowed
    assert decision.reason == ""
    assert decision.headers == (
        ("Access-Control-Allow-Origin", APP),
        ("Access-Control-Allow-Credentials", "true"),
        ("Access-Control-Expose-Headers", "X-Total-Count, ETag"),
    )
    assert decision.vary == ("Origin",)


def test_disallowed_origin_gets_no_cors_header_but_vary() -> None:
    decision = CREDENTIALED.actual(EVIL)
    assert not decision.allowed
    assert decision.headers == ()
    assert decision.vary == ("Origin",)
    assert decision.reason == "origin not allowed"


def test_missing_origin_gets_vary_only() -> None:
    decision = CREDENTIALED.actual(None)
    assert (decision.allowed, decision.headers, decision.vary) == (False, (), ("Origin",))


def test_wildcard_policy_answers_star_to_everyone_without_vary() -> None:
    policy = Policy(allow_origins=["*"], expose_headers=["*"])
    for origin in [None, APP, "null", "garbage\r\n", "https://x.example:1"]:
        decision = policy.actual(origin)
        assert decision.allowed
        assert decision.headers == (("Access-Control-Allow-Origin", "*"), ("Access-Control-Expose-Headers", "*"))
        assert decision.vary == ()


def test_bytes_and_text_give_the_same_answer() -> None:
    assert CREDENTIALED.actual(APP.encode()) == CREDENTIALED.actual(APP)
    assert CREDENTIALED.actual(EVIL.encode()).headers == ()


def test_null_only_when_listed() -> None:
    assert not Policy(allow_origin_regex=r"null|https://a\.com").actual("null").allowed
    assert not Policy(allow_origin_func=lambda o: True).actual("null").allowed
    assert Policy(allow_origins=["null"]).actual("null").allowed
    assert Policy(allow_origins=["null"]).actual("null").headers[0] == ("Access-Control-Allow-Origin", "null")


def test_regex_is_full_matched() -> None:
    policy = Policy(allow_origin_regex=r"https://.*\.example\.org")
    assert policy.actual("https://x.example.org").allowed
    assert not policy.actual("https://x.example.org.evil.com").allowed  # Starlette #800
    assert not policy.actual("http://x.example.org").allowed


def test_regex_sees_only_canonical_origins() -> None:
    policy = Policy(allow_origin_regex=r"(?i)https://a\.example\.org.*")
    assert policy.actual("https://a.example.org").allowed
    # Never reflected: not a canonical origin, whatever the regex says.
    assert not policy.actual("https://a.example.org/evil/path").allowed
    assert not policy.actual("https://A.example.org").allowed


# --- allow_origin_func -----------------------------------------------------------------------------------------


def test_predicate_is_asked_only_when_static_rules_do_not_allow() -> None:
    asked: list[str] = []

    def check(origin: str) -> bool:
        asked.append(origin)
        return origin.endswith(".tenant.example")

    policy = Policy(allow_origins=[APP], allow_origin_func=check)
    assert policy.actual(APP).allowed
    assert policy.actual("https://acme.tenant.example").allowed
    assert not policy.actual(EVIL).allowed
    assert not policy.actual("https://ACME.tenant.example").allowed  # malformed: never asked
    assert not policy.actual("null").allowed  # never asked
    assert asked == ["https://acme.tenant.example", EVIL]


def test_predicate_answers_are_not_cached() -> None:
    allowed = {"https://acme.tenant.example"}
    policy = Policy(allow_origin_func=lambda origin: origin in allowed)
    assert policy.actual("https://acme.tenant.example").allowed
    allowed.clear()  # the tenant is revoked: the next request sees it
    assert not policy.actual("https://acme.tenant.example").allowed
    assert not policy.preflight("https://acme.tenant.example", "GET").allowed


def test_predicate_that_raises_refuses_and_logs(caplog: pytest.LogCaptureFixture) -> None:
    def check(origin: str) -> bool:
        raise KeyError("database down")

    with caplog.at_level(logging.ERROR, logger="corskit"):
        assert not Policy(allow_origin_func=check).actual(APP).allowed
    assert "allow_origin_func raised" in caplog.text
    assert "KeyError" in caplog.text


def test_predicate_must_return_a_bool(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="corskit"):
        assert not Policy(allow_origin_func=lambda o: "yes").actual(APP).allowed  # type: ignore[arg-type,return-value]
    assert "not a bool" in caplog.text


def test_async_predicate_in_sync_call_refuses_without_leaking_a_coroutine(caplog: pytest.LogCaptureFixture) -> None:
    async def check(origin: str) -> bool:
        return True

    policy = Policy(allow_origin_func=check)
    with warnings.catch_warnings(), caplog.at_level(logging.ERROR, logger="corskit"):
        warnings.simplefilter("error")  # "coroutine was never awaited" would be a RuntimeWarning
        assert not policy.actual(APP).allowed
    assert "async" in caplog.text


async def test_async_predicate() -> None:
    async def check(origin: str) -> bool:
        await asyncio.sleep(0)
        return origin == APP

    policy = Policy(allow_origin_func=check, allow_methods=["PUT"])
    assert (await policy.aactual(APP)).allowed
    assert not (await policy.aactual(EVIL)).allowed
    assert (await policy.apreflight(APP, "PUT")).allowed
    assert not (await policy.apreflight(EVIL, "PUT")).allowed
    # The async variants answer for synchronous policies too.
    assert (await CREDENTIALED.aactual(APP)).allowed
    assert (await CREDENTIALED.apreflight(APP, "PUT")).allowed


# --- preflights -----------------------------------------------------------------------------------------------


def test_allowed_preflight_gets_exactly_these_headers() -> None:
    decision = CREDENTIALED.preflight(APP, "PUT", "authorization,x-requested-with")
    assert decision.allowed
    assert decision.status == 204
    assert decision.body == b""
    assert decision.headers == (
        ("Access-Control-Allow-Origin", APP),
        ("Access-Control-Allow-Credentials", "true"),
        ("Access-Control-Allow-Methods", "PUT"),
        ("Access-Control-Allow-Headers", "authorization, x-requested-with"),
        ("Access-Control-Max-Age", "300"),
        ("Vary", VARY_PREFLIGHT),
    )
    assert decision.status_line == "204 No Content"


def test_preflight_status_other_than_204_has_an_empty_body_with_length() -> None:
    decision = Policy(allow_origins=[APP], preflight_status=200).preflight(APP, "GET")
    assert decision.status == 200
    assert decision.status_line == "200 OK"
    assert ("Content-Length", "0") in decision.headers


def test_refused_preflight_has_no_allow_header_and_says_why() -> None:
    decision = CREDENTIALED.preflight(EVIL, "PUT", "authorization")
    assert not decision.allowed
    assert decision.status == 403
    assert not any(name.lower().startswith("access-control-") for name, _ in decision.headers)
    assert ("Vary", VARY_PREFLIGHT) in decision.headers
    assert decision.body == b"CORS preflight refused: origin not allowed\n"
    assert ("Content-Length", str(len(decision.body))) in decision.headers


@pytest.mark.parametrize(
    ("method", "headers", "reason"),
    [
        ("PATCH", None, "method PATCH not allowed"),
        ("put", None, "method put not allowed"),  # methods are case-sensitive; fetch() sends PUT for 'put'
        ("ET", None, "method ET not allowed"),  # flask-cors matched substrings of 'GET'
        ("T, P", None, "malformed Access-Control-Request-Method"),
        ("", None, "malformed Access-Control-Request-Method"),
        ("PU\rT", None, "malformed Access-Control-Request-Method"),
        ("PUT", "x-secret", "header x-secret not allowed"),
        ("PUT", "authorization, x-secret", "header x-secret not allowed"),
        ("PUT", "x requested", "malformed Access-Control-Request-Headers"),
        ("PUT", "authorization\r\nx: y", "malformed Access-Control-Request-Headers"),
        ("PUT", "authorizätion", "malformed Access-Control-Request-Headers"),
    ],
)
def test_preflight_refusals(method: str, headers: str | None, reason: str) -> None:
    decision = CREDENTIALED.preflight(APP, method, headers)
    assert (decision.allowed, decision.reason) == (False, reason)
    assert not any(name.startswith("Access-Control-") for name, _ in decision.headers)


def test_safelisted_methods_need_not_be_listed() -> None:
    policy = Policy(allow_origins=[APP], allow_headers=["X-Foo"])
    for method in ["GET", "HEAD", "POST"]:
        decision = policy.preflight(APP, method, "x-foo")
        assert decision.allowed
        assert ("Access-Control-Allow-Methods", method) in decision.headers


def test_safelisted_header_names_are_always_allowed() -> None:
    # As with Starlette: a JSON POST from a trusted origin works without listing Content-Type.
    decision = Policy(allow_origins=[APP]).preflight(APP, "POST", "content-type,accept,accept-language")
    assert decision.allowed


def test_header_names_are_case_insensitive_and_echoed_lowercase_once() -> None:
    decision = CREDENTIALED.preflight(APP, "PUT", "Authorization, AUTHORIZATION,x-requested-with")
    assert ("Access-Control-Allow-Headers", "authorization, x-requested-with") in decision.headers


def test_empty_request_headers_send_no_allow_headers() -> None:
    for value in [None, "", " , ,"]:
        decision = CREDENTIALED.preflight(APP, "PUT", value)
        assert decision.allowed
        assert "Access-Control-Allow-Headers" not in dict(decision.headers)


def test_wildcards_are_answered_by_echo_so_they_work_with_credentials() -> None:
    policy = Policy(allow_origins=[APP], allow_methods=["*"], allow_headers=["*"], allow_credentials=True)
    decision = policy.preflight(APP, "PROPFIND", "authorization,x-anything")
    assert decision.allowed
    headers = dict(decision.headers)
    assert headers["Access-Control-Allow-Methods"] == "PROPFIND"
    # A literal '*' would not cover Authorization, nor anything with credentials.
    assert headers["Access-Control-Allow-Headers"] == "authorization, x-anything"


def test_wildcard_origin_preflight() -> None:
    decision = Policy(allow_origins=["*"], allow_methods=["PUT"]).preflight("https://any.example", "PUT")
    assert decision.allowed
    headers = dict(decision.headers)
    assert headers["Access-Control-Allow-Origin"] == "*"
    assert headers["Vary"] == "Access-Control-Request-Method, Access-Control-Request-Headers"


def test_preflight_without_origin_is_refused() -> None:
    assert CREDENTIALED.preflight(None, "PUT").reason == "no Origin"


def test_authorization_when_allowed() -> None:
    assert CREDENTIALED.preflight(APP, "PUT", "authorization").allowed
    assert not Policy(allow_origins=[APP], allow_methods=["PUT"]).preflight(APP, "PUT", "authorization").allowed


def test_several_request_header_lines_are_read_together() -> None:
    # rs/cors #184: gateways split Access-Control-Request-Headers; adapters join lines with ", ".
    policy = Policy(allow_origins=[APP], allow_headers=["content-type", "x-requested-with"])
    assert policy.preflight(APP, "GET", "content-type, x-requested-with").allowed


def test_private_network_access_only_when_opted_in() -> None:
    # flask-cors CVE-2024-6221: it said yes whenever asked.
    default = Policy(allow_origins=[APP]).preflight(APP, "GET", None, "true")
    assert not default.allowed
    assert "Access-Control-Allow-Private-Network" not in dict(default.headers)
    opted_in = Policy(allow_origins=[APP], allow_private_network=True)
    decision = opted_in.preflight(APP, "GET", None, "true")
    assert ("Access-Control-Allow-Private-Network", "true") in decision.headers
    assert dict(decision.headers)["Vary"] == VARY_PREFLIGHT + ", Access-Control-Request-Private-Network"
    # Not asked: not answered.
    assert "Access-Control-Allow-Private-Network" not in dict(opted_in.preflight(APP, "GET").headers)


def test_is_preflight() -> None:
    assert is_preflight("OPTIONS", APP, "PUT")
    assert not is_preflight("OPTIONS", APP, None)  # tower-http #497: answered every OPTIONS
    assert not is_preflight("OPTIONS", None, "PUT")
    assert not is_preflight("GET", APP, "PUT")


# --- bounds -------------------------------------------------------------------------------------------------------


@pytest.fixture
def split_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The values the policy splits into header names: an over-long one must be refused unread."""
    from corskit.server import policy as module

    calls: list[str] = []

    def spy(value: str, **kwargs: int) -> list[str] | None:
        calls.append(value)
        return split_list(value, **kwargs)

    monkeypatch.setattr(module, "split_list", spy)
    return calls


def test_8000_commas_are_refused_unread(split_calls: list[str]) -> None:
    # rs/cors #170: 127 ms and 121 MB per request. Here the length alone refuses it: no split, no scan.
    policy = Policy(allow_origins=[APP], allow_headers=["*"])
    value = "a" + "," * 8000
    decision = policy.preflight(APP, "GET", value)
    assert decision.reason == "Access-Control-Request-Headers too long"
    assert split_calls == []


def test_header_list_split_over_many_lines_is_bounded(split_calls: list[str]) -> None:
    policy = Policy(allow_origins=[APP], allow_headers=["*"])
    joined = ", ".join(["x-a"] * 2000)  # what an adapter makes of 2000 lines
    assert not policy.preflight(APP, "GET", joined).allowed
    assert split_calls == []
    at_limit = ",".join(f"x-{i}" for i in range(128))
    assert policy.preflight(APP, "GET", at_limit).allowed
    assert not policy.preflight(APP, "GET", at_limit + ",x-one-more").allowed
    assert split_calls == [at_limit, at_limit + ",x-one-more"]


@pytest.mark.parametrize("policy", [CREDENTIALED, Policy(allow_origins=["https://*.example.com"])])
def test_huge_origin_is_refused_fast(policy: Policy) -> None:
    origin = "https://" + "a" * 1_000_000 + ".example.com"
    assert policy.actual(origin).reason == "malformed Origin"
    assert origin not in policy._known  # never kept in a cache


def test_caches_are_bounded() -> None:
    policy = Policy(allow_origins=["https://*.example.com"], allow_methods=["PUT"])
    for i in range(3 * CACHE_SIZE):
        policy.actual(f"https://h{i}.example.com")
        policy.preflight(f"https://h{i}.example.com", "PUT")
        policy.preflight(APP, "PUT", f"x-{i}")
    assert len(policy._known) <= policy._kept + CACHE_SIZE
    assert len(policy._grants) <= CACHE_SIZE


def test_exact_list_does_not_count_against_the_cache() -> None:
    origins = [f"https://h{i}.example.com" for i in range(5000)]
    policy = Policy(allow_origins=origins)
    for origin in origins:
        assert policy.actual(origin).allowed
    assert len(policy._known) == 2 * 5000 + 1  # as text and as bytes, and the answer to requests without Origin


@pytest.mark.parametrize("flood", ["https://x{}.example.com", "https://x{}.evil.net", "HTTPS://X{}.EVIL.NET"])
def test_a_flood_of_new_origins_never_evicts_the_configured_ones(flood: str) -> None:
    # Issue 10: the old cache emptied itself when full, so a flood evicted everyone's answers.
    policy = Policy(allow_origins=[APP, "https://*.example.com"], allow_methods=["PUT"])
    before = {value: policy.actual(value) for value in (APP, APP.encode())}
    preflight = policy.preflight(APP, "PUT")
    for i in range(3 * CACHE_SIZE):
        policy.actual(flood.format(i))
        policy.actual(flood.format(i).encode())
    for value, answer in before.items():
        assert policy.actual(value) is answer  # the very same answer: never evicted, never recomputed
        assert value in policy._known
    assert policy.preflight(APP, "PUT") == preflight
    assert len(policy._known) <= policy._kept + CACHE_SIZE


# --- no unsafe bytes, nothing unvalidated reflected --------------------------------------------------------------

header_text = st.one_of(
    st.none(),
    st.text(max_size=40),
    st.sampled_from([APP, "https://a.example.com", "null", "PUT", "GET", "authorization", "x-foo", "true", "*"]),
    st.text(alphabet="abcxyz-,. :/\r\n\x00\t*é", max_size=40),
)
POLICIES = [
    CREDENTIALED,
    Policy(allow_origins=["*"], allow_methods=["*"], allow_headers=["*"], expose_headers=["*"]),
    Policy(
        allow_origins=["https://*.example.com", "null"],
        allow_origin_regex=r"https://[a-z]+\.test",
        allow_methods=["*"],
        allow_headers=["*"],
        allow_private_network=True,
    ),
    Policy(allow_origin_func=lambda o: True, allow_methods=["*"], allow_headers=["*"], allow_credentials=True),
]


@settings(max_examples=400, deadline=None)
@given(
    st.sampled_from(POLICIES),
    header_text,
    header_text,
    header_text,
    header_text,
    st.booleans(),
)
def test_answers_are_always_safe(
    policy: Policy, origin: str | None, method: str | None, headers: str | None, pna: str | None, as_bytes: bool
) -> None:
    def wire(value: str | None) -> str | bytes | None:
        if value is None or not as_bytes:
            return value
        return value.encode("utf-8")

    actual = policy.actual(wire(origin))
    preflight = policy.preflight(wire(origin), wire(method), wire(headers), wire(pna))
    for name, value in (*actual.headers, *preflight.headers):
        assert not has_unsafe_wire_bytes(name + value), (name, value)
        if name == "Access-Control-Allow-Origin" and value != "*":
            # Reflected only when it is a canonical origin, byte for byte what arrived.
            assert parse_origin(value) is not None
            assert value.encode("latin-1") in (origin or "").encode()
    for decision in (actual, preflight):
        assert decision.allowed == bool(dict(decision.headers).get("Access-Control-Allow-Origin"))


# --- answers are values -----------------------------------------------------------------------------------


def test_decisions_are_shared_and_immutable() -> None:
    decision = CREDENTIALED.actual(APP)
    assert CREDENTIALED.actual(APP) is decision
    with pytest.raises(AttributeError):
        decision.allowed = False  # type: ignore[misc]
    assert isinstance(decision, ActualDecision)


# --- logging --------------------------------------------------------------------------------------------------


def test_refusals_are_logged_at_debug_with_repr(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="corskit"):
        CREDENTIALED.actual("https://evil.example\r\nX-Injected: 1", "/x\r\nFAKE LINE")
        CREDENTIALED.preflight(APP, "PUT", "x-secret\r\n", None, "/p")
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 2
    assert "malformed Origin" in messages[0]
    assert "\\r\\n" in messages[0]
    assert "header" in messages[1] or "malformed" in messages[1]
    for message in messages:
        assert "\r" not in message
        assert "\n" not in message


def test_with_debug_on_every_refused_request_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    policy = Policy(allow_origins=[APP])
    with caplog.at_level(logging.DEBUG, logger="corskit"):
        for _ in range(3):
            policy.actual(EVIL)
            policy.preflight(EVIL, "PUT")
    assert len(caplog.records) == 6


def test_bad_input_is_logged_every_time(caplog: pytest.LogCaptureFixture) -> None:
    # Refusals of well-formed origins are cached while DEBUG is off; malformed values never are, so turning DEBUG
    # on later still logs every one of them.
    policy = Policy(allow_origins=[APP])
    policy.actual("https://evil.example\r\n")
    with caplog.at_level(logging.DEBUG, logger="corskit"):
        policy.actual("https://evil.example\r\n")
        policy.actual(b"https://evil.example\xff")
    assert [r.getMessage().split(" (")[0] for r in caplog.records] == ["CORS: malformed Origin"] * 2


def test_long_values_are_clipped_in_logs(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="corskit"):
        CREDENTIALED.actual("x" * 100_000)
    assert len(caplog.records[0].getMessage()) < 400


def test_allowed_requests_are_not_logged(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="corskit"):
        CREDENTIALED.actual(APP)
        CREDENTIALED.preflight(APP, "PUT")
    assert caplog.records == []


class _Counted(str):
    """An origin that counts the string comparisons made to match it."""

    __slots__ = ()
    comparisons = 0

    def __eq__(self, other: object) -> bool:
        _Counted.comparisons += 1
        return str.__eq__(self, other)

    __hash__ = str.__hash__


@pytest.mark.parametrize("origin", [APP, EVIL, "https://site5000.example.org"])
def test_ten_thousand_exact_origins_cost_what_one_does(origin: str) -> None:
    # One set lookup, whatever the list's length: at most one comparison (a hash hit), never a scan.
    many = Policy(allow_origins=[*(f"https://site{i}.example.org" for i in range(9999)), APP])
    _Counted.comparisons = 0
    verdict = many._matcher.match(_Counted(origin))
    assert _Counted.comparisons <= 1
    assert (verdict == origin) is (origin != EVIL)


@pytest.mark.parametrize(
    "origin",
    [APP, APP.encode(), EVIL, EVIL.encode(), "https://a.example.com", b"https://a.example.com.evil.net", "null", None],
)
def test_remembered_answers_are_the_decided_ones(origin: str | bytes | None) -> None:
    policy = Policy(allow_origins=[APP, "https://*.example.com"], allow_credentials=True)
    fresh = Policy(allow_origins=[APP, "https://*.example.com"], allow_credentials=True)
    answer = policy.actual(origin, "/")
    assert answer == fresh.actual(origin, "/")
    assert policy.actual(origin, "/") == answer  # remembered or decided again
