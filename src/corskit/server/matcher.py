"""Which origins a policy allows: one matcher, compiled once, that reads the raw ``Origin`` value first.

Browsers send canonical origins (``https://app.example.com``: lowercase, no default port, no path), so nearly
every value is decided without parsing it:

1. ``*``: every origin, answered ``*``;
2. the exact origins: one set lookup, whatever their number;
3. every pattern at once: one anchored regex over the raw value (``https://[a-z0-9.-]+\\.example\\.com|…``);
4. a value in the *simple form* (``http(s)://``, a domain of letters, digits, ``-`` and ``.``, an optional port
   of up to four digits) that no pattern matched is a canonical origin no pattern allows: it goes to
   ``allow_origin_regex`` (which only ever sees canonical origins), then to the policy, which asks its
   ``origin_store`` and ``allow_origin_func``.

Anything else (IPv6 literals, long ports, ``_`` in a host, ``null``, junk) goes to the full parser,
:func:`corskit.spec.origins.parse_origin`, and the patterns' own :meth:`~.patterns.OriginPattern.matches`: the two
paths give the same verdict (``tests/server/test_matcher.py`` checks it on generated origins). Only canonical
origins are ever allowed, so an allowed value is safe to reflect as it is.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from ..spec.origins import DEFAULT_PORTS, MAX_ORIGIN_LENGTH, parse_origin
from .options import Options
from .patterns import OriginPattern

__all__ = ["ASK", "MALFORMED", "NOT_ALLOWED", "NULL_NOT_ALLOWED", "OriginMatcher", "Refusal", "Verdict"]


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

# The simple form: http(s), a host of letters, digits, "-" and "." whose last label starts with a letter (so it
# is a domain, not an IPv4 address in disguise: WHATWG "ends in a number"), and a port without leading zeros that
# is not 80 or 443 (default ports are never serialized; a value with one is left to the parser). A value in this
# form without ".." is a canonical origin. The bounded repeats also bound the work on a long value: the regex
# gives up, and the parser decides.
_PORT = "(?::(?!80\\Z|443\\Z)[1-9][0-9]{0,3})?"
_SIMPLE_FORM = f"https?://(?:[a-z0-9-][a-z0-9.-]{{0,252}}\\.)?[a-z][a-z0-9-]{{0,62}}{_PORT}"
_SIMPLE = re.compile(_SIMPLE_FORM).fullmatch
_MAX_HOST = 255


def pattern_regex(pattern: OriginPattern) -> str:
    """The regex source that matches exactly the simple-form origins *pattern* names."""
    port = f":{pattern.port}" if pattern.port is not None else ""
    if pattern.any_port:
        default = DEFAULT_PORTS.get(pattern.scheme)
        exclude = f"(?!{default}\\Z)" if default else ""
        port = f"(?::{exclude}[1-9][0-9]{{0,3}})?"
    host = re.escape(pattern.host)
    if pattern.subdomains:  # one or more labels before ".host", the whole host at most 255 characters
        host = f"[a-z0-9-][a-z0-9.-]{{0,{max(0, _MAX_HOST - 2 - len(pattern.host))}}}\\.{host}"
    return f"{re.escape(pattern.scheme)}://{host}{port}"


class OriginMatcher:
    """The compiled origin rules of one policy. Immutable; :meth:`match` is pure."""

    __slots__ = ("_any", "_ask", "_dynamic", "_exact", "_patterns", "_regex", "_sort")

    def __init__(self, options: Options) -> None:
        self._any = options.any_origin
        self._exact = options.exact_origins
        self._patterns = options.patterns
        # One regex call sorts a value: group 1 when a pattern names it, else the simple form, else no match.
        combined = "|".join(pattern_regex(p) for p in options.patterns)
        self._sort = re.compile(f"({combined})|{_SIMPLE_FORM}").fullmatch if combined else _SIMPLE
        self._regex = options.regex.fullmatch if options.regex is not None else None
        self._ask = options.allow_origin_func is not None or options.origin_store is not None
        self._dynamic = bool(options.patterns) or options.regex is not None or self._ask

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
            form = self._sort(origin)
            if form is not None and ".." not in origin:
                if form.lastindex:  # a pattern names it
                    return origin
                return self._beyond_patterns(origin)  # a canonical origin that no pattern names
        return self._parse_and_match(origin)

    def _beyond_patterns(self, origin: str) -> Verdict:
        """A canonical origin that neither the exact list nor a pattern allows: the regex, then the function."""
        if self._regex is not None and self._regex(origin):
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
        return self._beyond_patterns(origin)
