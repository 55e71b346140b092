"""The audit zoo: one small app per CORS misconfiguration, plus correctly configured ones, all on loopback.

Every exhibit answers as a different host under ``zoo.example.com`` (``http://reflect-credentials.zoo.example.com``,
``https://http-origin.zoo.example.com``…). One threaded stdlib server on 127.0.0.1 (ephemeral port) serves them
all as an HTTP *proxy*: scanners reach the exhibits with ``--proxy http://127.0.0.1:PORT`` (corskit) or
``HTTP(S)_PROXY`` (CORScanner), so realistic host names work without DNS and nothing ever leaves loopback: a host
that is not an exhibit gets ``502`` and a ``CONNECT`` to it is refused. ``https`` exhibits are served through
``CONNECT`` with a throw-away self-signed certificate (scan them with ``--insecure``).

Run ``python -m tests.audit.zoo`` to serve the zoo and print its address and targets.
"""

from __future__ import annotations

import asyncio
import http.server
import re
import shutil
import socket
import ssl
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

DOMAIN = "zoo.example.com"
APP = "http://app.example.com"
APP_TLS = "https://app.example.com"


@dataclass
class Req:
    """What an exhibit sees: method, path, lowercase header names (last value wins), the scheme it came in on."""

    method: str
    path: str
    headers: dict[str, str]
    scheme: str

    @property
    def origin(self) -> str | None:
        return self.headers.get("origin")

    @property
    def preflight(self) -> bool:
        return self.method == "OPTIONS" and "access-control-request-method" in self.headers


Answer = tuple[int, list[tuple[str, str]], bytes]
App = Callable[[Req], Answer]


@dataclass
class Exhibit:
    """One host of the zoo: its app, and what an auditor must find there (class → severity, above info)."""

    name: str
    app: App
    expected: dict[str, str] = field(default_factory=dict)
    scheme: str = "http"
    #: A correct configuration: no finding above info allowed.
    correct: bool = False
    #: Findings a string-matching scanner reports but a browser makes inert: any report above info is a false
    #: positive.
    bait: bool = False
    note: str = ""

    @property
    def host(self) -> str:
        return f"{self.name}.{DOMAIN}"

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.host}/api/data"


BODY = b'{"secret": "account data"}'


def _ok(headers: list[tuple[str, str]], *, status: int = 200) -> Answer:
    return status, [("Content-Type", "application/json"), *headers], BODY


def _host_of(origin: str) -> str:
    return urlsplit(origin).hostname or ""


# -- the apps ----------------------------------------------------------------------------------------------------


def reflect(credentials: bool, *, vary: bool = True, extra: tuple[tuple[str, str], ...] = ()) -> App:
    """Echo any Origin (the most common misconfiguration)."""

    def app(req: Req) -> Answer:
        headers: list[tuple[str, str]] = [("Vary", "Origin")] if vary else []
        if req.origin:
            headers.append(("Access-Control-Allow-Origin", req.origin))
            if credentials:
                headers.append(("Access-Control-Allow-Credentials", "true"))
            if req.preflight:
                headers += [
                    ("Access-Control-Allow-Methods", "GET, POST"),
                    ("Access-Control-Allow-Headers", "content-type"),
                ]
        return _ok([*headers, *extra], status=204 if req.preflight else 200)

    return app


def allow_if(check: Callable[[str], bool], *, credentials: bool = True, preflight: bool = True) -> App:
    """Echo the Origin when *check* accepts it, with credentials and ``Vary: Origin`` (a typical hand-written
    middleware; the check is where the bug is)."""

    def app(req: Req) -> Answer:
        headers: list[tuple[str, str]] = [("Vary", "Origin")]
        origin = req.origin
        if origin is not None and check(origin):
            headers.append(("Access-Control-Allow-Origin", origin))
            if credentials:
                headers.append(("Access-Control-Allow-Credentials", "true"))
            if req.preflight and preflight:
                headers += [("Access-Control-Allow-Methods", "GET, POST"), ("Access-Control-Allow-Headers", "")]
        return _ok(headers, status=204 if req.preflight else 200)

    return app


def exact(*origins: str) -> Callable[[str], bool]:
    allowed = frozenset(origins)
    return lambda origin: origin in allowed


