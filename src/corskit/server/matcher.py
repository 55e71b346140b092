"""Which origins a policy allows: one matcher, compiled once, that reads the raw ``Origin`` value first.

Browsers send canonical origins (``https://app.example.com``: lowercase, no default port, no path), so nearly
every value is decided without parsing it:

1. ``*``: every origin, answered ``*``;
2. the exact origins: one set lookup, whatever their number;
3. two anchored regexes over the raw value, the *sorter* (:class:`Sorter`): one that every pattern and
   ``allow_origin_regex`` share, ``<pattern>|<pattern>|(?=<simple form>\\Z)(?:<the regex>)``, allows a value it
   matches; else a value in the *simple form* (``http(s)://``, a domain of at most 29 labels of letters, digits
   and ``-``, an optional port of up to four digits) is a canonical origin the static rules refuse, which the
   policy may then ask its ``origin_store`` and ``allow_origin_func`` about. ``allow_origin_regex`` only ever
   allows canonical origins: it sees only values in the simple form, unless :mod:`.canonical_regex` proves, once,
   that it matches nothing outside that shape (then its guard is only a length bound). (A regex that cannot share
   the sorter, such as one that sets global inline flags, ``(?i)…``, is called on its own after it.)

Anything else (IPv6 literals, long ports, ``_`` in a host, ``null``, junk) goes to the full parser,
:func:`corskit.spec.origins.parse_origin`, and the patterns' own :meth:`~.patterns.OriginPattern.matches`: the two
paths give the same verdict (``tests/server/test_matcher.py`` checks it on generated origins). Only canonical
origins are ever allowed, so an allowed value is safe to reflect as it is.
"""

from __future__ import annotations

import re
import sys
import warnings
from typing import Any, NamedTuple

from ..spec.origins import DEFAULT_PORTS, MAX_ORIGIN_LENGTH, parse_origin
from .canonical_regex import only_simple_origins
from .options import Options
from .patterns import OriginPattern

__all__ = [
    "ASK",
    "MALFORMED",
    "NOT_ALLOWED",
    "NULL_NOT_ALLOWED",
    "OriginMatcher",
    "Refusal",
    "Sorter",
    "Verdict",
    "no_match",
]


class Refusal(NamedTuple):
    """Why the static rules do not allow an origin; ``ask``: the origin store or ``allow_origin_func`` may."""

    reason: str
    ask: bool = False


MALFORMED = Refusal("malformed Origin")
NOT_ALLOWED = Refusal("origin not allowed")
NULL_NOT_ALLOWED = Refusal("the 'null' origin is not listed in allow_origins")
ASK = Refusal("origin not allowed", ask=True)

#: The ``Access-Control-Allow-Origin`` value for an allowed origin (the origin itself, or ``*``), or a refusal.
Verdict = str | Refusal

# The simple form: http(s), a host of at most _MAX_LABELS labels of letters, digits and "-" (1 to 63 of them)
# whose last starts with a letter (so it is a domain, not an IPv4 address in disguise: WHATWG "ends in a number"),
# and a port without leading zeros that is not 80 or 443 (default ports are never serialized; a value with one is
# left to the parser). A value in this form is a canonical origin, shorter than MAX_ORIGIN_LENGTH. The bounded
# repeats also bound the work on a long value: the regex gives up, and the parser decides.
#
# Each part is taken whole once matched (possessive quantifiers, from Python 3.11; the same language without them
# on 3.10): what follows a label is a dot, a colon or the end, never a label's character, and what follows the
# labels and dots is the last label, so giving anything back could not match, only cost the work of trying.
_ONCE = "+" if sys.version_info >= (3, 11) else ""
_LABEL = f"[a-z0-9-]{{1,63}}{_ONCE}"
_MAX_LABELS = 29
_PORT = f"(?::(?!80\\Z|443\\Z)[1-9][0-9]{{0,3}}{_ONCE})?{_ONCE}"
_SIMPLE_FORM = f"https?://(?:{_LABEL}\\.){{0,{_MAX_LABELS - 1}}}{_ONCE}[a-z][a-z0-9-]{{0,62}}{_ONCE}{_PORT}"
_ANY_LENGTH = f"(?=(?s:.){{0,{MAX_ORIGIN_LENGTH}}}{_ONCE}\\Z)"  # a value no longer than an origin can be
_SIMPLE = re.compile(_SIMPLE_FORM)
_SIMPLE_BYTES = re.compile(_SIMPLE_FORM.encode("ascii"))


