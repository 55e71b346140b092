from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests._redis import RedisServer, redis_server


@pytest.fixture
def redis_srv() -> Iterator[RedisServer]:
    """A fresh redis-server for one test (tests that kill or pause it get their own)."""
    yield from redis_server()


@pytest.fixture(scope="session", autouse=True)
def _django() -> None:
    from examples.server import django_app

    django_app.configure()
