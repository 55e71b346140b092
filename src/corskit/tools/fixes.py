"""From a blocked fetch to the change that unblocks it: a sentence that says what to do, and the configuration for
a given server stack.

Pure functions over engine results: ``corskit check``, ``corskit explain``, ``corskit demo`` and the test client
share them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from ..browser.fetch import Result
from ..browser.preflight import unsafe_header_names
from ..browser.profiles import profile
from ..browser.request import Request
from ..browser.wire import Response
from ..spec.errors import ErrorCode
from ..spec.safelist import SAFELISTED_METHODS

Stack = Literal["corskit", "starlette", "fastapi", "flask-cors", "django", "express", "nginx"]
STACKS: tuple[Stack, ...] = ("corskit", "starlette", "fastapi", "flask-cors", "django", "express", "nginx")


@dataclass(frozen=True)
class Need:
    """What the server has to allow for this request to pass."""

    origin: str
    #: The methods a preflight must allow: never GET, HEAD or POST, which browsers never check.
    methods: tuple[str, ...]
    headers: tuple[str, ...]
    credentials: bool
    #: The request's method, for peers that check even GET, HEAD and POST against their list.
    method: str = "GET"

    @classmethod
    def of(cls, origin: str, request: Request, browsers: Sequence[str] = ("chromium",)) -> Need:
        """What *request* needs in every one of *browsers* (a header safelisted in Chromium alone, such as
        ``DPR``, must be allowed for the others)."""
        method = request.method
        methods = () if method.upper() in SAFELISTED_METHODS else (method,)
        names: list[str] = []
        for browser in browsers:
            names += [n for n in unsafe_header_names(request.headers, profile(browser)) if n not in names]
        dropped = set.intersection(*(set(profile(b).extra_forbidden_request_headers) for b in browsers))
        headers = tuple(sorted(n for n in names if n not in dropped))
        return cls(origin, methods, headers, request.credentials == "include", method)

    @property
    def preflighted(self) -> bool:
        return bool(self.methods or self.headers)


@dataclass(frozen=True)
class Fix:
    """What to change. ``side`` says whose change it is: the server's configuration or the calling code."""

    summary: str
    side: Literal["server", "client"]
    need: Need

    def snippet(self, stack: Stack) -> str:
        """The configuration for *stack* that allows exactly what the request needs."""
        return render(self.need, stack)

    def to_json(self, stack: Stack | None = None) -> dict[str, Any]:
        """``{"summary", "side", "stack", "snippet"}``: the snippet for *stack* when given and the change is the
        server's (``corskit check --json`` and ``corskit explain --json --fix-for``)."""
        snippet = self.snippet(stack) if stack is not None and self.side == "server" else None
        return {"summary": self.summary, "side": self.side, "stack": stack, "snippet": snippet}


def _preflight_response(result: Result) -> Response | None:
    for exchange in reversed(result.exchanges):
        if exchange.request.kind == "preflight":
            return exchange.response
    return None


def _last_response(result: Result) -> Response | None:
    return result.exchanges[-1].response if result.exchanges else None


def _asked(need: Need) -> str:
    """ "the origin X, the method PUT and the headers a, b": what a preflight asks to be allowed."""
    parts = [f"the origin {need.origin}"]
    if need.methods:
        parts.append(f"the method {', '.join(need.methods)}")
    if need.headers:
        word = "header" if len(need.headers) == 1 else "headers"
        parts.append(f"the {word} {', '.join(need.headers)}")
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


#: Characters of a value from the server quoted in a fix; a longer one ends with how much was left out.
MAX_QUOTED = 200


def _quoted(value: str) -> str:
    """A value from the server as a fix quotes it: bounded, so a megabyte header makes a readable sentence."""
    if len(value) <= MAX_QUOTED:
        return value
    return f"{value[:MAX_QUOTED]}… ({len(value) - MAX_QUOTED:,} more characters)"


def _listed(response: Response | None, name: str) -> str:
    value = response.header(name) if response else None
    return f"'{_quoted(value)}'" if value else "nothing"


def suggest_for_all(results: dict[str, Result], origin: str, request: Request) -> Fix | None:
    """One fix for every browser in *results*: the first blocked browser's fix, configured for what the request
    needs in all of them; ``None`` when every browser allows it."""
    for result in results.values():
        fix = suggest(result, origin, request)
        if fix is not None:
            return replace(fix, need=Need.of(origin, request, tuple(results)))
    return None


