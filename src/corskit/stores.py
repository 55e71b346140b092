"""``corskit.stores``: the public home of the origin stores (implemented in ``corskit.server.stores``)."""

from __future__ import annotations

from .server.stores import UNKNOWN as UNKNOWN
from .server.stores import MemoryOriginStore as MemoryOriginStore
from .server.stores import OriginStore as OriginStore
from .server.stores import StoredOrigin as StoredOrigin
from .server.stores import StoreError as StoreError
from .server.stores import __all__ as __all__
from .server.stores import __getattr__ as __getattr__  # RedisOriginStore, on first use (the redis extra)
