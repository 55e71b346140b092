"""Whether ``allow_origin_regex`` only matches values shaped as the simple form: proved when the policy is built.

The sorter (:mod:`.matcher`) shows the regex a value only once it is in the *simple form* (``http(s)://``, labels of
``a-z``, ``0-9`` and ``-`` separated by single dots, the last starting with a letter, an optional port of one to
four digits without a leading zero, neither 80 nor 443): a second pass over every value the regex allows. A regex
that cannot match anything outside that shape (``https://[a-z0-9-]+\\.example\\.com``), whatever the number and
length of its labels, needs no such guard, only the length bound (such values are canonical origins too), and
:func:`only_simple_origins` proves it: it walks the regex, as Python's own parser reads it, together with an
automaton of the shape, and looks for a match that leaves the shape.

The proof is sound, not complete: it reasons about a regex that matches at least what the real one does
(lookarounds and anchors read as always true, possessive and lazy repeats as greedy ones, a repeat of more than
:data:`_UNROLL` as unbounded), and whatever it cannot read (a backreference, a conditional, case-insensitive
matching, more than :data:`_MAX_STATES` states) keeps the guard. ``.*``, ``[A-Za-z]``, ``\\w``, ``\\d``, a path, a
trailing dot or ``:[0-9]+`` all keep it.
"""

from __future__ import annotations

import importlib
import re
from typing import Any


def _regex_parser() -> tuple[Any, Any]:
    """Python's own regex parser and its constants (``re._parser`` from 3.11, ``sre_parse`` before)."""
    try:
        return importlib.import_module("re._constants"), importlib.import_module("re._parser")
    except ImportError:  # pragma: no cover - Python 3.10
        return importlib.import_module("sre_constants"), importlib.import_module("sre_parse")


_sre, _sre_parse = _regex_parser()

__all__ = ["only_simple_origins"]

_UNROLL = 8  # a repeat bounded by more is read as unbounded
_MAX_STATES = 2000  # past this many automaton states, no proof is attempted

# The characters the simple form is made of, one by one; every other character is one symbol, _OTHER.
_CHARS = frozenset(map(ord, "abcdefghijklmnopqrstuvwxyz0123456789-.:/"))
_OTHER = -1
_ALL = _CHARS | {_OTHER}
_LETTERS = frozenset(range(ord("a"), ord("z") + 1))
_DIGITS = frozenset(range(ord("0"), ord("9") + 1))
_LABEL = _LETTERS | _DIGITS | {ord("-")}
_CATEGORIES = {  # the simple form's characters in each class, and (always) some other character
    _sre.CATEGORY_DIGIT: _DIGITS,
    _sre.CATEGORY_NOT_DIGIT: _CHARS - _DIGITS,
    _sre.CATEGORY_WORD: _LETTERS | _DIGITS,
    _sre.CATEGORY_NOT_WORD: _CHARS - _LETTERS - _DIGITS,
    _sre.CATEGORY_SPACE: frozenset(),
    _sre.CATEGORY_NOT_SPACE: _CHARS,
}


class _Unprovable(Exception):
    """The regex uses something the proof does not read."""


def only_simple_origins(regex: re.Pattern[str]) -> bool:
    """True when every value *regex* fully matches is shaped as the simple form (:mod:`.matcher`), whatever the
    number and length of its labels: a canonical origin, once its length is bounded."""
    if regex.flags & (re.IGNORECASE | re.LOCALE):
        return False
    try:
        automaton = _Automaton()
        end = automaton.add(_sre_parse.parse(regex.pattern, regex.flags), automaton.new())
        return automaton.stays_simple(end)
    except Exception:  # _Unprovable, RecursionError, or a parser this module cannot read: the guard stays
        return False


