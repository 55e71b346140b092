"""An origin store on Redis, shared by every worker of every app server, with a local cache in each worker.

>>> store = RedisOriginStore("redis://redis.internal:6379/0")                  # doctest: +SKIP
>>> policy = Policy(allow_origins=["https://app.example.com"], origin_store=store)  # doctest: +SKIP

Data: one hash, ``{namespace}:origins`` (field: the canonical origin; value: its attributes as JSON). Every change
made through :meth:`RedisOriginStore.add` / :meth:`~RedisOriginStore.remove` (or ``corskit origins``) is published
on ``{namespace}:origins:changed``; each worker's listener thread drops that origin from its cache at once. A
change written by hand (``redis-cli HSET``) is seen when the cached answer expires (*ttl*, *negative_ttl*).

Look-ups: an origin in the local cache costs a dict lookup, no Redis round trip. A miss asks Redis (``HGET``)
within *timeout* seconds (the sync client's socket timeout under WSGI; an asyncio client under ASGI, so the event
loop never waits). If Redis does not answer, the store refuses every origin it has not cached as allowed (fail
closed), keeps serving those it has (even past their TTL), logs one line on the ``corskit`` logger for the outage,
asks Redis again at most once per *retry_interval*, and logs one line when it is back, then drops its cache (it may
have missed changes meanwhile).
"""

from __future__ import annotations

import asyncio
import ipaddress
import os
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

from ...spec.errors import ConfigError
from .base import StoreError
from .cache import UNKNOWN, LocalCache, Peek
from .entry import StoredOrigin, decode_entry, encode_entry
from .outage import Outage, logger
from .pubsub import FAILURES, POLL, Listener

try:
    import redis
    import redis.asyncio
    from redis.asyncio.retry import Retry as AsyncRetry
    from redis.backoff import NoBackoff
    from redis.retry import Retry
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ImportError("RedisOriginStore needs the 'redis' extra: pip install 'corskit[redis]'") from exc

__all__ = ["RedisOriginStore"]

#: Errors worth one immediate retry on a new connection: a pooled connection to a Redis that restarted is dead,
#: and only using it tells. A timeout is never retried: it already cost the whole budget.
_RECONNECT = (redis.ConnectionError,)
#: Seconds an administrative operation (add, remove, list) may wait for Redis.
ADMIN_TIMEOUT = 5.0
#: Connections to Redis per worker (per event loop) for look-ups; a miss waits for a free one within the timeout.
MAX_CONNECTIONS = 16


_EXAMPLES = "redis://localhost:6379/0 or unix:///run/redis/redis.sock"
#: A longer url is refused (host names have at most 253 characters; the URL goes into log lines).
MAX_URL_LENGTH = 2048


