"""A fleet: three uvicorn processes sharing one real Redis. Changes reach every worker through one notification;
Redis killed under load fails closed (no 500, no traceback, one log line per worker); a hung Redis never holds a
request past the timeout; Redis back means recovery without a restart.

No assertion here rests on a wall-clock window a loaded machine could miss: cached answers live for TTL (an hour),
so a worker that changes its answer during a test can only have been told by an announcement; waits are bounded by
LIMIT only to fail instead of hanging; what must happen "at once" is checked by order (a cached origin is answered
before a miss on a hung Redis returns), with TIMEOUT long next to a loaded machine's pauses.
"""

from __future__ import annotations

import http.client
import itertools
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from corskit.server.stores.redis import RedisOriginStore
from tests._redis import RedisServer, free_port, redis_server

WORKERS = 3
TIMEOUT = 2.0  # seconds a miss may wait for Redis: long enough that a blocked event loop shows on a loaded machine
RETRY = 0.2  # seconds between a worker's attempts to reach Redis during an outage
TTL = 3600.0  # the workers' ttl and negative_ttl: no cached answer expires during these tests
LIMIT = 30.0  # seconds any wait may take before the test fails (far below TTL)
ROOT = Path(__file__).resolve().parents[2]
STATIC = "https://static.example"  # fleet_app.py's static allow_origins


