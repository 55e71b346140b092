"""An origin store in the process's memory: for one-process apps, tests, and as the reference implementation.

>>> store = MemoryOriginStore()
>>> store.add("https://Shop.Example", tenant="acme")
StoredOrigin(origin='https://shop.example', credentials=False, tenant='acme')
>>> store.lookup("https://shop.example").tenant
'acme'
"""

from __future__ import annotations

from collections.abc import Iterable

from ...spec.errors import ConfigError
from .entry import StoredOrigin

__all__ = ["MemoryOriginStore"]


class MemoryOriginStore:
    """A dict of origins; :meth:`lookup` is a dict lookup. Thread-safe (each change is one dict operation)."""

    def __init__(self, origins: Iterable[str | StoredOrigin] = ()) -> None:
        self._entries: dict[str, StoredOrigin] = {}
        if isinstance(origins, str):
            raise ConfigError(f"origins must be a list, not a single string: write [{origins!r}]")
        for item in origins:
            entry = item if isinstance(item, StoredOrigin) else StoredOrigin.create(item)
            self._entries[entry.origin] = entry

    def peek(self, origin: str) -> StoredOrigin | None:
        return self._entries.get(origin)

    def lookup(self, origin: str) -> StoredOrigin | None:
        return self._entries.get(origin)

    async def alookup(self, origin: str) -> StoredOrigin | None:
        return self._entries.get(origin)

    def add(self, origin: str, *, credentials: bool = False, tenant: str = "") -> StoredOrigin:
        entry = StoredOrigin.create(origin, credentials=credentials, tenant=tenant)
        self._entries[entry.origin] = entry
        return entry

    def remove(self, origin: str) -> bool:
        return self._entries.pop(StoredOrigin.create(origin).origin, None) is not None

    def entries(self) -> Iterable[StoredOrigin]:
        return list(self._entries.values())

    def __repr__(self) -> str:
        return f"MemoryOriginStore({len(self._entries)} origins)"
