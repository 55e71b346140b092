"""Origin patterns: the two wildcard forms a policy accepts, and the guards that refuse over-broad ones.

A pattern is ``scheme://host[:port]`` with exactly one of these wildcards (or both):

* ``*.`` as the whole leftmost label: ``https://*.example.com`` matches ``https://a.example.com`` and
  ``https://a.b.example.com`` (one or more labels), never the apex ``https://example.com`` nor a look-alike such as
  ``https://xexample.com.attacker.io``. The base domain must not be a public suffix (``*.com``, ``*.co.uk``,
  ``*.github.io`` are refused: :mod:`corskit.spec.domains`).
* ``:*`` as the port: ``http://localhost:*`` matches ``http://localhost`` on any port, the default port included.

The scheme is always literal. Matching is done on the parsed, canonical origin (lowercase, punycode, no default
port), so there is no string trick (case, trailing dots, user info) that gets around it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..spec.domains import is_public_suffix
from ..spec.errors import ConfigError
from ..spec.origins import Origin, OriginError, normalize_origin

_FORMS = "supported wildcards: 'https://*.example.com' (any subdomain) and 'http://localhost:*' (any port)"


def _is_ip(host: str) -> bool:
    return host.startswith("[") or host.replace(".", "").isdigit()


@dataclass(frozen=True, slots=True)
class OriginPattern:
    """A compiled origin pattern. ``host`` is the exact host, or the base domain of a subdomain wildcard."""

    text: str
    scheme: str
    host: str
    subdomains: bool
    port: int | None
    any_port: bool
    suffix: str = ""

    def matches(self, origin: Origin) -> bool:
        """True when the canonical *origin* is one this pattern names."""
        if origin.scheme != self.scheme:
            return False
        if not self.any_port and origin.port != self.port:
            return False
        if self.subdomains:
            return origin.host.endswith(self.suffix)
        return origin.host == self.host


def compile_origin_pattern(text: str) -> OriginPattern:
    """Compile a pattern such as ``https://*.example.com`` or ``http://localhost:*``; :class:`ConfigError` if it is
    malformed or over-broad, with a message that says what to write instead."""
    scheme, sep, rest = text.partition("://")
    if not sep:
        if text.startswith("*.") and "*" not in text[2:]:
            raise ConfigError(f"origin pattern {text!r} has no scheme: write it as 'https://{text}'")
        # 'h*' and the like would match any origin starting with those letters (rs/cors #197).
        raise ConfigError(f"origin pattern {text!r} is over-broad and has no scheme; {_FORMS}")
    if "*" in scheme:
        raise ConfigError(f"origin pattern {text!r}: the scheme cannot be a wildcard; {_FORMS}")
    if rest == "*" or rest.startswith("*:"):
        raise ConfigError(f"origin pattern {text!r} matches every host; name a domain, e.g. 'https://*.example.com'")
    subdomains = rest.startswith("*.")
    if subdomains:
        rest = rest[2:]
    any_port = rest.endswith(":*")
    if any_port:
        rest = rest[:-2]
    if "*" in rest:
        raise ConfigError(f"origin pattern {text!r} is not supported; {_FORMS}")
    if not rest or rest.startswith(":"):
        raise ConfigError(f"origin pattern {text!r} matches every host; name a domain, e.g. 'https://*.example.com'")
    try:
        base = normalize_origin(f"{scheme}://{rest}")
    except OriginError as exc:
        raise ConfigError(f"origin pattern {text!r}: {exc}") from None
    if base.opaque:
        raise ConfigError(f"origin pattern {text!r} is not supported; {_FORMS}")
    if subdomains:
        if _is_ip(base.host):
            raise ConfigError(f"origin pattern {text!r}: an IP address has no subdomains")
        if is_public_suffix(base.host):
            raise ConfigError(
                f"origin pattern {text!r} matches every site under the public suffix {base.host!r}, which anybody "
                f"can register; name your own domain, e.g. 'https://*.example.{base.host}'"
            )
    if any_port and base.port is not None:
        raise ConfigError(f"origin pattern {text!r} has two ports")
    suffix = "." + base.host if subdomains else ""
    return OriginPattern(text, base.scheme, base.host, subdomains, base.port, any_port, suffix)


# Origins no sensible allow-list names: a regex that matches them allows (nearly) the whole web.
_CANARIES = ("https://corskit-canary.invalid", "http://corskit-canary.invalid", "https://a.b.corskit-canary.invalid")


def compile_origin_regex(regex: str | re.Pattern[str]) -> re.Pattern[str]:
    """Compile ``allow_origin_regex`` (always full-matched); refuse one that matches arbitrary origins."""
    if isinstance(regex, re.Pattern):
        if not isinstance(regex.pattern, str):
            raise ConfigError(
                f"allow_origin_regex {regex.pattern!r} is a bytes pattern; Origin values are text: "
                f"write it as a string, e.g. {regex.pattern.decode('latin-1')!r}"
            )
        compiled = regex
    elif isinstance(regex, str):
        try:
            compiled = re.compile(regex)
        except re.error as exc:
            raise ConfigError(f"allow_origin_regex {regex!r} does not compile: {exc}") from None
    else:
        raise ConfigError(f"allow_origin_regex must be a string, got {type(regex).__name__}")
    if any(compiled.fullmatch(c) for c in _CANARIES):
        raise ConfigError(
            f"allow_origin_regex {compiled.pattern!r} matches any origin (it matched {_CANARIES[0]!r}); "
            r"name your domain with escaped dots, e.g. r'https://([a-z0-9-]+\.)+example\.com', "
            "or use allow_origins=['*'] for a public, credential-less resource"
        )
    return compiled