def check_url(url: object) -> None:
    """Raise :class:`ConfigError` unless redis-py reads *url* as written: the message says what to write and never
    repeats the URL (it may hold a password)."""
    if not isinstance(url, str) or not url:
        raise ConfigError(f"url must be a redis://, rediss:// or unix:// URL, e.g. {_EXAMPLES}")
    if len(url) > MAX_URL_LENGTH:
        raise ConfigError(f"url is longer than {MAX_URL_LENGTH} characters: is it a Redis URL?")
    bad = next((i for i, c in enumerate(url) if c.isspace() or not c.isprintable()), None)
    if bad is not None:  # urlsplit would drop some (CR, LF, tab) silently, redis-py would pass others on
        raise ConfigError(f"url has a space or control character at index {bad}: remove it or percent-encode it")
    if not url.startswith(("redis://", "rediss://", "unix://")):
        raise ConfigError(f"url must be a redis://, rediss:// or unix:// URL, e.g. {_EXAMPLES}")
    try:
        parts = urlsplit(url)
        if parts.netloc.rpartition("@")[2].startswith("["):  # (checked by urlsplit itself from Python 3.11)
            ipaddress.IPv6Address(parts.hostname or "")
    except ValueError:  # (its message may quote the password)
        if "[" in url or "]" in url:
            raise ConfigError("url's IPv6 address is malformed: write it in brackets: redis://[::1]:6379/0") from None
        raise ConfigError(
            "url's user, password or host holds a character that stands for URL punctuation (such as a fullwidth"
            " '＃'): percent-encode it"
        ) from None
    try:
        port = parts.port
    except ValueError:  # not a number, or past 65535
        port = 0
    if port == 0:  # (redis-py would take an explicit 0 as "no port": 6379)
        raise ConfigError("url's port must be a number from 1 to 65535, e.g. redis://localhost:6379/0")
    if parts.scheme == "unix":
        if not parts.path:
            raise ConfigError("a unix:// url needs the socket's path, e.g. unix:///run/redis/redis.sock")
    elif parts.path not in ("", "/") and not (parts.path[1:].isdigit() and parts.path[1:].isascii()):
        # redis-py would read "/one" or "/0/extra" as database 0 without a word
        raise ConfigError("url's path is the database number and nothing else, e.g. redis://localhost:6379/0")
    try:  # redis-py's own reading of the query (?db=1&socket_timeout=0.5): a connection object, not connected
        redis.ConnectionPool.from_url(url).make_connection()
    except TypeError as error:  # "...__init__() got an unexpected keyword argument 'foo'"
        name = str(error).rpartition(" ")[2]
        raise ConfigError(f"url's query argument {name} is not one redis-py takes (e.g. ?socket_timeout=0.5)") from None
    except (ValueError, redis.RedisError) as error:  # "Invalid value for 'db' in connection URL." and the like
        raise ConfigError(f"url's query: {error}") from None


def describe_url(url: str) -> str:
    """``redis://host:port/db`` without user name or password: safe for log lines and error messages."""
    try:
        parts = urlsplit(url)
        where = f"{parts.hostname or 'localhost'}:{parts.port or 6379}"
    except ValueError:
        return "(malformed URL)"
    if parts.scheme == "unix":
        where = parts.path
    return f"{parts.scheme}://{where}{parts.path if parts.scheme != 'unix' else ''}"


def _positive(name: str, value: Any, *, integer: bool = False) -> Any:
    kind = int if integer else (int, float)
    if isinstance(value, bool) or not isinstance(value, kind) or not value > 0:
        raise ConfigError(f"{name} must be a positive {'int' if integer else 'number'}, got {value!r}")
    return value


