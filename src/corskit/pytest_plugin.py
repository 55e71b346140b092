"""The ``cors_client`` pytest fixture: browser clients for a test, closed after it (needs ``corskit[testing]``).

Installed with corskit and loaded by pytest through the ``pytest11`` entry point (``-p no:corskit`` turns it off)::

    def test_the_spa_can_update_items(cors_client):
        client = cors_client(app, origin="https://app.example")    # an app, a live URL or an httpx transport
        assert client.put("/items/1", headers={"Authorization": "Bearer t"}).status_code == 200

Each client is :func:`corskit.testing.browser_client` entered as a context manager, so an ASGI app's lifespan
(startup, then shutdown after the test) runs as under a real server. Keyword arguments are ``browser_client``'s.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    import httpx

ClientFactory = Callable[..., "httpx.Client"]


@pytest.fixture
def cors_client() -> Iterator[ClientFactory]:
    """``cors_client(app, origin=..., **options)`` → an ``httpx.Client`` that enforces CORS like a page on
    *origin*; every client made in the test is closed (and its app's lifespan shut down) after it."""
    from .testing import browser_client  # httpx is needed only when the fixture is used

    with ExitStack() as clients:

        def make(app: Any, origin: str, **options: Any) -> httpx.Client:
            return clients.enter_context(browser_client(app, origin, **options))

        yield make