def strict_get(preflight: Callable[[Req], list[tuple[str, str]]]) -> App:
    """GET is strict (only the app's origin); the OPTIONS handler is separate, and that is where the bug is (the
    classic nginx ``if ($request_method = OPTIONS)`` block)."""

    def app(req: Req) -> Answer:
        if req.preflight:
            return 204, preflight(req), b""
        headers: list[tuple[str, str]] = [("Vary", "Origin")]
        if req.origin == APP:
            headers += [("Access-Control-Allow-Origin", APP), ("Access-Control-Allow-Credentials", "true")]
        return _ok(headers)

    return app


def mirror_everything(req: Req) -> list[tuple[str, str]]:
    return [
        ("Access-Control-Allow-Origin", req.origin or ""),
        ("Access-Control-Allow-Credentials", "true"),
        ("Access-Control-Allow-Methods", req.headers.get("access-control-request-method", "")),
        ("Access-Control-Allow-Headers", req.headers.get("access-control-request-headers", "")),
        ("Vary", "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"),
    ]


def authorization_for_all(req: Req) -> list[tuple[str, str]]:
    return [
        ("Access-Control-Allow-Origin", req.origin or ""),
        ("Access-Control-Allow-Credentials", "true"),
        ("Access-Control-Allow-Methods", "GET"),
        ("Access-Control-Allow-Headers", "Authorization"),
        ("Vary", "Origin"),
    ]


def wildcard_lists_with_credentials(req: Req) -> list[tuple[str, str]]:
    if req.origin != APP:
        return []
    return [
        ("Access-Control-Allow-Origin", APP),
        ("Access-Control-Allow-Credentials", "true"),
        ("Access-Control-Allow-Methods", "*"),
        ("Access-Control-Allow-Headers", "*"),
        ("Vary", "Origin"),
    ]


def pna_for_all(req: Req) -> list[tuple[str, str]]:
    headers: list[tuple[str, str]] = [("Vary", "Origin")]
    if req.headers.get("access-control-request-private-network") == "true":
        headers += [
            ("Access-Control-Allow-Origin", req.origin or ""),
            ("Access-Control-Allow-Private-Network", "true"),
        ]
    elif req.origin == APP:
        headers += [("Access-Control-Allow-Origin", APP), ("Access-Control-Allow-Credentials", "true")]
    return headers


def preflight_trusts(check: Callable[[str], bool]) -> Callable[[Req], list[tuple[str, str]]]:
    """A separate ``OPTIONS`` handler whose origin check is laxer than the GET's: PUT and DELETE with cookies."""

    def answer(req: Req) -> list[tuple[str, str]]:
        if req.origin is None or not (req.origin == APP or check(req.origin)):
            return [("Vary", "Origin")]
        return [
            ("Access-Control-Allow-Origin", req.origin),
            ("Access-Control-Allow-Credentials", "true"),
            ("Access-Control-Allow-Methods", "GET, PUT, DELETE"),
            ("Access-Control-Allow-Headers", "X-Requested-With"),
            ("Vary", "Origin"),
        ]

    return answer


def dynamic_no_vary(*trusted: str, vary: bool = False) -> App:
    """Echo only the listed origins (the site's own, its front-end's), publicly cacheable, without ``Vary: Origin``
    unless *vary*: every untrusted probe sees the same absent header, so the answer looks static."""

    def app(req: Req) -> Answer:
        headers: list[tuple[str, str]] = [("Cache-Control", "public, max-age=600")]
        if vary:
            headers.append(("Vary", "Origin"))
        if req.origin in trusted:
            headers += [("Access-Control-Allow-Origin", req.origin or ""), ("Access-Control-Allow-Credentials", "true")]
        return _ok(headers)

    return app


def redirect_to(location: str) -> App:
    """A ``302`` to another origin, with no CORS headers of its own."""
    return lambda req: (302, [("Location", location), ("Content-Type", "text/plain")], b"moved")


def static(headers: list[tuple[str, str]]) -> App:
    """The same headers whatever the request."""
    return lambda req: _ok(list(headers), status=204 if req.preflight else 200)


def no_vary(*, cache_control: str, vary_allowed: bool) -> App:
    """An exact allow-list with shared caching, forgetting ``Vary: Origin`` (everywhere, or on rejections)."""

    def app(req: Req) -> Answer:
        headers: list[tuple[str, str]] = [("Cache-Control", cache_control)]
        if req.origin == APP:
            headers += [("Access-Control-Allow-Origin", APP), ("Access-Control-Allow-Credentials", "true")]
            if vary_allowed:
                headers.append(("Vary", "Origin"))
        return _ok(headers)

    return app


