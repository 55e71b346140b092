"""Audit many targets: streamed input, bounded concurrency, a global rate limit, retries with backoff.

Memory stays bounded whatever the number of targets: the input is read lazily into a queue of fixed size, at most
``concurrency`` targets are audited at once, and each report is handed to the caller as soon as it is ready (the
runner keeps none of them). A target that cannot be reached (refused, timeout, TLS, redirect loop, not a URL) gets
a report with ``error`` set; it never stops the scan.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import re
import time
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TypeVar

from ..browser import Response, WireRequest
from ..tools.network import NetworkError, NetworkOptions
from .findings import TargetReport
from .judge import judge
from .observe import Sender, TargetError, observe

logger = logging.getLogger("corskit")

T = TypeVar("T")

#: Network failures worth another try: the next attempt may well succeed.
TRANSIENT = frozenset({"timeout", "protocol", "other"})
#: Longest accepted input line (a URL longer than this is reported, not fetched).
MAX_LINE = 8192


@dataclass(frozen=True)
class AuditOptions:
    """How to scan: the network settings, how much at once, how fast, how stubbornly, and known trusted origins."""

    network: NetworkOptions = field(default_factory=NetworkOptions)
    #: At most this many requests in flight, and this many targets in progress, at any time.
    concurrency: int = 10
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


class Throttle:
    """Wrap a sender with the global limits: a semaphore on requests in flight, the rate limiter, retries."""

    def __init__(self, send: Sender, options: AuditOptions) -> None:
        self._send = send
        self._options = options
        self._slots = asyncio.Semaphore(max(1, options.concurrency))
        self._rate = RateLimiter(options.rate)
        self.requests = 0

    async def __call__(self, wire: WireRequest) -> Response:
        attempt = 0
        while True:
            async with self._slots:
                await self._rate.acquire()
                self.requests += 1
                try:
                    return await self._send(wire)
                except NetworkError as error:
                    if error.kind not in TRANSIENT or attempt >= self._options.retries:
                        raise
                    logger.debug("retrying %r after %r (attempt %d)", wire.url, error.kind, attempt + 1)
            await asyncio.sleep(self._options.backoff * (2**attempt))
            attempt += 1


#: A target written without a scheme: a host (name, IPv4 or bracketed IPv6), an optional port, an optional path.
_BARE_TARGET = re.compile(r"(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+)(?::\d{1,5})?(?:[/?#]\S*)?")


def normalize_target(line: str) -> str | None:
    """A target line → the URL to audit; ``None`` for blank lines and ``#`` comments.

    A bare host (``api.example.com``, ``127.0.0.1:8000/api``) gets a scheme the way a browser's address bar picks
    one: ``http://`` for local hosts (``localhost``, an IP address, a single-label name: development servers
    speak plain HTTP), ``https://`` for every other name. Anything else is kept as written (and refused later if it
    is not an http(s) URL).
    """
    text = line.strip()
    if not text or text.startswith("#"):
        return None
    bare = _BARE_TARGET.fullmatch(text) if "://" not in text else None
    if bare is not None:
        scheme = "http" if _local(bare.group("host")) else "https"
        text = f"{scheme}://{text}"
    return text


def _local(host: str) -> bool:
    name = host.lower().rstrip(".")
    if name.startswith("[") or name == "localhost" or name.endswith(".localhost") or "." not in name:
        return True
    try:
        ipaddress.IPv4Address(name)
    except ValueError:
        return False
    return True


async def audit_target(target: str, send: Sender, options: AuditOptions) -> TargetReport:
    """Audit one target with *send* (already throttled); never raises for a bad target."""
    if len(target) > MAX_LINE:
        return TargetReport(target[:200] + "…", f"the input line is longer than {MAX_LINE} characters")
    try:
        obs = await observe(target, send, trusted=options.trusted, cookie=options.network.cookie is not None)
    except TargetError as failure:
        return TargetReport(target, str(failure))
    findings = [f for f in judge(obs) if set(f.browsers) & set(options.browsers)]
    error = None
    if obs.failures:
        error = f"{len(obs.failures)} probe(s) got no answer, so findings may be missing: " + "; ".join(
            obs.failures[:3]
        )
    return TargetReport(target, error, tuple(findings))


async def _batches(lines: Iterable[str], size: int = 256) -> AsyncIterator[list[str]]:
    """Read *lines* in a worker thread, *size* at a time (stdin and files never block the event loop)."""
    iterator: Iterator[str] = iter(lines)
    loop = asyncio.get_running_loop()

    def take() -> list[str]:
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
    lines: Iterable[str],
    options: AuditOptions | None = None,
    *,
    send: Sender | None = None,
) -> AsyncIterator[TargetReport]:
    """Audit every target in *lines* (URLs, one per item), yielding reports as targets finish.

    *send* replaces the network (tests pass an in-process app); by default requests go out with httpx, built
    from ``options.network``.
    """
    options = options or AuditOptions()
    if send is None:
        from ..tools.network import async_client

        async with async_client(options.network, max_connections=max(1, options.concurrency)) as client:
            async for report in _scan(lines, options, network_sender(client, options.network)):
                yield report
        return
    async for report in _scan(lines, options, send):
        yield report


async def _scan(lines: Iterable[str], options: AuditOptions, send: Sender) -> AsyncIterator[TargetReport]:
    workers = max(1, options.concurrency)
    throttle = Throttle(send, options)
    todo: asyncio.Queue[str | None] = asyncio.Queue(maxsize=workers * 2)
    done: asyncio.Queue[TargetReport] = asyncio.Queue(maxsize=workers * 2)

    async def produce() -> None:
        async for batch in _batches(lines):
            for line in batch:
                target = normalize_target(line)
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
                report = await audit_target(target, throttle, options)
            except Exception as error:  # a bug must not take the whole scan down: report it for this target
                logger.exception("audit of %r failed", target)
                report = TargetReport(target, f"internal error while auditing: {error!r}")
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
