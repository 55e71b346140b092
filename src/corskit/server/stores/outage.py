"""Whether a shared store is reachable: one log line when it goes, one when it comes back, and a bounded pace of
retries in between (so that an outage costs requests nothing: a miss is refused at once, not after a timeout)."""

from __future__ import annotations

import logging
import threading

__all__ = ["Outage"]

logger = logging.getLogger("corskit")


class Outage:
    """The up/down state of the store at *where* (a description without secrets, for the log lines)."""

    __slots__ = ("_lock", "_next_try", "down_since", "retry_interval", "where")

    def __init__(self, where: str, retry_interval: float) -> None:
        self.where = where
        self.retry_interval = retry_interval
        #: When the current outage began (``time.monotonic()``), or ``None`` while the store answers.
        self.down_since: float | None = None
        self._next_try = 0.0
        self._lock = threading.Lock()

    def may_try(self, now: float) -> bool:
        """True if a request may ask the store now: always while it is up; once per retry interval while down
        (the first caller after the interval gets the probe, the others are refused at once)."""
        if self.down_since is None:
            return True
        with self._lock:
            if now < self._next_try:
                return False
            self._next_try = now + self.retry_interval
            return True

    def failed(self, error: BaseException, now: float) -> None:
        """The store did not answer: the first failure of an outage is logged, the others are not."""
        with self._lock:
            self._next_try = now + self.retry_interval
            if self.down_since is not None:
                return
            self.down_since = now
        logger.warning(
            "corskit: origin store %s unreachable (%s); refusing origins not cached as allowed until it returns",
            self.where,
            _describe(error),
        )

    def recovered(self, now: float, asked: float | None = None) -> bool:
        """The store answered a question asked at *asked* (default: *now*): True (and one log line) if that ends
        an outage. An answer to a question asked before the outage began ends nothing: it was on its way when the
        store went down (its reply read just before, handled just after another thread saw the connection drop)."""
        asked = now if asked is None else asked
        since = self.down_since
        if since is None or asked <= since:
            return False
        with self._lock:
            since = self.down_since
            if since is None or asked <= since:
                return False
            self.down_since = None
        logger.warning("corskit: origin store %s reachable again after %.1f s", self.where, now - since)
        return True


def _describe(error: BaseException) -> str:
    text = str(error) or type(error).__name__
    return repr(text[:200])
