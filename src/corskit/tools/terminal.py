"""The one sanitiser for everything that reaches a terminal, and the glyphs a terminal can show.

Data that came from outside (a scenario file, a server's headers and body, a URL, a target list) may hold escape
sequences: ESC starts ANSI/OSC sequences that retitle the window, clear the screen, hide text or forge output;
C1 controls (U+0080-U+009F) do the same on some terminals; bidi overrides (U+202E…) reorder what is shown;
U+2028/U+2029 break lines. :func:`printable` turns every such character into a visible escape (``\\x1b``,
``\\u202e``) and leaves printable text untouched, so a trace shows exactly what was on the wire and never moves
the cursor. Pass the output's *encoding* to also escape what it cannot encode (a Latin-1 or ASCII terminal), so
printing never fails.

No dependencies: the CLI (rich), the audit's text report and the test client's error messages all use it.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["ASCII", "UNICODE", "Glyphs", "can_encode", "glyphs_for", "printable"]


def _escape(char: str) -> str:
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


@lru_cache(maxsize=32)
def _is_unicode(encoding: str) -> bool:
    """True for encodings that can represent every character (UTF-8, UTF-16, UTF-32)."""
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        return False
    return name.startswith(("utf-8", "utf-16", "utf-32")) or name == "utf_8"


def can_encode(text: str, encoding: str | None) -> bool:
    """Whether *text* can be written to a stream with *encoding* (``None``: any)."""
    if encoding is None or _is_unicode(encoding):
        return True
    try:
        text.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def printable(text: str, encoding: str | None = None) -> str:
    """*text* with every non-printable character (and, given *encoding*, every one it cannot encode) escaped.

    Non-printable is Python's :meth:`str.isprintable`: C0 and C1 controls, ESC, DEL, format characters (bidi
    overrides, zero-width joiners), line and paragraph separators, surrogates, unassigned code points, and every
    space but U+0020. The result is a single line, safe to print anywhere.
    """
    if text.isprintable() and (encoding is None or text.isascii() or can_encode(text, encoding)):
        return text
    return "".join(c if c.isprintable() and can_encode(c, encoding) else _escape(c) for c in text)


@dataclass(frozen=True)
class Glyphs:
    """The symbols of a trace, with an ASCII fallback for terminals that cannot show them."""

    ok: str
    bad: str
    sent: str
    received: str
    more: str
    dot: str


UNICODE = Glyphs(ok="✓", bad="✗", sent="→", received="←", more="…", dot="·")
ASCII = Glyphs(ok="+", bad="x", sent="->", received="<-", more="...", dot="-")


def glyphs_for(encoding: str | None) -> Glyphs:
    """:data:`UNICODE` when *encoding* can show every glyph, :data:`ASCII` otherwise."""
    every = "".join(vars(UNICODE).values())
    return UNICODE if can_encode(every, encoding) else ASCII
