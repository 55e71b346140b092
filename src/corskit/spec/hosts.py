"""Hosts, canonicalised as Chromium's URL parser does: domains (IDNA), IPv4 and IPv6 addresses.

This is WHATWG URL "host parsing" for special schemes, with the places where Chromium differs (each one observed on
Chromium 156 and kept by ``tests/spec/test_hosts.py``):

* a domain may hold a space or ``*``: Chromium percent-escapes them (``a%20b``, ``%2A``) instead of refusing them;
* an IPv4 address inside an IPv6 one is read by the IPv4 parser (``[::1.02.3.4]``, ``[::ffff:0x1.2.3.4]``);
* a pure-ASCII domain is only lowercased: an ``xn--`` label is not checked (``xn--a`` is a valid host).

There are no zone ids (``[fe80::1%eth0]``): browsers neither accept nor send them. Every parser here is bounded and
linear, refuses rather than guesses, and never calls a lenient standard-library parser (``ipaddress`` accepts zone
ids, ``int`` accepts ``_`` and non-ASCII digits, the ``idna`` codec is IDNA 2003).

Non-ASCII domains follow UTS #46 as Chromium calls it (nontransitional, CheckBidi, CheckJoiners, no STD3 rules, no
DNS length check), built on :mod:`unicodedata`: a code point newer than this Python's Unicode database is refused.
"""

from __future__ import annotations

import re
import unicodedata

#: Longest non-ASCII domain (escaped, in UTF-16 units) Chromium hands to its IDNA converter: 1,000 pass, 1,001 fail.
MAX_IDNA_INPUT = 1000

_DIGITS = frozenset("0123456789")
_OCTAL = frozenset("01234567")
_HEX = frozenset("0123456789abcdefABCDEF")
_ASCII_LOWER = {c: c + 32 for c in range(0x41, 0x5B)}

# Refused anywhere in a host: C0 controls, DEL and WHATWG's "forbidden domain code points" but the space (which
# Chromium escapes) and ``[``, ``:``, ``]``, which only an IPv6 address may hold.
_FORBIDDEN = frozenset("#%/<>?@\\^|\x7f" + "".join(chr(c) for c in range(0x20)))
_IPV6_ONLY = frozenset("[:]")
# What Chromium percent-escapes in a domain rather than refuse.
_ESCAPED = {" ": "%20", "*": "%2A"}
# A host made of these is already canonical, unless it ends in a number (then it is an IPv4 address to rewrite).
_PLAIN = re.compile(r"[a-z0-9_.-]+")


def parse_host(text: str) -> str | None:
    """The canonical host of a special-scheme URL (``example.com``, ``127.0.0.1``, ``[::1]``), or ``None``.

    *text* is the host as written in the URL. As Chromium does: decode percent-escapes, lowercase, escape space and
    ``*``; if non-ASCII remains, apply IDNA to that and canonicalise its output the same way again. The result is an
    IPv6 address (in brackets), an IPv4 address (when it ends in a number), or a domain.
    """
    if _PLAIN.fullmatch(text) and not _ends_in_number(text):
        return text  # the common case, in one C-speed scan
    host = _simple_host(text)
    if host is not None and not host.isascii():
        # Chromium escapes before IDNA ("punycode cannot be escaped afterwards"), so escapes are part of the label.
        mapped = domain_to_ascii(host)
        host = _simple_host(mapped) if mapped is not None else None
    if not host:
        return None
    if host.startswith("["):
        return _parse_ipv6(host[1:-1]) if host.endswith("]") else None
    if any(c in _IPV6_ONLY for c in host):
        return None
    return _parse_ipv4(host) if _ends_in_number(host) else host


def is_ip_address(host: str) -> bool:
    """True when the canonical *host* (as :func:`parse_host` returns it) is an IPv4 or IPv6 address."""
    return host.startswith("[") or (host.count(".") == 3 and all(c in _DIGITS or c == "." for c in host))


def _simple_host(text: str) -> str | None:
    """Chromium's ``DoSimpleHost``: decode escapes, lowercase ASCII, escape space and ``*``, refuse forbidden ASCII.
    Non-ASCII code points pass through, for IDNA."""
    decoded = _percent_decode(text)
    if decoded is None or any(c in _FORBIDDEN for c in decoded):
        return None
    out = decoded.translate(_ASCII_LOWER)
    return out.replace(" ", _ESCAPED[" "]).replace("*", _ESCAPED["*"]) if " " in out or "*" in out else out


def _percent_decode(text: str) -> str | None:
    """Decode ``%XX`` escapes; ``None`` for a ``%`` not followed by two hex digits or a result that is not UTF-8."""
    if "%" not in text:
        return text
    try:
        chunks = text.encode("utf-8").split(b"%")
    except UnicodeEncodeError:
        return None
    out = bytearray(chunks[0])
    for chunk in chunks[1:]:
        if len(chunk) < 2 or chunk[0] not in _HEX_BYTES or chunk[1] not in _HEX_BYTES:
            return None
        out.append(int(chunk[:2], 16))
        out += chunk[2:]
    try:
        return out.decode("utf-8")
    except UnicodeDecodeError:
        return None


