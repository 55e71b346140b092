"""A small WebDriver BiDi client: JSON commands over one websocket, answered by id, events to callbacks.

Thread-safe: several threads may :meth:`BiDi.call` at once (a reader thread routes each answer to its caller), so
a judge can keep several scenarios in flight in one browser.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import threading
from collections.abc import Callable
from typing import Any

import websocket  # websocket-client, from the test extra

Event = Callable[[dict[str, Any]], None]


class BiDiError(RuntimeError):
    """The browser answered a command with an error, or the connection broke."""


class BiDi:
    """``BiDi("ws://127.0.0.1:PORT/session")``; :meth:`call` sends a command and waits for its result."""

    def __init__(self, url: str, *, timeout: float = 30.0) -> None:
        # Firefox refuses a handshake that carries an Origin header.
        self._ws = websocket.create_connection(url, suppress_origin=True, timeout=timeout)
        self._ws.settimeout(None)
        self._timeout = timeout
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._send_lock = threading.Lock()
        self._waiting: dict[int, tuple[threading.Event, list[dict[str, Any]]]] = {}
        self._handlers: dict[str, list[Event]] = {}
        self._closed: str | None = None
        self._reader = threading.Thread(target=self._read, name="bidi-reader", daemon=True)
        self._reader.start()

    def on(self, method: str, handler: Event) -> None:
        """Call *handler* with the params of every *method* event (subscribe with ``session.subscribe`` too)."""
        self._handlers.setdefault(method, []).append(handler)

    def call(self, method: str, params: dict[str, Any] | None = None, *, timeout: float | None = None) -> Any:
        """Send one command; its ``result``, or :class:`BiDiError`."""
        ident = next(self._ids)
        done = threading.Event()
        box: list[dict[str, Any]] = []
        with self._lock:
            if self._closed:
                raise BiDiError(f"{method}: connection closed ({self._closed})")
            self._waiting[ident] = (done, box)
        with self._send_lock:
            self._ws.send(json.dumps({"id": ident, "method": method, "params": params or {}}))
        if not done.wait(timeout or self._timeout):
            with self._lock:
                self._waiting.pop(ident, None)
            raise BiDiError(f"{method}: no answer in {timeout or self._timeout:.0f}s")
        if not box:
            raise BiDiError(f"{method}: connection closed ({self._closed})")
        message = box[0]
        if message.get("type") == "error":
            raise BiDiError(f"{method}: {message.get('error')}: {message.get('message')}")
        return message.get("result")

    def _read(self) -> None:
        try:
            while True:
                raw = self._ws.recv()
                if not raw:
                    raise ConnectionError("empty frame")
                message = json.loads(raw)
                if "id" in message and message.get("id") is not None:
                    with self._lock:
                        waiter = self._waiting.pop(message["id"], None)
                    if waiter is not None:
                        waiter[1].append(message)
                        waiter[0].set()
                elif message.get("type") == "event":
                    for handler in self._handlers.get(message.get("method", ""), ()):
                        handler(message.get("params", {}))
        except Exception as err:  # the socket closed or broke: release every waiter
            with self._lock:
                self._closed = f"{type(err).__name__}: {err}"
                waiters = list(self._waiting.values())
                self._waiting.clear()
            for done, _ in waiters:
                done.set()

    def close(self) -> None:
        with contextlib.suppress(Exception):  # already gone
            self._ws.close()
