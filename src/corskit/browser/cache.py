"""The preflight cache (Fetch §4.9 "CORS-preflight cache", as Chromium keeps it).

Chromium keeps one entry per (origin, URL): the latest successful preflight answer. An entry made with credentials
also serves requests without them, not the reverse. Entries expire after their max-age (default 5 s, at most
7200 s); an answer with max-age 0 or less is never stored. The cache holds at most 1024 entries and skips URLs of
1024 characters or more. Other browsers' limits come from their profile (:mod:`corskit.browser.profiles`).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable

from ..spec.headers import HeaderList
from .preflight import PreflightResult

MAX_ENTRIES = 1024  # Chromium's; a cache made by a fetch takes its profile's capacity
MAX_URL_LENGTH = 1024


class PreflightCache:
    """A bounded, clock-driven preflight cache. Pass ``clock`` to control time in tests."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, max_entries: int = MAX_ENTRIES) -> None:
        self._clock = clock
        self._max_entries = max_entries
        self._entries: OrderedDict[tuple[str, str], tuple[float, PreflightResult]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def store(self, origin: str, url: str, result: PreflightResult) -> None:
        """Remember a successful preflight answer for (origin, url)."""
        if result.max_age <= 0 or len(url) >= result.profile.cache_max_url_length:
            return
        key = (origin, url)
        self._entries.pop(key, None)
        while len(self._entries) >= self._max_entries:
            self._entries.popitem(last=False)
        self._entries[key] = (self._clock() + result.max_age, result)

    def covers(self, origin: str, url: str, method: str, headers: HeaderList, *, include_credentials: bool) -> bool:
        """True when a live entry makes a new preflight unnecessary (Chromium ``CheckIfRequestCanSkipPreflight``).

        A stale entry, or one that does not cover the request, is dropped.
        """
        key = (origin, url)
        entry = self._entries.get(key)
        if entry is None:
            return False
        expiry, result = entry
        if expiry <= self._clock() or not result.allows(method, headers, include_credentials=include_credentials):
            del self._entries[key]
            return False
        return True

    def clear(self, origin: str | None = None, url: str | None = None) -> None:
        """Drop every entry, or those for one origin and/or URL."""
        for key in [k for k in self._entries if (origin in (None, k[0])) and (url in (None, k[1]))]:
            del self._entries[key]