def pattern_regex(pattern: OriginPattern) -> str | None:
    """The regex source that matches exactly the simple-form origins *pattern* names; ``None`` for a subdomain
    pattern whose host leaves no room in the simple form for a subdomain (29 labels or more)."""
    port = f":{pattern.port}" if pattern.port is not None else ""
    if pattern.any_port:
        default = DEFAULT_PORTS.get(pattern.scheme)
        exclude = f"(?!{default}\\Z)" if default else ""
        port = f"(?::{exclude}[1-9][0-9]{{0,3}})?"
    host = re.escape(pattern.host)
    if pattern.subdomains:
        # One or more labels before ".host" (tried shortest first: the tail decides early), as many as the
        # simple form holds, in at most MAX_ORIGIN_LENGTH characters.
        room = MAX_ORIGIN_LENGTH - len(f"{pattern.scheme}://.{pattern.host}:65535")
        labels = min(_MAX_LABELS - pattern.host.count(".") - 1, room // 64)
        if labels < 1:
            return None
        host = f"{_LABEL}(?:\\.{_LABEL}){{0,{labels - 1}}}?\\.{host}"
    return f"{re.escape(pattern.scheme)}://{host}{port}"


def pattern_tail(pattern: OriginPattern) -> str | None:
    """How every origin *pattern* names ends (``.example.com``, ``.dev.test:8080``); ``None`` for a port wildcard."""
    if pattern.any_port:
        return None
    return f".{pattern.host}" if pattern.port is None else f".{pattern.host}:{pattern.port}"


# The flags a regex can keep in a group of its own, inside the sorter; a regex with any other flag stays apart.
_SCOPED_FLAGS = {re.IGNORECASE: "i", re.MULTILINE: "m", re.DOTALL: "s", re.VERBOSE: "x", re.ASCII: "a"}
_SCOPED = re.IGNORECASE | re.MULTILINE | re.DOTALL | re.VERBOSE | re.ASCII


def _scoped(regex: re.Pattern[str]) -> str | None:
    """*regex* as a group that keeps its own flags, to share the sorter; ``None`` if it cannot."""
    flags = regex.flags & ~re.UNICODE
    letters = "".join(letter for flag, letter in _SCOPED_FLAGS.items() if flags & flag)
    if flags & ~_SCOPED:
        return None
    end = "\n" if flags & re.VERBOSE else ""  # (a trailing comment must not swallow what follows)
    return f"(?{letters}:{regex.pattern}{end})"


def _compile(source: str | bytes) -> re.Pattern[Any] | None:
    """*source* compiled, or ``None`` if it does not compile cleanly (a warning counts: Python 3.10 warns where
    3.11 refuses, such as global flags in the middle of a pattern)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            return re.compile(source)
        except (re.error, ValueError, Warning):
            return None


class Sorter(NamedTuple):
    """The two regexes that sort a value of one form: text, or the latin-1 bytes ASGI carries (:mod:`.encoded`).

    ``allow(value)`` matches a value that a pattern or the regex allows: a canonical origin, safe to reflect as it
    is. Else ``simple(value)`` matches a canonical origin that the static rules refuse, for good when ``final``
    (nothing else may allow it); neither matches a value only :meth:`OriginMatcher.match` settles.
    ``ends``: when not ``None``, every value the static rules allow ends with one of these (``.example.com``), and
    nothing else may allow one: a value that does not is refused without a regex.
    """

    allow: Any
    simple: Any
    final: bool
    ends: Any


def no_match(value: object) -> None:
    """A sorter's regex that matches nothing: ``allow`` for a policy with neither patterns nor a regex to share
    it."""
    return None


class OriginMatcher:
    """The compiled origin rules of one policy. Immutable; :meth:`match` is pure."""

    __slots__ = ("_allow", "_any", "_apart", "_ask", "_dynamic", "_exact", "_patterns", "_regex", "_simple", "_sorters")

    def __init__(self, options: Options) -> None:
        self._any = options.any_origin
        self._exact = options.exact_origins
        self._patterns = options.patterns
        self._ask = options.allow_origin_func is not None or options.origin_store is not None
        self._dynamic = bool(options.patterns) or options.regex is not None or self._ask
        regex = options.regex
        self._regex = regex.fullmatch if regex is not None else None
        # One regex call allows a value: the patterns' and the regex's (if it can share it; else it is called
        # apart, after the simple form). The regex only ever allows canonical origins.
        allowed = [source for source in map(pattern_regex, options.patterns) if source is not None]
        shared = None if regex is None else _scoped(regex)
        allow = None
        if regex is not None and shared is not None:
            # Only values in the simple form reach the regex, unless it is proved to match no other: then only the
            # length is bounded (a lookahead that costs the same whatever the value), not the form (a second pass).
            guard = _ANY_LENGTH if only_simple_origins(regex) else f"(?={_SIMPLE_FORM}\\Z)"
            allow = _compile("|".join([*allowed, f"{guard}{shared}"]))
        if allow is None:
            shared = None
            allow = _compile("|".join(allowed)) if allowed else None
        self._apart = self._regex if shared is None else None
        final = not self._ask and self._apart is None
        tails = [pattern_tail(p) for p in options.patterns]
        only_patterns = bool(tails) and options.regex is None and not self._ask
        ends = tuple(t for t in tails if t is not None) if only_patterns and None not in tails else None
        self._allow = allow.fullmatch if allow is not None else no_match
        self._simple = _SIMPLE.fullmatch
        # The bytes form; a regex only text can spell (\u00e9) has none, and the matcher then decodes every value.
        if allow is None:
            allow_bytes: Any = no_match
        else:
            binary = _compile(allow.pattern.encode("ascii")) if allow.pattern.isascii() else None
            allow_bytes = binary.fullmatch if binary is not None else None
        bytes_ends = None if ends is None else tuple(e.encode("ascii") for e in ends)
        self._sorters: dict[type, Sorter | None] = {
            str: Sorter(self._allow, self._simple, final, ends),
            bytes: None if allow_bytes is None else Sorter(allow_bytes, _SIMPLE_BYTES.fullmatch, final, bytes_ends),
        }

    def sorter(self, form: type) -> Sorter | None:
        """The sorter for values of type *form* (``str`` or ``bytes``); ``None`` when there is none for bytes (a
        regex that only text can spell, such as ``\\u00e9``)."""
        return self._sorters[form]

    def is_exact(self, origin: str) -> bool:
        """True when *origin* is one of the exact origins the policy lists."""
        return origin in self._exact

    def match(self, origin: str) -> Verdict:
        """The static rules' verdict on an ``Origin`` value (any text: it is validated here)."""
        if self._any:
            return "*"
        if origin in self._exact:
            return origin
        if self._dynamic:
            if self._allow(origin):  # a pattern or the regex allows it
                return origin
            if self._simple(origin):  # a canonical origin that neither allows
                return self._beyond(origin, self._apart)
        return self._parse_and_match(origin)

    def _beyond(self, origin: str, regex: Any) -> Verdict:
        """A canonical origin that neither the exact list nor a pattern allows: *regex* (the regex, if it has not
        seen the value), then the function or the store."""
        if regex is not None and regex(origin):
            return origin
        return ASK if self._ask else NOT_ALLOWED

    def _parse_and_match(self, origin: str) -> Verdict:
        """The slow path: parse the value, then try each pattern on the parsed origin."""
        if len(origin) > MAX_ORIGIN_LENGTH or not origin.isascii() or not origin.isprintable():
            return MALFORMED
        if not self._dynamic:
            return NOT_ALLOWED
        parsed = parse_origin(origin)
        if parsed is None:
            return MALFORMED
        if parsed.opaque:
            return NULL_NOT_ALLOWED
        for pattern in self._patterns:
            if pattern.matches(parsed):
                return origin
        # parse_origin returns only canonical origins: what matches from here on is safe to reflect.
        return self._beyond(origin, self._regex)
