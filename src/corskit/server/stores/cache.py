"""A worker's local view of a shared origin store: what it allowed (with a TTL) and what it refused (bounded).

Pure and clock-driven, so that its rules are tested without I/O. Allowed and refused origins live in two separate
maps: a flood of never-seen origins fills (and recycles) the refusal map only and can never evict an allowed
origin. Reads take no lock; writes do (WSGI servers call from several threads, the invalidation listener from its
own).

Invalidation races a look-up in flight: the look-up notes :attr:`generation` before asking the store and
:meth:`LocalCache.put` drops its answer if an invalidation arrived meanwhile (the answer may predate the change).
"""

from __future__ import annotations

import threading
from enum import Enum
from typing import Literal, TypeAlias, TypeVar

from .entry import StoredOrigin

__all__ = ["UNKNOWN", "LocalCache", "Peek", "Unknown"]


class Unknown(Enum):
    """The cache has no answer (never asked, expired, or invalidated): ask the store."""

    UNKNOWN = 0


UNKNOWN = Unknown.UNKNOWN
#: A cached answer: the entry, ``None`` (refused), or :data:`UNKNOWN` (ask the store).
Peek: TypeAlias = "StoredOrigin | Literal[Unknown.UNKNOWN] | None"


class LocalCache:
    """Allowed origins for *ttl* seconds (at most *size* of them), refused ones for *negative_ttl* seconds (at
    most *negative_size*, the oldest dropped first)."""

    __slots__ = ("_allowed", "_lock", "_refused", "generation", "negative_size", "negative_ttl", "size", "ttl")

    def __init__(self, *, ttl: float, negative_ttl: float, size: int, negative_size: int) -> None:
        self.ttl = ttl
        self.negative_ttl = negative_ttl
        self.size = size
        self.negative_size = negative_size
        self._allowed: dict[str, tuple[StoredOrigin, float]] = {}
        self._refused: dict[str, float] = {}
        self._lock = threading.Lock()
        #: Bumped by every invalidation.
        self.generation = 0

    def __len__(self) -> int:
        return len(self._allowed) + len(self._refused)

    def peek(self, origin: str, now: float) -> Peek:
        """The cached answer for *origin*: its entry, ``None`` (refused), or :data:`UNKNOWN`."""
        hit = self._allowed.get(origin)
        if hit is not None:
            return hit[0] if now < hit[1] else UNKNOWN
        expires = self._refused.get(origin)
        if expires is not None and now < expires:
            return None
        return UNKNOWN

    def stale(self, origin: str) -> StoredOrigin | None:
        """The last entry the store gave for *origin*, expired or not (what an outage falls back on)."""
        hit = self._allowed.get(origin)
        return None if hit is None else hit[0]

    def put(self, origin: str, entry: StoredOrigin | None, now: float, generation: int) -> None:
        """Remember the store's answer, unless an invalidation arrived since *generation* was read."""
        with self._lock:
            if generation != self.generation:
                return
            if entry is not None:
                self._refused.pop(origin, None)
                _bounded_put(self._allowed, origin, (entry, now + self.ttl), self.size)
            else:
                self._allowed.pop(origin, None)
                _bounded_put(self._refused, origin, now + self.negative_ttl, self.negative_size)

    def invalidate(self, origin: str | None = None) -> None:
        """Forget *origin* (``None``: everything)."""
        with self._lock:
            self.generation += 1
            if origin is None:
                self._allowed.clear()
                self._refused.clear()
            else:
                self._allowed.pop(origin, None)
                self._refused.pop(origin, None)


_V = TypeVar("_V")


def _bounded_put(table: dict[str, _V], key: str, value: _V, limit: int) -> None:
    """Insert, first dropping the oldest entries while *table* is full (dicts keep insertion order)."""
    table.pop(key, None)
    while len(table) >= limit:
        del table[next(iter(table))]
    table[key] = value
