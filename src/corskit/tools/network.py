"""Put the engine's requests on a real network, with httpx (needs the ``cli`` extra).

The engine says *what* to send (:class:`~corskit.browser.WireRequest`); this adapter sends it as Chromium would
(no redirects followed by the client: the engine follows them itself; cookies only when the engine says the
browser would attach them) and turns the answer back into a :class:`~corskit.browser.Response`. A failure to get
any answer (refused connection, DNS, TLS, timeout) is a :class:`NetworkError`, never a CORS verdict.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass, field
from typing import Literal

import httpx

from ..browser.wire import Response, WireRequest
from ..spec.headers import is_token, is_valid_header_value, normalize_value

NetworkErrorKind = Literal["refused", "dns", "tls", "timeout", "protocol", "other"]

#: What corskit says it is; servers see the request as a browser's CORS request otherwise.
USER_AGENT = "corskit (CORS checker; requests shaped like Chromium's)"

#: Most response body bytes read (the verdict never depends on the body; traces show its start).
MAX_BODY = 64 * 1024
EXCERPT = 300


class NetworkError(Exception):
    """No HTTP answer at all: the request never got a response a browser could judge."""

    def __init__(self, kind: NetworkErrorKind, message: str, url: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.url = url


@dataclass(frozen=True)
class NetworkOptions:
    """How to reach the server: timeouts, TLS, proxy, and what a browser would add (cookies, extra headers)."""

    timeout: float = 10.0
    verify: bool = True
    proxy: str | None = None
    #: The ``Cookie`` header value the browser holds for the target; sent only on credentialed requests.
    cookie: str | None = None
    #: Headers added to every request (e.g. an auth header a scanner needs to reach the endpoint).
    extra_headers: tuple[tuple[str, str], ...] = field(default=())

    def __post_init__(self) -> None:
        problem = cookie_problem(self.cookie) if self.cookie is not None else None
        for name, value in self.extra_headers:
            problem = problem or header_problem(name, value)
        if problem:
            raise ValueError(problem)


def cookie_problem(cookie: str) -> str | None:
    """Why *cookie* cannot be the ``Cookie`` header a browser holds, or None. A browser stores no cookie with a
    control character, and sends the others as UTF-8."""
    bad = next((c for c in cookie if (c < " " and c != "\t") or c == "\x7f"), None)
    if bad is not None:
        return f"the cookie {cookie!r} contains the control character {bad!r}: a browser never holds such a cookie"
    return None


def header_problem(name: str, value: str) -> str | None:
    """Why ``name: value`` cannot be written as a request header, or None (what ``fetch()`` would refuse)."""
    if not is_token(name):
        return f"{name!r} is not a header name (letters, digits and !#$%&'*+-.^_`|~ only)"
    if not is_valid_header_value(normalize_value(value)):
        return f"the value of {name} ({value!r}) cannot contain CR, LF, NUL or characters beyond Latin-1"
    return None


def _client_kwargs(options: NetworkOptions) -> dict[str, object]:
    return {
        "timeout": httpx.Timeout(options.timeout),
        "verify": options.verify,
        "proxy": options.proxy,
        "follow_redirects": False,
        "trust_env": False,
        "headers": {"User-Agent": USER_AGENT},
    }


def sync_client(options: NetworkOptions) -> httpx.Client:
    return httpx.Client(**_client_kwargs(options))  # type: ignore[arg-type]


def ssl_context(options: NetworkOptions) -> ssl.SSLContext:
    """The TLS settings of *options* as a context, built once and shared by many clients (building one loads the CA
    bundle: far more work than a request)."""
    return httpx.create_ssl_context(verify=options.verify)


def async_client(
    options: NetworkOptions, *, max_connections: int = 100, ssl_context: ssl.SSLContext | None = None
) -> httpx.AsyncClient:
    limits = httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections)
    kwargs = _client_kwargs(options)
    if ssl_context is not None:
        kwargs["verify"] = ssl_context
    return httpx.AsyncClient(limits=limits, **kwargs)  # type: ignore[arg-type]


def build_request(
    client: httpx.Client | httpx.AsyncClient, wire: WireRequest, options: NetworkOptions
) -> httpx.Request:
    """The httpx request for *wire*: its headers, Chromium's defaults, and the cookie when it is credentialed."""
    headers = [(n.encode("latin-1"), v.encode("latin-1")) for n, v in wire.full_headers()]
    headers += [(n.encode("latin-1"), v.encode("latin-1")) for n, v in options.extra_headers]
    if wire.credentials and options.cookie:
        headers.append((b"Cookie", options.cookie.encode("utf-8")))  # as a browser sends a cookie it holds
    request = client.build_request(wire.method, wire.url)
    # Keep httpx's Host and User-Agent; everything else comes from the wire request.
    keep = [(k, v) for k, v in request.headers.raw if k.lower() in (b"host", b"user-agent")]
    request.headers = httpx.Headers(keep + headers)
    return request