class _Automaton:
    """A nondeterministic automaton over the symbols (:data:`_CHARS` and :data:`_OTHER`), built from a parsed regex;
    state 0 is where it starts."""

    def __init__(self) -> None:
        self.moves: list[list[tuple[frozenset[int], int]]] = []  # per state: (symbols, next state)
        self.free: list[list[int]] = []  # per state: states reached without a symbol

    def new(self) -> int:
        if len(self.moves) >= _MAX_STATES:
            raise _Unprovable("too large")
        self.moves.append([])
        self.free.append([])
        return len(self.moves) - 1

    def add(self, items: Any, state: int) -> int:
        """Add the parsed items after *state*; the state where they end."""
        for op, arg in items:
            state = self._add_item(op, arg, state)
        return state

    def _add_item(self, op: Any, arg: Any, state: int) -> int:
        symbols = _symbols(op, arg)
        if symbols is not None:
            end = self.new()
            self.moves[state].append((symbols, end))
            return end
        if op is _sre.SUBPATTERN:
            _, add_flags, _, items = arg
            if add_flags & (re.IGNORECASE | re.LOCALE):
                raise _Unprovable("case-insensitive")
            return self.add(items, state)
        if op is getattr(_sre, "ATOMIC_GROUP", None):
            return self.add(arg, state)
        if op is _sre.BRANCH:
            end = self.new()
            for items in arg[1]:
                self.free[self.add(items, state)].append(end)
            return end
        if op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, getattr(_sre, "POSSESSIVE_REPEAT", None)):
            low, high, items = arg
            return self._add_repeat(low, high, items, state)
        if op in (_sre.AT, _sre.ASSERT, _sre.ASSERT_NOT):
            return state  # (only ever narrows what matches)
        raise _Unprovable(str(op))

    def _add_repeat(self, low: int, high: int, items: Any, state: int) -> int:
        for _ in range(min(low, _UNROLL)):
            state = self.add(items, state)
        if high > _UNROLL:  # (MAXREPEAT included) read as unbounded: a loop
            loop = self.new()
            self.free[state].append(loop)
            self.free[self.add(items, loop)].append(loop)
            return loop
        for _ in range(high - low):
            end = self.new()
            self.free[state].append(end)
            self.free[self.add(items, state)].append(end)
            state = end
        return state

    def stays_simple(self, end: int) -> bool:
        """Whether every path from state 0 to *end* spells a value in the simple form."""
        # The states from which *end* can be reached: a path that leaves the shape matters only if it can go on.
        back: list[list[int]] = [[] for _ in self.moves]
        for state, (moves, free) in enumerate(zip(self.moves, self.free, strict=True)):
            for target in [*free, *(target for _, target in moves)]:
                back[target].append(state)
        live, todo = {end}, [end]
        while todo:
            for state in back[todo.pop()]:
                if state not in live:
                    live.add(state)
                    todo.append(state)
        seen = {(0, _START)}
        todo2 = [(0, _START)]
        while todo2:
            state, shape = todo2.pop()
            if state == end and not _accepts(shape):
                return False
            steps = [(target, shape) for target in self.free[state]]
            for symbols, target in self.moves[state]:
                if target in live:
                    for symbol in symbols:
                        after = _step(shape, symbol)
                        if after is None:
                            return False  # a value that leaves the shape, and a match that can go on
                        steps.append((target, after))
            for step in steps:
                if step not in seen:
                    seen.add(step)
                    todo2.append(step)
        return True


def _symbols(op: Any, arg: Any) -> frozenset[int] | None:
    """The symbols one parsed item matches, when it matches one character; else ``None``."""
    if op is _sre.LITERAL:
        return frozenset({arg if arg in _CHARS else _OTHER})
    if op is _sre.NOT_LITERAL:
        return _ALL - {arg}
    if op is _sre.ANY:
        return _ALL
    if op is not _sre.IN:
        return None
    chars: set[int] = set()
    other = False
    negate = False
    for kind, value in arg:
        if kind is _sre.NEGATE:
            negate = True
        elif kind is _sre.LITERAL:
            chars |= {value} & _CHARS
            other = other or value not in _CHARS
        elif kind is _sre.RANGE:
            low, high = value
            inside = {char for char in _CHARS if low <= char <= high}
            chars |= inside
            other = other or high - low + 1 > len(inside)
        elif kind is _sre.CATEGORY:
            chars |= _CATEGORIES.get(value, _CHARS)
            other = True
        else:
            raise _Unprovable(str(kind))
    if negate:
        return (_CHARS - chars) | {_OTHER}
    return frozenset(chars | ({_OTHER} if other else set()))


# The shape, as a deterministic automaton. A state is a tuple; None is the state of a value that left the shape.
# ("scheme", what of "http://" or "https://" came so far), ("label start",), ("label", starts with a letter),
# ("port", how many digits came, the digits while they may still spell 80 or 443, else None).
_START: tuple[Any, ...] = ("scheme", "")
_SCHEMES = ("http://", "https://")
_DEFAULT_PORTS = ("80", "443")


def _step(shape: tuple[Any, ...], symbol: int) -> tuple[Any, ...] | None:
    if symbol == _OTHER:
        return None
    kind, char = shape[0], chr(symbol)
    if kind == "scheme":
        text = shape[1] + char
        if text in _SCHEMES:
            return ("label start",)
        return ("scheme", text) if any(scheme.startswith(text) for scheme in _SCHEMES) else None
    if kind == "label start":
        return ("label", symbol in _LETTERS) if symbol in _LABEL else None
    if kind == "label":
        if symbol in _LABEL:
            return shape
        if char == ".":
            return ("label start",)
        return ("port", 0, "") if char == ":" and shape[1] else None
    # "port"
    count, prefix = shape[1], shape[2]
    if symbol not in _DIGITS or count == 4 or (count == 0 and char == "0"):
        return None
    if prefix is not None:
        prefix += char
        prefix = prefix if any(port.startswith(prefix) for port in _DEFAULT_PORTS) else None
    return ("port", count + 1, prefix)


def _accepts(shape: tuple[Any, ...]) -> bool:
    if shape[0] == "label":
        return bool(shape[1])
    return shape[0] == "port" and shape[1] > 0 and shape[2] not in _DEFAULT_PORTS
