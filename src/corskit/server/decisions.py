"""The answers a policy gives: small immutable values that say which headers to write, and why not.

An allowed answer is ``Access-Control-Allow-Origin: <allow_origin>`` followed by ``fixed``, the headers that are
the same for every origin the policy allows (credentials, exposed headers and ``Vary``; for a preflight, also the
echoed method and headers and ``Max-Age``). A refused one writes only ``fixed`` (``Vary``; for a preflight, the
reason as a text body) and carries the reason. Adapters write them with :mod:`.merge`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from http import HTTPStatus
from typing import NamedTuple

__all__ = ["ALLOW_ORIGIN", "VARY", "ActualDecision", "Fields", "PreflightDecision", "is_preflight"]

#: Header fields as ``(name, value)`` text pairs.
Fields = tuple[tuple[str, str], ...]
ALLOW_ORIGIN = "Access-Control-Allow-Origin"
VARY = "Vary"


class ActualDecision(NamedTuple):
    """What to add to the app's response to a request that is not a preflight."""

    allowed: bool
    #: The ``Access-Control-Allow-Origin`` value (the request's origin, or ``*``); ``None`` when refused.
    allow_origin: str | None = None
    #: The answer's other headers, the same for every origin the policy allows: ``Access-Control-Allow-Credentials``
    #: and ``-Expose-Headers`` when allowed, then ``Vary`` (which the merge combines with the app's own).
    fixed: Fields = ()
    reason: str = ""

    @property
    def headers(self) -> Fields:
        """The ``Access-Control-*`` headers to add (none when refused)."""
        fixed = self.fixed[:-1] if self.fixed and self.fixed[-1][0] == VARY else self.fixed
        if self.allow_origin is None:
            return fixed
        return ((ALLOW_ORIGIN, self.allow_origin), *fixed)

    @property
    def vary(self) -> tuple[str, ...]:
        """The request headers the answer depends on, for the response's ``Vary``."""
        if self.fixed and self.fixed[-1][0] == VARY:
            return tuple(self.fixed[-1][1].split(", "))
        return ()

    def apply(self, headers: Iterable[tuple[str, str]]) -> list[Sequence[str]]:
        """The app's response *headers* with this answer applied (:func:`corskit.server.merge.merge`)."""
        from .merge import TEXT, merge

        return merge(headers, self, TEXT)


class PreflightDecision(NamedTuple):
    """The complete response to a preflight: status, headers and a short text body (the reason, when refused)."""

    allowed: bool
    status: int
    #: The ``Access-Control-Allow-Origin`` value; ``None`` when refused.
    allow_origin: str | None = None
    #: Every other header of the response.
    fixed: Fields = ()
    body: bytes = b""
    reason: str = ""

    @property
    def headers(self) -> Fields:
        """Every header of the response."""
        if self.allow_origin is None:
            return self.fixed
        return ((ALLOW_ORIGIN, self.allow_origin), *self.fixed)

    @property
    def status_line(self) -> str:
        """``"204 No Content"``: the status as WSGI's ``start_response`` takes it."""
        return _STATUS_LINES.get(self.status) or f"{self.status} OK"


_STATUS_LINES = {s.value: f"{s.value} {s.phrase}" for s in HTTPStatus}


def is_preflight(method: str, origin: object, request_method: object) -> bool:
    """Fetch §4.8 "CORS-preflight fetch": an ``OPTIONS`` request with ``Origin`` and ``Access-Control-Request-Method``.

    Any other ``OPTIONS`` request is the app's to answer.
    """
    return method == "OPTIONS" and origin is not None and request_method is not None
