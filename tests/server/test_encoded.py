"""The encoded answers (the adapters' hot path) say exactly what the policy says, or leave the policy to say it."""

from __future__ import annotations

import logging
import random
import re
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from corskit import Policy
from corskit.server import encoded
from corskit.server.encoded import ADMIT_EVERY, MEMO_SIZE
from corskit.server.merge import BYTES, TEXT, Wire

from .test_matcher import origin as generated_origin

APP = "https://app.example.com"


def _func(origin: str) -> bool:
    return origin.endswith(".func.test")


OPTIONS: dict[str, dict[str, Any]] = {
    "exact": {"allow_origins": [APP, "http://localhost:3000", "null"], "expose_headers": ["X-A"]},
    "star": {"allow_origins": ["*"], "expose_headers": ["X-Total"], "allow_private_network": True},
    "patterns": {
        "allow_origins": [APP, "https://*.example.com", "http://localhost:*", "http://[::1]:*"],
        "allow_credentials": True,
        "preflight_status": 200,
    },
    "regex": {"allow_origin_regex": r"https://[a-z0-9-]+\.example\.net", "max_age": None},
    "patterns+func": {"allow_origins": ["https://*.example.com"], "allow_origin_func": _func},
    # Subdomain patterns only: a value that ends as none of them is refused without the regex.
    "subdomains": {"allow_origins": ["https://*.example.com", "http://*.dev.test:8080"]},
    # The regex shares the sorter, with its flags and its groups (a backreference keeps its number).
    "patterns+regex": {
        "allow_origins": ["https://*.example.com"],
        "allow_origin_regex": re.compile(r"https://(A)\1[0-9]*\.example\.net  # a comment", re.I | re.X),
    },
    # Global inline flags cannot share the sorter: the regex is called apart, by the policy.
    "regex apart": {"allow_origin_regex": r"(?i)https://[a-z0-9-]+\.example\.net"},
}
POLICIES = {name: lambda options=options: Policy(**options) for name, options in OPTIONS.items()}
WIRES = {"bytes": BYTES, "text": TEXT}

values = st.one_of(
    st.none(),
    generated_origin,
    st.sampled_from([APP, "https://a.example.com", "https://a.func.test", "null", "http://localhost:3000"]),
    st.text(max_size=30),
)


def _raw(value: str | None, wire: Wire) -> Any:
    return value.encode("utf-8") if value is not None and wire is BYTES else value


@pytest.mark.parametrize("wire_name", sorted(WIRES))
@pytest.mark.parametrize("name", sorted(POLICIES))
@given(value=values)
@settings(max_examples=200, deadline=None)
@example(value="https://a.example.com.evil.net")
@example(value="https://a..example.com")
@example(value="HTTPS://A.EXAMPLE.COM")
@example(value="https://a.example.net")
@example(value="https://aa1.example.net")
@example(value="https://x.dev.test:8080")
@example(value="https://x.dev.test:8080.evil")
def test_encoded_answers_are_the_policys(name: str, wire_name: str, value: str | None) -> None:
    policy, fresh, wire = POLICIES[name](), POLICIES[name](), WIRES[wire_name]
    raw = _raw(value, wire)
    answers = policy.encoded(wire)
    encoded = answers(raw)
    if encoded is None:  # left to the policy: only where it asks allow_origin_func or calls the regex apart
        assert name in ("patterns+func", "regex apart")
    else:
        assert encoded == wire.encode(fresh.actual(raw))
        assert answers(raw) == encoded  # remembered or decided again: the same
    if name == "patterns+func" and value is not None and value.endswith(".func.test"):
        assert encoded is None


@pytest.mark.parametrize("wire", [BYTES, TEXT])
def test_an_allowed_origin_is_reflected_as_it_came(wire: Wire) -> None:
    policy = POLICIES["patterns"]()
    raw = _raw("https://eu.example.com", wire)
    allow_origin, block = policy.encoded(wire)(raw)  # type: ignore[misc]
    assert allow_origin == raw
    assert block == wire.block(policy.actual(raw).fixed)


def test_refusals_are_left_to_the_policy_while_debug_logging_is_on(caplog: pytest.LogCaptureFixture) -> None:
    # So that every refused request gets its log line (Policy.actual writes it).
    for name in ("exact", "patterns"):
        answers = POLICIES[name]().encoded(BYTES)
        with caplog.at_level(logging.DEBUG, logger="corskit"):
            assert answers(b"https://evil.example.org") is None
            assert answers.preflight(b"https://evil.example.org", b"PUT", None, None) is None
        assert answers(b"https://evil.example.org") == (None, ((b"vary", b"Origin"),))


