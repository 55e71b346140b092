"""The preflight cache as fetches use it (browser-rules §9)."""

from __future__ import annotations

import pytest

from corskit.browser import PreflightCache, Request, Result

from ._util import API, APP, OTHER, Clock, Server, acao, fetch

URL = API + "/r"


def preflight_server(*extra: tuple[str, str], origin: str = APP, url: str = URL, credentials: bool = False) -> Server:
    allow = [acao(origin), ("Access-Control-Allow-Methods", "PUT"), ("Access-Control-Allow-Headers", "x-a"), *extra]
    actual = [acao(origin)]
    if credentials:
        allow.append(("Access-Control-Allow-Credentials", "true"))
        actual.append(("Access-Control-Allow-Credentials", "true"))
    return Server().on("OPTIONS", url, 204, allow).on("*", url, 200, actual)


def methods(result: Result) -> list[str]:
    return [w.method for w in result.sent]


def put(cache: PreflightCache, server: Server, **kw: object) -> Result:
    return fetch(Request(URL, "PUT", [("X-A", "1")], **kw), server, cache=cache)  # type: ignore[arg-type]


def test_second_fetch_within_max_age_skips_the_preflight() -> None:
    clock = Clock()
    cache = PreflightCache(clock=clock)
    server = preflight_server(("Access-Control-Max-Age", "60"))
    assert methods(put(cache, server)) == ["OPTIONS", "PUT"]
    clock.advance(59)
    assert methods(put(cache, server)) == ["PUT"]
    clock.advance(1)
    assert methods(put(cache, server)) == ["OPTIONS", "PUT"]


def test_result_records_which_requests_the_cache_spared_a_preflight() -> None:
    cache = PreflightCache(clock=Clock())
    server = preflight_server(("Access-Control-Max-Age", "60"))
    assert put(cache, server).preflight_cache_hits == ()
    assert put(cache, server).preflight_cache_hits == (0,)
    # A request that needs no preflight is no cache hit.
    assert fetch(Request(URL), server, cache=cache).preflight_cache_hits == ()


@pytest.mark.parametrize(
    ("max_age", "still_cached_at", "expired_at"),
    [(None, 4.9, 5), ("abc", 4.9, 5), ("86400", 7199, 7200), ("7200", 7199, 7200), ("1", 0.5, 1)],
)
def test_max_age_through_fetch(max_age: str | None, still_cached_at: float, expired_at: float) -> None:
    extra = () if max_age is None else (("Access-Control-Max-Age", max_age),)
    server = preflight_server(*extra)
    clock = Clock()
    cache = PreflightCache(clock=clock)
    put(cache, server)
    clock.advance(still_cached_at)
    assert methods(put(cache, server)) == ["PUT"]
    clock.advance(expired_at - still_cached_at)
    assert methods(put(cache, server)) == ["OPTIONS", "PUT"]


@pytest.mark.parametrize("max_age", ["0", "-1", "-600"])
def test_zero_or_negative_max_age_preflights_every_time(max_age: str) -> None:
    cache = PreflightCache(clock=Clock())
    server = preflight_server(("Access-Control-Max-Age", max_age))
    put(cache, server)
    assert methods(put(cache, server)) == ["OPTIONS", "PUT"]
    assert len(cache) == 0


def test_credentialed_answer_serves_uncredentialed_requests_not_the_reverse() -> None:
    cache = PreflightCache(clock=Clock())
    with_credentials = preflight_server(credentials=True)
    put(cache, with_credentials, credentials="include")
    assert methods(put(cache, with_credentials, credentials="omit")) == ["PUT"]

    cache = PreflightCache(clock=Clock())
    put(cache, with_credentials, credentials="omit")
    assert methods(put(cache, with_credentials, credentials="include")) == ["OPTIONS", "PUT"]


def test_entries_are_per_page_origin_and_per_url() -> None:
    cache = PreflightCache(clock=Clock())
    put(cache, preflight_server())
    other_page = fetch(Request(URL, "PUT", [("X-A", "1")]), preflight_server(origin=OTHER), origin=OTHER, cache=cache)
    assert methods(other_page) == ["OPTIONS", "PUT"]
    other_url = URL + "?page=2"
    result = fetch(Request(other_url, "PUT", [("X-A", "1")]), preflight_server(url=other_url), cache=cache)
    assert methods(result) == ["OPTIONS", "PUT"]


def test_a_cached_answer_that_does_not_cover_the_request_is_ignored() -> None:
    cache = PreflightCache(clock=Clock())
    server = preflight_server(("Access-Control-Max-Age", "60"))
    put(cache, server)
    wider = (
        Server()
        .on(
            "OPTIONS",
            URL,
            204,
            [acao(), ("Access-Control-Allow-Methods", "DELETE, PUT"), ("Access-Control-Allow-Headers", "x-a, x-b")],
        )
        .on("*", URL, 200, [acao()])
    )
    result = fetch(Request(URL, "PUT", [("X-B", "1")]), wider, cache=cache)
    assert methods(result) == ["OPTIONS", "PUT"]
    result = fetch(Request(URL, "DELETE"), wider, cache=cache)
    assert methods(result) == ["DELETE"]  # the new answer (DELETE, PUT) replaced the old one


def test_requests_that_need_no_preflight_do_not_touch_the_cache() -> None:
    cache = PreflightCache(clock=Clock())
    result = fetch(URL, Server().on("GET", URL, 200, [acao()]), cache=cache)
    assert result.allowed
    assert len(cache) == 0


def test_urls_of_1024_characters_or_more_are_not_cached() -> None:
    url = URL + "?" + "q" * (1024 - len(URL) - 1)
    assert len(url) == 1024
    cache = PreflightCache(clock=Clock())
    server = preflight_server(url=url)
    fetch(Request(url, "PUT", [("X-A", "1")]), server, cache=cache)
    assert methods(fetch(Request(url, "PUT", [("X-A", "1")]), server, cache=cache)) == ["OPTIONS", "PUT"]


def test_tainted_requests_are_cached_under_null() -> None:
    cache = PreflightCache(clock=Clock())
    target = OTHER + "/x"
    server = (
        Server()
        .on("OPTIONS", URL, 204, [acao(), ("Access-Control-Allow-Headers", "x-a")])
        .on("GET", URL, 302, [acao(), ("Location", target)])
        .on("OPTIONS", target, 204, [acao("null"), ("Access-Control-Allow-Headers", "x-a")])
        .on("GET", target, 200, [acao("null")])
    )
    result = fetch(Request(URL, headers=[("X-A", "1")]), server, cache=cache)
    assert result.allowed, result.message
    assert cache.covers("null", target, "GET", [("X-A", "1")], include_credentials=False)
    assert not cache.covers(APP, target, "GET", [("X-A", "1")], include_credentials=False)


def test_failed_preflight_is_not_cached() -> None:
    cache = PreflightCache(clock=Clock())
    bad = Server().on("OPTIONS", URL, 204, [acao(), ("Access-Control-Allow-Methods", "PUT")])
    assert not put(cache, bad).allowed
    assert len(cache) == 0
