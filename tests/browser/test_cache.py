"""The preflight cache (browser-rules §9) with an injected clock."""

from __future__ import annotations

import pytest

from corskit.browser.cache import MAX_ENTRIES, MAX_URL_LENGTH, PreflightCache
from corskit.browser.preflight import PreflightResult

from ._util import APP, Clock

URL = "http://api.test/r"


def answer(
    methods: set[str] | None = None, headers: set[str] | None = None, *, credentials: bool = False, max_age: int = 5
) -> PreflightResult:
    return PreflightResult(frozenset(methods or {"PUT"}), frozenset(headers or set()), credentials, max_age)


def covers(
    cache: PreflightCache,
    *,
    origin: str = APP,
    url: str = URL,
    method: str = "PUT",
    headers: list[tuple[str, str]] | None = None,
    credentials: bool = False,
) -> bool:
    return cache.covers(origin, url, method, headers or [], include_credentials=credentials)


def test_limits() -> None:
    assert (MAX_ENTRIES, MAX_URL_LENGTH) == (1024, 1024)


def test_entry_lives_exactly_max_age_seconds() -> None:
    clock = Clock()
    cache = PreflightCache(clock=clock)
    cache.store(APP, URL, answer(max_age=10))
    clock.advance(9.999)
    assert covers(cache)
    clock.advance(0.001)  # expiry time reached: stale
    assert not covers(cache)
    assert len(cache) == 0


@pytest.mark.parametrize("max_age", [0, -1])
def test_zero_or_negative_max_age_is_not_cached(max_age: int) -> None:
    cache = PreflightCache(clock=Clock())
    cache.store(APP, URL, answer(max_age=max_age))
    assert len(cache) == 0
    assert not covers(cache)


def test_capped_max_age_still_expires() -> None:
    clock = Clock()
    cache = PreflightCache(clock=clock)
    cache.store(APP, URL, answer(max_age=7200))
    clock.advance(7199)
    assert covers(cache)
    clock.advance(1)
    assert not covers(cache)


@pytest.mark.parametrize(("length", "cached"), [(1023, True), (1024, False), (5000, False)])
def test_long_urls_are_not_cached(length: int, cached: bool) -> None:
    url = URL + "?" + "q" * (length - len(URL) - 1)
    assert len(url) == length
    cache = PreflightCache(clock=Clock())
    cache.store(APP, url, answer())
    assert covers(cache, url=url) is cached


def test_at_most_1024_entries_and_the_newest_survives() -> None:
    cache = PreflightCache(clock=Clock())
    for i in range(MAX_ENTRIES + 1):
        cache.store(APP, f"{URL}?{i}", answer())
    assert len(cache) <= 1024
    assert covers(cache, url=f"{URL}?{MAX_ENTRIES}")


def test_key_is_origin_and_url() -> None:
    cache = PreflightCache(clock=Clock())
    cache.store(APP, URL, answer())
    assert not covers(cache, origin="http://other.test")
    assert not covers(cache, origin="null")
    assert not covers(cache, url=URL + "?x")
    assert covers(cache)


def test_tainted_origin_null_is_its_own_key() -> None:
    cache = PreflightCache(clock=Clock())
    cache.store("null", URL, answer())
    assert covers(cache, origin="null")
    assert not covers(cache, origin=APP)


def test_credentialed_entry_serves_requests_without_credentials() -> None:
    cache = PreflightCache(clock=Clock())
    cache.store(APP, URL, answer(credentials=True))
    assert covers(cache, credentials=False)
    assert covers(cache, credentials=True)


def test_entry_without_credentials_does_not_serve_a_credentialed_request_and_is_dropped() -> None:
    cache = PreflightCache(clock=Clock())
    cache.store(APP, URL, answer(credentials=False))
    assert not covers(cache, credentials=True)
    assert len(cache) == 0  # Chromium erases an entry that is not sufficient


def test_entry_must_cover_method_and_every_unsafe_header() -> None:
    cache = PreflightCache(clock=Clock())
    cache.store(APP, URL, answer({"PUT"}, {"x-a"}))
    assert covers(cache, method="PUT", headers=[("X-A", "1"), ("Accept", "text/html")])
    assert covers(cache, method="GET", headers=[("x-a", "1")])  # safelisted method
    assert not covers(cache, method="PUT", headers=[("X-B", "1")])
    assert len(cache) == 0
    cache.store(APP, URL, answer({"PUT"}))
    assert not covers(cache, method="DELETE")


def test_latest_answer_replaces_the_entry() -> None:
    cache = PreflightCache(clock=Clock())
    cache.store(APP, URL, answer({"PUT"}))
    cache.store(APP, URL, answer({"DELETE"}))
    assert len(cache) == 1
    assert covers(cache, method="DELETE")
    assert not covers(cache, method="PUT")


def test_wildcard_entry_covers_any_method_and_header_without_credentials() -> None:
    cache = PreflightCache(clock=Clock())
    cache.store(APP, URL, answer({"*"}, {"*"}))
    assert covers(cache, method="PURGE", headers=[("X-Anything", "1")])


# Chromium's PreflightCache::CheckIfRequestCanSkipPreflight always uses NonWildcardRequestHeadersSupport(true):
# a cached '*' never covers Authorization, so such a request is preflighted again (and allowed, with a warning).
def test_cached_wildcard_does_not_cover_authorization() -> None:
    cache = PreflightCache(clock=Clock())
    cache.store(APP, URL, answer({"GET"}, {"*"}))
    assert not covers(cache, method="GET", headers=[("Authorization", "Bearer t")])


def test_clear() -> None:
    cache = PreflightCache(clock=Clock())
    cache.store(APP, URL, answer())
    cache.store(APP, URL + "?2", answer())
    cache.store("http://other.test", URL, answer())
    cache.clear(APP, URL)
    assert len(cache) == 2
    cache.clear(origin="http://other.test")
    assert len(cache) == 1
    cache.clear()
    assert len(cache) == 0
