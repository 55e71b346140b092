"""The one header merge: how an answer's headers meet the app's response headers, in every adapter.

* The policy owns ``Access-Control-*``: the app's own are dropped, whatever the answer, so that a refused origin
  never gets an app's ``Access-Control-Allow-Origin: *``.
* The answer's headers are added after the app's.
* ``Vary`` becomes one line: the app's names, then the answer's, without duplicates (RFC 9110 §12.5.5).
* Every other header the app sent is kept, in order, read once from whatever iterable it came as (ASGI allows
  any iterable, a generator included).

Header lists come in two forms: text pairs (WSGI, Django) and latin-1 bytes pairs with lowercase names (ASGI).
:data:`TEXT` and :data:`BYTES` say how to write each; :func:`edit` and :func:`merge` are the same code for both.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from ..spec.headers import is_token, lowercase_ascii, split_list
from .bounded import remember
from .decisions import ALLOW_ORIGIN, VARY, ActualDecision, Fields, PreflightDecision

__all__ = ["BYTES", "TEXT", "Block", "Wire", "edit", "is_owned_header", "merge", "merge_encoded", "merge_vary"]

#: A header pair as the adapter holds it: ``(str, str)``, or ``(bytes, bytes)`` (ASGI, where a list will do).
Header = Sequence[Any]
#: Header pairs in one form, as an answer adds them after ``Access-Control-Allow-Origin``.
Block = tuple[Header, ...]

#: Blocks of fixed headers a :class:`Wire` remembers in their encoded form.
_MEMO_SIZE = 4096
#: An app's ``Vary`` with more items than this is answered ``Vary: *``.
MAX_VARY_ITEMS = 256


class Wire:
    """One form of header list: how to write an answer's headers in it, and how to recognise ours and ``Vary``.

    The bytes form remembers the encoded block of fixed headers that a policy's answers share, so an answer costs
    the encoding of its ``Access-Control-Allow-Origin`` alone.
    """

    __slots__ = (
        "_blocks",
        "_is_bytes",
        "_origin_value",
        "allow_origin",
        "b",
        "owned_prefix",
        "v",
        "vary",
        "vary_name",
        "w",
    )

    #: Names sorting before ``b`` (every capitalised name, ``a…``) or from ``v`` to ``w`` are the only ones that
    #: can be ``Access-Control-*`` or ``Vary``: two comparisons set every other name aside.
    b: Any
    v: Any
    w: Any
    #: ``vary`` and ``access-control-`` as this form spells them, to compare lowercased names with.
    vary: Any
    owned_prefix: Any
    #: ``Vary`` as this form writes it.
    vary_name: Any
    #: ``Access-Control-Allow-Origin`` as this form writes it.
    allow_origin: Any
    _is_bytes: bool
    _origin_value: Any
    _blocks: dict[Fields, Block]

    def __init__(self, b: Any, v: Any, w: Any, vary: Any, owned_prefix: Any, vary_name: Any, allow_origin: Any) -> None:
        self.b, self.v, self.w = b, v, w
        self.vary, self.owned_prefix, self.vary_name = vary, owned_prefix, vary_name
        self.allow_origin = allow_origin
        self._is_bytes = isinstance(b, bytes)
        # An allowed origin is a canonical origin or "*": ASCII, so encoding it is a copy.
        self._origin_value = str.encode if self._is_bytes else str
        self._blocks = {}

    def value(self, text: str) -> Any:
        """*text* (latin-1) as a header value of this form."""
        return text.encode("latin-1") if self._is_bytes else text

    def text(self, value: Any) -> str:
        """A header value of this form as text."""
        return value.decode("latin-1") if isinstance(value, bytes) else str(value)

    def fields(self, answer: ActualDecision | PreflightDecision) -> Block:
        """Every header of *answer*, in this form."""
        return self.joined(self.encode(answer))

    def joined(self, encoded: tuple[Any, Block]) -> Block:
        """Every header of an answer in this form, from :meth:`encode`'s ``(allow_origin, block)``."""
        allow_origin, block = encoded
        if allow_origin is None:
            return block
        return ((self.allow_origin, allow_origin), *block)

    def encode(self, answer: ActualDecision | PreflightDecision) -> tuple[Any, Block]:
        """*answer* in this form: its ``Access-Control-Allow-Origin`` value (or ``None``) and the headers after it."""
        if not self._is_bytes:
            return answer.allow_origin, answer.fixed
        block = self._blocks.get(answer.fixed)
        if block is None:  # (not `or`: a '*' answer's block is empty, and falsy)
            block = self.block(answer.fixed)
        allow_origin = answer.allow_origin
        return (None if allow_origin is None else self._origin_value(allow_origin)), block

    def block(self, fixed: Fields) -> Block:
        """*fixed* in this form (bytes: lowercase names, remembered)."""
        if not self._is_bytes:
            return fixed
        block = tuple((self.value(n.lower()), self.value(v)) for n, v in fixed)
        remember(self._blocks, fixed, block, _MEMO_SIZE)
        return block


