"""RedisOriginStore against a real redis-server: sharing, invalidation, outages, a hung Redis.

No assertion rests on a wall-clock window a loaded machine could miss: cached answers live for an hour unless a test
says otherwise (a change seen can only come from an announcement), a TTL is driven by a fake clock, "refused at
once" is counted in round trips, and a bound on a wait leaves a loaded machine a second of slack or more.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterator
from types import SimpleNamespace

import pytest

from corskit.server.stores import UNKNOWN, StoredOrigin, StoreError
from corskit.server.stores.redis import RedisOriginStore, describe_url
from tests._redis import RedisServer

SHOP = "https://shop.example"
LIMIT = 30.0  # seconds any wait may take before the test fails


@pytest.fixture
def stores(redis_srv: RedisServer) -> Iterator[Callable[..., RedisOriginStore]]:
    made: list[RedisOriginStore] = []

    def make(**kw: float) -> RedisOriginStore:
        options = {"timeout": 0.2, "retry_interval": 0.1, "ttl": 3600.0, "negative_ttl": 3600.0, **kw}
        store = RedisOriginStore(redis_srv.url, **options)  # type: ignore[arg-type]
        made.append(store)
        return store

    yield make
    for store in made:
        store.close()


def hget_calls(server: RedisServer) -> int:
    import redis

    stats = redis.Redis(port=server.port).info("commandstats")
    return int(stats.get("cmdstat_hget", {}).get("calls", 0))


def warm(store: RedisOriginStore, *origins: str) -> None:
    """Subscribed, then each origin looked up once (a look-up made before the subscription is confirmed is
    forgotten when it is: changes may have been missed)."""
    store.start()
    assert store.subscribed.wait(LIMIT)
    for origin in origins:
        store.lookup(origin)


def wait_for(condition: Callable[[], bool], limit: float = LIMIT) -> float:
    """Seconds until *condition* held (polling every millisecond); fails after *limit*."""
    start = time.monotonic()
    while not condition():
        assert time.monotonic() - start < limit, "condition never held"
        time.sleep(0.001)
    return time.monotonic() - start


def test_add_lookup_remove_list(stores: Callable[..., RedisOriginStore]) -> None:
    store = stores()
    assert store.add("HTTPS://Shop.Example:443", credentials=True, tenant="acme") == StoredOrigin(SHOP, True, "acme")
    assert store.lookup(SHOP) == StoredOrigin(SHOP, True, "acme")
    assert store.lookup("https://other.example") is None
    assert store.entries() == [StoredOrigin(SHOP, True, "acme")]
    assert store.remove(SHOP) is True
    assert store.remove(SHOP) is False
    assert store.entries() == []


def test_a_cached_origin_costs_no_round_trip(redis_srv: RedisServer, stores: Callable[..., RedisOriginStore]) -> None:
    store = stores()
    store.add(SHOP)
    warm(store)
    before = hget_calls(redis_srv)
    for _ in range(1000):
        assert store.lookup(SHOP) is not None
        assert store.lookup("https://never.example") is None
    assert hget_calls(redis_srv) - before == 2


async def test_a_burst_for_one_new_origin_shares_one_round_trip(
    redis_srv: RedisServer, stores: Callable[..., RedisOriginStore]
) -> None:
    store = stores()
    store.add(SHOP)
    warm(store)
    before = hget_calls(redis_srv)
    answers = await asyncio.gather(*(store.alookup(SHOP) for _ in range(50)))
    assert answers == [StoredOrigin(SHOP)] * 50
    assert hget_calls(redis_srv) - before == 1


def test_every_worker_sees_a_change_within_one_notification(stores: Callable[..., RedisOriginStore]) -> None:
    admin, *workers = stores(), stores(), stores(), stores()
    for worker in workers:
        warm(worker, SHOP)
        assert worker.lookup(SHOP) is None  # cached as refused for an hour
    admin.add(SHOP, tenant="acme")
    wait_for(lambda: all(w.lookup(SHOP) is not None for w in workers))  # only the announcement can have told them
    admin.remove(SHOP)
    wait_for(lambda: all(w.lookup(SHOP) is None for w in workers))  # cached as allowed for an hour: the same


def test_a_change_made_by_hand_is_seen_after_the_ttl(
    redis_srv: RedisServer, stores: Callable[..., RedisOriginStore], monkeypatch: pytest.MonkeyPatch
) -> None:
    import redis

    from corskit.server.stores import redis as module

    clock = [1000.0]  # the store's clock, moved by hand: the TTL is the only thing that can change the answer
    monkeypatch.setattr(module, "time", SimpleNamespace(monotonic=lambda: clock[0]))
    store = stores(negative_ttl=30.0)
    warm(store, SHOP)
    redis.Redis(port=redis_srv.port).hset(store.key, SHOP, b"{}")  # no announcement
    clock[0] += 29.9
    assert store.lookup(SHOP) is None  # still the cached answer
    clock[0] += 0.2
    assert store.lookup(SHOP) == StoredOrigin(SHOP)


def test_a_malformed_value_is_refused_and_logged(
    redis_srv: RedisServer, stores: Callable[..., RedisOriginStore], caplog: pytest.LogCaptureFixture
) -> None:
    import redis

    store = stores()
    warm(store)
    redis.Redis(port=redis_srv.port).hset(store.key, SHOP, b'{"credentials": "\x1b[31myes"}')
    for _ in range(10):
        assert store.lookup(SHOP) is None
    lines = [r for r in caplog.records if "malformed" in r.getMessage()]
    assert len(lines) == 1
    assert "\x1b" not in lines[0].getMessage()


def test_redis_down_fails_closed_logs_once_and_recovers(
    redis_srv: RedisServer, stores: Callable[..., RedisOriginStore], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, "corskit")
    store = stores(ttl=0.05)
    store.add(SHOP)
    warm(store, SHOP)
    assert store.lookup(SHOP) is not None
    assert store.lookup("https://b.example") is None

    redis_srv.kill()
    time.sleep(0.1)  # the allowed entry's TTL passes during the outage
    for _ in range(200):
        assert store.lookup(SHOP) == StoredOrigin(SHOP)  # cached as allowed: still allowed
        assert store.lookup("https://new.example") is None  # never seen: refused
    outage = [r for r in caplog.records if "unreachable" in r.getMessage()]
    assert len(outage) == 1, [r.getMessage() for r in caplog.records]
    assert "127.0.0.1" in outage[0].getMessage()

    redis_srv.start()  # same port, same data (append-only file)
    stores().add("https://new.example")
    wait_for(lambda: store.lookup("https://new.example") is not None)
    wait_for(lambda: any("reachable again" in r.getMessage() for r in caplog.records))
    assert len([r for r in caplog.records if "unreachable" in r.getMessage()]) == 1


def test_a_reply_in_flight_when_redis_dies_is_no_recovery(
    redis_srv: RedisServer,
    stores: Callable[..., RedisOriginStore],
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The interleaving CI hit under load: a worker reads a reply, Redis dies, the listener thread sees its connection
    # drop and starts the outage, then the worker handles the reply. That reply must not end the outage: doing so
    # dropped the cache (a cached origin refused for the rest of the outage) and logged the outage twice.
    caplog.set_level(logging.WARNING, "corskit")
    store = stores()
    store.add(SHOP)
    warm(store, SHOP)
    client = store._sync_client()
    answer = client.hget

    def hget_then_redis_dies(key: str, field: str) -> object:
        value = answer(key, field)
        redis_srv.kill()
        wait_for(lambda: store._outage.down_since is not None)  # the listener saw it
        return value

    monkeypatch.setattr(client, "hget", hget_then_redis_dies)
    assert store.lookup("https://in-flight.example") is None
    monkeypatch.undo()
    for _ in range(100):
        assert store.lookup(SHOP) == StoredOrigin(SHOP)  # still cached as allowed
        assert store.lookup("https://new.example") is None
    assert [r.getMessage().split(" (")[0] for r in caplog.records if "reachable" in r.getMessage()] == [
        f"corskit: origin store {store.where} unreachable"
    ]
    redis_srv.start()
    wait_for(lambda: any("reachable again" in r.getMessage() for r in caplog.records))


def test_administration_without_redis_says_where(
    redis_srv: RedisServer, stores: Callable[..., RedisOriginStore]
) -> None:
    store = stores()
    redis_srv.kill()
    for call in (lambda: store.add(SHOP), lambda: store.remove(SHOP), store.entries):
        with pytest.raises(StoreError, match=r"127\.0\.0\.1:\d+/0 did not answer"):
            call()


def test_a_hung_redis_never_blocks_a_lookup_past_the_timeout(
    redis_srv: RedisServer, stores: Callable[..., RedisOriginStore], monkeypatch: pytest.MonkeyPatch
) -> None:
    timeout = 1.0
    store = stores(timeout=timeout, retry_interval=3600)
    store.add(SHOP)
    warm(store, SHOP)
    assert store.lookup(SHOP) is not None
    client = store._sync_client()
    asked: list[str] = []
    hget = client.hget
    monkeypatch.setattr(client, "hget", lambda key, field: asked.append(field) or hget(key, field))
    redis_srv.pause()
    try:
        start = time.monotonic()
        assert store.lookup("https://a.example") is None  # waits the timeout once (not twice)...
        assert time.monotonic() - start < 2 * timeout
        for i in range(100):
            assert store.lookup(f"https://b{i}.example") is None  # ...then refuses without asking until the retry
        assert store.lookup(SHOP) is not None
        assert asked == ["https://a.example"]
    finally:
        redis_srv.resume()


async def test_a_hung_redis_never_blocks_the_event_loop(
    redis_srv: RedisServer, stores: Callable[..., RedisOriginStore]
) -> None:
    timeout = 1.0
    store = stores(timeout=timeout, retry_interval=0.1)
    store.add(SHOP)
    warm(store)
    assert await store.alookup(SHOP) is not None
    redis_srv.pause()
    try:
        ticks = 0

        async def ticker() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        task = asyncio.create_task(ticker())
        start = time.monotonic()
        assert await store.alookup("https://a.example") is None
        took = time.monotonic() - start
        task.cancel()
        assert took < 2 * timeout
        assert ticks >= 2  # the loop kept running while the look-up waited (a blocked loop: no tick at all)
        assert await store.alookup(SHOP) is not None
    finally:
        redis_srv.resume()
    await asyncio.sleep(0.15)  # past the retry interval: the next miss asks again, and Redis answers
    assert await store.alookup("https://a.example") is None
    store.add("https://a.example")
    wait_for(lambda: store.peek("https://a.example") is UNKNOWN)  # the announcement dropped the cached refusal
    assert await store.alookup("https://a.example") is not None


def test_urls_in_messages_carry_no_secrets() -> None:
    assert describe_url("redis://user:hunter2@cache.internal:6380/3") == "redis://cache.internal:6380/3"
    assert "hunter2" not in repr(RedisOriginStore("rediss://:hunter2@cache.internal"))


@pytest.mark.parametrize(
    ("kw", "says"),
    [
        ({"url": "http://cache"}, "redis://"),
        ({"timeout": 0}, "timeout"),
        ({"negative_size": 1.5}, "negative_size"),
        ({"namespace": ""}, "namespace"),
    ],
)
def test_bad_options_are_refused(kw: dict[str, object], says: str) -> None:
    from corskit import ConfigError

    with pytest.raises(ConfigError, match=says):
        RedisOriginStore(**kw)  # type: ignore[arg-type]


async def test_a_burst_of_misses_on_a_hung_redis_is_bounded(
    redis_srv: RedisServer, stores: Callable[..., RedisOriginStore]
) -> None:
    import redis

    timeout = 0.5
    store = stores(timeout=timeout, retry_interval=3600)
    warm(store)
    before = int(redis.Redis(port=redis_srv.port).info("clients")["connected_clients"])
    redis_srv.pause()
    try:
        start = time.monotonic()
        answers = await asyncio.gather(*(store.alookup(f"https://burst-{i}.example") for i in range(500)))
        took = time.monotonic() - start
    finally:
        redis_srv.resume()
    assert answers == [None] * 500
    assert took < 10 * timeout  # all together, not 500 / 16 timeouts one after the other (31 timeouts)
    clients = int(redis.Redis(port=redis_srv.port).info("clients")["connected_clients"])
    assert clients - before <= 16 + 1  # the pool's bound (+ the connection asking)


def test_a_forked_worker_starts_afresh(redis_srv: RedisServer, stores: Callable[..., RedisOriginStore]) -> None:
    import os

    store = stores()
    store.add(SHOP)
    warm(store, SHOP)
    pid = os.fork()
    if pid == 0:  # the child: gunicorn --preload forks workers like this
        code = 1
        try:
            fresh = not store.subscribed.is_set() and store.lookup(SHOP) is not None
            store.add("https://child.example")
            code = 0 if fresh and store.subscribed.wait(LIMIT) else 1
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    wait_for(lambda: store.lookup("https://child.example") is not None)


async def test_the_first_miss_after_a_restart_is_answered(
    redis_srv: RedisServer, stores: Callable[..., RedisOriginStore], caplog: pytest.LogCaptureFixture
) -> None:
    # The pooled connections still point at the dead server: the first command on each must reconnect, not fail.
    store = stores(retry_interval=0.1)
    warm(store)
    assert store.lookup("https://a.example") is None
    assert await store.alookup("https://b.example") is None
    redis_srv.kill()
    # A restart faster than the listener notices is no outage at all (its reconnection resubscribes): wait for it.
    wait_for(lambda: any("unreachable" in r.getMessage() for r in caplog.records))
    redis_srv.start()
    wait_for(lambda: any("reachable again" in r.getMessage() for r in caplog.records))
    admin = stores()
    admin.add("https://c.example")
    admin.add("https://d.example")
    wait_for(lambda: store.peek("https://c.example") is UNKNOWN and store.peek("https://d.example") is UNKNOWN)
    assert store.lookup("https://c.example") is not None
    assert await store.alookup("https://d.example") is not None
    assert len([r for r in caplog.records if "unreachable" in r.getMessage()]) == 1


@pytest.mark.parametrize("message", [b"\xff\x00\x1b[2J", b"x" * 100_000, b"", b"*"])
def test_any_message_on_the_channel_is_safe(
    redis_srv: RedisServer, stores: Callable[..., RedisOriginStore], message: bytes
) -> None:
    import redis

    store = stores()
    store.add(SHOP)
    warm(store, SHOP, "https://no.example")
    redis.Redis(port=redis_srv.port).publish(store.channel, message)
    if message in (b"*", b"x" * 100_000):  # "everything", or too long to be an origin: everything is dropped
        wait_for(lambda: store.peek(SHOP) is UNKNOWN)
    store.add("https://later.example")  # the listener is still alive and still invalidates
    wait_for(lambda: store.lookup("https://later.example") is not None)
    assert store.lookup(SHOP) is not None
