"""The listener of a Redis origin store: one thread per worker process, subscribed to the store's channel, that
drops each announced origin from the worker's cache as soon as it is announced."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from typing import Any

import redis

from ...spec.origins import MAX_ORIGIN_LENGTH
from .cache import LocalCache
from .outage import Outage, logger

__all__ = ["FAILURES", "Listener"]

#: What a Redis that is down, slow or gone raises.
FAILURES = (redis.RedisError, OSError, asyncio.TimeoutError)
#: How long the listener waits for a message before checking it should still run.
POLL = 1.0


class Listener:
    """Subscribes through *connect* to *channel* and invalidates *cache*; reports to *outage*."""

    def __init__(
        self, connect: Callable[[], redis.Redis], channel: str, cache: LocalCache, outage: Outage, retry: float
    ) -> None:
        self._connect = connect
        self._channel = channel
        self._cache = cache
        self._outage = outage
        self._retry = retry
        self._lock = threading.Lock()
        self._stop: threading.Event | None = None
        #: Set while subscribed; tests and start-up code can wait on it.
        self.subscribed = threading.Event()

    def start(self) -> None:
        """Start the thread, unless it runs."""
        if self._stop is not None:
            return
        with self._lock:
            if self._stop is None:
                stop = self._stop = threading.Event()
                threading.Thread(target=self._run, args=(stop,), name="corskit-origin-store", daemon=True).start()

    def stop(self) -> None:
        """Stop the thread (within :data:`POLL` seconds); :meth:`start` starts a new one."""
        with self._lock:
            if self._stop is not None:
                self._stop.set()
                self._stop = None
        self.subscribed.clear()

    def forked(self) -> None:
        """In a forked child, where the parent's thread does not exist."""
        self._lock = threading.Lock()
        self._stop = None
        self.subscribed = threading.Event()

    def _run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                self._listen(stop)
            except FAILURES as exc:
                self.subscribed.clear()
                if not stop.is_set():  # stopping drops the connection: not an outage
                    self._outage.failed(exc, time.monotonic())
            except Exception:  # a bug must not leave the worker without invalidation: log it and go on
                self.subscribed.clear()
                logger.exception("corskit: origin store listener failed; restarting it")
            stop.wait(self._retry)

    def _listen(self, stop: threading.Event) -> None:
        client = self._connect()
        pubsub = client.pubsub()  # type: ignore[no-untyped-call, unused-ignore]  # typed since redis 8.2
        try:
            pubsub.subscribe(self._channel)
            while not stop.is_set():
                message = pubsub.get_message(timeout=POLL)
                if message is None:
                    continue
                if message["type"] == "subscribe":
                    # Anything may have changed while we were not subscribed.
                    self._cache.invalidate()
                    self._outage.recovered(time.monotonic())
                    self.subscribed.set()
                elif message["type"] == "message":
                    self._cache.invalidate(_announced(message["data"]))
        finally:
            pubsub.close()
            client.close()


def _announced(data: Any) -> str | None:
    """The origin a message announces; ``None`` (everything) for ``*`` or anything too long to be an origin."""
    origin = bytes(data).decode("latin-1") if isinstance(data, (bytes, bytearray)) else str(data)
    return None if origin == "*" or len(origin) > MAX_ORIGIN_LENGTH else origin