@dataclass(frozen=True)
class _Blocked:
    """What a fix is written from: the request's needs and the responses that blocked it."""

    code: ErrorCode
    param: str
    origin: str
    need: Need
    last: Response | None
    preflight: Response | None
    #: The ``Origin`` the browser sent last ("null" after a redirect to another origin) and where.
    sent_origin: str | None = None
    url: str = ""

    @property
    def status(self) -> int:
        return self.last.status if self.last else 0


def suggest(result: Result, origin: str, request: Request) -> Fix | None:
    """The fix for a blocked *result* of *request* from a page on *origin*; ``None`` when it was allowed."""
    if result.allowed or result.error is None:
        return None
    need = Need.of(origin, request, (result.browser,))
    code = result.error
    last = result.exchanges[-1].request if result.exchanges else None
    blocked = _Blocked(
        code,
        _quoted(result.param),
        origin,
        need,
        _last_response(result),
        _preflight_response(result),
        last.header("Origin") if last else None,
        last.url if last else "",
    )
    client_text = _CLIENT_FIXES.get(code)
    if client_text is not None:
        return Fix(client_text, "client", need)
    refusal = _refusal(blocked.preflight) if code.is_preflight else None
    if refusal is not None:  # whichever check the browser failed first (the status in WebKit, the headers in Chromium)
        return Fix(f"The server refused the preflight ({refusal}): allow {_asked(need)}.", "server", need)
    write = _SERVER_FIXES.get(code)
    text = write(blocked) if write else f"The browser blocked the response ({code.value})."
    return Fix(text, "server", need)


def _missing_allow_origin(b: _Blocked) -> str:
    text = f"The response has no Access-Control-Allow-Origin header: allow the origin {b.origin} on the server."
    if b.status >= 400:
        text += (
            f" It was an HTTP {b.status}: error responses need the CORS headers too, or the browser hides the"
            " real error behind this one."
        )
    return text


def _refusal(preflight: Response | None) -> str | None:
    """Why a corskit server refused a preflight, from the first line of its body ("CORS preflight refused: header
    x-trace-id not allowed"), or None."""
    said = (preflight.body.strip().splitlines() or [""])[0][:160] if preflight else ""
    return said.split(":", 1)[1].strip() if said.startswith("CORS preflight refused:") else None


def _preflight_missing_allow_origin(b: _Blocked) -> str:
    text = f"The preflight (OPTIONS) response has no Access-Control-Allow-Origin header: allow {_asked(b.need)}."
    if b.status >= 300:
        text += (
            f" It got HTTP {b.status}: OPTIONS requests carry no cookies or Authorization, so answer them in the"
            " CORS layer, before routing and authentication."
        )
    return text


def _wildcard_origin(b: _Blocked) -> str:
    return (
        f"'*' cannot be used with credentials: answer with the request's origin ({b.origin}) taken from an"
        " allow-list, plus 'Access-Control-Allow-Credentials: true' and 'Vary: Origin'. If the request needs no"
        " cookies, drop credentials: 'include' on the client instead."
    )


def _origin_mismatch(b: _Blocked) -> str:
    if b.sent_origin == "null" and b.origin != "null":
        return (
            f"The request was redirected to another origin, so the browser sent 'Origin: null' there, and"
            f" '{b.param}' does not match it. Fetch the final URL ({b.url}) directly, or keep the redirect on one"
            " origin (a public resource fetched without credentials may answer '*'). Never answer 'null': it matches"
            " sandboxed iframes and file pages of any site."
        )
    hint = ""
    if b.param.rstrip("/") == b.origin or b.param.lower() == b.origin:
        hint = " An origin has no trailing slash or path and is compared byte for byte."
    elif b.param == "null":
        hint = " 'null' is never a safe answer: it matches sandboxed iframes and file pages of any site."
    return f"The server allows '{b.param}', not '{b.origin}': add {b.origin} to the allowed origins.{hint}"


def _multiple_origins(b: _Blocked) -> str:
    return (
        f"Access-Control-Allow-Origin holds several values ('{b.param}') but must hold exactly one origin. Usually"
        " two layers (a proxy and the app, or two middlewares) both add it: keep one, and send only the request's"
        f" origin ({b.origin})."
    )


def _invalid_origin(b: _Blocked) -> str:
    return f"'{b.param}' is not an origin: send exactly the request's origin ({b.origin}), or '*'."


def _invalid_credentials(b: _Blocked) -> str:
    sent = f"it sent '{b.param}'" if b.param else "it sent none"
    return (
        "With credentials: 'include' the server must send 'Access-Control-Allow-Credentials: true' (exactly,"
        f" lowercase); {sent}."
    )


