"""Origin stores: allow-lists that change while the app runs, consulted after a policy's static rules.

* :class:`MemoryOriginStore`: in the process (one worker, tests).
* :class:`RedisOriginStore`: shared by every worker of every server (the ``redis`` extra), cached in each worker
  and invalidated through Redis pub/sub.

Both implement :class:`OriginStore`; entries are :class:`StoredOrigin` values.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .base import OriginStore, StoreError
from .cache import UNKNOWN
from .entry import StoredOrigin
from .memory import MemoryOriginStore

if TYPE_CHECKING:
    from .redis import RedisOriginStore

__all__ = ["UNKNOWN", "MemoryOriginStore", "OriginStore", "RedisOriginStore", "StoreError", "StoredOrigin"]


def __getattr__(name: str) -> Any:
    # Imported on first use: the core imports without the redis extra.
    if name == "RedisOriginStore":
        from .redis import RedisOriginStore

        return RedisOriginStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
