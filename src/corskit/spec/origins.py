"""Origins and the small part of URL parsing CORS needs.

An origin is ``scheme://host[:port]`` (HTML "origin", Fetch "serializing a request origin"), or the opaque origin,
serialized ``null``. Two parsers with different jobs:

* :func:`parse_origin` is **strict**: it accepts only what a browser would put in an ``Origin`` header, i.e. a value
  that is already its own canonical serialization. Servers use it on untrusted input, so whatever it returns is
  safe to reflect.
* :func:`normalize_origin` is **lenient**: it canonicalises what a person typed in a configuration (case, default
  port) and says precisely what is wrong otherwise.

:func:`parse_url` is a bounded subset of the WHATWG URL parser for ``http``/``https`` URLs, enough to compute
origins and print URLs the way Chromium prints them in its console messages.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

#: Longest origin or URL accepted anywhere (Chromium refuses URLs over 2 MiB; origins are far shorter in practice).
MAX_ORIGIN_LENGTH = 2048
MAX_URL_LENGTH = 64 * 1024

DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443, "ftp": 21}
HTTP_SCHEMES = frozenset({"http", "https"})

_SCHEME_FIRST = frozenset("abcdefghijklmnopqrstuvwxyz")
_SCHEME_REST = frozenset("abcdefghijklmnopqrstuvwxyz0123456789+-.")
# Characters a browser can serialize in a domain host that are also safe to reflect.
_HOST_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-._")


class OriginError(ValueError):
    """A value is not an origin; the message says why and how to fix it."""


@dataclass(frozen=True, slots=True)
class Origin:
    """A tuple origin, or the opaque origin (``Origin.null()``), which is only equal to itself."""

    scheme: str
    host: str
    port: int | None = None

    @staticmethod
    def null() -> Origin:
        return _NULL

    @property
    def opaque(self) -> bool:
        return self.scheme == ""

    def serialize(self) -> str:
        """``scheme://host[:port]``, the default port omitted; ``null`` for the opaque origin."""
        if self.opaque:
            return "null"
        if self.port is None:
            return f"{self.scheme}://{self.host}"
        return f"{self.scheme}://{self.host}:{self.port}"

    def __str__(self) -> str:
        return self.serialize()

    def same_origin(self, other: Origin) -> bool:
        """HTML "same origin": identical tuples; an opaque origin is never same-origin with a tuple."""
        return self == other


_NULL = Origin("", "", None)


def _canonical_ipv6(text: str) -> str | None:
    try:
        return f"[{ipaddress.IPv6Address(text).compressed}]"
    except ValueError:
        return None


def _canonical_host(host: str, *, strict: bool = True) -> str | None:
    """Lowercase an ASCII host, IDNA-encode a Unicode one, compress an IPv6 literal; ``None`` when invalid.

    *strict* accepts only letters, digits, ``-``, ``.`` and ``_`` in well-formed labels (safe to reflect); the
    lenient form refuses only WHATWG's "forbidden domain code points", as a browser's URL parser does.
    """
    if not host or len(host) > 255:
        return None
    if host.startswith("["):
        if not host.endswith("]"):
            return None
        return _canonical_ipv6(host[1:-1])
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            return None
    host = host.lower()
    if not strict:
        return None if any(c in _FORBIDDEN_DOMAIN or ord(c) < 0x20 for c in host) else host
    if not all(c in _HOST_CHARS for c in host) or host.startswith(".") or ".." in host:
        return None
    return host


# WHATWG URL "forbidden domain code point" (C0 controls are tested separately), less the space, which Chromium's
# URL parser accepts once percent-decoded (``http://app%20test`` is a valid URL to it).
_FORBIDDEN_DOMAIN = frozenset("#%/:<>?@[\\]^|\x7f")


def _parse_port(text: str) -> int | None:
    if not text or len(text) > 5 or not text.isascii() or not text.isdigit():
        return None
    port = int(text)
    return port if 0 <= port <= 65535 else None


def _split_authority(authority: str) -> tuple[str, str | None] | None:
    """``host[:port]`` → (host, port text or None); IPv6 literals keep their brackets."""
    if authority.startswith("["):
        close = authority.find("]")
        if close == -1:
            return None
        host, rest = authority[: close + 1], authority[close + 1 :]
        if not rest:
            return host, None
        if not rest.startswith(":"):
            return None
        return host, rest[1:]
    host, sep, port = authority.partition(":")
    return host, (port if sep else None)


def _valid_scheme(scheme: str) -> bool:
    return bool(scheme) and scheme[0] in _SCHEME_FIRST and all(c in _SCHEME_REST for c in scheme)


