"""What crosses the wire: the requests the browser sends and the responses it gets back."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from ..spec.errors import ErrorCode
from ..spec.headers import HeaderList, get_combined

RequestKind = Literal["preflight", "actual"]

# Fetch §4.4 "HTTP-redirect fetch": the statuses that redirect when a Location header is present.
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True)
class WireRequest:
    """One request the browser puts on the wire.

    ``headers`` are the ones that matter for CORS, in order: ``Origin``, ``Access-Control-Request-*``, then the
    author headers that survived. ``credentials`` says whether the browser attaches cookies and HTTP auth.
    :meth:`full_headers` adds what Chromium adds besides (``Accept``, ``Sec-Fetch-*``) for adapters that send it.
    """

    method: str
    url: str
    headers: tuple[tuple[str, str], ...]
    kind: RequestKind
    credentials: bool = False

    def header(self, name: str) -> str | None:
        return get_combined(self.headers, name)

    def full_headers(self, site: str = "cross-site") -> list[tuple[str, str]]:
        """The headers with Chromium's defaults: ``Accept: */*`` unless set, ``Sec-Fetch-Mode/Site/Dest``."""
        out = list(self.headers)
        names = {n.lower() for n, _ in out}
        if "accept" not in names:
            out.append(("Accept", "*/*"))
        mode = "cors" if self.kind == "preflight" or self.header("Origin") is not None else "no-cors"
        out += [("Sec-Fetch-Mode", mode), ("Sec-Fetch-Site", site), ("Sec-Fetch-Dest", "empty")]
        return out


@dataclass(frozen=True)
class Response:
    """A response as received: status and header lines in order (duplicates allowed)."""

    status: int
    headers: HeaderList = ()
    #: Free text for traces (a reason phrase, "connection refused"…); never used in decisions.
    note: str = ""
    #: The start of the body, as text, for traces and fix hints (a server's refusal reason); never used in decisions.
    body: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "headers", tuple((str(n), str(v)) for n, v in self.headers))

    def header(self, name: str) -> str | None:
        """Fetch "get": all lines of *name* joined with ", ", trimmed; ``None`` when absent."""
        return get_combined(self.headers, name)

    @property
    def location(self) -> str | None:
        """The ``Location`` value when this response is a redirect Chromium follows, else ``None``."""
        return self.redirect_location()

    def redirect_location(self, *, follow_empty: bool = False) -> str | None:
        """The ``Location`` a browser follows: Chromium (``HttpResponseHeaders::IsRedirect``) takes the first
        non-empty line; with *follow_empty* (Firefox) the first line counts even when empty (a redirect to the
        same URL)."""
        if self.status not in REDIRECT_STATUSES:
            return None
        for name, value in self.headers:
            if name.lower() == "location" and (follow_empty or value.strip(" \t")):
                return value.strip(" \t")
        return None


_SINGLE_VALUED = (
    ("location", ErrorCode.RESPONSE_HEADERS_MULTIPLE_LOCATION),
    ("content-length", ErrorCode.RESPONSE_HEADERS_MULTIPLE_CONTENT_LENGTH),
    ("content-disposition", ErrorCode.RESPONSE_HEADERS_MULTIPLE_CONTENT_DISPOSITION),
)


def conflicting_header(response: Response) -> ErrorCode | None:
    """The error when the response repeats a single-valued header with different values.

    Chromium's net stack refuses such a response outright (HttpNetworkTransaction), whatever its status.
    """
    for name, code in _SINGLE_VALUED:
        values = {v.strip(" \t") for n, v in response.headers if n.lower() == name}
        if len(values) > 1:
            return code
    return None


@dataclass(frozen=True)
class Exchange:
    """A request the browser sent and the response it got (``None`` when the engine stopped before one)."""

    request: WireRequest
    response: Response | None = field(default=None)
