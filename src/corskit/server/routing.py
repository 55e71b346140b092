"""Per-path policies: different CORS rules for different parts of one app.

>>> from corskit import PathPolicies, Policy
>>> routes = PathPolicies({
...     "/api/public/*": Policy(allow_origins=["*"]),
...     "/api/*": Policy(allow_origins=["https://app.example.com"], allow_credentials=True),
...     "/webhooks/*": None,
... })
>>> routes.for_path("/api/public/feed").allow_origins
('*',)
>>> routes.for_path("/api/me").allow_credentials
True
>>> routes.for_path("/webhooks/stripe") is None
True

Two kinds of path pattern, nothing else (no regexes, no globs inside a segment):

* ``/api/admin`` (no ``*``) matches exactly that path.
* ``/api/*`` matches ``/api`` and every path below it (``/api/``, ``/api/x/y``), never ``/apix``. ``/*`` matches
  every path.

Precedence, most specific first: an exact pattern beats every prefix pattern; among prefix patterns the longest
wins. Two patterns can never tie, so the order of the mapping does not matter. A path that no pattern matches,
and a pattern mapped to ``None``, is left alone: no CORS header is added and every request (preflights included)
reaches the app.

Paths are compared as the server decoded them (percent-decoded, ``+`` left as ``+``), case-sensitively.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..spec.errors import ConfigError
from .options import OPTION_NAMES, unknown_option
from .policy import Policy

__all__ = ["PathPolicies", "build_policy"]


class PathPolicies:
    """A mapping of path patterns to :class:`~corskit.Policy` (or ``None``: CORS left to the app). Immutable."""

    __slots__ = ("_exact", "_prefix_lengths", "_prefixes", "is_async", "routes")

    routes: tuple[tuple[str, Policy | None], ...]
    is_async: bool
    _exact: dict[str, Policy | None]
    _prefixes: dict[str, Policy | None]
    _prefix_lengths: tuple[int, ...]

    def __init__(self, routes: Mapping[str, Policy | None]) -> None:
        if not isinstance(routes, Mapping) or not routes:
            raise ConfigError("PathPolicies needs a non-empty mapping such as {'/api/*': Policy(...)}")
        exact: dict[str, Policy | None] = {}
        prefixes: dict[str, Policy | None] = {}
        for pattern, policy in routes.items():
            if not isinstance(pattern, str) or not pattern.startswith("/"):
                raise ConfigError(f"path pattern {pattern!r} must be a string starting with '/'")
            if policy is not None and not isinstance(policy, Policy):
                raise ConfigError(f"path pattern {pattern!r} maps to {policy!r}; use a corskit.Policy or None")
            if pattern.endswith("/*"):
                stem = pattern[:-2]
                if "*" in stem:
                    raise ConfigError(f"path pattern {pattern!r}: '*' is allowed only as a final '/*'")
                prefixes[stem] = policy
            elif "*" in pattern:
                raise ConfigError(f"path pattern {pattern!r}: '*' is allowed only as a final '/*', e.g. '/api/*'")
            else:
                exact[pattern] = policy
        sup = super().__setattr__
        sup("routes", tuple(routes.items()))
        sup("_exact", exact)
        sup("_prefixes", prefixes)
        # Longest first: the first prefix that matches is the most specific.
        sup("_prefix_lengths", tuple(sorted({len(stem) for stem in prefixes}, reverse=True)))
        sup("is_async", any(p is not None and p.is_async for p in routes.values()))

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("PathPolicies is immutable; build a new one")

    def __repr__(self) -> str:
        return f"PathPolicies({dict(self.routes)!r})"

    def for_path(self, path: str) -> Policy | None:
        """The policy for *path* (``None``: leave the request to the app). Costs one lookup per distinct prefix
        length configured, whatever the path."""
        if path in self._exact:
            return self._exact[path]
        prefixes = self._prefixes
        for length in self._prefix_lengths:
            # '/api/*' matches '/api' and '/api/…', not '/apix'.
            if (len(path) == length or path[length : length + 1] == "/") and path[:length] in prefixes:
                return prefixes[path[:length]]
        if 0 in self._prefix_lengths:
            return prefixes[""]
        return None


def build_policy(policy: Policy | PathPolicies | None, options: Mapping[str, Any]) -> Policy | PathPolicies:
    """What a middleware's ``(policy=None, **policy_kwargs)`` arguments mean: the given policy, or a new one."""
    if policy is None:
        for name in options:
            if name not in OPTION_NAMES:
                raise unknown_option("CORSMiddleware", name)
        return Policy(**options)
    if options:
        raise ConfigError(f"pass either policy= or keyword options ({', '.join(options)}), not both")
    if isinstance(policy, (str, list, tuple, set, frozenset)):
        origins = _clip(repr([policy] if isinstance(policy, str) else list(policy)))
        raise ConfigError(
            f"CORSMiddleware(app, {_clip(repr(policy))}): the options are keywords, as in Starlette's "
            f"CORSMiddleware: write CORSMiddleware(app, allow_origins={origins})"
        )
    if not isinstance(policy, (Policy, PathPolicies)):
        raise ConfigError(f"policy must be a corskit.Policy or corskit.PathPolicies, got {policy!r}")
    return policy


def _clip(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 4] + "...]"