def public_api(req: Req) -> Answer:
    """A public API done right: ``*`` and no credentials, for any method and header."""
    headers = [("Access-Control-Allow-Origin", "*")]
    if req.preflight:
        headers += [("Access-Control-Allow-Methods", "*"), ("Access-Control-Allow-Headers", "*")]
        return 204, [*headers, ("Access-Control-Max-Age", "600")], b""
    return _ok([*headers, ("Cache-Control", "public, max-age=300")])


def no_cors(req: Req) -> Answer:
    return _ok([])


class AsgiApp:
    """Serve an ASGI application from the zoo's threads, on one event loop of its own."""

    def __init__(self, asgi: Any) -> None:
        self.asgi = asgi
        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self.loop.run_forever, daemon=True).start()

    def __call__(self, req: Req) -> Answer:
        return asyncio.run_coroutine_threadsafe(self._call(req), self.loop).result(10)

    async def _call(self, req: Req) -> Answer:
        path, _, query = req.path.partition("?")
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": req.method,
            "scheme": req.scheme,
            "path": path,
            "raw_path": path.encode(),
            "query_string": query.encode(),
            "root_path": "",
            "headers": [(k.encode("latin-1"), v.encode("latin-1")) for k, v in req.headers.items()],
            "client": ("127.0.0.1", 1),
            "server": ("zoo", 80),
        }
        status = 500
        headers: list[tuple[str, str]] = []
        body = bytearray()

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            nonlocal status, headers
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in message.get("headers", [])]
            elif message["type"] == "http.response.body":
                body.extend(message.get("body", b""))

        await self.asgi(scope, receive, send)
        return status, [(k, v) for k, v in headers if k.lower() != "content-length"], bytes(body)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)


