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
    from ...spec.headers import HeaderList
    from ...spec.origins import URL, Origin
    from ..checks import Failure
    from ..wire import Response

BrowserName = Literal["chromium", "firefox", "webkit"]
CachedWildcard = Literal["all-but-authorization", "all", "none"]
#: The engines corskit models, in the order tools list them.
BROWSERS: tuple[BrowserName, ...] = ("chromium", "firefox", "webkit")


class CorsCheck(Protocol):
    """Fetch "CORS check" on one response: ``None`` when it passes, else the failure as the browser names it."""

    def __call__(self, response: Response, origin: str, *, include_credentials: bool) -> Failure | None: ...


@dataclass(frozen=True)
class Hop:
    """A redirect about to be followed, as a browser's redirect rules see it (see :class:`RedirectCheck`).

    ``location`` is the raw ``Location`` value the browser took, ``target`` its resolution against ``current``
    (``None`` when it does not parse); ``origin`` is the serialized Origin of the request being redirected
    (``null`` once tainted) and ``page`` the page's origin.
    """

    response: Response
    location: str
    target: URL | None
    current: URL
    page: Origin
    origin: str
    mode: str
    redirect: str
    #: The request's response tainting so far (``cors`` once a hop went cross-origin in mode "cors").
    tainting: str
    tainted: bool
    redirects: int
    include_credentials: bool


class RedirectCheck(Protocol):
    """Whether the browser follows *hop*: a :class:`~corskit.browser.checks.Failure`, ``"manual"`` (hand script an
    opaque-redirect response) or ``None`` (follow it)."""

    def __call__(self, hop: Hop) -> Failure | Literal["manual"] | None: ...


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
    mode: str = "cors"
    #: The URL of the hop the failure happened on (``url`` may name another one).
    hop: str = ""
    #: Whether the failing hop was a CORS request (cross-origin, or tainted): Firefox's "CORS request did not
    #: succeed" is about those only.
    cors: bool = True
    #: The Origin the failing request carried (``null`` once a redirect tainted it); empty when none was sent.
    request_origin: str = ""
    #: The URL a refused redirect pointed to (its Location, resolved).
    target: str = ""
    #: The request header a refusal is about, when ``param`` is its value.
    header: str = ""


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
    #: Access-Control-Max-Age: the cap, and the value used when the header is missing or does not parse.
    max_age_cap: int
    max_age_default: int
    #: The preflight cache's capacity, and the URL length from which answers are not cached.
    cache_max_entries: int
    cache_max_url_length: int
    #: Access-Control-Max-Age → seconds an answer is cached (0: not cached).
    parse_max_age: Callable[[str | None], int]
    #: The console line for a failure (``None`` when the browser prints none).
    message: Callable[[MessageContext], str | None]
    #: The browser's own name for a failure, when it has one (Firefox's reason keys, e.g. ``CORSMissingAllowOrigin``).
    reason: Callable[[ErrorCode], str | None]
    #: The message of the ``TypeError`` a blocked ``fetch()`` rejects with, once it went to the network (the
    #: console line says why; this says only that it failed).
    rejection: str

    # -- where a browser departs from Chromium: each default is Chromium's rule ---------------------------------------
    #: Whether a *fresh* ``Access-Control-Allow-Headers: *`` lets ``Authorization`` through (the Standard says
    #: never; Chromium 156 still does, with a deprecation issue).
    wildcard_covers_authorization: bool = True
    #: What a *cached* ``Access-Control-Allow-Headers: *`` covers when a later request asks: ``"all-but-authorization"``
    #: (Chromium: such a request is preflighted every time), ``"all"`` (WebKit), ``"none"`` (Firefox: its cache
    #: compares header names literally).
    cached_wildcard_covers: CachedWildcard = "all-but-authorization"
    #: Whether ``fetch()`` merges repeated request header names into one value before the CORS decisions
    #: (Chromium); if not, each entry is judged on its own and the lines merge only on the wire (Firefox).
    merge_request_headers: bool = True
    #: The total of safelisted values above which they all need a preflight (``None``: no total).
    max_safelisted_total: int | None = 1024
    #: Whether the method is checked against Access-Control-Allow-Methods before Access-Control-Allow-Headers is
    #: parsed (Firefox), instead of after both parsed (Chromium).
    checks_method_first: bool = False
    #: Whether ``Access-Control-Request-Headers`` lists each unsafe name once (else once per header entry).
    unique_request_header_names: bool = True
    #: Whether, once a fetch was preflighted, every later CORS hop of it is preflighted again (Firefox, WebKit);
    #: Chromium preflights a hop only when its own method and headers need it.
    repreflights_redirects: bool = False
    #: Whether a preflight asks for, and the decision to send one counts, the headers script set even after a
    #: redirect dropped some (WebKit: ``Authorization`` across origins, the body headers of a rewritten method),
    #: instead of the headers the hop carries.
    preflights_script_headers: bool = False
    #: Whether preflights keep the page's origin after a redirect tainted the request (Firefox); the actual
    #: requests then say ``Origin: null``.
    preflight_uses_page_origin: bool = False
    #: Whether a redirect to a URL with credentials is refused outside CORS too (Chromium's Blink).
    refuses_credentialed_redirects: bool = True
    #: Schemes with an external handler: a no-cors fetch redirected to one loads its URL once more, then fails
    #: (Firefox and ``mailto:``).
    refetches_before_external_schemes: frozenset[str] = frozenset()
    #: Response header names whose repeated lines script sees joined with "," instead of ", ".
    comma_joined_response_headers: frozenset[str] = frozenset()
    #: Whether a followed URL's credentials stay off the request line (Firefox; WebKit sends them to its proxy).
    strips_url_credentials: bool = False
    #: Whether several ``Location`` lines are joined into one URL (WebKit) instead of failing the fetch.
    joins_location_lines: bool = False
    #: Judge a preflight response's status before its CORS check (WebKit) instead of after it (Chromium).
    preflight_status_first: bool = False
    #: How a message spells a request header the preflight answer did not allow: (lowercase name, the request's
    #: headers) → name. ``None``: lowercase (Chromium).
    header_name: Callable[[str, HeaderList], str] | None = None
    #: The ``Location`` a redirect response points to (``None``: not followed as a redirect); ``None`` hook: the
    #: first non-empty line, and two different lines are a network error (Chromium).
    location: Callable[[Response], str | None] | None = None
    #: The redirect rules (limit, CORS check of the redirect, credentials and schemes in the Location…).
    check_redirect: RedirectCheck | None = None
    #: The method after a redirect: (status, method, whether the redirect leaves the current origin) → method.
    #: ``None``: Fetch §4.4 step 12 (301/302 turn POST into GET, 303 anything but GET/HEAD).
    redirect_method: Callable[[int, str, bool], str] | None = None
    #: Keep the ``Origin`` header on a request a redirect turned into a GET (WebKit).
    keeps_origin_after_redirect: bool = False
    #: Script-set headers (lowercase names) the browser also sends on its preflight (WebKit: ``user-agent``).
    preflight_copies: frozenset[str] = frozenset()
    #: A script-set header value as it goes on the wire: (name, value) → value. ``None``: Chromium's (a single
    #: Range re-serialised, values sent as Latin-1).
    wire_value: Callable[[str, str], str] | None = None

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