_HEX_BYTES = frozenset(b"0123456789abcdefABCDEF")


# --- IPv4 (WHATWG "IPv4 parser": decimal, 0-prefixed octal, 0x-prefixed hex; 1 to 4 parts) ----------------------


def _ends_in_number(host: str) -> bool:
    """WHATWG "ends in a number": the last label (a trailing dot aside) is decimal digits or ``0x`` and hex."""
    last = (host[:-1] if host.endswith(".") else host).rpartition(".")[2]
    if last.isascii() and last.isdigit():  # isdigit() alone is true of "²" and "٣"
        return True
    return last[:2] in ("0x", "0X") and all(c in _HEX for c in last[2:])


def _ipv4_number(part: str) -> int | None:
    """One part: ``0x1f`` hex, ``017`` octal, ``15`` decimal; ``None`` otherwise or when it exceeds 32 bits."""
    if part[:2] in ("0x", "0X"):
        digits, base, allowed = part[2:], 16, _HEX
    elif len(part) > 1 and part[0] == "0":
        digits, base, allowed = part[1:], 8, _OCTAL
    else:
        digits, base, allowed = part, 10, _DIGITS
    if not all(c in allowed for c in digits):
        return None
    digits = digits.lstrip("0")
    if len(digits) > 11:  # more than 2**32 in any base: refuse before int() reads it
        return None
    return int(digits, base) if digits else 0


def _ipv4_value(text: str, *, exact_parts: int | None = None) -> int | None:
    parts = text.split(".")
    if parts[-1] == "" and len(parts) > 1 and exact_parts is None:
        parts.pop()
    if len(parts) > 4 or (exact_parts is not None and len(parts) != exact_parts):
        return None
    numbers: list[int] = []
    for part in parts:
        number = _ipv4_number(part) if part else None
        if number is None:
            return None
        numbers.append(number)
    *head, last = numbers
    if any(n > 255 for n in head) or last >= 256 ** (5 - len(numbers)):
        return None
    return last + sum(n << (8 * (3 - i)) for i, n in enumerate(head))


def _parse_ipv4(host: str) -> str | None:
    value = _ipv4_value(host)
    if value is None:
        return None
    return ".".join(str((value >> shift) & 0xFF) for shift in (24, 16, 8, 0))


# --- IPv6 (WHATWG "IPv6 parser" and serializer; no zone id) ------------------------------------------------------


def _parse_ipv6(text: str) -> str | None:
    """``::1`` → ``[::1]``; ``None`` for anything but 8 groups of 1 to 4 hex digits (one ``::``, an IPv4 tail)."""
    if text.count("::") > 1:
        return None
    head, gap, tail = text.partition("::")
    left = head.split(":") if head else []
    right = tail.split(":") if tail else []
    groups = [*left, *right]
    if len(groups) > 8:
        return None
    # An IPv4 tail is only allowed as the very last group (``1.2.3.4::`` is not an address).
    tail_at = len(groups) - 1 if right or not gap else -1
    pieces: list[int] = []
    for i, piece in enumerate(groups):
        if "." in piece:
            # Chromium reads an IPv4 tail with its IPv4 parser: four parts, any base.
            value = _ipv4_value(piece, exact_parts=4) if i == tail_at else None
            if value is None:
                return None
            pieces += [value >> 16, value & 0xFFFF]
        elif 1 <= len(piece) <= 4 and all(c in _HEX for c in piece):
            pieces.append(int(piece, 16))
        else:
            return None
    if gap:
        if len(pieces) > 7:
            return None
        pieces[len(left) :] = [0] * (8 - len(pieces)) + pieces[len(left) :]
    elif len(pieces) != 8:
        return None
    return "[" + _serialize_ipv6(pieces) + "]"


def _serialize_ipv6(pieces: list[int]) -> str:
    """WHATWG "IPv6 serializer": lowercase hex, the first longest run of two or more zero groups as ``::``."""
    best_start, best_len, start = -1, 1, -1
    for i, piece in enumerate([*pieces, 1]):
        if piece == 0 and start < 0:
            start = i
        elif piece != 0 and start >= 0:
            if i - start > best_len:
                best_start, best_len = start, i - start
            start = -1
    if best_start < 0:
        return ":".join(f"{p:x}" for p in pieces)
    before = ":".join(f"{p:x}" for p in pieces[:best_start])
    after = ":".join(f"{p:x}" for p in pieces[best_start + best_len :])
    return f"{before}::{after}"


# --- Domains (UTS #46 "ToASCII", nontransitional, as Chromium configures ICU) ------------------------------------