def _remembered(answers: Any) -> list[Any]:
    return list(answers._table)[answers._kept :]


def test_the_memo_is_bounded_and_never_holds_junk_or_exact_origins() -> None:
    policy = POLICIES["patterns"]()
    answers = policy.encoded(BYTES)
    for n in range(3 * ADMIT_EVERY * MEMO_SIZE):
        assert answers(f"https://p{n}.example.com".encode()) is not None
        assert answers(f"https://p{n}.evil.net".encode()) == (None, ((b"vary", b"Origin"),))
        assert answers(APP.encode())[0] == APP.encode()  # type: ignore[index]
    assert MEMO_SIZE // 2 <= len(_remembered(answers)) <= MEMO_SIZE
    # The exact origins are kept first, for good, whatever the flood.
    assert list(answers._table)[: answers._kept] == [None, APP.encode()]
    assert APP.encode() not in _remembered(answers)
    answers(b"https://x.example.com/" + b"a" * 5000)  # malformed: refused, not remembered
    assert all(len(key) < 100 for key in _remembered(answers))


def test_subdomain_patterns_refuse_other_endings_without_remembering_them() -> None:
    answers = POLICIES["subdomains"]().encoded(BYTES)
    assert answers(b"https://a.example.com.evil.net") == (None, ((b"vary", b"Origin"),))
    assert answers(b"http://x.dev.test:8080")[0] == b"http://x.dev.test:8080"  # type: ignore[index]
    assert _remembered(answers) == [b"http://x.dev.test:8080"]  # (the first decision is remembered)


def _requests_until_remembered(answers: Any, value: bytes, others_between: int, limit: int = 1000) -> int:
    """How many requests *value* makes before it is remembered, with that many never-seen values between each."""
    never_seen = (f"https://n{n}.example.com".encode() for n in range(10**9))
    for requests in range(1, limit + 1):
        assert answers(value) == (value, answers._allowed)
        if value in _remembered(answers):
            return requests
        for _ in range(others_between):
            assert answers(next(never_seen))[0] is not None
    raise AssertionError(f"{value!r} not remembered after {limit} requests")