async def _json_endpoint(scope: Any, receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": BODY})


def corskit_strict() -> AsgiApp:
    from corskit.asgi import CORSMiddleware

    return AsgiApp(
        CORSMiddleware(
            _json_endpoint,
            allow_origins=[APP],
            allow_credentials=True,
            allow_methods=["GET", "PUT", "DELETE"],
            allow_headers=["Authorization", "Content-Type"],
        )
    )


def starlette_strict() -> AsgiApp:
    from starlette.middleware.cors import CORSMiddleware

    return AsgiApp(
        CORSMiddleware(
            _json_endpoint,
            allow_origins=[APP],
            allow_credentials=True,
            allow_methods=["GET", "PUT"],
            allow_headers=["Authorization"],
        )
    )


def starlette_regex_unescaped() -> AsgiApp:
    from starlette.middleware.cors import CORSMiddleware

    # The dots of the domain are not escaped: 'appxexample.com' matches too.
    return AsgiApp(CORSMiddleware(_json_endpoint, allow_origin_regex=r"http://app.example.com", allow_credentials=True))


# -- the catalogue -----------------------------------------------------------------------------------------------


def _lax_host(origin: str) -> str:
    # A hand-written "parser": the host is what follows '://' up to the first character not in [a-z0-9.-].
    match = re.match(r"https?://([a-z0-9.-]+)", origin)
    return match.group(1) if match else ""


def exhibits(*, with_asgi: bool = True, tls: bool = True) -> list[Exhibit]:
    """The zoo. ``with_asgi`` adds the middleware-based exhibits; ``tls`` the https ones."""
    out = [
        Exhibit(
            "reflect-credentials",
            reflect(True),
            {"arbitrary_origin_reflected": "high"},
            note="echoes any Origin, with credentials",
        ),
        Exhibit(
            "reflect-anonymous",
            reflect(False),
            {"arbitrary_origin_reflected": "low"},
            note="echoes any Origin, no credentials",
        ),
        Exhibit(
            "reflect-private",
            reflect(False, extra=(("Cache-Control", "private, no-store"),)),
            {"arbitrary_origin_reflected": "medium"},
            note="echoes any Origin without credentials on a response marked private",
        ),
        Exhibit(
            "null",
            allow_if(exact(APP, "null")),
            {"null_origin_trusted": "high"},
            note="trusts 'null' (a common 'for local files' mistake)",
        ),
        Exhibit(
            "pre-domain",
            allow_if(lambda o: o.endswith("example.com")),
            {"pre_domain_trusted": "high"},
            note="origin.endswith('example.com')",
        ),
        Exhibit(
            "post-domain",
            allow_if(lambda o: o.startswith((f"http://post-domain.{DOMAIN}", APP))),
            {"post_domain_trusted": "high"},
            note="origin.startswith(trusted) (a regex without '$')",
        ),
        Exhibit(
            "unescaped-dot",
            allow_if(lambda o: re.fullmatch(r"http://([a-z-]+\.)*zoo.example.com", o) is not None),
            {"unescaped_dot_trusted": "high", "any_subdomain_trusted": "low"},
            note=r"regex 'http://([a-z-]+\.)*zoo.example.com' (dots unescaped)",
        ),
        Exhibit(
            "substring",
            allow_if(lambda o: o in f"{APP} http://substring.{DOMAIN}"),
            {"substring_trusted": "high"},
            note="origin in 'http://app.example.com http://substring.zoo.example.com'",
        ),
        Exhibit(
            "special-chars",
            allow_if(lambda o: _lax_host(o) == f"special-chars.{DOMAIN}" or _lax_host(o) == "app.example.com"),
            {"special_characters_trusted": "high"},
            note="host taken as [a-z0-9.-]+ after '://', so 'host_.attacker.example' passes",
        ),
        Exhibit(
            "subdomain",
            allow_if(lambda o: _host_of(o) == "example.com" or _host_of(o).endswith(".example.com")),
            {"any_subdomain_trusted": "low"},
            note="every *.example.com",
        ),
        Exhibit(
            "third-party",
            allow_if(exact(APP, "https://codepen.io")),
            {"third_party_origin_trusted": "medium"},
            note="trusts https://codepen.io (a demo left in the list)",
        ),
        Exhibit(
            "dev-origin",
            allow_if(exact(APP, "http://localhost:3000")),
            {"dev_origin_trusted": "medium"},
            note="trusts http://localhost:3000 in production",
        ),
        Exhibit(
            "wildcard-credentials",
            static([("Access-Control-Allow-Origin", "*"), ("Access-Control-Allow-Credentials", "true")]),
            {},
            note="'*' with credentials: inert in browsers (info only)",
        ),
        Exhibit(
            "invalid-acao",
            static([("Access-Control-Allow-Origin", f"{APP}, http://admin.example.com"), ("Vary", "Origin")]),
            {},
            note="two origins in one header: never matches (info only)",
        ),
        Exhibit(
            "vary-missing",
            no_vary(cache_control="public, max-age=600", vary_allowed=False),
            {"missing_vary_origin": "medium"},
            note="exact allow-list, shared caching, no Vary: Origin",
        ),
        Exhibit(
            "vary-rejected",
            no_vary(cache_control="public, max-age=600", vary_allowed=True),
            {"missing_vary_origin": "low"},
            note="Vary: Origin only on allowed responses, shared caching",
        ),
        Exhibit(
            "preflight-mirror",
            strict_get(mirror_everything),
            {
                "untrusted_methods_allowed": "high",
                "untrusted_headers_allowed": "medium",
                "authorization_allowed_untrusted": "low",
            },
            note="GET strict; OPTIONS echoes Origin and mirrors every method and header, with credentials",
        ),
        Exhibit(
            "preflight-authorization",
            strict_get(authorization_for_all),
            {"authorization_allowed_untrusted": "low"},
            note="GET strict; OPTIONS allows Authorization to any origin, with credentials",
        ),
        Exhibit(
            "preflight-wildcard-credentials",
            strict_get(wildcard_lists_with_credentials),
            {},
            note="ACAM/ACAH '*' with credentials: literal, so inert (info only)",
        ),
        Exhibit(
            "pna",
            strict_get(pna_for_all),
            {"private_network_allowed_untrusted": "medium"},
            note="answers Access-Control-Allow-Private-Network: true to any origin",
        ),
        Exhibit(
            "preflight-null",
            strict_get(preflight_trusts(lambda o: o == "null")),
            {"untrusted_methods_allowed": "high", "untrusted_headers_allowed": "medium"},
            note="GET strict; OPTIONS also trusts 'null' (sandboxed iframes send PUT and DELETE with cookies)",
        ),
        Exhibit(
            "preflight-lookalike",
            strict_get(preflight_trusts(lambda o: o.endswith("example.com"))),
            {"untrusted_methods_allowed": "high", "untrusted_headers_allowed": "medium"},
            note="GET strict; OPTIONS trusts origin.endswith('example.com'), so attackerexample.com may PUT",
        ),
        Exhibit(
            "preflight-subdomain",
            strict_get(preflight_trusts(lambda o: _host_of(o).endswith(".example.com"))),
            {"untrusted_methods_allowed": "low", "untrusted_headers_allowed": "low"},
            note="GET strict; OPTIONS trusts every *.example.com (needs a foothold on a subdomain)",
        ),
        Exhibit(
            "own-origin",
            dynamic_no_vary(f"http://own-origin.{DOMAIN}"),
            {"missing_vary_origin": "medium"},
            note="echoes only its own origin, publicly cacheable, without Vary: Origin",
        ),
        Exhibit(
            "front-end",
            dynamic_no_vary(f"http://www.{DOMAIN}"),
            {"missing_vary_origin": "medium"},
            note="echoes only its front-end (a sibling, www. of its parent domain), cacheable, no Vary: Origin",
        ),
        Exhibit(
            "extension",
            allow_if(lambda o: o == APP or o.startswith(("chrome-extension://", "moz-extension://"))),
            {"extension_origin_trusted": "low"},
            note="trusts every browser extension, with credentials",
        ),
        Exhibit(
            "redirect",
            redirect_to(f"http://reflect-credentials.{DOMAIN}/api/data"),
            {},
            note="redirects to another origin that reflects any Origin with credentials (info, naming it)",
        ),
        # Baits: a string matcher calls these vulnerable, a browser refuses them.
        Exhibit(
            "bait-trailing-slash",
            lambda req: _ok(
                [
                    ("Access-Control-Allow-Origin", (req.origin or "") + "/"),
                    ("Access-Control-Allow-Credentials", "true"),
                ]
            ),
            bait=True,
            note="echoes the Origin with a trailing slash: browsers reject it",
        ),
        Exhibit(
            "bait-explicit-port",
            lambda req: _ok(
                [
                    ("Access-Control-Allow-Origin", f"{req.origin}:80"),
                    ("Access-Control-Allow-Credentials", "true"),
                    ("Vary", "Origin"),
                ]
                if req.origin and req.origin != "null"
                else [("Vary", "Origin")]
            ),
            bait=True,
            note="echoes the Origin with an explicit ':80': browsers reject it",
        ),
        # Correct configurations.
        Exhibit("public-api", public_api, correct=True, note="'*' without credentials, any method and header"),
        Exhibit(
            "static-origin",
            static([("Access-Control-Allow-Origin", APP), ("Access-Control-Allow-Credentials", "true")]),
            correct=True,
            note="one fixed trusted origin, whatever the request",
        ),
        Exhibit("no-cors", no_cors, correct=True, note="no CORS headers at all"),
        Exhibit(
            "own-origin-vary",
            dynamic_no_vary(f"http://own-origin-vary.{DOMAIN}", APP, vary=True),
            correct=True,
            note="echoes its own and its front-end's origin, cacheable, with Vary: Origin",
        ),
        Exhibit(
            "extension-pinned",
            allow_if(exact(APP, "chrome-extension://abcdefghijklmnopabcdefghijklmnop")),
            correct=True,
            note="trusts one extension by its id: a deliberate choice, not a finding",
        ),
        Exhibit(
            "redirect-clean",
            redirect_to(f"http://static-origin.{DOMAIN}/api/data"),
            correct=True,
            note="redirects to another origin that is configured correctly",
        ),
    ]
    if tls:
        out.append(
            Exhibit(
                "http-origin",
                allow_if(exact(APP_TLS, f"https://http-origin.{DOMAIN}", f"http://http-origin.{DOMAIN}", APP)),
                {"http_origin_trusted": "low"},
                scheme="https",
                note="an https API trusting http:// origins",
            )
        )
        out.append(
            Exhibit(
                "tls-strict",
                allow_if(exact(APP_TLS)),
                scheme="https",
                correct=True,
                note="https, exact allow-list of one https origin",
            )
        )
    if with_asgi:
        out += [
            Exhibit(
                "corskit-strict",
                corskit_strict(),
                correct=True,
                note="corskit's CORSMiddleware, exact origins, credentials, listed methods and headers",
            ),
            Exhibit(
                "starlette-strict",
                starlette_strict(),
                correct=True,
                note="Starlette's CORSMiddleware, exact origins, credentials",
            ),
            Exhibit(
                "starlette-regex",
                starlette_regex_unescaped(),
                {"unescaped_dot_trusted": "high"},
                note=r"Starlette allow_origin_regex='http://app.example.com' (dots unescaped)",
            ),
        ]
    return out


# -- the server --------------------------------------------------------------------------------------------------


def self_signed(directory: Path) -> tuple[Path, Path] | None:
    """A throw-away certificate for ``*.zoo.example.com`` made with the openssl CLI; ``None`` without it."""
    openssl = shutil.which("openssl")
    if openssl is None:
        return None
    cert, key = directory / "zoo.crt", directory / "zoo.key"
    subprocess.run(
        [
            openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", f"/CN={DOMAIN}",
            "-addext", f"subjectAltName=DNS:*.{DOMAIN}",
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


@dataclass
class Zoo:
    """A running zoo: ``proxy`` is the address to give scanners, ``exhibits`` what it serves."""

    proxy: str
    exhibits: list[Exhibit]
    requests: int = 0

    def by_name(self, name: str) -> Exhibit:
        return next(e for e in self.exhibits if e.name == name)


@contextmanager
def serve(chosen: list[Exhibit] | None = None, *, port: int = 0) -> Iterator[Zoo]:
    """Run the zoo on 127.0.0.1 until the block ends."""
    with tempfile.TemporaryDirectory() as tmp:
        pair = self_signed(Path(tmp))
        items = chosen if chosen is not None else exhibits(tls=pair is not None)
        table = {(e.scheme, e.host): e for e in items}
        context: ssl.SSLContext | None = None
        if pair is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(str(pair[0]), str(pair[1]))
        zoo = Zoo("", items)
        lock = threading.Lock()

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True
            scheme = "http"

            def do_CONNECT(self) -> None:
                host, _, _port = self.path.partition(":")
                if context is None or ("https", host) not in table:
                    self.send_error(502, "not a zoo host")
                    self.close_connection = True
                    return
                self.send_response(200, "Connection established")
                self.end_headers()
                self.wfile.flush()
                try:
                    tls = context.wrap_socket(self.connection, server_side=True)
                except (ssl.SSLError, OSError):
                    self.close_connection = True
                    return
                self.connection = tls
                self.rfile = tls.makefile("rb", -1)
                self.wfile = tls.makefile("wb")
                self.scheme = "https"
                self.close_connection = False

            def _any(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                target = self.path
                if target.startswith(("http://", "https://")):
                    parts = urlsplit(target)
                    host = parts.hostname or ""
                    path = parts.path + (f"?{parts.query}" if parts.query else "")
                else:
                    host = (self.headers.get("Host") or "").split(":")[0]
                    path = target
                exhibit = table.get((self.scheme, host))
                with lock:
                    zoo.requests += 1
                if exhibit is None:
                    status, headers, body = 502, [("Content-Type", "text/plain")], b"not a zoo host"
                else:
                    req = Req(self.command, path, {k.lower(): v for k, v in self.headers.items()}, self.scheme)
                    status, headers, body = exhibit.app(req)
                self.send_response(status)
                for name, value in headers:
                    self.send_header(name, value)
                if status in (204, 304):
                    body = b""  # no body, no Content-Length (RFC 9110 §8.6)
                else:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_HEAD = _any

            def log_message(self, format: str, *args: object) -> None:
                pass

        httpd = _Server(("127.0.0.1", port), Handler)
        zoo.proxy = f"http://127.0.0.1:{httpd.server_address[1]}"
        thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        thread.start()
        try:
            yield zoo
        finally:
            httpd.shutdown()
            httpd.server_close()
            for exhibit in items:
                if isinstance(exhibit.app, AsgiApp):
                    exhibit.app.close()


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # a scanner opens many connections at once: no SYN retransmits on a full backlog


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def main() -> None:
    import argparse
    import sys
    import time

    parser = argparse.ArgumentParser(description="Serve the corskit audit zoo on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    with serve(port=args.port) as zoo:
        print(zoo.proxy, flush=True)
        for exhibit in zoo.exhibits:
            print(exhibit.url, flush=True)
        print("", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            sys.exit(0)


if __name__ == "__main__":
    main()
