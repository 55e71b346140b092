"""What the trace of a fetch says, line by line, for any output.

One implementation of the words: each request with its CORS headers, each response's relevant headers and the
start of a refusal's body, what fetch() dropped, the engine's warnings, the verdict with Chromium's message, and the
fix. The CLI styles these lines with rich (``corskit.cli.render``); the test client puts them, as plain text, in a
:class:`~corskit.CORSError` (:func:`to_text`). Every :class:`~corskit.browser.Result` the engine produces has its
lines: blocked before the network, allowed with a readable or an opaque response, redirected, and stopped before
the actual request (a checker that holds it back).

A :class:`Line` says how it may be laid out: ``"never"`` wrapped (a line people copy: a request line, a header,
Chromium's message), wrapped at ``"words"`` (prose), or ``"clip"``-ped to the width (an excerpt). Sinks pass every
part through :func:`corskit.tools.terminal.printable`. No dependencies.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Literal

from ..browser.fetch import Result
from ..browser.profiles import profile
from ..browser.wire import Exchange, Response
from .fixes import Fix
from .terminal import UNICODE, Glyphs, printable

#: A piece of a line: plain text, or (text, style) where style is a rich style name ("bold red") or "".
Part = str | tuple[str, str]
Wrap = Literal["never", "words", "clip"]

#: Columns by which header lines and excerpts are indented under their request or response.
INDENT = 4
#: Characters of a URL or a header value shown in a trace; a longer one ends with how much was left out.
MAX_VALUE = 1024

# Response headers worth showing in a trace: the CORS ones and those that steer caching and redirects.
_RELEVANT_PREFIXES = ("access-control-",)
_RELEVANT = frozenset({"location", "vary", "cache-control", "content-type", "set-cookie", "www-authenticate"})


@dataclass(frozen=True)
class Line:
    parts: tuple[Part, ...]
    wrap: Wrap = "never"
    #: Columns before the first line, and before the following ones when the text wraps.
    indent: int = 0
    hang: int = 0

    @property
    def text(self) -> str:
        return "".join(p if isinstance(p, str) else p[0] for p in self.parts)


def _copy(*parts: Part, indent: int = 0) -> Line:
    return Line(parts, "never", indent, indent)


def _prose(*parts: Part, indent: int = 0, hang: int | None = None) -> Line:
    return Line(parts, "words", indent, indent if hang is None else hang)


def clipped(text: str, limit: int = MAX_VALUE) -> str:
    """*text*, or its first *limit* characters and how many more there are (a 1 MB header is not a line to read)."""
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text) - limit:,} more characters)"


def relevant_headers(response: Response) -> list[tuple[str, str]]:
    return [(n, v) for n, v in response.headers if n.lower().startswith(_RELEVANT_PREFIXES) or n.lower() in _RELEVANT]


def exchange(ex: Exchange, g: Glyphs = UNICODE) -> Iterator[Line]:
    """The request line and its headers, then the response's status, relevant headers and refusal body."""
    req = ex.request
    label = "preflight" if req.kind == "preflight" else "request"
    yield _copy((f"{g.sent} ", "cyan"), (f"{req.method} {clipped(req.url)}", "bold"), f"  ({label})")
    for name, value in req.headers:
        yield _copy(f"{clipped(name)}: {clipped(value)}", indent=INDENT)
    resp = ex.response
    if resp is None:
        yield _copy((f"{g.received} ", "magenta"), ("no response", "dim"))
        return
    yield _copy((f"{g.received} ", "magenta"), (str(resp.status), "bold"), f" {resp.note}" if resp.note else "")
    shown = relevant_headers(resp)
    for name, value in shown:
        yield _copy(f"{clipped(name)}: {clipped(value)}", indent=INDENT)
    if not shown:
        yield _copy(("(no CORS headers)", "dim"), indent=INDENT)
    excerpt = " ".join(resp.body.split())
    if excerpt and (resp.status >= 400 or resp.header("Access-Control-Allow-Origin") is None):
        yield Line((("body: ", "dim"), (excerpt, "dim")), "clip", INDENT, INDENT)


def trace(result: Result, g: Glyphs = UNICODE) -> Iterator[Line]:
    """Every request on the wire with its response; what fetch() dropped; the engine's warnings."""
    if result.dropped_headers:
        names = ", ".join(result.dropped_headers)
        yield _prose(("! ", "yellow"), (f"fetch() dropped headers script may not set: {names}", "yellow"), hang=2)
    if not result.exchanges and not result.allowed:  # allowed and unsent: the verdict line says it was held back
        yield _copy(("  nothing was sent: ", "dim"), ("fetch() failed before the network", "dim"))
    hits = set(result.preflight_cache_hits)
    for index, ex in enumerate(result.exchanges):
        if index in hits:
            yield _copy(("  (no preflight: the preflight cache covers this request)", "dim"))
        yield from exchange(ex, g)
    for warning in result.warnings:
        yield _prose(("! ", "yellow"), (warning.message, "yellow"), hang=2)


def verdict(result: Result, g: Glyphs = UNICODE) -> Iterator[Line]:
    """The verdict line; for a blocked fetch, the browser's message on lines of its own (never wrapped)."""
    view = result.response
    if not result.allowed:
        code = result.error.value if result.error is not None else "blocked"
        yield _copy((f"{g.bad} BLOCKED", "bold red"), f"  {code}")
        if result.message:
            for line in result.message.rstrip("\n").split("\n"):  # a few of Chromium's messages end with a newline
                yield _copy((line, "red"))
        else:
            yield _prose((f"{profile(result.browser).title} prints no console message for this failure.", "dim"))
        return
    if view is None:  # a checker held the actual request back
        if result.preflighted:
            yield _copy(
                (f"{g.ok} PREFLIGHT PASSED", "bold green"),
                "  the request itself was not sent: its response is unchecked",
            )
        else:
            yield _copy((f"{g.dot} NOT SENT", "bold yellow"), "  the request was not sent: its response is unchecked")
        return
    yield _copy((f"{g.ok} ALLOWED", "bold green"), f"  response type {view.type}, status {view.status}")
    if view.type in ("opaque", "opaqueredirect"):
        yield _prose(("script sees an opaque response: status 0, no headers, no body", "dim"), indent=2)
    elif view.headers:
        yield _prose("script can read: ", ", ".join(n for n, _ in view.headers), indent=2, hang=4)


def fix_summary(fix: Fix, *, label: str = "Fix") -> Line:
    """Whose change it is and what to change."""
    return _prose((label, "bold"), f" ({fix.side} side): {fix.summary}", hang=2)


def to_text(lines: Iterable[Line], *, width: int = 100) -> str:
    """Plain text: prose wrapped at word boundaries to *width*, copyable lines whole, data made printable."""
    out: list[str] = []
    for line in lines:
        text = printable(line.text)
        if line.wrap == "words":
            out += textwrap.wrap(
                text,
                width,
                initial_indent=" " * line.indent,
                subsequent_indent=" " * line.hang,
                break_long_words=False,
                break_on_hyphens=False,
            ) or [""]
        elif line.wrap == "clip" and len(text) + line.indent > width:
            out.append(" " * line.indent + text[: max(width - line.indent - 3, 10)] + "...")
        else:
            out.append(" " * line.indent + text)
    return "\n".join(out)