def _preflight_status(b: _Blocked) -> str:
    return (
        f"The preflight (OPTIONS) got HTTP {b.status}; it needs a 2xx status. OPTIONS requests carry no cookies or"
        " Authorization: answer them in the CORS layer before routing and authentication."
    )


def _preflight_redirect(b: _Blocked) -> str:
    target = b.preflight.location if b.preflight else None
    where = f" (to {target})" if target else ""
    return (
        f"The preflight was answered with a redirect{where}; browsers never follow redirects for preflights."
        " Call the final URL directly (check trailing slashes and http→https) or stop redirecting OPTIONS."
    )


def _unparsable_methods(b: _Blocked) -> str:
    return (
        f"Access-Control-Allow-Methods {_listed(b.preflight, 'Access-Control-Allow-Methods')} does not parse:"
        " it must be a comma-separated list of method names."
    )


def _unparsable_headers(b: _Blocked) -> str:
    return (
        f"Access-Control-Allow-Headers {_listed(b.preflight, 'Access-Control-Allow-Headers')} does not parse:"
        " it must be a comma-separated list of header names."
    )


def _credentialed_star(b: _Blocked, name: str) -> bool:
    """True when a credentialed request met a literal '*' in the preflight's *name* list."""
    return b.need.credentials and b.preflight is not None and "*" in (b.preflight.header(name) or "")


def _method_disallowed(b: _Blocked) -> str:
    allowed = _listed(b.preflight, "Access-Control-Allow-Methods")
    text = f"{b.param} is not in Access-Control-Allow-Methods ({allowed}): add {b.param} to the allowed methods."
    if _credentialed_star(b, "Access-Control-Allow-Methods"):
        text += " With credentials, '*' is a literal name, not a wildcard: list the methods."
    elif b.param != b.param.upper():
        text += (
            f" Method names are case-sensitive and fetch() sends '{b.param}' as written: list it so,"
            f" or use '{b.param.upper()}'."
        )
    return text


def _header_disallowed(b: _Blocked) -> str:
    allowed = _listed(b.preflight, "Access-Control-Allow-Headers")
    text = (
        f"The request header '{b.param}' is not in Access-Control-Allow-Headers ({allowed}):"
        " add it to the allowed headers."
    )
    if _credentialed_star(b, "Access-Control-Allow-Headers"):
        text += " With credentials, '*' is a literal name, not a wildcard: list the headers."
    return text


def _fixed(text: str) -> Callable[[_Blocked], str]:
    return lambda _: text


# The server's fixes, by error code (the actual and the preflight variant of a check share theirs).
_SERVER_FIXES: dict[ErrorCode, Callable[[_Blocked], str]] = {
    ErrorCode.MISSING_ALLOW_ORIGIN_HEADER: _missing_allow_origin,
    ErrorCode.PREFLIGHT_MISSING_ALLOW_ORIGIN_HEADER: _preflight_missing_allow_origin,
    ErrorCode.WILDCARD_ORIGIN_NOT_ALLOWED: _wildcard_origin,
    ErrorCode.PREFLIGHT_WILDCARD_ORIGIN_NOT_ALLOWED: _wildcard_origin,
    ErrorCode.ALLOW_ORIGIN_MISMATCH: _origin_mismatch,
    ErrorCode.PREFLIGHT_ALLOW_ORIGIN_MISMATCH: _origin_mismatch,
    ErrorCode.MULTIPLE_ALLOW_ORIGIN_VALUES: _multiple_origins,
    ErrorCode.PREFLIGHT_MULTIPLE_ALLOW_ORIGIN_VALUES: _multiple_origins,
    ErrorCode.INVALID_ALLOW_ORIGIN_VALUE: _invalid_origin,
    ErrorCode.PREFLIGHT_INVALID_ALLOW_ORIGIN_VALUE: _invalid_origin,
    ErrorCode.INVALID_ALLOW_CREDENTIALS: _invalid_credentials,
    ErrorCode.PREFLIGHT_INVALID_ALLOW_CREDENTIALS: _invalid_credentials,
    ErrorCode.PREFLIGHT_INVALID_STATUS: _preflight_status,
    ErrorCode.PREFLIGHT_DISALLOWED_REDIRECT: _preflight_redirect,
    ErrorCode.INVALID_ALLOW_METHODS_PREFLIGHT_RESPONSE: _unparsable_methods,
    ErrorCode.INVALID_ALLOW_HEADERS_PREFLIGHT_RESPONSE: _unparsable_headers,
    ErrorCode.METHOD_DISALLOWED_BY_PREFLIGHT_RESPONSE: _method_disallowed,
    ErrorCode.HEADER_DISALLOWED_BY_PREFLIGHT_RESPONSE: _header_disallowed,
    ErrorCode.REDIRECT_CONTAINS_CREDENTIALS: _fixed(
        "A redirect's Location holds user:password, which browsers refuse across origins: remove it."
    ),
    ErrorCode.TOO_MANY_REDIRECTS: _fixed("The server redirects more than 20 times (a loop?); fix the redirect."),
    ErrorCode.UNSAFE_REDIRECT: _fixed("The server redirects to a URL that is not http(s); fix the redirect."),
    ErrorCode.INVALID_REDIRECT: _fixed("The server redirects to a Location that is not a valid URL; fix the redirect."),
}

