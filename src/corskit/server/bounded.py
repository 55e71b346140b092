"""Bounded tables: what the server side remembers, and how it forgets.

Once a table is full, every new entry pushes out the oldest one (first in, first out). Nothing is ever cleared
wholesale, so a flood of never-seen keys turns a table over one entry at a time, and entries kept outside it (the
exact origins' answers) are out of its reach.
"""

from __future__ import annotations

from collections import deque
from typing import Any

__all__ = ["remember"]


def remember(table: dict[Any, Any], order: deque[Any], key: object, value: object, size: int) -> None:
    """Set ``table[key] = value``; *order* lists the keys remembered so far, oldest first, at most *size* of them."""
    table[key] = value
    order.append(key)
    if len(order) > size:  # (threads racing here each pop one key: *order* never runs dry, as size >= 1)
        table.pop(order.popleft(), None)