class RedisOriginStore:
    """The origins in Redis at *url* (``redis://``, ``rediss://`` or ``unix://``), cached in each worker.

    :param namespace: prefix of the hash and the channel, so several apps can share one Redis.
    :param timeout: seconds a cache miss may wait for Redis (connect and answer) before the origin is refused.
    :param ttl: seconds an allowed origin is trusted without asking Redis again (changes made through corskit
        are seen at once; this bounds a missed notification or a change made by hand).
    :param negative_ttl: the same for an origin Redis does not hold.
    :param size: allowed origins a worker remembers; *negative_size*: refused origins it remembers (the oldest
        are forgotten first: a flood of random origins recycles these only).
    :param retry_interval: seconds between attempts to reach Redis during an outage.
    """

    def __init__(
        self,
        url: str = "redis://localhost:6379/0",
        *,
        namespace: str = "corskit",
        timeout: float = 0.1,
        ttl: float = 300.0,
        negative_ttl: float = 30.0,
        size: int = 100_000,
        negative_size: int = 10_000,
        retry_interval: float = 1.0,
    ) -> None:
        check_url(url)
        if not isinstance(namespace, str) or not namespace.isprintable() or not 0 < len(namespace) <= 64:
            raise ConfigError(f"namespace must be printable text of 1 to 64 characters, got {namespace!r}")
        self.url = url
        self.where = describe_url(url)
        self.namespace = namespace
        self.timeout: float = _positive("timeout", timeout)
        self.retry_interval: float = _positive("retry_interval", retry_interval)
        self.key = f"{namespace}:origins"
        self.channel = f"{namespace}:origins:changed"
        self._cache = LocalCache(
            ttl=_positive("ttl", ttl),
            negative_ttl=_positive("negative_ttl", negative_ttl),
            size=_positive("size", size, integer=True),
            negative_size=_positive("negative_size", negative_size, integer=True),
        )
        self._outage = Outage(self.where, self.retry_interval)
        self._client: redis.Redis | None = None
        self._admin_redis: redis.Redis | None = None
        self._aclient: tuple[asyncio.AbstractEventLoop, redis.asyncio.Redis] | None = None
        self._pending: dict[str, asyncio.Future[StoredOrigin | None]] = {}
        self._listener = Listener(self._listener_client, self.channel, self._cache, self._outage, self.retry_interval)
        _after_fork.add(self)

    def __repr__(self) -> str:
        return f"RedisOriginStore({self.where!r}, namespace={self.namespace!r})"

    # --- look-ups (the policy's side) -------------------------------------------------------------------------

    def peek(self, origin: str) -> Peek:
        """The answer from this worker's memory, or :data:`UNKNOWN`: never any I/O."""
        return self._cache.peek(origin, time.monotonic())

    def lookup(self, origin: str) -> StoredOrigin | None:
        hit, now, generation = self._before_asking(origin)
        if hit is not UNKNOWN:
            return hit
        try:
            value = self._sync_client().hget(self.key, origin)
        except Exception as exc:  # Redis down or slow, or anything else: refuse, never raise into a request
            return self._failed(origin, exc)
        return self._answer(origin, value, now, generation)

    async def alookup(self, origin: str) -> StoredOrigin | None:
        hit, now, generation = self._before_asking(origin)
        if hit is not UNKNOWN:
            return hit
        # Requests for the same unknown origin that arrive together (a page's first burst) share one round trip.
        loop = asyncio.get_running_loop()
        shared = self._pending.get(origin)
        if shared is not None and shared.get_loop() is loop:
            return await asyncio.shield(shared)
        shared = self._pending[origin] = loop.create_future()
        answer = None
        try:
            value = await asyncio.wait_for(self._async_client().hget(self.key, origin), self.timeout)
            answer = self._answer(origin, value, now, generation)
        except Exception as exc:
            answer = self._failed(origin, exc)
        finally:  # also when this request is cancelled: the others get a refusal, not the cancellation
            shared.set_result(answer)
            if self._pending.get(origin) is shared:
                del self._pending[origin]
        return answer

    def _before_asking(self, origin: str) -> tuple[Peek, float, int]:
        """The cached answer, or the stale one during an outage, or :data:`UNKNOWN`: ask Redis (with the time and
        the cache generation to remember its answer with)."""
        now = time.monotonic()
        hit = self._cache.peek(origin, now)
        if hit is UNKNOWN:
            self.start()
            if not self._outage.may_try(now):
                hit = self._cache.stale(origin)
        return hit, now, self._cache.generation

    def _failed(self, origin: str, error: BaseException) -> StoredOrigin | None:
        self._outage.failed(error, time.monotonic())
        return self._cache.stale(origin)

    def _answer(self, origin: str, value: Any, asked: float, generation: int) -> StoredOrigin | None:
        if self._outage.recovered(time.monotonic(), asked):
            self._cache.invalidate()  # changes made during the outage were never announced to us
            generation = self._cache.generation
        entry = None if value is None else decode_entry(origin, bytes(value))
        if value is not None and entry is None:
            logger.warning("corskit: ignoring malformed entry for %r in %s %s: %r", origin, self.where, self.key, value)
        self._cache.put(origin, entry, asked, generation)
        return entry

    def _sync_client(self) -> redis.Redis:
        client = self._client
        if client is None:
            client = self._client = self._new_client(self.timeout)
        return client

    def _admin_client(self) -> redis.Redis:
        """Administration is not on a request's path: it may wait longer than a look-up."""
        client = self._admin_redis
        if client is None:
            client = self._admin_redis = self._new_client(max(self.timeout, ADMIN_TIMEOUT))
        return client

    def _new_client(self, timeout: float) -> redis.Redis:
        # A bounded pool: a burst of misses while Redis is slow opens at most MAX_CONNECTIONS connections.
        pool = redis.BlockingConnectionPool.from_url(
            self.url,
            max_connections=MAX_CONNECTIONS,
            timeout=timeout,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
            retry=Retry(NoBackoff(), 1, supported_errors=_RECONNECT),
        )
        return redis.Redis(connection_pool=pool)

    def _listener_client(self) -> redis.Redis:
        return self._new_client(max(self.timeout, POLL * 2))  # it waits POLL seconds for a message

    def _async_client(self) -> redis.asyncio.Redis:
        """This event loop's client (an asyncio client belongs to the loop it was made in)."""
        loop = asyncio.get_running_loop()
        pair = self._aclient
        if pair is None or pair[0] is not loop:
            pool = redis.asyncio.BlockingConnectionPool.from_url(
                self.url,
                max_connections=MAX_CONNECTIONS,
                timeout=self.timeout,
                socket_timeout=self.timeout,
                socket_connect_timeout=self.timeout,
                retry=AsyncRetry(NoBackoff(), 1, supported_errors=_RECONNECT),
            )
            pair = self._aclient = (loop, redis.asyncio.Redis(connection_pool=pool))
        return pair[1]

    # --- invalidation ---------------------------------------------------------------------------------------

    @property
    def subscribed(self) -> threading.Event:
        """Set while this process's listener is subscribed to the change announcements."""
        return self._listener.subscribed

    def start(self) -> None:
        """Start this process's listener thread for change announcements (done by the first cache miss)."""
        self._listener.start()

    def close(self) -> None:
        """Stop the listener (within a second) and drop the connections; look-ups start again."""
        self._listener.stop()
        self._client = self._admin_redis = None
        self._aclient = None

    def _forked(self) -> None:
        """In a forked child: nothing of the parent's connections, thread or cache is usable."""
        self._client = self._admin_redis = None
        self._aclient = None
        self._pending = {}
        self._listener.forked()
        self._cache.invalidate()

    # --- administration -------------------------------------------------------------------------------------

    def add(self, origin: str, *, credentials: bool = False, tenant: str = "") -> StoredOrigin:
        """Store *origin* (validated, canonicalised) and tell every worker; :class:`StoreError` if Redis fails."""
        entry = StoredOrigin.create(origin, credentials=credentials, tenant=tenant)
        with self._admin("add"):
            pipe = self._admin_client().pipeline(transaction=True)
            pipe.hset(self.key, entry.origin, encode_entry(entry))
            pipe.publish(self.channel, entry.origin)
            pipe.execute()
        return entry

    def remove(self, origin: str) -> bool:
        """Forget *origin* and tell every worker; ``False`` if it was not stored."""
        canonical = StoredOrigin.create(origin).origin
        with self._admin("remove"):
            pipe = self._admin_client().pipeline(transaction=True)
            pipe.hdel(self.key, canonical)
            pipe.publish(self.channel, canonical)
            removed, _ = pipe.execute()
        return bool(removed)

    def entries(self) -> list[StoredOrigin]:
        """Every valid stored origin (malformed values written by hand are logged and skipped), sorted."""
        out: list[StoredOrigin] = []
        with self._admin("list"):
            for field, value in self._admin_client().hscan_iter(self.key, count=1000):
                origin = bytes(field).decode("latin-1")
                entry = decode_entry(origin, bytes(value))
                if entry is None:
                    logger.warning("corskit: ignoring malformed entry %r: %r in %s", origin, value, self.key)
                else:
                    out.append(entry)
        return sorted(out, key=lambda e: e.origin)

    @contextmanager
    def _admin(self, what: str) -> Iterator[None]:
        """Redis' exceptions as a :class:`StoreError` that says where and what."""
        try:
            yield
        except FAILURES as exc:
            detail = str(exc)[:200] or type(exc).__name__
            raise StoreError(f"origins {what}: Redis at {self.where} did not answer: {detail}") from exc


class _Registry:
    """Stores to reset in a forked child (gunicorn --preload, multiprocessing fork)."""

    def __init__(self) -> None:
        self._stores: weakref.WeakSet[RedisOriginStore] = weakref.WeakSet()
        if hasattr(os, "register_at_fork"):
            os.register_at_fork(after_in_child=self._reset)

    def add(self, store: RedisOriginStore) -> None:
        self._stores.add(store)

    def _reset(self) -> None:
        for store in list(self._stores):
            store._forked()


_after_fork = _Registry()
