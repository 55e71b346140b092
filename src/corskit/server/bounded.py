"""Bounded tables: what the server side remembers, and how it forgets.

A table is a plain dictionary of remembered entries, after the entries it may keep for good (:func:`forget`'s
*keep*: the exact origins' answers). Once it holds more than its size, the oldest half of what it remembered goes
(dictionaries keep insertion order): remembering costs a store and a length check, and the forgetting, spread over
the entries that caused it, about as much again. Nothing is ever cleared wholesale: the newest half always stays,
so a flood of never-seen keys turns a table over and never reaches what it keeps.
"""

from __future__ import annotations

from collections import deque
from itertools import islice, repeat
from typing import Any

__all__ = ["forget", "remember"]


def remember(table: dict[Any, Any], key: object, value: object, size: int, keep: int = 0) -> None:
    """Set ``table[key] = value``; past *size* entries after the first *keep*, :func:`forget`. (Hot paths write
    these lines inline.)"""
    table[key] = value
    if len(table) > keep + size:
        forget(table, size, keep)


def forget(table: dict[Any, Any], size: int, keep: int = 0) -> None:
    """Drop the oldest entries of *table* until half of *size* remain, past its first *keep* entries (which stay:
    a table may begin with what is kept for good)."""
    # (A snapshot, then pop with a default: threads racing here at worst forget a little more. The pops run in C:
    # a deque of length 0 consumes the map.)
    old = list(islice(table, keep, len(table) - size // 2))
    deque(map(table.pop, old, repeat(None, len(old))), maxlen=0)