#: Text pairs, names as the policy spells them (WSGI, Django).
TEXT = Wire("b", "v", "w", "vary", "access-control-", VARY, ALLOW_ORIGIN)
#: Latin-1 byte pairs, lowercase names (ASGI).
BYTES = Wire(b"b", b"v", b"w", b"vary", b"access-control-", b"vary", ALLOW_ORIGIN.lower().encode("latin-1"))


def merge(headers: Iterable[Header], answer: ActualDecision, wire: Wire) -> list[Header]:
    """The app's response *headers* with the *answer* applied: a new list (the app's is never changed)."""
    return merge_encoded(headers, wire.encode(answer), wire)


def merge_encoded(headers: Iterable[Header], encoded: tuple[Any, Block], wire: Wire) -> list[Header]:
    """:func:`merge` for an answer already in the *wire*'s form: ``(allow_origin, block)`` (:meth:`Wire.encode`,
    :mod:`.encoded`). (The ASGI middleware writes its common case, the last lines, inline; a test checks that it
    sends what this gives.)"""
    if type(headers) is not list and type(headers) is not tuple:
        headers = [*headers]  # read once: any iterable will do
    b, v, w = wire.b, wire.v, wire.w
    for name, _ in headers:
        if name < b or v <= name < w:  # maybe Access-Control-* or Vary: the full edit
            kept, added = _edit(headers, wire.joined(encoded), wire)
            kept += added
            return kept
    # The common case: the app's headers, then the answer's.
    allow_origin, block = encoded
    if allow_origin is None:
        return [*headers, *block]
    return [*headers, (wire.allow_origin, allow_origin), *block]


def edit(headers: Iterable[Header], answer: ActualDecision, wire: Wire) -> tuple[list[Header], list[Header]]:
    """The app's *headers* split into those kept (in order) and those the *answer* adds (``Vary`` merged).

    Reads *headers* once. :func:`merge` concatenates the two; Django, whose headers are a mapping, deletes what
    was not kept and sets what is added.
    """
    return _edit(headers, wire.fields(answer), wire)


def _edit(headers: Iterable[Header], fields: Block, wire: Wire) -> tuple[list[Header], list[Header]]:
    kept: list[Header] = []
    app_vary: list[str] = []
    for pair in headers:
        lower = pair[0].lower()
        if lower == wire.vary:
            app_vary.append(wire.text(pair[1]))
        elif not lower.startswith(wire.owned_prefix):
            kept.append(pair)
    added = [*fields]
    if app_vary:
        ours = () if not added or added[-1][0] != wire.vary_name else split_list(wire.text(added.pop()[1])) or ()
        line = merge_vary(", ".join(app_vary), ours)
        if line:
            added.append((wire.vary_name, wire.value(line)))
    return kept, added


def is_owned_header(name: str) -> bool:
    """True for a response header the policy owns (``Access-Control-*``): the merge drops the app's own."""
    return name[:1] in "aA" and name.lower().startswith("access-control-")


def merge_vary(existing: str | None, names: Sequence[str]) -> str:
    """One ``Vary`` value: the *existing* field names, then *names*, without duplicates (case-insensitive).

    ``*`` absorbs everything (RFC 9110 §12.5.5); items that are not field names are dropped.
    """
    items = split_list(existing or "", max_items=MAX_VARY_ITEMS)
    if items is None:  # an absurdly long Vary: "*" still says what it meant (vary on more than the URL)
        return "*"
    out: list[str] = []
    seen: set[str] = set()
    for item in [*items, *names]:
        if item == "*":
            return "*"
        key = lowercase_ascii(item)
        if key not in seen and is_token(item):
            seen.add(key)
            out.append(item)
    return ", ".join(out)
