"""Hostile inputs (hypothesis strategies) and the invariants every header corskit writes must keep.

The strategies mix plain random bytes with pieces that are *almost* what a parser wants (origins with a zone id,
CR/LF, a trailing dot, user info, a look-alike suffix; token lists with empty items and separators; escape
sequences for terminals), because random bytes alone rarely get past the first check.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from hypothesis import strategies as st

from corskit.spec.headers import TOKEN_CHARS
from corskit.spec.origins import parse_origin

# --- request header values -------------------------------------------------------------------------------------

ORIGIN_PIECES = [
    b"http://",
    b"https://",
    b"null",
    b"app.example.com",
    b"sub.example.com",
    b"example.com",
    b"example.com.evil.io",
    b"evil.io",
    b"localhost",
    b":3000",
    b":443",
    b":80",
    b":99999",
    b"[::1]",
    b"[::1",
    b"[fe80::1%eth0]",
    b"%",
    b"%0d%0a",
    b"\r\n",
    b"\r\nSet-Cookie: a=b",
    b"\x00",
    b" ",
    b"\t",
    b",",
    b", ",
    b"*",
    b".",
    b"..",
    b"@",
    b"/",
    b"\\",
    b"\xff",
    "ü".encode(),
    "ü".encode("latin-1"),
    "\u0130".encode(),
    b"\x1b[31m",
    b"\x1b]0;pwned\x07",
    b'"><script>',
    b"xn--zca",
    b"HTTPS://APP.EXAMPLE.COM",
    b"127.0.0.1",
    b"0x7f.1",
]
TOKEN_PIECES = [
    b"PUT",
    b"put",
    b"GET",
    b"DELETE",
    b"CONNECT",
    b"TRACE",
    b"x-token",
    b"X-Token",
    b"content-type",
    b"authorization",
    b"x-requested-with",
    b"*",
    b",",
    b", ",
    b",,",
    b" ",
    b"\t",
    b"\r\n",
    b"\x00",
    b":",
    b";",
    b"(",
    b"\xff",
    "ü".encode(),
    b"\x1b[2J",
    b"true",
    b"TRUE",
    b"a" * 70,
]

raw_bytes = st.binary(max_size=48)


def _joined(pieces: Sequence[bytes], max_pieces: int) -> st.SearchStrategy[bytes]:
    return st.lists(st.sampled_from(pieces) | st.binary(max_size=4), max_size=max_pieces).map(b"".join)


#: An ``Origin`` value: near-misses of real origins, or any bytes.
origin_values = st.one_of(_joined(ORIGIN_PIECES, 6), raw_bytes)
#: An ``Access-Control-Request-Method`` / ``-Headers`` / ``-Private-Network`` value.
token_values = st.one_of(_joined(TOKEN_PIECES, 8), raw_bytes)

REQUEST_HEADER_NAMES = [
    b"origin",
    b"access-control-request-method",
    b"access-control-request-headers",
    b"access-control-request-private-network",
    b"host",
    b"cookie",
    b"content-type",
    b"vary",
    b"ORIGIN",
]


@st.composite
def request_headers(draw: st.DrawFn) -> list[tuple[bytes, bytes]]:
    """Header lines as a server parsed them: CORS names (often repeated), other names, and odd names."""
    lines: list[tuple[bytes, bytes]] = []
    for _ in range(draw(st.integers(0, 6))):
        name = draw(st.sampled_from(REQUEST_HEADER_NAMES) | st.binary(min_size=1, max_size=12))
        value = draw(origin_values) if name == b"origin" or name == b"ORIGIN" else draw(token_values)
        lines.append((name, value))
    if draw(st.booleans()):
        # The common shape of a real attack: a plausible Origin, then a preflight's two lines.
        lines.insert(0, (b"origin", draw(origin_values)))
    return lines


methods = st.sampled_from(["GET", "POST", "OPTIONS", "PUT", "DELETE", "HEAD"]) | st.text(
    "".join(sorted(TOKEN_CHARS)), min_size=1, max_size=8
)
paths = st.sampled_from(["/", "/api/items", "/api/", "/public/x", "/hooks/in", "/none"]) | st.text(max_size=12).map(
    lambda s: "/" + s
)

# --- the app's own response headers ----------------------------------------------------------------------------

APP_HEADERS: list[tuple[bytes, bytes]] = [
    (b"content-type", b"application/json"),
    (b"content-length", b"2"),
    (b"set-cookie", b"a=1; Path=/"),
    (b"set-cookie", b"b=2; Path=/"),
    (b"vary", b"Accept-Encoding"),
    (b"x-app", b"kept"),
]
#: The app's own CORS header: the policy owns those, so it replaces it.
APP_CORS_HEADER = (b"access-control-allow-origin", b"https://app-set.example")

# --- invariants ------------------------------------------------------------------------------------------------

_VISIBLE = frozenset(range(0x21, 0x7F))
_TOKEN = frozenset(ord(c) for c in TOKEN_CHARS)
_LISTS = (b"access-control-allow-methods", b"access-control-allow-headers", b"access-control-expose-headers")


def _token_list(value: bytes) -> bool:
    items = [item.strip(b" ") for item in value.split(b",")]
    return all(item and set(item) <= _TOKEN for item in items)


def check_written(
    written: Iterable[tuple[bytes, bytes]],
    request: Sequence[tuple[bytes, bytes]],
    app: Sequence[tuple[bytes, bytes]] | None = None,
) -> None:
    """Assert what a middleware wrote is safe: no CR, LF or NUL anywhere; names are tokens; an
    ``Access-Control-Allow-Origin`` is ``*`` or the request's own, validated, canonical ``Origin`` in visible ASCII;
    lists are tokens; and every header of the *app* (but its ``Access-Control-*`` ones) is still there, in order,
    with ``Vary`` merged rather than replaced (*app* ``None``: a preflight, which the app never sees)."""
    written = [(bytes(n), bytes(v)) for n, v in written]
    for name, value in written:
        assert not any(c in name or c in value for c in (b"\r", b"\n", b"\x00")), (name, value)
        assert name, name
        assert set(name) <= _TOKEN, name
    lowered = [(name.lower(), value) for name, value in written]
    origins = [value for name, value in request if name.lower() == b"origin"]
    for name, value in lowered:
        if name == b"access-control-allow-origin":
            assert set(value) <= _VISIBLE, value
            if value != b"*":
                assert origins == [value], (value, origins)
                assert parse_origin(value.decode("ascii")) is not None, value
        elif name in _LISTS or name == b"vary":
            assert _token_list(value), (name, value)
        elif name == b"access-control-allow-credentials" or name == b"access-control-allow-private-network":
            assert value == b"true", (name, value)
        elif name == b"access-control-max-age":
            assert value.isdigit(), value
    assert sum(1 for name, _ in lowered if name == b"access-control-allow-origin") <= 1
    assert sum(1 for name, _ in lowered if name == b"vary") <= 1
    if app is None:
        return
    kept = [(n.lower(), v) for n, v in app if not n.lower().startswith(b"access-control-") and n.lower() != b"vary"]
    others = [(n, v) for n, v in lowered if not n.startswith(b"access-control-") and n != b"vary"]
    assert others == kept, (others, kept)
    app_vary = [v for n, v in app if n.lower() == b"vary"]
    if app_vary:
        merged = next(v for n, v in lowered if n == b"vary").lower()
        for value in app_vary:
            for item in value.split(b","):
                assert item.strip().lower() in merged, (item, merged)
