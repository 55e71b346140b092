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

import re
from dataclasses import dataclass, replace

from .hosts import parse_host

#: Longest origin or URL accepted anywhere (Chromium refuses URLs over 2 MiB; origins are far shorter in practice).
MAX_ORIGIN_LENGTH = 2048
MAX_URL_LENGTH = 64 * 1024

DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443, "ftp": 21}
HTTP_SCHEMES = frozenset({"http", "https"})


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


def _is_safe_host(host: str) -> bool:
    """A canonical host made only of what is safe to reflect: an IPv6 literal, or letters, digits, ``-_`` in
    non-empty dot-separated labels (the escapes Chromium leaves in odd domains, ``%20`` and ``%2A``, are refused)."""
    return host.startswith("[") or _SAFE_DOMAIN.fullmatch(host) is not None


_SAFE_DOMAIN = re.compile(r"[a-z0-9_-]+(?:\.[a-z0-9_-]+)*\.?")


def _parse_port(text: str) -> int | None:
    """ASCII digits (leading zeros allowed) up to 65535; ``int()`` alone would take ``_``, signs and other digits."""
    if not (text.isascii() and text.isdigit()):  # isdigit() alone is true of "²" and "٣"
        return None
    digits = text.lstrip("0")
    if len(digits) > 5:
        return None
    port = int(digits) if digits else 0
    return port if port <= 65535 else None


def _split_authority(authority: str) -> tuple[str, str | None]:
    """``host[:port]`` → (host, port text or None), split as Chromium does: the port follows the last ``:`` that
    comes after the last ``]`` (a host that starts with ``[`` is bracketed to its end)."""
    close = authority.rfind("]")
    if close == -1 and authority.startswith("["):
        close = len(authority)
    colon = authority.rfind(":")
    if colon > close:
        return authority[:colon], authority[colon + 1 :]
    return authority, None


def _valid_scheme(scheme: str) -> bool:
    return _SCHEME.fullmatch(scheme) is not None


_SCHEME = re.compile(r"[a-z][a-z0-9+.-]*")


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
    host_text, port_text = _split_authority(authority)
    if not _is_safe_host(host_text) or parse_host(host_text) != host_text:
        return None
    port: int | None = None
    if port_text is not None:
        port = _parse_port(port_text)
        if port is None or str(port) != port_text or port == DEFAULT_PORTS.get(scheme):
            return None
    return Origin(scheme, host_text, port)


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
        suggestion = "https://" + value.split("/")[0]
        raise OriginError(f"origin {value!r} has no scheme: write it as {suggestion!r}")
    authority, delim, tail = _split_first(rest, "/?#")
    if delim:
        fixed = f"{scheme}://{authority}"
        what = "a trailing slash" if delim == "/" and not tail else "a path, query or fragment"
        raise OriginError(f"origin {value!r} has {what}; an origin is scheme://host[:port]: use {fixed!r}")
    if "@" in authority:
        raise OriginError(f"origin {value!r} contains user info ('@'); use scheme://host[:port]")
    host_text, port_text = _split_authority(authority)
    if host_text.startswith("[") and "%" in host_text:
        fixed = f"{scheme}://{host_text.partition('%')[0]}]"
        raise OriginError(f"origin {value!r} has an IPv6 zone id, which browsers never send: use {fixed!r}")
    host = parse_host(host_text) if "%" not in host_text else None
    if host is None or not _is_safe_host(host):
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

# WHATWG URL percent-encode sets, each on top of the C0 controls, DEL and non-ASCII (always encoded). Chromium also
# encodes ``^`` and ``|`` in paths and ``'`` in every query and in user info.
_PATH_ENCODE = frozenset(' "#<>?`{}^|')
_QUERY_ENCODE = frozenset(" \"#<>'")
_FRAGMENT_ENCODE = frozenset(' "<>`')
_USERINFO_ENCODE = frozenset(" \"#<>?`{}/:;=@[\\]^|'")
_C0_ENCODE: frozenset[str] = frozenset()
# WHATWG "forbidden host code point": refused in the opaque host of a non-special URL (``foo://host``).
_FORBIDDEN_HOST = frozenset("\x00\t\n\r #/:<>?@[\\]^|")


def _percent_encode(text: str, special: frozenset[str]) -> str:
    if text.isascii() and not any(c in special or c < " " or c == "\x7f" for c in text):
        return text
    out: list[str] = []
    for c in text:
        if c in special or ord(c) < 0x20 or ord(c) == 0x7F:
            out.append(f"%{ord(c):02X}")
        elif ord(c) > 0x7E:
            out.extend(f"%{b:02X}" for b in c.encode("utf-8", "surrogatepass"))
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
    #: False for a non-special URL without ``//`` (``data:...``, ``javascript:...``): it has a path and no host.
    authority: bool = True

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
        if self.authority:
            out.append("//")
            if self.has_credentials:
                out.append(self.username)
                if self.password:
                    out.append(":" + self.password)
                out.append("@")
            out.append(self.host)
            if self.port is not None:
                out.append(f":{self.port}")
        if not self.authority and self.path.startswith("//"):
            out.append("/.")  # WHATWG: "s:/.//x", not "s://x", which would read back as a host
        out.append(self.path)
        if self.query is not None:
            out.append("?" + self.query)
        if fragment and self.fragment is not None:
            out.append("#" + self.fragment)
        return "".join(out)

    def __str__(self) -> str:
        return self.serialize()

    def without_fragment(self) -> URL:
        return replace(self, fragment=None)

    def without_credentials(self) -> URL:
        if not self.has_credentials:
            return self
        return URL(self.scheme, "", "", self.host, self.port, self.path, self.query, self.fragment)