# Kept as they are by nontransitional processing (transitional maps them to "ss", "σ" and nothing).
_DEVIATIONS = frozenset("\u00df\u03c2\u200c\u200d")
_JOINERS = frozenset("\u200c\u200d")
# Mapped to nothing (UTS #46 "ignored"): soft hyphen, joiners and variation selectors of no meaning in a name...
_IGNORED = frozenset(
    "\u00ad\u034f\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u180e\u180f\u200b\u2060\u2061\u2062\u2063\u2064\u206a\u206b\u206c\u206d\u206e"
    "\u206f\ufeff\U0001bca0\U0001bca1\U0001bca2\U0001bca3"
    + "".join(chr(c) for c in [*range(0xFE00, 0xFE10), *range(0x1D173, 0x1D17B), *range(0xE0100, 0xE01F0)])
)
# The full stops that separate labels like "." does; any other code point that maps to a dot is refused.
_FULL_STOPS = frozenset("\u3002\uff0e\uff61")
# Assigned code points UTS #46 refuses although their category alone would not say so: ideographic description
# characters, the object replacement character and the replacement character.
_REFUSED = frozenset([*(chr(c) for c in range(0x2FF0, 0x3000)), "\ufffc", "\ufffd"])
# Control, format (unless ignored above), unassigned, private-use, surrogate, line and paragraph separators.
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cn", "Co", "Cs", "Zl", "Zp"})
_BIDI_RTL = frozenset({"R", "AL", "AN"})
_BIDI_RTL_LABEL = frozenset({"R", "AL", "AN", "EN", "ES", "CS", "ET", "ON", "BN", "NSM"})
_BIDI_LTR_LABEL = frozenset({"L", "EN", "ES", "CS", "ET", "ON", "BN", "NSM"})


def domain_to_ascii(domain: str) -> str | None:
    """UTS #46 ToASCII of a domain holding non-ASCII code points (``Bücher.de`` → ``xn--bcher-kva.de``).

    ``None`` when a code point is refused, a label breaks the joiner or bidi rules, an ``xn--`` label does not
    decode, or the input exceeds :data:`MAX_IDNA_INPUT`.
    """
    if len(domain) + sum(c > "\uffff" for c in domain) > MAX_IDNA_INPUT:  # counted in UTF-16 units, as Chromium
        return None
    mapped: list[str] = []
    for c in domain:
        m = _map(c)
        if m is None:
            return None
        mapped.append(m)
    labels = unicodedata.normalize("NFC", "".join(mapped)).split(".")
    unicode_labels: list[str] = []
    for label in labels:
        encoded = label.startswith("xn--")
        text = _punycode_label(label[4:]) if encoded else label
        if text is None or not _valid_label(text, decoded=encoded):
            return None
        unicode_labels.append(text)
    if any(unicodedata.bidirectional(c) in _BIDI_RTL for label in unicode_labels for c in label) and not all(
        _bidi_ok(label) for label in unicode_labels if label
    ):
        return None
    return ".".join(label if label.isascii() else "xn--" + label.encode("punycode").decode("ascii") for label in labels)


def _map(c: str) -> str | None:
    """UTS #46 mapping of one code point: itself, its replacement, ``""`` (ignored) or ``None`` (disallowed)."""
    if c < "\x80":
        return c.translate(_ASCII_LOWER)
    if c in _DEVIATIONS:
        return c
    if c == "\u1e9e":  # capital sharp s: nontransitional keeps it as ß, where casefold() would give "ss"
        return "\u00df"
    if c in _IGNORED:
        return ""
    if c in _FULL_STOPS:
        return "."
    category = unicodedata.category(c)
    if category in _REFUSED_CATEGORIES or c in _REFUSED:
        return None
    mapped = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", c).casefold())
    if "." in mapped or (category == "Zs" and mapped != " "):
        return None
    return mapped


def _punycode_label(encoded: str) -> str | None:
    """Decode the part of an ``xn--`` label after the prefix; ``None`` when it is not valid, non-empty Punycode."""
    if not encoded or not encoded.isascii() or encoded.endswith("-"):
        return None
    try:
        decoded = encoded.encode("ascii").decode("punycode")
    except (UnicodeError, ValueError, OverflowError):
        return None
    return decoded if decoded and not decoded.isascii() else None


def _valid_label(label: str, *, decoded: bool) -> bool:
    """UTS #46 "validity criteria": no leading combining mark, joiners only after a virama (CheckJoiners); a
    decoded ``xn--`` label must already be mapped and normalised."""
    if not label:
        return True
    if unicodedata.category(label[0]).startswith("M"):
        return False
    if decoded and (unicodedata.normalize("NFC", label) != label or any(_map(c) != c for c in label)):
        return False
    return all(c not in _JOINERS or (i > 0 and unicodedata.combining(label[i - 1]) == 9) for i, c in enumerate(label))


def _bidi_ok(label: str) -> bool:
    """RFC 5893 §2, the six rules for a label of a domain that holds right-to-left text."""
    kinds = [unicodedata.bidirectional(c) for c in label]
    end = len(kinds)
    while end and kinds[end - 1] == "NSM":
        end -= 1
    if not end:
        return False
    last = kinds[end - 1]
    if kinds[0] in ("R", "AL"):
        allowed = all(k in _BIDI_RTL_LABEL for k in kinds)
        return allowed and last in ("R", "AL", "EN", "AN") and not ("EN" in kinds and "AN" in kinds)
    if kinds[0] == "L":
        return all(k in _BIDI_LTR_LABEL for k in kinds) and last in ("L", "EN")
    return False
