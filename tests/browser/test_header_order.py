"""Which of several disallowed request headers Chromium names: Blink's header-map order."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from corskit.browser import Request, Response, run
from corskit.browser.header_order import case_folding_hash, chromium_header_order, hash_map_order
from corskit.spec.errors import ErrorCode

API = "http://api.test/r"
APP = "http://app.test"


def named(headers: list[str], allowed: str = "") -> str:
    extra = [("Access-Control-Allow-Headers", allowed)] if allowed else []

    def answer(wire: object) -> Response:
        return Response(204, [("Access-Control-Allow-Origin", APP), ("Access-Control-Allow-Methods", "PUT"), *extra])

    result = run(APP, Request(API, "PUT", [(h, "1") for h in headers]), answer)
    assert result.error is ErrorCode.HEADER_DISALLOWED_BY_PREFLIGHT_RESPONSE
    return result.param


def test_observed_on_chromium_156() -> None:
    # From the conformance corpus: the named header is neither the first sorted nor the first written.
    assert named(["X-Z", "X-A", "X-M", "X-C"], "x-a") == "x-m"
    assert named(["b", "a"]) == "b"
    assert named(["x-5", "x-4", "x-3", "x-2", "x-1"]) == "x-2"


def test_the_order_written_and_the_case_do_not_matter() -> None:
    names = ["x-request-id", "X-Trace", "authorization", "x-a"]
    for permutation in itertools.permutations(names):
        assert named(list(permutation)) == named([n.upper() for n in names])


def test_hash_is_case_folded_24_bits_and_never_zero() -> None:
    for name in ["a", "accept", "X-Request-Id", "x-custom-header-long-name-0123456789" * 3]:
        value = case_folding_hash(name)
        assert value == case_folding_hash(name.upper())
        assert 0 < value < 2**24


@settings(max_examples=200, deadline=None)
@given(st.lists(st.from_regex(r"[a-z][a-z0-9-]{0,40}", fullmatch=True), unique=True, max_size=40))
def test_hash_map_order_is_a_permutation(keys: list[str]) -> None:
    assert sorted(hash_map_order(keys)) == sorted(keys)
    order = chromium_header_order(keys)
    assert sorted(order) == sorted(set(keys))
