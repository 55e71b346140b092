"""A policy's answers, encoded once for one header form: the adapters' hot path.

An adapter holds the raw ``Origin`` value as its server gave it (bytes in ASGI, text in WSGI). Calling an
:class:`EncodedAnswers` with it gives what to write, in that form: the ``Access-Control-Allow-Origin`` value (the
raw value itself, ``*``, or ``None``) and the block of headers that follows it, encoded when the policy was built.
It settles, without building an :class:`~.decisions.ActualDecision`:

* no ``Origin``, an exact origin, a value decided before, and any origin of a ``*`` policy: one dictionary
  lookup (:attr:`EncodedAnswers.known`);
* any other value, for an exact-only policy: refused without a look;
* for a policy of subdomain patterns, a value that does not end as one of them (``.example.com``): refused;
  a value refused without a look is remembered when it comes twice in a row (a client that retries), so a flood
  of never-seen values costs no more than it did;
* every other value: the matcher's sorter (:class:`.matcher.Sorter`) on the raw value (one regex call, which the
  patterns and the regex share, for a value they allow); what it cannot settle, :meth:`.matcher.OriginMatcher.match`
  does. The allowed values are reflected as they came (the matcher allows canonical origins only). One decided
  value in :data:`ADMIT_EVERY`, at random, is remembered by raw value in :attr:`~EncodedAnswers.known`, a bounded
  table past the exact origins (:mod:`.bounded`): a value that repeats is remembered within a few of its requests,
  whatever comes between them, while most never-seen values cost no write and a flood of them turns the table
  over that many times slower.

:meth:`EncodedAnswers.preflight` does the same for a preflight, its grant encoded once per (method, headers)
values. Both return ``None`` when only the :class:`~.policy.Policy` can answer: an origin store or
``allow_origin_func`` to ask, a refused method or header (with its reason), or a refusal to log (the ``corskit``
logger at DEBUG).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from random import random
from typing import Any

from ..spec.origins import MAX_ORIGIN_LENGTH
from .bounded import forget, remember
from .decisions import Fields, PreflightDecision
from .matcher import MALFORMED, NOT_ALLOWED, Refusal, Sorter, Verdict, no_match
from .merge import Block, Header, Wire
from .options import Options

__all__ = ["ADMIT_EVERY", "MEMO_SIZE", "Encoded", "EncodedAnswers", "Preflight"]

#: ``(Access-Control-Allow-Origin value or None, the headers after it)``, in one header form.
Encoded = tuple[Any, Block]
#: ``(status, headers, body)`` of a preflight's answer, in one header form (the headers a list of its own).
Preflight = tuple[int, list[Header], bytes]
#: Decided answers remembered by raw value, where deciding costs a regex call (past it, the oldest half goes).
MEMO_SIZE = 1024
#: One decided value in this many, on average, is remembered: writing to the table costs about what the regex call
#: it saves does, which a value that never comes back does not repay (one that does soon gets its turn).
ADMIT_EVERY = 8

# Whether the corskit logger wants refusals at DEBUG: the answer it keeps per level is read first (a dictionary
# lookup, where isEnabledFor is a Python call): False there is isEnabledFor's own answer, anything else asks it (and
# it fills that cache). The cache is private to logging: an empty dictionary stands in where there is none.
_logger = logging.getLogger("corskit")
_debug_enabled = _logger.isEnabledFor
_levels = getattr(_logger, "_cache", None)
_cached_level = (_levels if isinstance(_levels, dict) else {}).get
_DEBUG = logging.DEBUG


class EncodedAnswers:
    """The answers of one policy in one header form (:data:`.merge.BYTES` or :data:`.merge.TEXT`)."""

    __slots__ = (
        "_allow",
        "_allowed",
        "_ends",
        "_final",
        "_grant",
        "_grants",
        "_kept",
        "_last_refused",
        "_limit",
        "_match",
        "_origin_refusals",
        "_refuse",
        "_refused",
        "_simple",
        "_star",
        "_static",
        "_status",
        "_table",
        "_turn",
        "_wire",
        "decide",
        "known",
    )

    #: The answer for a raw value that needs no look at it (no ``Origin``, an exact origin, one decided before),
    #: else ``None``: one dictionary lookup, which adapters call first (then :attr:`decide`).
    known: Callable[[Any], Encoded | None]
    #: :meth:`__call__` for a value :attr:`known` did not answer: the function for the policy's shape, chosen once
    #: (:meth:`_any_origin`, :meth:`_refuse_without_a_look`, :meth:`_sort`).
    decide: Callable[[Any], Encoded | None]

    def __init__(
        self,
        wire: Wire,
        options: Options,
        match: Callable[[str], Verdict],
        sorter: Sorter | None,
        grant: Callable[[Any, Any, Any], Fields | None],
        refuse: Callable[[str], PreflightDecision],
        allowed: Fields,
        refused: Fields,
    ) -> None:
        self._wire = wire
        self._match = match
        self._grant = grant
        self._grants: dict[tuple[Any, Any, Any], Block] = {}
        self._status = options.preflight_status
        self._refuse = refuse
        self._origin_refusals: dict[str, tuple[int, Block, bytes]] = {}  # one per reason: a handful
        self._allowed = wire.block(allowed)
        self._refused: Encoded = (None, wire.block(refused))
        self._star: Encoded | None = (wire.value("*"), self._allowed) if options.any_origin else None
        # An exact-only policy refuses whatever it does not list: no value to look at.
        self._static = not (options.patterns or options.regex or options.allow_origin_func or options.origin_store)
        # The sorter in this form; without one (a regex only text can spell), every value goes to the matcher.
        self._allow = sorter.allow if sorter is not None else no_match
        self._simple = sorter.simple if sorter is not None else no_match
        self._final = sorter is not None and sorter.final
        self._ends = sorter.ends if sorter is not None else None
        # Every answer that needs no look at the value: no Origin, and each exact origin under its own spelling,
        # kept for the policy's life; after them, up to MEMO_SIZE values decided since (the oldest half goes).
        table: dict[Any, Encoded] = {None: self._star or self._refused}
        for origin in options.exact_origins:
            value = wire.value(origin)
            table[value] = (value, self._allowed)
        self._table = table
        self._kept = len(table)
        self._limit = self._kept + MEMO_SIZE
        self.known = table.get
        self._last_refused: Any = None
        self._turn = 1  # decisions left until one is remembered (the first one is)
        self.decide = self._any_origin if self._star else self._refuse_without_a_look if self._static else self._sort

    def __call__(self, origin: Any) -> Encoded | None:
        """What to write for this raw ``Origin`` value (``None`` when absent); ``None`` when the policy must answer."""
        return self.known(origin) or self.decide(origin)

    def _any_origin(self, origin: Any) -> Encoded | None:
        """:attr:`decide` for a ``*`` policy: every origin is allowed, answered ``*``."""
        return self._star

    def _refuse_without_a_look(self, origin: Any) -> Encoded | None:
        """:attr:`decide` for an exact-only policy (a value it does not list), and :meth:`_sort`'s for a value that
        ends as no pattern: refused without a look. The value is remembered when it comes twice in a row (a client
        that retries; a flood of never-seen values is not), if it is no longer than an origin can be."""
        if _cached_level(_DEBUG) is not False and _debug_enabled(_DEBUG):
            return None  # the policy logs the refusal
        if origin == self._last_refused and len(origin) <= MAX_ORIGIN_LENGTH:
            remember(self._table, origin, self._refused, MEMO_SIZE, self._kept)
        self._last_refused = origin
        return self._refused

    def _sort(self, origin: Any) -> Encoded | None:
        """:attr:`decide` for a policy of patterns, a regex, a function or a store."""
        if self._ends is not None and not origin.endswith(self._ends):
            return self._refuse_without_a_look(origin)
        if self._allow(origin) is not None:
            answer = (origin, self._allowed)  # (the sorter allows canonical origins only)
        elif self._simple(origin) is None:  # not in the simple form: the matcher parses it
            text = origin.decode("latin-1") if type(origin) is bytes else origin
            verdict = self._match(text)
            if type(verdict) is str:
                answer = (origin, self._allowed)  # (the matcher allows canonical origins only: the raw value is one)
            elif verdict.ask or _debug_enabled(_DEBUG):  # type: ignore[union-attr]
                return None  # the policy asks, or logs
            elif verdict is MALFORMED:
                return self._refused  # (not remembered: junk may be long)
            else:
                answer = self._refused
        elif not self._final or (_cached_level(_DEBUG) is not False and _debug_enabled(_DEBUG)):
            return None  # the policy asks, or calls the regex apart, or logs
        else:
            answer = self._refused
        self._turn -= 1
        if self._turn > 0:  # (> 0: threads racing here at worst remember one more or one less)
            return answer
        self._turn = _next_turn()
        table = self._table
        table[origin] = answer  # remembered (bounded.remember, inline: this is the path of never-seen origins)
        if len(table) > self._limit:
            forget(table, MEMO_SIZE, keep=self._kept)
        return answer

    def preflight(self, origin: Any, method: Any, headers: Any, private: Any) -> Preflight | None:
        """``(status, headers, body)`` of the answer to a preflight, from its raw ``Origin``,
        ``Access-Control-Request-Method``, ``-Headers`` and ``-Private-Network`` values; ``None`` when the policy
        must answer (:meth:`.policy.Policy.preflight`: an origin to ask about, a refused method or header, with its
        reason, a refusal to log)."""
        answer = self.known(origin) or self.decide(origin)
        if answer is None:
            return None
        if answer[0] is None or origin is None:
            if _cached_level(_DEBUG) is not False and _debug_enabled(_DEBUG):
                return None  # the policy logs the refusal
            return self._origin_refusal(origin)
        key = (method, headers, private)
        block = self._grants.get(key)
        if block is None:
            fields = self._grant(method, headers, private)
            if fields is None:
                return None
            block = self._wire.block(fields)
            grants = self._grants
            grants[key] = block
            if len(grants) > MEMO_SIZE:
                forget(grants, MEMO_SIZE)
        return self._status, [(self._wire.allow_origin, answer[0]), *block], b""

    def _origin_refusal(self, origin: Any) -> Preflight:
        """The policy's refusal of a preflight whose origin it refuses, for the reason it gives, encoded."""
        if origin is None:
            reason = "no Origin"
        else:
            verdict = self._match(origin.decode("latin-1") if type(origin) is bytes else origin)
            reason = verdict.reason if isinstance(verdict, Refusal) else NOT_ALLOWED.reason
        refusal = self._origin_refusals.get(reason)
        if refusal is None:
            decision = self._refuse(reason)
            refusal = self._origin_refusals[reason] = (decision.status, self._wire.fields(decision), decision.body)
        return refusal[0], [*refusal[1]], refusal[2]  # (a new list: what the app's outer middleware may edit)


def _next_turn() -> int:
    """How many decisions until the next one is remembered: 1 to 2 × ADMIT_EVERY − 1, at random (ADMIT_EVERY on
    average), so that no order of requests can keep a value that repeats from its turn."""
    return 1 + int(random() * (2 * ADMIT_EVERY - 1))