def parse_origin(value: str) -> Origin | None:
    """Strictly parse an ``Origin`` header value; ``None`` unless it is a canonical serialized origin.

    ``null`` gives the opaque origin. Anything a browser would not send (uppercase, a path, a trailing slash, a
    default port, user info, whitespace, control characters, an over-long value) gives ``None``.
    """
    if value == "null":
        return _NULL
    if len(value) > MAX_ORIGIN_LENGTH or not value.isascii():
        return None
    scheme, sep, authority = value.partition("://")
    if not sep or not _valid_scheme(scheme):
        return None
    parts = _split_authority(authority)
    if parts is None:
        return None
    host_text, port_text = parts
    host = _canonical_host(host_text)
    if host is None or host != host_text:
        return None
    port: int | None = None
    if port_text is not None:
        port = _parse_port(port_text)
        if port is None or str(port) != port_text or port == DEFAULT_PORTS.get(scheme):
            return None
    return Origin(scheme, host, port)


def normalize_origin(value: str) -> Origin:
    """Canonicalise an origin written in a configuration, or raise :class:`OriginError` saying how to fix it."""
    if not isinstance(value, str):
        raise OriginError(f"origin must be a string, got {type(value).__name__}")
    if value == "null":
        return _NULL
    if value != value.strip() or any(c in value for c in "\x00\r\n\t "):
        raise OriginError(f"origin {value!r} contains whitespace or control characters")
    if len(value) > MAX_ORIGIN_LENGTH:
        raise OriginError(f"origin {value[:40]!r}… is longer than {MAX_ORIGIN_LENGTH} characters")
    scheme, sep, rest = value.partition("://")
    scheme = scheme.lower()
    if not sep or not _valid_scheme(scheme):
        raise OriginError(f"origin {value!r} has no scheme: write it as 'https://{value.split('/')[0]}'")
    authority, delim, tail = _split_first(rest, "/?#")
    if delim:
        fixed = f"{scheme}://{authority}"
        what = "a trailing slash" if delim == "/" and not tail else "a path, query or fragment"
        raise OriginError(f"origin {value!r} has {what}; an origin is scheme://host[:port]: use {fixed!r}")
    if "@" in authority:
        raise OriginError(f"origin {value!r} contains user info ('@'); use scheme://host[:port]")
    parts = _split_authority(authority)
    if parts is None:
        raise OriginError(f"origin {value!r} has a malformed host")
    host_text, port_text = parts
    host = _canonical_host(host_text)
    if host is None:
        raise OriginError(f"origin {value!r} has an invalid host {host_text!r}")
    port: int | None = None
    if port_text is not None:
        port = _parse_port(port_text)
        if port is None:
            raise OriginError(f"origin {value!r} has an invalid port {port_text!r}")
        if port == DEFAULT_PORTS.get(scheme):
            port = None
    return Origin(scheme, host, port)


def _split_first(text: str, delims: str) -> tuple[str, str, str]:
    """Split *text* at the first of *delims*: (before, delimiter, after); delimiter is '' when none occurs."""
    for i, c in enumerate(text):
        if c in delims:
            return text[:i], c, text[i + 1 :]
    return text, "", ""


# --- URLs -------------------------------------------------------------------------------------------------------

# WHATWG URL: code points percent-encoded in a path / query (C0 controls, space, and the path/query sets).
_PATH_ENCODE = frozenset('"#<>?`{} ')
_QUERY_ENCODE = frozenset('"#<> ')


def _percent_encode(text: str, special: frozenset[str]) -> str:
    out: list[str] = []
    for c in text:
        if c in special or ord(c) < 0x20 or ord(c) == 0x7F:
            out.append(f"%{ord(c):02X}")
        elif ord(c) > 0x7E:
            out.extend(f"%{b:02X}" for b in c.encode("utf-8"))
        else:
            out.append(c)
    return "".join(out)


@dataclass(frozen=True, slots=True)
class URL:
    """A parsed URL: enough of WHATWG's model for CORS (origin, credentials in it, canonical text)."""

    scheme: str
    username: str
    password: str
    host: str
    port: int | None
    path: str
    query: str | None
    fragment: str | None

    @property
    def origin(self) -> Origin:
        if self.scheme not in HTTP_SCHEMES and self.scheme not in ("ws", "wss", "ftp"):
            return _NULL
        return Origin(self.scheme, self.host, self.port)

    @property
    def has_credentials(self) -> bool:
        """WHATWG "includes credentials": a non-empty username or password."""
        return bool(self.username or self.password)

    @property
    def is_http(self) -> bool:
        return self.scheme in HTTP_SCHEMES

    def serialize(self, *, fragment: bool = True) -> str:
        """The canonical text (Chromium prints URLs this way in its console messages)."""
        out = [self.scheme, ":"]
        if self.host or self.scheme in DEFAULT_PORTS:
            out.append("//")
            if self.has_credentials:
                out.append(self.username)
                if self.password:
                    out.append(":" + self.password)
                out.append("@")
            out.append(self.host)
            if self.port is not None:
                out.append(f":{self.port}")
        out.append(self.path)
        if self.query is not None:
            out.append("?" + self.query)
        if fragment and self.fragment is not None:
            out.append("#" + self.fragment)
        return "".join(out)

    def __str__(self) -> str:
        return self.serialize()

    def without_fragment(self) -> URL:
        return URL(self.scheme, self.username, self.password, self.host, self.port, self.path, self.query, None)