def parse_url(text: str, base: URL | None = None) -> URL | None:
    """Parse an absolute URL (or one relative to *base*, for ``Location``); ``None`` when it is invalid.

    Special schemes (http, https, ws, wss, ftp) are parsed fully, their host canonicalised by
    :func:`~corskit.spec.hosts.parse_host`; other schemes (``data:``, ``about:``, ``foo://host/path``) enough to
    serialise them as Chromium does, which matters because a redirect to them fails. Whatever is returned
    serialises to visible ASCII only.
    """
    if len(text) > MAX_URL_LENGTH:
        return None
    text = text.strip(_C0_OR_SPACE)
    if "\t" in text or "\n" in text or "\r" in text:
        text = text.replace("\t", "").replace("\n", "").replace("\r", "")
    colon = text.find(":")
    scheme = text[:colon].lower() if colon > 0 else ""
    if not (scheme and _valid_scheme(scheme)):
        if base is None:
            return None
        return _parse_relative(text, base)
    rest = text[colon + 1 :]
    if scheme not in DEFAULT_PORTS:
        return _parse_non_special(scheme, rest)
    rest = _backslashes_to_slashes(rest)
    if base is not None and base.scheme == scheme and not rest.startswith("/"):
        return _parse_relative(rest, base)
    rest = rest.lstrip("/")
    authority, delim, tail = _split_first(rest, "/?#")
    userinfo, _, hostport = authority.rpartition("@")
    username, _, password = userinfo.partition(":")
    host_text, port_text = _split_authority(hostport)
    host = parse_host(host_text)
    port = _parse_port(port_text) if port_text else None
    if host is None or (port_text and port is None):
        return None
    if port == DEFAULT_PORTS[scheme]:
        port = None
    url = URL(
        scheme,
        _percent_encode(username, _USERINFO_ENCODE),
        _percent_encode(password, _USERINFO_ENCODE),
        host,
        port,
        "/",
        None,
        None,
    )
    return _with_path(url, delim + tail)


_C0_OR_SPACE = "".join(chr(c) for c in range(0x21))


def _backslashes_to_slashes(text: str) -> str:
    """In a special URL ``\\`` is ``/``, up to the query or fragment (where it stays what it is)."""
    if "\\" not in text:
        return text
    head, delim, tail = _split_first(text, "?#")
    return head.replace("\\", "/") + delim + tail


def _parse_non_special(scheme: str, rest: str) -> URL | None:
    """``foo:opaque``, ``foo:/path`` or ``foo://host/path``, with WHATWG's opaque host and percent-encode sets."""
    rest, hash_sign, fragment = rest.partition("#")
    rest, question_mark, query = rest.partition("?")
    encoded_query = _percent_encode(query, _QUERY_ENCODE) if question_mark else None
    encoded_fragment = _percent_encode(fragment, _FRAGMENT_ENCODE) if hash_sign else None
    if not rest.startswith("//"):
        path = _normalize_path(rest) if rest.startswith("/") else _percent_encode(rest, _C0_ENCODE)
        return URL(scheme, "", "", "", None, path, encoded_query, encoded_fragment, authority=False)
    authority, slash, path = rest[2:].partition("/")
    userinfo, _, hostport = authority.rpartition("@")
    username, _, password = userinfo.partition(":")
    host_text, port_text = _split_authority(hostport)
    if host_text.startswith("["):
        host: str | None = parse_host(host_text)
    elif any(c in _FORBIDDEN_HOST for c in host_text):
        host = None
    else:
        host = _percent_encode(host_text, _C0_ENCODE)
    port = _parse_port(port_text) if port_text else None
    if host is None or (port_text and port is None) or (not host and (userinfo or port_text)):
        return None
    return URL(
        scheme,
        _percent_encode(username, _USERINFO_ENCODE),
        _percent_encode(password, _USERINFO_ENCODE),
        host,
        port,
        _normalize_path("/" + path) if slash else "",
        encoded_query,
        encoded_fragment,
    )


def _with_path(url: URL, remainder: str) -> URL:
    """Apply a path/query/fragment remainder (starting with '/', '?', '#' or empty) to *url*."""
    frag: str | None = None
    if "#" in remainder:
        remainder, _, frag = remainder.partition("#")
        frag = _percent_encode(frag, _FRAGMENT_ENCODE)
    query: str | None = None
    if "?" in remainder:
        remainder, _, query = remainder.partition("?")
        query = _percent_encode(query, _QUERY_ENCODE)
    return replace(url, path=_normalize_path(remainder or "/"), query=query, fragment=frag)


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
    text = _backslashes_to_slashes(text)
    if text.startswith("//"):
        return parse_url(base.scheme + ":" + text)
    keep = base.without_fragment()
    if text == "":
        return keep
    if text.startswith("#"):
        return replace(keep, fragment=_percent_encode(text[1:], _FRAGMENT_ENCODE))
    if text.startswith("?"):
        return _with_path(keep, base.path + text)
    if text.startswith("/"):
        return _with_path(keep, text)
    directory = base.path.rsplit("/", 1)[0]
    return _with_path(keep, directory + "/" + text)
