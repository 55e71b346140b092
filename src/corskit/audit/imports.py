"""Targets from what people already have: a HAR file (browser DevTools, ZAP, mitmproxy…), a Burp Suite "Save
items" XML export, a ZAP "Export Messages to File" text export, or a plain list of URLs.

Each captured request gives its method, URL and request headers; targets are deduplicated by origin and path
(:class:`~corskit.audit.targets.Deduplicated`). Captured secrets are not kept: only the values that decide whether a
header needs a preflight (``Content-Type``, ``Accept``, ``Accept-Language``, ``Content-Language``, ``Range``) survive;
every other value is replaced, so a bearer token or a cookie from the capture never reaches a report.

Every reader is bounded: the file's size (:data:`MAX_IMPORT_BYTES`), the header section of each request
(:data:`MAX_HEAD_BYTES`), the number of headers; XML is parsed by expat with entity declarations refused (no
"billion laughs", no external entities); JSON too deep for the parser is a clear error, not a traceback.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import xml.parsers.expat
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any, Literal

from .targets import Deduplicated, Target

Format = Literal["lines", "har", "burp", "zap"]
FORMATS: tuple[Format, ...] = ("lines", "har", "burp", "zap")

#: Largest capture accepted (a HAR with response bodies can be big; this is what is read into memory).
MAX_IMPORT_BYTES = 512 * 1024 * 1024
#: Of each raw request, only the head is parsed: the request line and headers within this many bytes.
MAX_HEAD_BYTES = 64 * 1024
MAX_HEADERS_PER_REQUEST = 200
#: Header values kept as captured: those that decide whether a request needs a preflight.
_KEPT_VALUES = frozenset({"content-type", "accept", "accept-language", "content-language", "range"})
_REDACTED = "corskit-audit"
#: Headers the browser (or the capturing client) adds on its own, never script: they say nothing about what the
#: application asks for. (Forbidden names such as Cookie, Host, Origin or Sec-* are dropped by the engine anyway.)
_ADDED_BY_THE_CLIENT = frozenset(
    {"user-agent", "dnt", "upgrade-insecure-requests", "priority", "pragma", "cache-control", "x-client-data"}
)

_ZAP_SEPARATOR = re.compile(rb"^===(\d+) ==========\r?$", re.M)


class ImportFailed(ValueError):
    """The capture cannot be read; the message says why and what to do."""


@dataclass
class Imported:
    """The targets of a capture and how they were found."""

    format: Format
    targets: list[Target] = field(default_factory=list)
    requests: int = 0
    skipped: dict[str, int] = field(default_factory=dict)

    @property
    def summary(self) -> str:
        """``12 targets (origin and path) from 340 requests in a HAR file; skipped: 3 data: URLs``."""
        what = {"har": "a HAR file", "burp": "a Burp export", "zap": "a ZAP export", "lines": "a list of URLs"}
        text = f"{len(self.targets)} target(s) (origin and path) from {self.requests} request(s) in {what[self.format]}"
        if self.skipped:
            text += "; skipped: " + ", ".join(f"{n} {reason}" for reason, n in sorted(self.skipped.items()))
        return text


def detect(head: bytes) -> Format:
    """The format of a capture from its first bytes: JSON is a HAR, XML a Burp export, ``===N ====…`` a ZAP one."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"{"):
        return "har"
    if text.startswith(b"<"):
        return "burp"
    if _ZAP_SEPARATOR.match(text.split(b"\n", 1)[0]):
        return "zap"
    return "lines"


def read(stream: IO[bytes], fmt: Format | None = None) -> Imported:
    """Read a whole capture from *stream* (``lines`` too, deduplicated the same way)."""
    data = stream.read(MAX_IMPORT_BYTES + 1)
    if len(data) > MAX_IMPORT_BYTES:
        raise ImportFailed(
            f"the capture is larger than {MAX_IMPORT_BYTES >> 20} MiB: export fewer requests (without response"
            " bodies), or give the URLs one per line"
        )
    fmt = fmt or detect(data[:4096])
    seen = Deduplicated()
    readers = {"har": _har, "burp": _burp, "zap": _zap, "lines": _lines}
    for method, url, headers in readers[fmt](data, seen):
        kept = [(n, v if n.lower() in _KEPT_VALUES else _REDACTED) for n, v in headers]
        seen.add(method, url, [(n, v) for n, v in kept if n.lower() not in _ADDED_BY_THE_CLIENT])
    if not seen.requests:
        raise ImportFailed(f"no request found in this {fmt} capture")
    return Imported(fmt, seen.targets(), seen.requests, seen.skipped)


Captured = tuple[str, str, list[tuple[str, str]]]


# -- HAR -------------------------------------------------------------------------------------------------------------


def _har(data: bytes, seen: Deduplicated) -> Iterator[Captured]:
    """HAR 1.2 (``log.entries[].request``): method, url, headers as ``{name, value}`` objects."""
    try:
        document = json.loads(data.decode("utf-8-sig", errors="replace"))
    except RecursionError:
        raise ImportFailed("the HAR file is nested too deeply to be a HAR file") from None
    except json.JSONDecodeError as error:
        raise ImportFailed(f"not a HAR file: invalid JSON at line {error.lineno}, column {error.colno}") from None
    log = document.get("log") if isinstance(document, dict) else None
    entries = log.get("entries") if isinstance(log, dict) else None
    if not isinstance(entries, list):
        raise ImportFailed("not a HAR file: no log.entries list (export it with DevTools' 'Save all as HAR')")
    for entry in entries:
        request = entry.get("request") if isinstance(entry, dict) else None
        if not isinstance(request, dict):
            seen.skip("malformed entries")
            continue
        method, url = request.get("method"), request.get("url")
        if not isinstance(method, str) or not isinstance(url, str) or not _token(method):
            seen.skip("malformed entries")
            continue
        yield method, url, list(_har_headers(request.get("headers")))


def _har_headers(headers: Any) -> Iterator[tuple[str, str]]:
    if not isinstance(headers, list):
        return
    for header in headers[:MAX_HEADERS_PER_REQUEST]:
        if isinstance(header, dict):
            name, value = header.get("name"), header.get("value")
            if isinstance(name, str) and isinstance(value, str) and _token(name.lstrip(":")):
                yield name, value


# -- Burp ------------------------------------------------------------------------------------------------------------


class _Refused(Exception):
    pass


def _burp(data: bytes, seen: Deduplicated) -> Iterator[Captured]:
    """Burp Suite's "Save items" XML: ``<items><item>`` with ``<url>``, ``<method>`` and the raw ``<request>``
    (base64 when ``base64="true"``), parsed by expat; entity declarations are refused."""
    items: list[dict[str, str]] = []
    current: dict[str, str] | None = None
    path: list[str] = []

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal current
        path.append(name)
        if path == ["items", "item"]:
            current = {}
        elif current is not None and name == "request":
            current["base64"] = attrs.get("base64", "false")

    def end(name: str) -> None:
        nonlocal current
        if path == ["items", "item"] and current is not None:
            items.append(current)
            current = None
        path.pop()

    def text(chunk: str) -> None:
        if current is not None and len(path) == 3 and path[-1] in ("url", "method", "request"):
            name = path[-1]
            if len(current.get(name, "")) < MAX_HEAD_BYTES * 2:  # base64 of the head is all that is read
                current[name] = current.get(name, "") + chunk

    def refuse(*_: object) -> None:
        raise _Refused

    parser = xml.parsers.expat.ParserCreate()
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.EntityDeclHandler = refuse
    parser.buffer_text = True
    try:
        parser.Parse(data, True)
    except _Refused:
        raise ImportFailed("the XML declares entities, which a Burp export never does: refused") from None
    except xml.parsers.expat.ExpatError as error:
        reason = xml.parsers.expat.errors.messages.get(error.code, str(error))
        raise ImportFailed(f"not a Burp XML export: {reason} at line {error.lineno}") from None
    if not items:
        raise ImportFailed("not a Burp XML export: no <items><item> (use Burp's 'Save items' on the requests)")
    for item in items:
        url, method = item.get("url", "").strip(), item.get("method", "").strip()
        raw = item.get("request", "")
        head = _request_head(_unbase64(raw) if item.get("base64") == "true" else raw.encode("latin-1", "replace"))
        if not _token(method) and head is not None:
            method = head[0]
        if not url or not _token(method):
            seen.skip("malformed entries")
            continue
        yield method, url, head[2] if head is not None else []


def _unbase64(text: str) -> bytes:
    """The decoded head of a base64 request (a prefix decodes on its own: 4 characters give 3 bytes)."""
    compact = "".join(text.split())
    compact = compact[: len(compact) - len(compact) % 4]
    try:
        return base64.b64decode(compact)
    except (binascii.Error, ValueError):
        return b""


# -- ZAP -------------------------------------------------------------------------------------------------------------


def _zap(data: bytes, seen: Deduplicated) -> Iterator[Captured]:
    """ZAP's "Export Messages to File": ``===ID ==========`` then each request's head and body, then the
    response's; the request line carries the absolute URL."""
    starts = [m.end() for m in _ZAP_SEPARATOR.finditer(data)]
    if not starts:
        raise ImportFailed("not a ZAP export: no '===1 ==========' separator (use ZAP's 'Export Messages to File')")
    for start in starts:
        head = _request_head(data[start : start + MAX_HEAD_BYTES].lstrip(b"\r\n"))
        if head is None:
            seen.skip("malformed entries")
            continue
        method, target, headers = head
        if target.startswith("/"):
            host = next((v for n, v in headers if n.lower() == "host"), "")
            target = f"{'http' if host.endswith(':80') else 'https'}://{host}{target}" if host else target
        yield method, target, headers


# -- raw requests and URL lists --------------------------------------------------------------------------------------


def _request_head(raw: bytes) -> tuple[str, str, list[tuple[str, str]]] | None:
    """``METHOD target HTTP/x`` and the header lines that follow, up to the blank line (bounded)."""
    text = raw[:MAX_HEAD_BYTES].decode("latin-1")
    lines = text.split("\n")
    parts = lines[0].strip().split(" ")
    if len(parts) != 3 or not _token(parts[0]) or not parts[2].startswith("HTTP/"):
        return None
    headers: list[tuple[str, str]] = []
    for line in lines[1 : MAX_HEADERS_PER_REQUEST + 1]:
        line = line.rstrip("\r")
        if not line:
            break
        name, sep, value = line.partition(":")
        if sep and _token(name):
            headers.append((name, value.strip()))
    return parts[0], parts[1], headers


def _lines(data: bytes, seen: Deduplicated) -> Iterator[Captured]:
    from .targets import normalize_target

    for line in data.decode("utf-8-sig", errors="replace").splitlines():
        url = normalize_target(line)
        if url is not None:
            yield "GET", url, []


_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,64}")


def _token(text: str) -> bool:
    return _TOKEN.fullmatch(text) is not None
