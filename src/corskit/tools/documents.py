"""Reading JSON input the way ``corskit explain`` takes it: one JSON document, or JSON Lines (one per line).

Bounded and linear: a document, or a line, is at most :data:`MAX_DOCUMENT` bytes (a longer line is skipped
without being held in memory); JSON Lines are streamed, so a batch of any length runs in constant memory. Lines are
split on ``\\n`` only (JSON Lines' separator): never on U+2028, U+0085, form feed or the other characters
:meth:`str.splitlines` breaks on, which are valid inside a JSON string.

Every way the input can be unusable is a :class:`InputError` (the whole input) or a :class:`Document` with a
``problem`` (one line of JSON Lines), with one line of text that names it: not UTF-8 (binary), a UTF-16 file,
invalid JSON with its line and column, nesting too deep, a number too long, too large. A UTF-8 byte order mark at
the start is accepted and ignored, as RFC 8259 allows.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

#: Most bytes in one document or one JSON Lines line (a scenario is a few kilobytes).
MAX_DOCUMENT = 1 << 20

_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


class InputError(ValueError):
    """The input as a whole cannot be read as JSON; the message is one line naming the problem."""


@dataclass(frozen=True)
class Document:
    """One decoded document; ``line`` is its line number in JSON Lines (1 for a single document)."""

    line: int
    data: Any = None
    problem: str | None = None


def _size(limit: int) -> str:
    return f"{limit >> 20} MiB" if limit >= 1 << 20 else f"{limit} bytes"


def decode(raw: bytes, *, start: bool = True, line: bool = False) -> Any:
    """Bytes of one JSON text → the value; :class:`InputError` naming the problem otherwise. At the *start* of the
    input, a UTF-8 byte order mark is skipped and a UTF-16 one named. A JSON Lines *line* has its line terminator
    dropped, and a syntax error is placed by its column alone (the line is the document's)."""
    if line:
        raw = raw.rstrip(b"\r\n")
    if start and raw.startswith(_UTF8_BOM):
        raw = raw[len(_UTF8_BOM) :]
    elif start and raw.startswith(_UTF16_BOMS):
        raise InputError("is UTF-16 or UTF-32 text (it starts with a byte order mark): save it as UTF-8")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise InputError(
            f"is not UTF-8 text (byte 0x{raw[err.start]:02x} at offset {err.start}): expected JSON"
        ) from None
    if not text.strip():
        raise InputError("is empty: expected a JSON scenario")
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        where = f"column {err.colno}" if line else f"line {err.lineno} column {err.colno}"
        raise InputError(f"is not valid JSON: {err.msg} at {where}") from None
    except RecursionError:
        raise InputError("is not a scenario: its JSON is nested too deeply") from None
    except ValueError:  # int() refuses numbers of more than 4300 digits
        raise InputError("is not a scenario: it holds a number with thousands of digits") from None


def _lines(stream: BinaryIO, limit: int) -> Iterator[bytes | None]:
    """Lines split on ``\\n`` only, each at most *limit* bytes; ``None`` for a longer line (skipped, not kept)."""
    while line := stream.readline(limit + 1):
        if len(line) > limit and not line.endswith(b"\n"):
            yield None  # first, so that a reader who stops here never reads the rest (an endless /dev/zero)
            while (rest := stream.readline(1 << 16)) and not rest.endswith(b"\n"):
                pass
        else:
            yield line


def _is_object_line(line: bytes | None, start: bool) -> bool:
    """A line that is a whole JSON object by itself: the mark of JSON Lines (pretty-printed JSON indents them)."""
    if line is None or not line.removeprefix(_UTF8_BOM if start else b"").startswith(b"{"):
        return False
    try:
        return isinstance(decode(line, start=start), dict)
    except InputError:
        return False


class Input:
    """The documents of a stream: :attr:`many` says whether it is JSON Lines; iterate for the documents.

    A stream is JSON Lines when told so (*lines*, e.g. from a ``.jsonl`` name) or when it is not one JSON document
    and some line holds a whole JSON object: then a bad line, even the first, is that line's problem and the
    others still run.
    """

    def __init__(self, stream: BinaryIO, *, lines: bool = False, limit: int = MAX_DOCUMENT) -> None:
        self._limit = limit
        self._rest = _lines(stream, limit)
        self._head: list[bytes | None] = []
        size, complete = 0, True
        for line in self._rest:
            self._head.append(line)
            size += len(line) if line is not None else limit + 1
            if size > limit:
                complete = False
                break
        self._single: Any = None
        self.many = lines
        if lines:
            return
        problem: InputError | None = None
        if complete and None not in self._head:
            try:
                self._single = decode(b"".join(line for line in self._head if line is not None))
                return
            except InputError as error:
                problem = error
        if sum(1 for line in self._head if line is None or line.strip()) > 1 and any(
            _is_object_line(line, number == 0) for number, line in enumerate(self._head)
        ):
            self.many = True
            return
        raise problem or InputError(
            f"is larger than {_size(limit)}: a scenario is a few kilobytes (for many, write JSON Lines: one per line)"
        )

    def __iter__(self) -> Iterator[Document]:
        if not self.many:
            yield Document(1, self._single)
            return
        for number, line in enumerate(self._chain(), 1):
            if line is None:
                yield Document(number, problem=f"is longer than {_size(self._limit)}")
            elif line.strip() and (number > 1 or line.strip() != _UTF8_BOM):
                try:
                    yield Document(number, decode(line, start=number == 1, line=True))
                except InputError as error:
                    yield Document(number, problem=str(error))

    def _chain(self) -> Iterator[bytes | None]:
        yield from self._head
        self._head = []
        yield from self._rest
