"""Browser profiles: what makes Chromium, Firefox and WebKit differ on the same ``fetch()``.

The engine is one implementation of the Fetch Standard. A :class:`Profile` is the data and the few hooks where a
real browser departs from it or from the others: which request headers it safelists, what it lets script set, how
long and how many preflight answers it caches, whether ``Access-Control-Allow-Headers: *`` covers
``Authorization``, the order in which it checks request headers (which decides the header a message names), how it
classifies a failure, and the exact console text it prints. Each fork is named here once; everything else is
shared.

>>> from corskit.browser import profile
>>> profile("firefox").max_age_cap
86400
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Protocol

from ...spec.errors import ErrorCode

if TYPE_CHECKING:
    from ..checks import Failure
    from ..wire import Response

BrowserName = Literal["chromium", "firefox", "webkit"]
#: The engines corskit models, in the order tools list them.
BROWSERS: tuple[BrowserName, ...] = ("chromium", "firefox", "webkit")


class CorsCheck(Protocol):
    """Fetch "CORS check" on one response: ``None`` when it passes, else the failure as the browser names it."""

    def __call__(self, response: Response, origin: str, *, include_credentials: bool) -> Failure | None: ...


@dataclass(frozen=True)
class MessageContext:
    """Everything a browser's console line can mention about one failure.

    ``url`` is the URL the failure is about (with its fragment), ``initial_url`` the URL the fetch started with,
    ``param`` the failed parameter (a header value or name, a method), ``variant`` picks among texts of one code,
    ``page`` is the page's URL and ``status`` the status of the response that failed (``None`` before any).
    """

    code: ErrorCode
    url: str
    origin: str
    initial_url: str | None = None
    param: str = ""
    variant: str = ""
    page: str = ""
    status: int | None = None
    method: str = "GET"


@dataclass(frozen=True)
class Profile:
    """One browser's behaviour where it forks. Immutable; get one with :func:`profile`."""

    #: ``"chromium"``, ``"firefox"`` or ``"webkit"``.
    name: BrowserName
    #: How people call it in sentences ("Safari (WebKit)").
    title: str
    #: The version its data was checked against by the conformance suite.
    judged: str
    #: Fetch "CORS-safelisted request-header" for one header, with the browser's own additions or omissions.
    is_safelisted_request_header: Callable[[str, str], bool]
    #: The header names script may not set (dropped silently), beyond the Standard's forbidden list.
    extra_forbidden_request_headers: frozenset[str]
    #: The lowercase unsafe request header names in the order the browser checks them against a preflight answer.
    header_check_order: Callable[[Iterable[str]], list[str]]
    #: Fetch "CORS check" with the browser's classification of what is wrong (its error codes and parameters).
    cors_check: CorsCheck
    #: Whether ``Access-Control-Allow-Headers: *`` lets ``Authorization`` through (the Standard says never).
    wildcard_covers_authorization: bool
    #: Access-Control-Max-Age: the cap, and the value used when the header is missing or does not parse.
    max_age_cap: int
    max_age_default: int
    #: The preflight cache's capacity, and the URL length from which answers are not cached.
    cache_max_entries: int
    cache_max_url_length: int
    #: The console line for a failure (``None`` when the browser prints none).
    message: Callable[[MessageContext], str | None]
    #: The browser's own name for a failure, when it has one (Firefox's reason keys, e.g. ``CORSMissingAllowOrigin``).
    reason: Callable[[ErrorCode], str | None]

    def __repr__(self) -> str:
        return f"<Profile {self.name}>"


def profile(browser: str | Profile = "chromium") -> Profile:
    """The profile named *browser* (``"chromium"``, ``"firefox"`` or ``"webkit"``); a :class:`Profile` is returned
    as is. :class:`ValueError` names the choices for anything else."""
    if isinstance(browser, Profile):
        return browser
    if browser == "chromium":
        from .chromium import CHROMIUM

        return CHROMIUM
    if browser == "firefox":
        from .firefox import FIREFOX

        return FIREFOX
    if browser == "webkit":
        from .webkit import WEBKIT

        return WEBKIT
    raise ValueError(f"unknown browser {browser!r}: choose one of {', '.join(BROWSERS)}")