@dataclass
class Worker:
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    def get(self, origin: str | None, method: str = "GET", timeout: float = LIMIT) -> tuple[int, str | None, str]:
        """(status, Access-Control-Allow-Origin, body) of one request on a fresh connection."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            headers = {} if origin is None else {"Origin": origin}
            if method == "OPTIONS":
                headers["Access-Control-Request-Method"] = "PUT"
            connection.request(method, "/", headers=headers)
            response = connection.getresponse()
            return response.status, response.getheader("Access-Control-Allow-Origin"), response.read().decode()
        finally:
            connection.close()

    def allows(self, origin: str) -> bool:
        return self.get(origin)[1] == origin

    def lines(self, text: str) -> int:
        return self.log.read_text().count(text)


@dataclass
class Fleet:
    redis: RedisServer
    workers: list[Worker]
    admin: RedisOriginStore


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fleet]:
    for server in redis_server():
        logs = tmp_path_factory.mktemp("fleet")
        env = {**os.environ, "CORSKIT_TEST_REDIS_URL": server.url}
        env |= {"CORSKIT_TEST_TIMEOUT": str(TIMEOUT), "CORSKIT_TEST_RETRY": str(RETRY), "CORSKIT_TEST_TTL": str(TTL)}
        workers = []
        for i in range(WORKERS):
            port, log = free_port(), logs / f"worker{i}.log"
            args = [sys.executable, "-m", "uvicorn", "tests.stores.fleet_app:app", "--port", str(port)]
            args += ["--host", "127.0.0.1", "--lifespan", "off", "--log-level", "warning", "--no-access-log"]
            with log.open("wb") as sink:
                process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT)
            workers.append(Worker(port, process, log))
        admin = RedisOriginStore(server.url)
        try:
            for worker in workers:
                _until(lambda w=worker: _answers(w))  # type: ignore[misc]
            yield Fleet(server, workers, admin)
        finally:
            for worker in workers:
                worker.process.terminate()
            for worker in workers:
                worker.process.wait(10)
            admin.close()


def _answers(worker: Worker) -> bool:
    assert worker.process.poll() is None, worker.log.read_text()
    try:
        return worker.get(None, timeout=1)[0] == 200
    except OSError:
        return False


def _until(condition: object) -> None:
    start = time.monotonic()
    while not condition():  # type: ignore[operator]
        assert time.monotonic() - start < LIMIT, "condition never held"
        time.sleep(0.001)


_markers = itertools.count()


def _settle(fleet: Fleet) -> None:
    """Return once every worker has handled every announcement published so far.

    A worker reads announcements in the order Redis published them. Each worker first caches a new marker origin
    as refused (for TTL); once the marker is added, a worker allows it only after handling its announcement, and so
    every earlier one. Without this, an announcement handled late (a loaded worker) drops an origin the worker
    had just looked up and allowed."""
    marker = f"https://settle-{next(_markers)}.example"
    assert not any(w.allows(marker) for w in fleet.workers)
    fleet.admin.add(marker)
    _until(lambda: all(w.allows(marker) for w in fleet.workers))


def _cached_everywhere(fleet: Fleet, origin: str) -> None:
    """Add *origin*, and return once every worker holds it in its cache as allowed (until TTL)."""
    fleet.admin.add(origin)
    _settle(fleet)  # no announcement is left to drop it once looked up
    _until(lambda: all(w.allows(origin) for w in fleet.workers))


def test_every_worker_sees_a_change_within_one_notification(fleet: Fleet) -> None:
    origin = "https://tenant-1.example"
    pids = {w.get(origin)[2] for w in fleet.workers}
    assert len(pids) == WORKERS
    assert not any(w.allows(origin) for w in fleet.workers)  # each has cached the refusal, for TTL
    fleet.admin.add(origin)
    _until(lambda: all(w.allows(origin) for w in fleet.workers))  # only the announcement can have told them
    assert all(w.get(origin, "OPTIONS")[:2] == (204, origin) for w in fleet.workers)
    fleet.admin.remove(origin)
    _until(lambda: not any(w.allows(origin) for w in fleet.workers))  # each had it cached as allowed, for TTL
    assert all(w.get(origin, "OPTIONS")[:2] == (403, None) for w in fleet.workers)


def test_a_hung_redis_never_holds_a_request_past_the_timeout(fleet: Fleet) -> None:
    cached = "https://cached.example"
    _cached_everywhere(fleet, cached)
    fleet.redis.pause()
    try:
        # Each worker waits on Redis for a miss (at most TIMEOUT) and meanwhile answers others at once.
        missed: dict[int, float] = {}
        answered: dict[int, float] = {}

        def miss(n: int, worker: Worker) -> None:
            assert worker.get("https://never-seen.example")[:2] == (200, None)
            missed[n] = time.monotonic()

        start = time.monotonic()
        threads = [threading.Thread(target=miss, args=(n, w)) for n, w in enumerate(fleet.workers)]
        for thread in threads:
            thread.start()
        time.sleep(0.05)  # the misses reach the workers first (if not, this test proves less; it never fails)
        for n, worker in enumerate(fleet.workers):
            assert worker.get(cached)[:2] == (200, cached)
            assert worker.get(STATIC)[:2] == (200, STATIC)
            answered[n] = time.monotonic()
        for thread in threads:
            thread.join()
        assert len(missed) == WORKERS
        assert all(answered[n] < missed[n] for n in range(WORKERS)), (answered, missed)  # while the miss waited
        assert max(missed.values()) - start < 2 * TIMEOUT  # one timeout, not two; Redis is still paused
    finally:
        fleet.redis.resume()
    # Back: the next miss after the retry interval asks Redis again.
    fleet.admin.add("https://after-pause.example")
    _until(lambda: all(w.allows("https://after-pause.example") for w in fleet.workers))


def test_redis_killed_under_load_fails_closed_and_recovers(fleet: Fleet) -> None:
    stored = "https://stored.example"
    _cached_everywhere(fleet, stored)
    before = [w.lines("unreachable") for w in fleet.workers]
    results: list[tuple[str, int, str | None]] = []
    answered = [0] * WORKERS
    errors: list[BaseException] = []
    stop = threading.Event()

    def load(worker: Worker, n: int) -> None:
        i = 0
        while not stop.is_set():
            i += 1
            for origin in (stored, STATIC, f"https://random-{n}-{i}.example"):
                try:
                    status, allowed, _ = worker.get(origin)
                except Exception as exc:
                    errors.append(exc)
                    return
                results.append((origin, status, allowed))
                answered[n] += 1

    threads = [threading.Thread(target=load, args=(w, n)) for n, w in enumerate(fleet.workers)]
    for thread in threads:
        thread.start()
    try:
        _until(lambda: min(answered) >= 30 or errors)
        fleet.redis.kill()
        at_kill = list(answered)
        _until(lambda: all(a - k >= 60 for a, k in zip(answered, at_kill, strict=True)) or errors)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert not errors
    assert {status for _, status, _ in results} == {200}
    for origin, _, allowed in results:
        if origin.startswith("https://random-"):
            assert allowed is None, origin  # never seen: refused (before the kill: not stored)
        else:
            assert allowed == origin  # cached as allowed, or static
    after = [w.lines("unreachable") for w in fleet.workers]
    assert [a - b for a, b in zip(after, before, strict=True)] == [1] * WORKERS  # one line per worker for the outage

    fleet.redis.start()  # same port, same data
    fleet.admin.add("https://after-outage.example")
    _until(lambda: all(w.allows("https://after-outage.example") for w in fleet.workers))
    assert all(w.allows(stored) for w in fleet.workers)
    for worker in fleet.workers:
        assert worker.lines("reachable again") >= 1
        assert "Traceback" not in worker.log.read_text()