# The calling code's fixes, by error code.
_CLIENT_FIXES: dict[ErrorCode, str] = {
    ErrorCode.DISALLOWED_BY_MODE: "The request uses mode: 'same-origin' for another origin: use mode: 'cors' (the"
    " default).",
    ErrorCode.CORS_DISABLED_SCHEME: "fetch() loads cross-origin resources only over http(s): use an http(s) URL.",
    ErrorCode.INVALID_URL: "The URL does not parse: pass an absolute http(s) URL.",
    ErrorCode.URL_INCLUDES_CREDENTIALS: "Remove user:password from the URL; send an Authorization header instead.",
    ErrorCode.INVALID_METHOD: "The method is not a valid HTTP token: use a method name such as 'PUT'.",
    ErrorCode.FORBIDDEN_METHOD: "Browsers never send CONNECT, TRACE or TRACK: use another method.",
    ErrorCode.METHOD_NOT_ALLOWED_IN_NO_CORS: "mode: 'no-cors' allows only GET, HEAD and POST: use mode: 'cors'.",
    ErrorCode.INVALID_HEADER_NAME: "A header name is not a valid token: fix it in the calling code.",
    ErrorCode.INVALID_HEADER_VALUE: "A header value contains characters HTTP does not allow (CR, LF, NUL…).",
    ErrorCode.NON_LATIN1_HEADER: "Header names and values are byte strings: encode text above U+00FF first.",
    ErrorCode.UNKNOWN_URL_SCHEME: "The request was redirected to a URL scheme fetch() cannot load.",
    ErrorCode.BLOCKED_ORIGIN: "The browser refused the redirect: its Location holds user:password, or it"
    " leaves the page's origin in mode 'same-origin'.",
    ErrorCode.REDIRECT_MODE_ERROR: "The request's redirect mode refused a redirect: use redirect: 'follow'.",
    ErrorCode.NO_CORS_REDIRECT_MODE_NOT_FOLLOW: "mode: 'no-cors' to another origin needs redirect: 'follow'.",
}


# --- configuration snippets -------------------------------------------------------------------------------------


def _list(items: tuple[str, ...]) -> str:
    """A Python or JavaScript list literal of strings."""
    return "[" + ", ".join(f'"{i}"' for i in items) + "]"


def _call(head: str, args: list[str], tail: str, *, indent: str, pad: str = "") -> str:
    """``head args tail`` on one line when it fits 79 columns, else one argument per line."""
    line = f"{head}{pad}{', '.join(args)}{pad}{tail}"
    if len(line) <= 79:
        return line
    return "\n".join([head, *(f"{indent}{a}," for a in args), tail])


def _add_middleware(import_line: str, need: Need, methods: tuple[str, ...]) -> str:
    """``app.add_middleware(CORSMiddleware, …)`` with Starlette's keywords (corskit takes the same)."""
    lines = [
        import_line,
        "",
        "app.add_middleware(",
        "    CORSMiddleware,",
        f"    allow_origins={_list((need.origin,))},",
    ]
    if methods:
        lines.append(f"    allow_methods={_list(methods)},")
    if need.headers:
        lines.append(f"    allow_headers={_list(need.headers)},")
    if need.credentials:
        lines.append("    allow_credentials=True,")
    return "\n".join([*lines, ")"])


# Methods each peer allows when its method option is left out (Starlette: GET; django-cors-headers: default_methods;
# flask-cors and the express cors package: all the usual ones). A snippet lists a method only beyond these.
_PEER_DEFAULT_METHODS: dict[str, frozenset[str]] = {
    "starlette": frozenset({"GET"}),
    "fastapi": frozenset({"GET"}),
    "django": frozenset({"DELETE", "GET", "OPTIONS", "PATCH", "POST", "PUT"}),
    "flask-cors": frozenset({"GET", "HEAD", "POST", "OPTIONS", "PUT", "PATCH", "DELETE"}),
    "express": frozenset({"GET", "HEAD", "PUT", "PATCH", "POST", "DELETE"}),
}


