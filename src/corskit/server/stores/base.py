"""What the policy asks of an origin store, and what an administrator does with one.

A :class:`~corskit.Policy` consults its ``origin_store`` only for origins its static rules refused, with the
canonical origin the browser sent (never ``null``, never a malformed value), and reads the answer on every request:
so :meth:`OriginStore.peek` answers from memory for an origin it has seen (no I/O on the hot path), and on
:data:`UNKNOWN` the policy calls :meth:`OriginStore.lookup` (sync servers: bounded by a timeout) or
:meth:`OriginStore.alookup` (async servers: never blocks the event loop). Neither raises: a store that cannot
answer refuses.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, runtime_checkable

from .cache import Peek
from .entry import StoredOrigin

__all__ = ["OriginStore", "StoreError"]


class StoreError(Exception):
    """An administrative operation (add, remove, list) could not reach the store; the message says where."""


@runtime_checkable
class OriginStore(Protocol):
    """An allow-list of exact origins, with per-origin attributes, that can change while the app runs."""

    def peek(self, origin: str) -> Peek:
        """The answer this process already knows, without any I/O: the entry, ``None`` (not stored), or
        :data:`~corskit.server.stores.cache.UNKNOWN` (call :meth:`lookup` or :meth:`alookup`)."""

    def lookup(self, origin: str) -> StoredOrigin | None:
        """The entry for canonical *origin*, or ``None`` (not stored, or the store cannot say: refused)."""

    async def alookup(self, origin: str) -> StoredOrigin | None:
        """:meth:`lookup` for async servers: awaits the store only on a local cache miss, within a timeout."""

    def add(self, origin: str, *, credentials: bool = False, tenant: str = "") -> StoredOrigin:
        """Store *origin* (validated and canonicalised; :class:`~corskit.ConfigError` if it is not an origin)."""

    def remove(self, origin: str) -> bool:
        """Forget *origin*; ``False`` if it was not stored."""

    def entries(self) -> Iterable[StoredOrigin]:
        """Every stored origin, in no particular order."""