def to_response(response: httpx.Response, first_bytes: bytes = b"") -> Response:
    headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in response.headers.raw]
    excerpt = first_bytes[:EXCERPT].decode("utf-8", "replace")
    return Response(response.status_code, headers, note=response.reason_phrase, body=excerpt)


def classify(error: Exception, url: str, proxy: str | None = None) -> NetworkError:
    """Name what went wrong in words a person can act on. Through a *proxy*, a connection refused or a name not
    resolved is the proxy's: the proxy is all the client connects to."""
    text = str(error) or type(error).__name__
    refused = (
        f"connection to the proxy {proxy} refused: is the proxy running?"
        if proxy
        else f"connection to {url} refused: is the server running?"
    )
    if isinstance(error, httpx.TimeoutException):
        return NetworkError("timeout", f"timed out waiting for {url}", url)
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, ssl.SSLError):
            return NetworkError("tls", f"TLS handshake with {url} failed: {cause}", url)
        if isinstance(cause, ConnectionRefusedError):
            return NetworkError("refused", refused, url)
        cause = cause.__cause__ or cause.__context__
    lowered = text.lower()
    if "name or service not known" in lowered or "nodename nor servname" in lowered or "getaddrinfo" in lowered:
        return NetworkError("dns", f"cannot resolve the host of {proxy or url}: {text}", url)
    if "refused" in lowered:
        return NetworkError("refused", refused, url)
    if "ssl" in lowered or "certificate" in lowered:
        return NetworkError("tls", f"TLS handshake with {url} failed: {text}", url)
    if isinstance(error, httpx.RemoteProtocolError | httpx.LocalProtocolError):
        return NetworkError("protocol", f"{url} did not answer with valid HTTP: {text}", url)
    return NetworkError("other", f"request to {url} failed: {text}", url)


def send(client: httpx.Client, wire: WireRequest, options: NetworkOptions) -> Response:
    """Send *wire* and return the engine's view of the answer; :class:`NetworkError` when there is none."""
    try:
        response = client.send(build_request(client, wire, options), stream=True)
        first = b""
        try:
            for chunk in response.iter_bytes(MAX_BODY):
                first = chunk
                if len(chunk) >= MAX_BODY:  # a shorter chunk is the last: reading on returns the connection
                    break
        finally:
            response.close()
    except (httpx.HTTPError, httpx.InvalidURL, OSError, ValueError) as error:  # ValueError: httpx's URL checks
        raise classify(error, wire.url, options.proxy) from error
    return to_response(response, first)


async def asend(client: httpx.AsyncClient, wire: WireRequest, options: NetworkOptions) -> Response:
    """:func:`send` for an async client."""
    try:
        response = await client.send(build_request(client, wire, options), stream=True)
        first = b""
        try:
            async for chunk in response.aiter_bytes(MAX_BODY):
                first = chunk
                if len(chunk) >= MAX_BODY:  # a shorter chunk is the last: reading on keeps the connection alive
                    break
        finally:
            await response.aclose()
    except (httpx.HTTPError, httpx.InvalidURL, OSError, ValueError) as error:  # ValueError: httpx's URL checks
        raise classify(error, wire.url, options.proxy) from error
    return to_response(response, first)