def parse_url(text: str, base: URL | None = None) -> URL | None:
    """Parse an absolute URL (or one relative to *base*, for ``Location``); ``None`` when it is invalid.

    Handles special schemes (http, https, ws, wss, ftp) fully enough for CORS and keeps other schemes opaque
    (``data:``, ``about:``), which matters because a redirect to them fails.
    """
    if len(text) > MAX_URL_LENGTH:
        return None
    text = text.strip(
        "\x00\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b\x0c\r\x0e\x0f\x10\x11\x12\x13\x14\x15\x16"
        "\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f "
    )
    text = text.replace("\t", "").replace("\n", "").replace("\r", "")
    colon = text.find(":")
    scheme = text[:colon].lower() if colon > 0 else ""
    if not (scheme and _valid_scheme(scheme)):
        if base is None:
            return None
        return _parse_relative(text, base)
    rest = text[colon + 1 :]
    if scheme not in DEFAULT_PORTS:
        opaque, _, fragment = rest.partition("#")
        frag = fragment if "#" in rest else None
        path, q, query = opaque.partition("?")
        return URL(scheme, "", "", "", None, path, query if q else None, frag)
    rest = rest.replace("\\", "/")
    if base is not None and base.scheme == scheme and not rest.startswith("/"):
        return _parse_relative(rest, base)
    rest = rest.lstrip("/")
    authority, delim, tail = _split_first(rest, "/?#")
    userinfo, at, hostport = authority.rpartition("@")
    if not at:
        userinfo = ""
    username, _, password = userinfo.partition(":")
    parts = _split_authority(hostport)
    if parts is None:
        return None
    host_text, port_text = parts
    host = _canonical_host(_percent_decode(host_text), strict=False)
    if host is None:
        return None
    port: int | None = None
    if port_text:
        port = _parse_port(port_text)
        if port is None:
            return None
        if port == DEFAULT_PORTS[scheme]:
            port = None
    return _with_path(
        URL(
            scheme,
            _percent_encode(username, frozenset(' "#<>?`{}/:;=@[\\]^|')),
            _percent_encode(password, frozenset(' "#<>?`{}/:;=@[\\]^|')),
            host,
            port,
            "/",
            None,
            None,
        ),
        delim + tail,
    )


def _percent_decode(text: str) -> str:
    if "%" not in text:
        return text
    from urllib.parse import unquote

    return unquote(text)


def _with_path(url: URL, remainder: str) -> URL:
    """Apply a path/query/fragment remainder (starting with '/', '?', '#' or empty) to *url*."""
    frag: str | None = None
    if "#" in remainder:
        remainder, _, frag = remainder.partition("#")
        frag = _percent_encode(frag, frozenset(' "<>`'))
    query: str | None = None
    if "?" in remainder:
        remainder, _, query = remainder.partition("?")
        query = _percent_encode(query, _QUERY_ENCODE | ({"'"} if url.scheme in DEFAULT_PORTS else set()))
    path = _normalize_path(remainder or "/")
    return URL(url.scheme, url.username, url.password, url.host, url.port, path, query, frag)


def _normalize_path(path: str) -> str:
    """Resolve ``.`` and ``..`` segments and percent-encode what the path set requires."""
    segments: list[str] = []
    parts = path.split("/")[1:]
    for i, seg in enumerate(parts):
        low = seg.lower()
        last = i == len(parts) - 1
        if low in ("..", ".%2e", "%2e.", "%2e%2e"):
            if segments:
                segments.pop()
            if last:
                segments.append("")
        elif low in (".", "%2e"):
            if last:
                segments.append("")
        else:
            segments.append(_percent_encode(seg, _PATH_ENCODE))
    return "/" + "/".join(segments)


def _parse_relative(text: str, base: URL) -> URL | None:
    """Resolve *text* against *base* (special schemes only; enough for ``Location`` headers)."""
    if base.scheme not in DEFAULT_PORTS:
        return None
    text = text.replace("\\", "/")
    if text.startswith("//"):
        return parse_url(base.scheme + ":" + text)
    keep = URL(base.scheme, base.username, base.password, base.host, base.port, base.path, base.query, None)
    if text == "":
        return keep
    if text.startswith("#"):
        return URL(keep.scheme, keep.username, keep.password, keep.host, keep.port, keep.path, keep.query, text[1:])
    if text.startswith("?"):
        return _with_path(keep, base.path + text)
    if text.startswith("/"):
        return _with_path(keep, text)
    directory = base.path.rsplit("/", 1)[0]
    return _with_path(keep, directory + "/" + text)
