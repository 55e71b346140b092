"""Everything the CLI prints goes through here: one console per stream, one sanitiser, the right glyphs.

:class:`Output` wraps a rich console. Its two ways of printing are the house rules for text on a terminal:

- :meth:`Output.line` never wraps: a line people copy (a request line, a header, Chromium's message) stays one
  line, and the terminal folds it for display only;
- :meth:`Output.prose` wraps at word boundaries to the terminal's width (80 columns when the output is not a
  terminal), with a hanging indent, never inside a word.

Both pass every string through :func:`corskit.tools.terminal.printable` with the stream's encoding, so data from a
scenario or a server can neither move the cursor nor fail to encode; glyphs fall back to ASCII where the encoding
cannot show them. Colour follows ``--no-color``, ``NO_COLOR`` and whether the stream is a terminal.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NoReturn

import typer
from rich.console import Console, RenderableType
from rich.text import Text

from ..tools.terminal import Glyphs, glyphs_for, printable
from ..tools.trace import Line, Part


@dataclass
class Settings:
    """Process-wide output settings, set once by the root command's options."""

    color: bool = True


SETTINGS = Settings()


def console(*, stderr: bool = False) -> Console:
    """A rich console on stdout (or stderr) with the CLI's settings: no highlighting, no markup, no emoji."""
    return Console(
        stderr=stderr,
        highlight=False,
        markup=False,
        emoji=False,
        soft_wrap=False,
        color_system="auto" if SETTINGS.color else None,
    )


def fail(command: str, message: str) -> NoReturn:
    """A usage error: one line on stderr naming the problem, exit code 2."""
    Output(console(stderr=True)).line(f"corskit {command}: {message}")
    raise typer.Exit(2)


def emit_json(data: Any) -> None:
    """One JSON value on one line of stdout. Non-ASCII and control characters are escaped (``\\u001b``), which
    makes JSON output safe on any terminal and in any encoding."""
    sys.stdout.write(json.dumps(data) + "\n")


class Output:
    """A console plus the sanitiser and glyphs that suit it."""

    def __init__(self, target: Console | None = None) -> None:
        self.console = target if target is not None else console()
        self.encoding = self.console.encoding
        self.glyphs: Glyphs = glyphs_for(self.encoding)

    @property
    def width(self) -> int:
        return self.console.width

    def safe(self, text: str) -> str:
        """*text* made printable on this stream (control characters and unencodable ones escaped)."""
        return printable(text, self.encoding)

    def text(self, *parts: Part) -> Text:
        out = Text()
        for part in parts:
            if isinstance(part, tuple):
                out.append(self.safe(part[0]), style=part[1])
            else:
                out.append(self.safe(part))
        return out

    def line(self, *parts: Part) -> None:
        """One line, never wrapped (the terminal folds it for display; copying gives it back whole)."""
        self._write([self.text(*parts)])

    def prose(self, *parts: Part, indent: int = 0, hang: int | None = None) -> None:
        """Text wrapped at word boundaries: the first line indented by *indent*, the others by *hang*."""
        self._write(self._prose(self.text(*parts), indent, indent if hang is None else hang))

    def clipped(self, *parts: Part, indent: int = 0) -> None:
        """One line cut to the width, with an ellipsis: for excerpts (a body) where the rest does not matter."""
        self._write([self._clipped(self.text(*parts), indent)])

    def emit(self, lines: Iterable[Line]) -> None:
        """Lay out trace lines as each asks: whole, wrapped at words, or clipped (printed in one write)."""
        out: list[Text] = []
        for line in lines:
            text = self.text(*line.parts)
            if line.wrap == "words":
                out += self._prose(text, line.indent, line.hang)
            elif line.wrap == "clip":
                out.append(self._clipped(text, line.indent))
            else:
                out.append(Text(" " * line.indent) + text)
        self._write(out)

    def _prose(self, text: Text, indent: int, hang: int) -> list[Text]:
        width = max(self.width - max(indent, hang), 20)
        pieces = text.wrap(self.console, width, overflow="fold")
        for piece in pieces:
            piece.rstrip()
        return [Text(" " * (hang if number else indent)) + piece for number, piece in enumerate(pieces)]

    def _clipped(self, text: Text, indent: int) -> Text:
        room = max(self.width - indent, 20)
        if text.cell_len > room:
            more = self.glyphs.more
            text.truncate(room - len(more))
            text.append(more)
        return Text(" " * indent) + text

    def _write(self, lines: list[Text]) -> None:
        if lines:  # one print for many lines: rich's per-call cost dominates long batches
            self.console.print(Text("\n").join(lines), soft_wrap=True)

    def blank(self) -> None:
        self.console.print()

    def print(self, renderable: RenderableType) -> None:
        """A rich renderable built by the caller (a table, a rule): its cells must be made with :meth:`text`.
        Rich pads every line to the full width; the padding is stripped so no line ends in spaces."""
        lines = self.console.render_lines(renderable, pad=False, new_lines=False)
        texts = []
        for segments in lines:
            text = Text()
            for segment in segments:
                if not segment.control:
                    text.append(segment.text, segment.style)
            text.rstrip()
            texts.append(text)
        self._write(texts)