def _peer_methods(need: Need, stack: str) -> tuple[str, ...]:
    """The methods *stack*'s configuration must list for *need*: browsers check only a preflight's method, but
    Starlette checks a preflighted GET, HEAD or POST against its list too."""
    checked = need.methods
    if stack in ("starlette", "fastapi") and need.preflighted:
        checked = (need.method,)
    return tuple(m for m in checked if m not in _PEER_DEFAULT_METHODS.get(stack, frozenset()))


def render(need: Need, stack: Stack) -> str:
    """Configuration for *stack* that allows *need* (and nothing broader). Methods browsers never check (GET, HEAD,
    POST) are never listed, nor those the stack allows by default."""
    write = _SNIPPETS.get(stack)
    if write is None:
        raise ValueError(f"unknown stack {stack!r}; choose one of {', '.join(STACKS)}")
    return write(need, _peer_methods(need, stack))


def _corskit(need: Need, methods: tuple[str, ...]) -> str:
    return _add_middleware(
        "from corskit.asgi import CORSMiddleware   # WSGI: corskit.wsgi.CORSMiddleware", need, need.methods
    )


def _starlette(package: str) -> Callable[[Need, tuple[str, ...]], str]:
    return lambda need, methods: _add_middleware(f"from {package}.middleware.cors import CORSMiddleware", need, methods)


def _flask_cors(need: Need, methods: tuple[str, ...]) -> str:
    args = [f"origins={_list((need.origin,))}"]
    if methods:
        args.append(f"methods={_list(methods)}")
    if need.headers:
        args.append(f"allow_headers={_list(need.headers)}")
    if need.credentials:
        args.append("supports_credentials=True")
    return "from flask_cors import CORS\n\n" + _call("CORS(", ["app", *args], ")", indent="    ")


def _django(need: Need, methods: tuple[str, ...]) -> str:
    lines = [
        "# settings.py (django-cors-headers)",
        "from corsheaders.defaults import default_headers, default_methods",
        "",
        f"CORS_ALLOWED_ORIGINS = {_list((need.origin,))}",
    ]
    if methods:
        lines.append(f"CORS_ALLOW_METHODS = (*default_methods, {', '.join(repr(m) for m in methods)})")
    if need.headers:
        lines.append(f"CORS_ALLOW_HEADERS = (*default_headers, {', '.join(repr(h) for h in need.headers)})")
    if need.credentials:
        lines.append("CORS_ALLOW_CREDENTIALS = True")
    return "\n".join(lines)


def _express(need: Need, methods: tuple[str, ...]) -> str:
    opts = [f"origin: {_list((need.origin,))}"]
    if methods:
        opts.append(f"methods: {_list(methods)}")
    if need.headers:
        opts.append(f"allowedHeaders: {_list(need.headers)}")
    if need.credentials:
        opts.append("credentials: true")
    return 'const cors = require("cors");\n\n' + _call("app.use(cors({", opts, "}));", indent="  ", pad=" ")


def _nginx(need: Need, methods: tuple[str, ...]) -> str:
    lines = [
        "# http { … }",
        "map $http_origin $cors_origin {",
        '    default "";',
        f'    "{need.origin}" $http_origin;',
        "}",
        "",
        "# server { location … { … } }",
        "if ($request_method = OPTIONS) {",
        "    add_header Access-Control-Allow-Origin $cors_origin always;",
    ]
    if need.methods:
        lines.append(f'    add_header Access-Control-Allow-Methods "{", ".join(need.methods)}" always;')
    if need.headers:
        lines.append(f'    add_header Access-Control-Allow-Headers "{", ".join(need.headers)}" always;')
    if need.credentials:
        lines.append('    add_header Access-Control-Allow-Credentials "true" always;')
    lines += [
        "    add_header Access-Control-Max-Age 600 always;",
        "    add_header Vary Origin always;",
        "    return 204;",
        "}",
        "add_header Access-Control-Allow-Origin $cors_origin always;",
    ]
    if need.credentials:
        lines.append('add_header Access-Control-Allow-Credentials "true" always;')
    lines.append("add_header Vary Origin always;")
    return "\n".join(lines)


# Each stack's snippet, from what the request needs and the methods that stack must be told about.
_SNIPPETS: dict[str, Callable[[Need, tuple[str, ...]], str]] = {
    "corskit": _corskit,
    "starlette": _starlette("starlette"),
    "fastapi": _starlette("fastapi"),
    "flask-cors": _flask_cors,
    "django": _django,
    "express": _express,
    "nginx": _nginx,
}