@pytest.mark.parametrize("others_between", [0, 1, 3, ADMIT_EVERY - 1, ADMIT_EVERY, 2 * ADMIT_EVERY - 1])
def test_a_decided_value_that_repeats_is_remembered_whatever_comes_between(
    others_between: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One decision in ADMIT_EVERY is remembered, at random: a value that repeats gets its turn soon, whatever the
    # order of the requests around it (no pattern of never-seen values keeps it out); alone, within 2k - 1.
    monkeypatch.setattr(encoded, "random", random.Random(others_between).random)  # (the global RNG untouched)
    answers = POLICIES["subdomains"]().encoded(BYTES)
    answers(b"https://first.example.com")  # (the first decision is remembered: start past it)
    turns = [
        _requests_until_remembered(answers, f"https://v{n}.example.com".encode(), others_between) for n in range(40)
    ]
    if others_between == 0:
        assert max(turns) <= 2 * ADMIT_EVERY - 1
    assert sum(turns) / len(turns) <= 2 * ADMIT_EVERY  # (on average one of its requests in about k, or better)


def test_never_seen_values_are_remembered_one_time_in_admit_every(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(encoded, "random", random.Random(1).random)
    answers = POLICIES["regex"]().encoded(BYTES)
    decisions = 4 * MEMO_SIZE
    for n in range(decisions):
        assert answers(f"https://p{n}.example.net".encode())[0] is not None
    expected = decisions / ADMIT_EVERY
    assert 0.8 * expected <= len(_remembered(answers)) <= 1.2 * expected


@pytest.mark.parametrize("name", ["exact", "subdomains"])
def test_a_refusal_without_a_look_is_remembered_when_it_comes_twice_in_a_row(name: str) -> None:
    answers = POLICIES[name]().encoded(BYTES)
    refused = (None, ((b"vary", b"Origin"),))
    for n in range(3 * MEMO_SIZE):  # a flood of never-seen values: none remembered
        assert answers(f"https://p{n}.evil.net".encode()) == refused
    assert _remembered(answers) == []
    assert answers(b"https://a.evil.net") == answers(b"https://b.evil.net") == answers(b"https://a.evil.net")
    assert _remembered(answers) == []  # (not in a row)
    assert answers(b"https://b.evil.net") == answers(b"https://b.evil.net") == refused
    assert _remembered(answers) == [b"https://b.evil.net"]
    assert answers.known(b"https://b.evil.net") == refused  # from now on, one lookup
    long = b"https://" + b"a" * 3000 + b".net"  # longer than an origin can be: never remembered
    assert answers(long) == answers(long) == refused
    assert _remembered(answers) == [b"https://b.evil.net"]


def test_debug_logging_turned_on_while_running_is_seen_at_once(caplog: pytest.LogCaptureFixture) -> None:
    # The encoded answers read the logger's own cache of its levels first: turning DEBUG on must still reach them.
    answers = POLICIES["exact"]().encoded(BYTES)
    assert answers(b"https://a.evil.net") is not None  # the logger has answered "no" for DEBUG, and cached it
    with caplog.at_level(logging.DEBUG, logger="corskit"):
        assert answers(b"https://a.evil.net") is None
    assert answers(b"https://a.evil.net") is not None
    logger = logging.getLogger("corskit")
    logger.setLevel(logging.DEBUG)
    try:
        logger.disabled = True  # (what logging.config does to loggers it was not told about)
        assert answers(b"https://c.evil.net") is not None
        logger.disabled = False
        assert answers(b"https://c.evil.net") is None
    finally:
        logger.disabled = False
        logger.setLevel(logging.NOTSET)


@pytest.mark.parametrize("wire_name", sorted(WIRES))
@pytest.mark.parametrize("name", sorted(POLICIES))
@given(
    value=values,
    method=st.one_of(st.none(), st.sampled_from(["PUT", "GET", "put", "DELETE", "P T", ""]), st.text(max_size=8)),
    headers=st.one_of(
        st.none(), st.sampled_from(["x-a", "X-A, content-type", "authorization", "x-a,,x-b", "x a"]), st.text()
    ),
    private=st.sampled_from([None, "true", "false", "TRUE"]),
)
@settings(max_examples=150, deadline=None)
def test_encoded_preflights_are_the_policys(
    name: str, wire_name: str, value: str | None, method: str | None, headers: str | None, private: str | None
) -> None:
    options = {**OPTIONS[name], "allow_methods": ["PUT", "delete"], "allow_headers": ["X-A", "x-b"]}
    policy, fresh = Policy(**options), Policy(**options)
    wire = WIRES[wire_name]
    raw = [_raw(v, wire) for v in (value, method, headers, private)]
    answer = policy.encoded(wire).preflight(*raw)
    decision = fresh.preflight(*raw)
    if answer is None:  # left to the policy: a refused method or header (with its reason), an origin to ask about
        assert not decision.allowed or name == "patterns+func"
    else:
        status, fields, body = answer
        assert (status, list(fields), body) == (decision.status, list(wire.fields(decision)), decision.body)
        assert policy.encoded(wire).preflight(*raw) == answer  # remembered: the same


@pytest.mark.parametrize("wire", [BYTES, TEXT])
def test_preflights_are_encoded_but_a_refused_method_is_left_to_the_policy(wire: Wire) -> None:
    policy = Policy(allow_origins=["https://*.example.com"], allow_methods=["PUT"], allow_headers=["x-a"])
    answers = policy.encoded(wire)
    answer = answers.preflight(*(_raw(v, wire) for v in ("https://eu.example.com", "PUT", "x-a", None)))
    assert answer is not None
    assert list(answer[1]) == list(wire.fields(policy.preflight("https://eu.example.com", "PUT", "x-a")))
    refused = answers.preflight(*(_raw(v, wire) for v in ("https://evil.test", "PUT", None, None)))
    assert refused is not None
    # Lists of their own, as an app's outer middleware may edit them (Starlette's MutableHeaders appends).
    assert type(answer[1]) is list
    assert type(refused[1]) is list
    assert answers.preflight(*(_raw(v, wire) for v in ("https://evil.test", "PUT", None, None)))[1] is not refused[1]  # type: ignore[index]
    assert refused[0] == 403
    assert refused[2] == b"CORS preflight refused: origin not allowed\n"
    assert answers.preflight(*(_raw(v, wire) for v in ("https://eu.example.com", "PATCH", None, None))) is None
