"""Text that is safe to draw: every string from a scenario, a server or a URL passes through :func:`clean` before it
reaches a diagram.

A scenario file is hostile input. Its strings can hold control characters, bidi overrides, lone surrogates,
combining marks stacked a thousand deep, or megabytes of one header. Here they become visible escapes
(``\\x1b``, ``\\u202e``) and are clipped to a bounded number of terminal-like cells, so the layout that follows
can measure them and no renderer (SVG, HTML, Mermaid) ever sees a character it could misread.
"""

from __future__ import annotations

import unicodedata

#: Longest line a diagram draws, in cells (a wide character takes two).
MAX_CELLS = 100
#: Characters of input looked at per string: the rest is cut before any work is done.
MAX_INPUT = 4096

ELLIPSIS = "…"

# Categories drawn as escapes: controls, format characters (bidi overrides, zero-width joiners), surrogates,
# private use, unassigned, line/paragraph separators, and combining marks (which stack vertically without bound).
_ESCAPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp", "Mn", "Me"})


def _visible(char: str) -> str:
    code = ord(char)
    if code < 0x80 and char not in "\t\n\r\x7f" and code >= 0x20:
        return char
    if unicodedata.category(char) not in _ESCAPED_CATEGORIES and char != "\t":
        return char
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def cells(char: str) -> int:
    """Width of one (already visible) character in monospace cells: 2 for wide East Asian forms and emoji."""
    if ord(char) < 0x1100:
        return 1
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") or ord(char) >= 0x1F000 else 1


def width(text: str) -> int:
    """Cells a clean string takes."""
    return sum(cells(c) for c in text) if not text.isascii() else len(text)


def clean(text: str, limit: int = MAX_CELLS) -> str:
    """*text* with every unsafe character made visible, on one line, at most *limit* cells (``…`` marks a cut)."""
    out: list[str] = []
    used = 0
    keep = 0  # how many pieces fit in limit - 1 cells, leaving room for the ellipsis
    for char in text[:MAX_INPUT]:
        piece = _visible(char)
        used += width(piece)
        if used > limit:
            return "".join(out[:keep]) + ELLIPSIS
        out.append(piece)
        if used <= limit - 1:
            keep = len(out)
    if len(text) > MAX_INPUT:
        return "".join(out[:keep]) + ELLIPSIS
    return "".join(out)


def wrap(text: str, limit: int = MAX_CELLS, max_lines: int = 8) -> list[str]:
    """Clean *text* and break it into at most *max_lines* lines of at most *limit* cells, at spaces where possible."""
    lines: list[str] = []
    for paragraph in text[:MAX_INPUT].strip("\n").split("\n"):
        rest = clean(paragraph, limit * max_lines)
        while True:
            if len(lines) == max_lines:
                last = lines[-1]
                if not last.endswith(ELLIPSIS):
                    lines[-1] = last[: _fit(last, limit - 1)] + ELLIPSIS
                return lines
            if width(rest) <= limit:
                lines.append(rest)
                break
            cut = _fit(rest, limit)
            space = rest.rfind(" ", 0, cut + 1)
            if space > cut // 2:
                cut = space
            lines.append(rest[:cut].rstrip())
            rest = rest[cut:].lstrip()
    return lines


def _fit(text: str, limit: int) -> int:
    """How many characters of *text* fit in *limit* cells."""
    used = 0
    for index, char in enumerate(text):
        used += cells(char)
        if used > limit:
            return index
    return len(text)
