"""A fleet: three uvicorn processes sharing one real Redis. Changes reach every worker within one notification;
Redis killed under load fails closed (no 500, no traceback, one log line per worker); a hung Redis never holds a
request past the timeout; Redis back means recovery without a restart."""

from __future__ import annotations

import http.client
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
TIMEOUT = 0.5  # long enough that a blocked event loop would show
ROOT = Path(__file__).resolve().parents[2]
STATIC = "https://static.example"  # fleet_app.py's static allow_origins


@dataclass
class Worker:
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    def get(self, origin: str | None, method: str = "GET", timeout: float = 5.0) -> tuple[int, str | None, str]:
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
        env = {**os.environ, "CORSKIT_TEST_REDIS_URL": server.url, "CORSKIT_TEST_TIMEOUT": str(TIMEOUT)}
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
                _until(lambda w=worker: _answers(w), limit=20)  # type: ignore[misc]
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


def _until(condition: object, limit: float = 5.0) -> float:
    start = time.monotonic()
    while not condition():  # type: ignore[operator]
        assert time.monotonic() - start < limit, "condition never held"
        time.sleep(0.001)
    return time.monotonic() - start


def test_every_worker_sees_a_change_within_one_notification(fleet: Fleet) -> None:
    origin = "https://tenant-1.example"
    pids = {w.get(origin)[2] for w in fleet.workers}
    assert len(pids) == WORKERS
    assert not any(w.allows(origin) for w in fleet.workers)  # each has cached the refusal (for an hour)
    fleet.admin.add(origin)
    took = _until(lambda: all(w.allows(origin) for w in fleet.workers))
    assert took < 0.5
    assert all(w.get(origin, "OPTIONS")[:2] == (204, origin) for w in fleet.workers)
    fleet.admin.remove(origin)
    took = _until(lambda: not any(w.allows(origin) for w in fleet.workers))
    assert took < 0.5
    assert all(w.get(origin, "OPTIONS")[:2] == (403, None) for w in fleet.workers)


def test_a_hung_redis_never_holds_a_request_past_the_timeout(fleet: Fleet) -> None:
    cached = "https://cached.example"
    fleet.admin.add(cached)
    _until(lambda: all(w.allows(cached) for w in fleet.workers))
    fleet.redis.pause()
    try:
        # A miss waits on Redis (at most the timeout) while each worker keeps answering others at once.
        slow: list[float] = []

        def miss(worker: Worker) -> None:
            start = time.monotonic()
            assert worker.get("https://never-seen.example")[:2] == (200, None)
            slow.append(time.monotonic() - start)

        threads = [threading.Thread(target=miss, args=(w,)) for w in fleet.workers]
        for thread in threads:
            thread.start()
        time.sleep(0.05)
        start = time.monotonic()
        for worker in fleet.workers:
            assert worker.get(cached)[:2] == (200, cached)
            assert worker.get(STATIC)[:2] == (200, STATIC)
        fast = time.monotonic() - start
        for thread in threads:
            thread.join()
        assert len(slow) == WORKERS
        assert max(slow) < TIMEOUT + 0.4, slow
        assert fast < TIMEOUT / 2, fast  # six requests answered while the misses waited
    finally:
        fleet.redis.resume()
    # Back: the next miss after the retry interval asks Redis again.
    fleet.admin.add("https://after-pause.example")
    _until(lambda: all(w.allows("https://after-pause.example") for w in fleet.workers))


def test_redis_killed_under_load_fails_closed_and_recovers(fleet: Fleet) -> None:
    stored = "https://stored.example"
    fleet.admin.add(stored)
    _until(lambda: all(w.allows(stored) for w in fleet.workers))
    before = [w.lines("unreachable") for w in fleet.workers]
    results: list[tuple[str, int, str | None]] = []
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

    threads = [threading.Thread(target=load, args=(w, n)) for n, w in enumerate(fleet.workers)]
    for thread in threads:
        thread.start()
    time.sleep(0.3)
    fleet.redis.kill()
    killed_at = len(results)
    time.sleep(0.6)
    stop.set()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(results) > killed_at + 30  # requests went on being answered after the kill
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
    took = _until(lambda: all(w.allows("https://after-outage.example") for w in fleet.workers))
    assert took < 2.0
    assert all(w.allows(stored) for w in fleet.workers)
    for worker in fleet.workers:
        assert worker.lines("reachable again") >= 1
        assert "Traceback" not in worker.log.read_text()
