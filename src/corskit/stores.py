"""``corskit.stores``: the public home of the origin stores (implemented in ``corskit.server.stores``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .server.stores import MemoryOriginStore, OriginStore, StoredOrigin, StoreError

if TYPE_CHECKING:
    from .server.stores.redis import RedisOriginStore

__all__ = ["MemoryOriginStore", "OriginStore", "RedisOriginStore", "StoreError", "StoredOrigin"]


def __getattr__(name: str) -> Any:
    if name == "RedisOriginStore":
        from .server.stores.redis import RedisOriginStore

        return RedisOriginStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
