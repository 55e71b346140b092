"""Bounded, single-pass parsers for the header values CORS reads.

Every function here is pure and total: malformed input gives ``None`` (or ``False``), never an exception, and no
function looks at more than a fixed number of bytes or items.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

#: A header list as it travels: ``(name, value)`` pairs in order, duplicates allowed.
HeaderList = Sequence[tuple[str, str]]

#: Longest header value any parser here reads (Chromium's whole response head is capped at 256 KiB).
MAX_VALUE_LENGTH = 256 * 1024

#: Most items a comma-separated list may hold before it is refused.
MAX_LIST_ITEMS = 1024

# RFC 9110 §5.6.2: tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~"
#                          / DIGIT / ALPHA
TOKEN_CHARS = frozenset("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")

# Fetch "HTTP whitespace" minus CR/LF, which cannot survive in a parsed header value: what gets trimmed.
_OWS = " \t"


def is_token(value: str) -> bool:
    """True when *value* is a non-empty RFC 9110 token (method names, header names)."""
    return bool(value) and len(value) <= MAX_VALUE_LENGTH and all(c in TOKEN_CHARS for c in value)


def is_valid_header_value(value: str) -> bool:
    """Fetch "header value": no leading/trailing HTTP whitespace, no NUL, CR or LF, and only Latin-1 code points.

    ``fetch()`` normalises (trims) values before this test, so callers trim first.
    """
    if len(value) > MAX_VALUE_LENGTH:
        return False
    if value != value.strip(" \t\r\n"):
        return False
    return not any(c in "\x00\r\n" or ord(c) > 0xFF for c in value)


def normalize_value(value: str) -> str:
    """Fetch "normalize": strip leading and trailing HTTP whitespace (tab, LF, CR, space)."""
    return value.strip(" \t\r\n")


def has_unsafe_wire_bytes(value: str) -> bool:
    """True when *value* may not be written into an HTTP header as it is: CR, LF, NUL or a non-Latin-1 code point."""
    return any(c in "\x00\r\n" or ord(c) > 0xFF for c in value)


def get_all(headers: HeaderList, name: str) -> list[str]:
    """Every value of header *name* (case-insensitive), in order, each trimmed of spaces and tabs."""
    lname = name.lower()
    return [v.strip(_OWS) for n, v in headers if n.lower() == lname]


def get_combined(headers: HeaderList, name: str) -> str | None:
    """Fetch "get": the values of *name* joined with ``", "``, or ``None`` when absent.

    Chromium's ``GetNormalizedHeader`` does the same: each line is trimmed of spaces and tabs, lines are joined.
    """
    values = get_all(headers, name)
    if not values:
        return None
    return ", ".join(values)


def split_list(value: str, *, max_items: int = MAX_LIST_ITEMS) -> list[str] | None:
    """Split a comma-separated header value into trimmed, non-empty items, in one pass.

    Empty items (``a,,b``, a lone ``,``) are skipped, as Chromium's ``HttpUtil::ValuesIterator`` does. Returns
    ``None`` when the value is too long or holds more than *max_items* items: the caller treats that as a parse
    failure, so an attacker's 8000-comma header costs one bounded scan.
    """
    if len(value) > MAX_VALUE_LENGTH:
        return None
    items: list[str] = []
    for raw in value.split(","):
        item = raw.strip(_OWS)
        if item:
            if len(items) >= max_items:
                return None
            items.append(item)
    return items


def parse_token_list(value: str | None, *, max_items: int = MAX_LIST_ITEMS) -> list[str] | None:
    """A comma list of tokens (``Access-Control-Allow-Methods`` / ``-Headers`` / ``-Expose-Headers``).

    ``None`` value (header absent) gives an empty list; any item that is not a token makes the whole list a parse
    failure (``None``), as in Fetch "extract header list values" and Chromium's ``ParseAccessControlAllowList``.
    """
    if value is None:
        return []
    items = split_list(value, max_items=max_items)
    if items is None or not all(is_token(item) for item in items):
        return None
    return items


# --- MIME types (WHATWG MIME Sniffing, "parse a MIME type") ----------------------------------------------------

_HTTP_WS = " \t\r\n"
_QUOTED_STRING_TOKEN = frozenset(chr(c) for c in [0x09, *range(0x20, 0x7F), *range(0x80, 0x100)])


class MimeType(NamedTuple):
    """A parsed MIME type: ``essence`` is ``type/subtype`` in lowercase."""

    type: str
    subtype: str
    parameters: tuple[tuple[str, str], ...]

    @property
    def essence(self) -> str:
        return f"{self.type}/{self.subtype}"


def parse_mime_type(value: str) -> MimeType | None:
    """WHATWG "parse a MIME type"; ``None`` on failure. Bounded by :data:`MAX_VALUE_LENGTH`."""
    if len(value) > MAX_VALUE_LENGTH:
        return None
    s = value.strip(_HTTP_WS)
    n = len(s)
    pos = s.find("/")
    if pos <= 0:
        return None
    type_ = s[:pos]
    if not is_token(type_):
        return None
    pos += 1
    end = s.find(";", pos)
    if end == -1:
        end = n
    subtype = s[pos:end].rstrip(_HTTP_WS)
    if not is_token(subtype):
        return None
    pos = end
    params: list[tuple[str, str]] = []
    seen: set[str] = set()
    while pos < n:
        pos += 1  # skip ';'
        while pos < n and s[pos] in _HTTP_WS:
            pos += 1
        start = pos
        while pos < n and s[pos] not in ";=":
            pos += 1
        name = s[start:pos].lower()
        if pos < n and s[pos] == ";":
            continue
        if pos < n:
            pos += 1  # skip '='
        if pos >= n:
            break
        if s[pos] == '"':
            pos, pvalue = _collect_quoted(s, pos)
            while pos < n and s[pos] != ";":
                pos += 1
        else:
            start = pos
            while pos < n and s[pos] != ";":
                pos += 1
            pvalue = s[start:pos].rstrip(_HTTP_WS)
            if not pvalue:
                continue
        if name and is_token(name) and all(c in _QUOTED_STRING_TOKEN for c in pvalue) and name not in seen:
            seen.add(name)
            params.append((name, pvalue))
    return MimeType(type_.lower(), subtype.lower(), tuple(params))


def _collect_quoted(s: str, pos: int) -> tuple[int, str]:
    """Fetch "collect an HTTP quoted string" with the extract-value flag; *pos* is at the opening quote."""
    out: list[str] = []
    pos += 1
    n = len(s)
    while pos < n:
        c = s[pos]
        if c == '"':
            return pos + 1, "".join(out)
        if c == "\\":
            pos += 1
            if pos >= n:
                out.append("\\")
                return pos, "".join(out)
            out.append(s[pos])
        else:
            out.append(c)
        pos += 1
    return pos, "".join(out)


# --- Range (Fetch "parse a single range header value", simple-range form) --------------------------------------


def parse_single_range(value: str, *, limit: int | None = None) -> tuple[int | None, int | None] | None:
    """Parse ``bytes=N-``, ``bytes=N-M`` or ``bytes=-M`` with no whitespace; ``None`` when it is not that.

    Fetch allows HTTP tab-or-space around the parts only when the caller does not ask for "allow whitespace"; the
    CORS safelist calls it without, so any whitespace fails. Numbers must be below *limit* (Chromium's INT64_MAX by
    default; a browser with unsigned 64-bit numbers passes ``2**64``).
    """
    if limit is None:
        limit = _INT64_MAX
    if len(value) > 256 or not value.startswith("bytes="):
        return None
    spec = value[6:]
    dash = spec.find("-")
    if dash == -1 or spec.find("-", dash + 1) != -1:
        return None
    first, last = spec[:dash], spec[dash + 1 :]
    if (first and not first.isascii()) or (last and not last.isascii()):
        return None
    if (first and not first.isdigit()) or (last and not last.isdigit()):
        return None
    start = int(first) if first else None
    end = int(last) if last else None
    # Chromium parses the numbers as 64-bit signed integers and refuses INT64_MAX itself (observed, Chromium 156).
    if (start is not None and start >= limit) or (end is not None and end >= limit):
        return None
    if start is None and end is None:
        return None
    if start is not None and end is not None and start > end:
        return None
    return start, end


_INT64_MAX = 2**63 - 1


def canonical_range(value: str) -> str:
    """A ``Range`` as Chromium's network stack puts it on the wire: one byte range that parses
    (``HttpUtil::ParseRangeHeader``: unit in any case, spaces and tabs around the parts, ``+`` signs, 64-bit
    numbers, an empty list item ignored) is re-serialised (``BYTES = 007-009`` → ``bytes=7-9``); anything else is
    sent as script wrote it."""
    if len(value) > 256:
        return value
    unit, eq, spec = value.partition("=")
    if not eq or lowercase_ascii(unit.strip(_OWS)) != "bytes":
        return value
    items = [item.strip(_OWS) for item in spec.split(",")]
    ranges = [item for item in items if item]
    if len(ranges) != 1:
        return value
    first, dash, last = ranges[0].partition("-")
    first, last = first.strip(_OWS), last.strip(_OWS)
    if not dash:
        return value
    if not first:
        suffix = _int64(last)
        return value if suffix is None else f"bytes=-{suffix}"
    start = _int64(first)
    end = _int64(last) if last else None
    if start is None or (last and (end is None or end < start)):
        return value
    return f"bytes={start}-{'' if end is None else end}"


def _int64(text: str) -> int | None:
    """Chromium ``base::StringToInt64`` for a non-negative number: ASCII digits after an optional ``+``."""
    digits = text[1:] if text.startswith("+") else text
    if not digits or not digits.isascii() or not digits.isdigit():
        return None
    number = int(digits)
    return number if number <= _INT64_MAX else None


def lowercase_ascii(value: str) -> str:
    """Byte-lowercase (ASCII only), as header-name comparisons in Fetch do."""
    return value.translate(_ASCII_LOWER)


_ASCII_LOWER = {c: c + 32 for c in range(0x41, 0x5B)}
