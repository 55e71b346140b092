"""Real servers on loopback for the browser tests: uvicorn (ASGI) and waitress (WSGI), each in a thread."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

#: API servers listen here; pages are served from 127.0.0.1 (allowed) and localhost (a different origin).
API_HOST = "127.0.0.2"


class Recording:
    """Wraps an app to record ``(method, path)`` of every request that reaches the server."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []

    def asgi(self, app: Any) -> Any:
        async def recorded(scope: Any, receive: Any, send: Any) -> None:
            if scope["type"] == "http":
                self.seen.append((scope["method"], scope["path"]))
            await app(scope, receive, send)

        return recorded

    def wsgi(self, app: Any) -> Any:
        def recorded(environ: dict[str, Any], start_response: Any) -> Any:
            self.seen.append((environ["REQUEST_METHOD"], environ.get("PATH_INFO", "")))
            return app(environ, start_response)

        return recorded


@contextmanager
def uvicorn_server(app: Any) -> Iterator[str]:
    """Serve an ASGI app with uvicorn on :data:`API_HOST`; yields the base URL."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((API_HOST, 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="critical", lifespan="off", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    _wait(lambda: server.started)
    try:
        yield f"http://{API_HOST}:{port}"
    finally:
        server.should_exit = True
        thread.join(5)
        sock.close()


@contextmanager
def waitress_server(app: Any) -> Iterator[str]:
    """Serve a WSGI app with waitress on :data:`API_HOST`; yields the base URL."""
    from waitress.server import create_server

    server = create_server(app, host=API_HOST, port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield f"http://{API_HOST}:{server.effective_port}"
    finally:
        server.close()
        thread.join(5)


def _wait(ready: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        if time.monotonic() > deadline:
            raise TimeoutError("server did not start")
        time.sleep(0.01)
