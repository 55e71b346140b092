"""The local cache's rules, without I/O: TTLs, the bounded refusal map, invalidation racing a look-up."""

from __future__ import annotations

import pytest

from corskit.server.stores.cache import UNKNOWN, LocalCache
from corskit.server.stores.entry import StoredOrigin

A = StoredOrigin("https://a.example")


def cache(**kw: float) -> LocalCache:
    options = {"ttl": 10.0, "negative_ttl": 2.0, "size": 100, "negative_size": 4, **kw}
    return LocalCache(**options)  # type: ignore[arg-type]


def test_allowed_origin_is_served_until_its_ttl() -> None:
    c = cache()
    c.put(A.origin, A, now=0.0, generation=c.generation)
    assert c.peek(A.origin, 9.9) is A
    assert c.peek(A.origin, 10.0) is UNKNOWN
    assert c.stale(A.origin) is A  # what an outage falls back on


def test_refused_origin_is_remembered_for_the_negative_ttl() -> None:
    c = cache()
    c.put("https://b.example", None, now=0.0, generation=c.generation)
    assert c.peek("https://b.example", 1.9) is None
    assert c.peek("https://b.example", 2.0) is UNKNOWN
    assert c.stale("https://b.example") is None


def test_a_flood_of_refused_origins_is_bounded_and_never_evicts_an_allowed_one() -> None:
    c = cache(negative_size=4)
    c.put(A.origin, A, now=0.0, generation=c.generation)
    for i in range(10_000):
        c.put(f"https://r{i}.example", None, now=0.0, generation=c.generation)
    assert len(c) == 1 + 4
    assert c.peek(A.origin, 1.0) is A
    assert c.peek("https://r9999.example", 1.0) is None  # the newest refusals are kept
    assert c.peek("https://r0.example", 1.0) is UNKNOWN


def test_allowed_origins_are_bounded_too() -> None:
    c = cache(size=3)
    for i in range(5):
        c.put(f"https://a{i}.example", StoredOrigin(f"https://a{i}.example"), 0.0, c.generation)
    assert [c.peek(f"https://a{i}.example", 1.0) is not UNKNOWN for i in range(5)] == [False, False, True, True, True]


def test_an_answer_that_predates_an_invalidation_is_dropped() -> None:
    c = cache()
    c.put("https://b.example", None, 0.0, c.generation)
    generation = c.generation  # a look-up starts...
    c.invalidate("https://b.example")  # ...the origin is added meanwhile...
    c.put("https://b.example", None, 0.0, generation)  # ...and the look-up's stale "no" arrives
    assert c.peek("https://b.example", 0.5) is UNKNOWN


@pytest.mark.parametrize("target", ["https://a.example", None])
def test_invalidation_forgets_one_origin_or_all(target: str | None) -> None:
    c = cache()
    c.put(A.origin, A, 0.0, c.generation)
    c.put("https://b.example", None, 0.0, c.generation)
    c.invalidate(target)
    assert c.peek(A.origin, 0.5) is UNKNOWN
    assert (c.peek("https://b.example", 0.5) is UNKNOWN) is (target is None)


def test_a_refusal_replaces_an_allowed_entry() -> None:
    c = cache()
    c.put(A.origin, A, 0.0, c.generation)
    c.put(A.origin, None, 1.0, c.generation)
    assert c.peek(A.origin, 1.5) is None
    assert c.stale(A.origin) is None
