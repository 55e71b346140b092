"""Audit many targets: streamed input, bounded concurrency, a global rate limit, retries with backoff.

Memory stays bounded whatever the number of targets: the input is read lazily into a queue of fixed size, at most
``concurrency`` targets are audited at once, and each report is handed to the caller as soon as it is ready (the
runner keeps none of them). A target that cannot be reached (refused, timeout, TLS, redirect loop, not a URL) gets
a report with ``error`` set; it never stops the scan.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from typing import TypeVar

from ..browser import Response, WireRequest
from ..tools.network import NetworkError, NetworkOptions
from .findings import TargetReport
from .judge import judge
from .observe import Sender, TargetError, observe
from .targets import MAX_LINE, Target, normalize_target

logger = logging.getLogger("corskit")

T = TypeVar("T")

#: Network failures worth another try: the next attempt may well succeed.
TRANSIENT = frozenset({"timeout", "protocol", "other"})


@dataclass(frozen=True)
class AuditOptions:
    """How to scan: the network settings, how much at once, how fast, how stubbornly, and known trusted origins."""

    network: NetworkOptions = field(default_factory=NetworkOptions)
    #: At most this many requests in flight at any time.
    concurrency: int = 10
    #: At most this many requests in flight to one target, as a browser opens at most six connections to a host:
    #: targets are audited ``concurrency / per_target`` at a time, each on its own few connections, reused for all
    #: of its probes (not one new connection per probe, nor a burst of forty on one server).
    per_target: int = 6

    @property
    def slots(self) -> tuple[int, int]:
        """(targets in progress at once, requests in flight per target)."""
        per_target = max(1, min(self.per_target, self.concurrency))
        return -(-max(1, self.concurrency) // per_target), per_target

    #: Requests per second across the whole scan; ``None`` for no limit.
    rate: float | None = None
    #: Extra attempts after a transient network error (timeout, reset), with exponential backoff.
    retries: int = 2
    backoff: float = 0.25
    #: Origins the user says the server trusts: their look-alikes are probed too.
    trusted: tuple[str, ...] = ()
    #: Report the findings that affect at least one of these browsers (``--browser``).
    browsers: tuple[str, ...] = ("chromium", "firefox", "webkit")


class RateLimiter:
    """At most *rate* acquisitions per second, spread evenly (no bursts), shared by every task."""

    def __init__(self, rate: float | None) -> None:
        self.interval = 1.0 / rate if rate else 0.0
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        if not self.interval:
            return
        async with self._lock:
            now = time.monotonic()
            wait = max(0.0, self._next - now)
            self._next = max(now, self._next) + self.interval
        if wait:
            await asyncio.sleep(wait)


class Limits:
    """The scan-wide limits every target shares: requests in flight and the rate."""

    def __init__(self, options: AuditOptions) -> None:
        self.slots = asyncio.Semaphore(max(1, options.concurrency))
        self.rate = RateLimiter(options.rate)


class Throttle:
    """Wrap a sender with the scan-wide limits (a semaphore on requests in flight, the rate limiter; shared by
    every target's throttle through *limits*) and retries."""

    def __init__(self, send: Sender, options: AuditOptions, limits: Limits | None = None) -> None:
        self._send = send
        self._options = options
        self._limits = limits or Limits(options)
        self.requests = 0

    async def __call__(self, wire: WireRequest) -> Response:
        attempt = 0
        while True:
            async with self._limits.slots:
                await self._limits.rate.acquire()
                self.requests += 1
                try:
                    return await self._send(wire)
                except NetworkError as error:
                    if error.kind not in TRANSIENT or attempt >= self._options.retries:
                        raise
                    logger.debug("retrying %r after %r (attempt %d)", wire.url, error.kind, attempt + 1)
            await asyncio.sleep(self._options.backoff * (2**attempt))
            attempt += 1


def _per_target(send: Sender, limit: int) -> Sender:
    """*send*, with at most *limit* of this target's requests in flight."""
    slots = asyncio.Semaphore(max(1, limit))

    async def limited(wire: WireRequest) -> Response:
        async with slots:
            return await send(wire)

    return limited


async def audit_target(target: str | Target, send: Sender, options: AuditOptions) -> TargetReport:
    """Audit one target with *send* (already throttled); never raises for a bad target."""
    target = target if isinstance(target, Target) else Target(target)
    send = _per_target(send, options.slots[1])
    if len(target.url) > MAX_LINE:
        return TargetReport(target.url[:200] + "…", f"the input line is longer than {MAX_LINE} characters")
    try:
        obs = await observe(
            target.url,
            send,
            trusted=options.trusted,
            cookie=options.network.cookie is not None,
            methods=target.methods,
            headers=target.headers,
        )
    except TargetError as failure:
        return TargetReport(target.url, str(failure))
    findings = [f for f in judge(obs) if set(f.browsers) & set(options.browsers)]
    error = None
    if obs.failures:
        error = f"{len(obs.failures)} probe(s) got no answer, so findings may be missing: " + "; ".join(
            obs.failures[:3]
        )
    return TargetReport(target.url, error, tuple(findings))


async def _batches(lines: Iterable[T], size: int = 256) -> AsyncIterator[list[T]]:
    """Read *lines* in a worker thread, *size* at a time (stdin and files never block the event loop)."""
    iterator: Iterator[T] = iter(lines)
    loop = asyncio.get_running_loop()

    def take() -> list[T]:
        batch = []
        for line in iterator:
            batch.append(line)
            if len(batch) >= size:
                break
        return batch

    while True:
        batch = await loop.run_in_executor(None, take)
        if not batch:
            return
        yield batch


def network_sender(client: object, options: NetworkOptions) -> Sender:
    """A sender that puts the engine's requests on the network with :func:`corskit.tools.network.asend`."""
    from ..tools.network import asend

    async def send(wire: WireRequest) -> Response:
        return await asend(client, wire, options)  # type: ignore[arg-type]

    return send


async def scan(
    lines: Iterable[str | Target],
    options: AuditOptions | None = None,
    *,
    send: Sender | None = None,
) -> AsyncIterator[TargetReport]:
    """Audit every target in *lines* (URLs, one per item, or :class:`Target`), yielding reports as targets finish.

    *send* replaces the network (tests pass an in-process app); by default requests go out with httpx, built
    from ``options.network``: one small connection pool per target (its own few keep-alive connections, as a
    browser has per host), all sharing one TLS context and the scan-wide limits.
    """
    options = options or AuditOptions()
    if send is not None:
        fixed = send

        @asynccontextmanager
        async def connect() -> AsyncIterator[Sender]:
            yield fixed

    else:
        from ..tools.network import async_client, ssl_context

        context = ssl_context(options.network)
        per_target = options.slots[1]

        @asynccontextmanager
        async def connect() -> AsyncIterator[Sender]:
            async with async_client(options.network, max_connections=per_target, ssl_context=context) as client:
                yield network_sender(client, options.network)

    async for report in _scan(lines, options, connect):
        yield report


async def _scan(
    lines: Iterable[str | Target], options: AuditOptions, connect: Callable[[], AbstractAsyncContextManager[Sender]]
) -> AsyncIterator[TargetReport]:
    workers = options.slots[0]
    limits = Limits(options)
    todo: asyncio.Queue[str | Target | None] = asyncio.Queue(maxsize=workers * 2)
    done: asyncio.Queue[TargetReport] = asyncio.Queue(maxsize=workers * 2)

    async def produce() -> None:
        async for batch in _batches(lines):
            for line in batch:
                target = line if isinstance(line, Target) else normalize_target(line)
                if target is not None:
                    await todo.put(target)
        for _ in range(workers):
            await todo.put(None)

    async def work() -> None:
        while True:
            target = await todo.get()
            if target is None:
                return
            try:
                async with connect() as send:
                    report = await audit_target(target, Throttle(send, options, limits), options)
            except Exception as error:  # a bug must not take the whole scan down: report it for this target
                logger.exception("audit of %r failed", target)
                url = target.url if isinstance(target, Target) else target
                report = TargetReport(url, f"internal error while auditing: {error!r}")
            await done.put(report)

    tasks = [asyncio.ensure_future(produce()), *(asyncio.ensure_future(work()) for _ in range(workers))]

    async def supervise() -> None:
        try:
            await asyncio.gather(*tasks)
        except BaseException:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            raise

    supervisor = asyncio.ensure_future(supervise())
    try:
        while True:
            getter = asyncio.ensure_future(done.get())
            finished, _ = await asyncio.wait({getter, supervisor}, return_when=asyncio.FIRST_COMPLETED)
            if getter in finished:
                yield getter.result()
                continue
            getter.cancel()
            while not done.empty():
                yield done.get_nowait()
            supervisor.result()  # re-raise what stopped the scan (e.g. the input could not be read)
            return
    finally:
        if not supervisor.done():
            supervisor.cancel()
            await asyncio.gather(supervisor, return_exceptions=True)
