"""Policy(origin_store=...): consulted only after the static rules, through every adapter, with live changes."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from corskit import ConfigError, Policy
from corskit.server.stores import MemoryOriginStore, StoredOrigin
from corskit.server.stores.redis import RedisOriginStore
from tests._redis import RedisServer
from tests.server.adapters import Client, asgi_client, django_client, wsgi_client

STATIC = "https://app.example.com"
SHOP = "https://shop.example"
ACAO = "Access-Control-Allow-Origin"
ACAC = "Access-Control-Allow-Credentials"


class Counting(MemoryOriginStore):
    """A memory store that records which origins it was asked about."""

    def __init__(self, origins: list[str] = []) -> None:  # noqa: B006
        super().__init__(origins)
        self.asked: list[str] = []

    def peek(self, origin: str) -> Any:
        self.asked.append(origin)
        return super().peek(origin)

    def lookup(self, origin: str) -> StoredOrigin | None:
        self.asked.append(origin)
        return super().lookup(origin)


def test_static_rules_come_first_and_the_store_sees_only_canonical_origins() -> None:
    store = Counting([SHOP])
    policy = Policy(allow_origins=[STATIC, "https://*.static.example"], origin_store=store)
    assert policy.actual(STATIC).allowed
    assert policy.actual("https://a.static.example").allowed
    hostile = [
        "https://" + "a" * 100_000,
        "https://shop.example\r\nX: y",
        "\ufeffhttps://shop.example",
        "https://é.example",
    ]
    for value in [
        "null",
        "HTTPS://SHOP.EXAMPLE",
        "https://shop.example/",
        "https://shop.example:443",
        "\x00",
        "",
        *hostile,
    ]:
        assert not policy.actual(value).allowed
        assert not policy.preflight(value, "GET").allowed
    assert not policy.actual(b"https://shop.example\xff").allowed
    assert store.asked == []
    assert policy.actual(SHOP).headers == ((ACAO, SHOP),)
    assert not policy.actual("https://shop.example.evil.com").allowed
    assert set(store.asked) == {SHOP, "https://shop.example.evil.com"}


def test_a_change_in_the_store_changes_the_next_decision() -> None:
    store = MemoryOriginStore()
    policy = Policy(allow_origins=[STATIC], allow_methods=["PUT"], origin_store=store)
    assert not policy.actual(SHOP).allowed
    store.add(SHOP)
    assert policy.actual(SHOP).allowed
    assert policy.actual(SHOP.encode()).allowed
    assert policy.preflight(SHOP, "PUT").allowed
    store.remove(SHOP)
    assert not policy.actual(SHOP).allowed
    assert not policy.actual(SHOP.encode()).allowed
    assert not policy.preflight(SHOP, "PUT").allowed


@pytest.mark.parametrize(
    ("policy_credentials", "entry_credentials", "header"),
    [(True, True, True), (True, False, False), (False, True, False)],
)
def test_credentials_need_both_the_policy_and_the_entry(
    policy_credentials: bool, entry_credentials: bool, header: bool
) -> None:
    store = MemoryOriginStore()
    store.add(SHOP, credentials=entry_credentials)
    policy = Policy(allow_origins=[STATIC], allow_credentials=policy_credentials, origin_store=store)
    assert (dict(policy.actual(SHOP).headers).get(ACAC) == "true") is header
    assert (dict(policy.preflight(SHOP, "GET").headers).get(ACAC) == "true") is header
    assert (dict(policy.actual(STATIC).headers).get(ACAC) == "true") is policy_credentials


async def test_async_decisions_await_the_store_only_on_a_miss() -> None:
    store = Counting([SHOP])
    policy = Policy(origin_store=store)
    assert policy.awaits
    assert not policy.is_async
    assert (await policy.aactual(SHOP)).allowed
    assert (await policy.apreflight(SHOP, "GET")).allowed
    assert not (await policy.aactual("https://other.example")).allowed


def test_the_store_comes_before_allow_origin_func() -> None:
    asked: list[str] = []

    def func(origin: str) -> bool:
        asked.append(origin)
        return origin == "https://func.example"

    policy = Policy(origin_store=MemoryOriginStore([SHOP]), allow_origin_func=func)
    assert policy.actual(SHOP).allowed
    assert policy.actual("https://func.example").allowed
    assert not policy.actual("https://none.example").allowed
    assert asked == ["https://func.example", "https://none.example"]


@pytest.mark.parametrize(
    ("options", "says"),
    [
        ({"allow_origins": ["*"], "origin_store": MemoryOriginStore()}, "already allows every origin"),
        ({"origin_store": {"https://a.example": True}}, "origin_store must be an origin store"),
        ({"origin_store": "redis://localhost"}, "origin_store must be an origin store"),
    ],
)
def test_bad_configurations_are_refused(options: dict[str, Any], says: str) -> None:
    with pytest.raises(ConfigError, match=says):
        Policy(**options)


def test_a_flood_of_unknown_origins_keeps_the_granted_decisions() -> None:
    store = MemoryOriginStore([SHOP])
    policy = Policy(origin_store=store)
    first = policy.actual(SHOP)
    for i in range(5000):
        assert not policy.actual(f"https://r{i}.example").allowed
    assert policy.actual(SHOP) is first  # still the remembered decision
    assert store.peek("https://r1.example") is None


# --- every adapter, against a real Redis ---------------------------------------------------------------------------


@pytest.fixture
def shared(redis_srv: RedisServer) -> Iterator[tuple[RedisOriginStore, RedisOriginStore]]:
    """(the app's store, an administrator's store) on one Redis."""
    app = RedisOriginStore(redis_srv.url, timeout=0.5, negative_ttl=3600, ttl=3600)
    admin = RedisOriginStore(redis_srv.url)
    app.start()
    assert app.subscribed.wait(30)
    yield app, admin
    app.close()
    admin.close()


def _wait(check: Callable[[], bool], limit: float = 30.0) -> None:
    """Until *check* holds (an announcement reached the app's store); fails after *limit* seconds."""
    deadline = time.monotonic() + limit
    while not check():
        assert time.monotonic() < deadline, "never held"
        time.sleep(0.002)


@pytest.mark.parametrize("make", [asgi_client, wsgi_client, django_client])
def test_adapters_follow_the_shared_store(
    make: Callable[[Policy], Client], shared: tuple[RedisOriginStore, RedisOriginStore]
) -> None:
    app, admin = shared
    client = make(Policy(allow_origins=[STATIC], allow_methods=["PUT"], allow_credentials=True, origin_store=app))
    assert client("GET", headers=[("Origin", STATIC)]).header(ACAO) == STATIC
    refused = client("GET", headers=[("Origin", SHOP)])
    assert (refused.status, refused.header(ACAO), refused.reached_app) == (200, None, True)
    admin.add(SHOP, credentials=True, tenant="acme")
    _wait(lambda: client("GET", headers=[("Origin", SHOP)]).header(ACAO) == SHOP)
    assert client("GET", headers=[("Origin", SHOP)]).header(ACAC) == "true"
    preflight = client("OPTIONS", headers=[("Origin", SHOP), ("Access-Control-Request-Method", "PUT")])
    assert (preflight.status, preflight.header(ACAO)) == (204, SHOP)
    admin.remove(SHOP)
    _wait(lambda: client("GET", headers=[("Origin", SHOP)]).header(ACAO) is None)
    preflight = client("OPTIONS", headers=[("Origin", SHOP), ("Access-Control-Request-Method", "PUT")])
    assert (preflight.status, preflight.header(ACAO)) == (403, None)


async def test_django_async_stack_awaits_the_store(shared: tuple[RedisOriginStore, RedisOriginStore]) -> None:
    from django.http import HttpResponse
    from django.test import RequestFactory

    from corskit.django import CorsMiddleware

    app, admin = shared
    admin.add(SHOP)

    async def get_response(request: Any) -> HttpResponse:
        return HttpResponse(b"ok")

    middleware = CorsMiddleware(get_response)
    middleware.policy = Policy(origin_store=app)
    request = RequestFactory().get("/", HTTP_ORIGIN=SHOP)
    response = await middleware(request)
    assert response.headers[ACAO] == SHOP
