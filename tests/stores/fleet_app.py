"""The app that tests/stores/test_fleet.py runs in several uvicorn processes: its Redis and its store's options
from the environment (test_fleet.py sets them).

Each response body is the worker's process id, so a test knows which worker answered.
"""

from __future__ import annotations

import os
from typing import Any

from corskit import Policy
from corskit.asgi import CORSMiddleware
from corskit.server.stores.redis import RedisOriginStore

STATIC = "https://static.example"

store = RedisOriginStore(
    os.environ["CORSKIT_TEST_REDIS_URL"],
    timeout=float(os.environ["CORSKIT_TEST_TIMEOUT"]),
    retry_interval=float(os.environ["CORSKIT_TEST_RETRY"]),
    ttl=float(os.environ["CORSKIT_TEST_TTL"]),
    negative_ttl=float(os.environ["CORSKIT_TEST_TTL"]),
)
store.start()


async def hello(scope: dict[str, Any], receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": str(os.getpid()).encode()})


app = CORSMiddleware(hello, Policy(allow_origins=[STATIC], allow_methods=["PUT"], origin_store=store))
