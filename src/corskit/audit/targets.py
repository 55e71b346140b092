"""What to audit: a URL, and, when it comes from a capture (a HAR file, a Burp or ZAP export), the methods and
request headers the application itself sends there, so that their preflights are tried from untrusted origins too.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..spec.origins import parse_url

#: Longest accepted target (a URL longer than this is reported, not fetched).
MAX_LINE = 8192
#: At most this many methods and request headers are kept per target from a capture.
MAX_METHODS = 8
MAX_HEADERS = 32


@dataclass(frozen=True)
class Target:
    """A URL to audit; *methods* and *headers* are what the application sends there (from a capture)."""

    url: str
    methods: tuple[str, ...] = ()
    headers: tuple[tuple[str, str], ...] = ()


#: A target written without a scheme: a host (name, IPv4 or bracketed IPv6), an optional port, an optional path.
_BARE_TARGET = re.compile(r"(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+)(?::\d{1,5})?(?:[/?#]\S*)?")


def normalize_target(line: str) -> str | None:
    """A target line → the URL to audit; ``None`` for blank lines and ``#`` comments.

    A bare host (``api.example.com``, ``127.0.0.1:8000/api``) gets a scheme the way a browser's address bar picks
    one: ``http://`` for local hosts (``localhost``, an IP address, a single-label name: development servers
    speak plain HTTP), ``https://`` for every other name. Anything else is kept as written (and refused later if it
    is not an http(s) URL).
    """
    text = line.strip()
    if not text or text.startswith("#"):
        return None
    bare = _BARE_TARGET.fullmatch(text) if "://" not in text else None
    if bare is not None:
        scheme = "http" if _local(bare.group("host")) else "https"
        text = f"{scheme}://{text}"
    return text


def _local(host: str) -> bool:
    name = host.lower().rstrip(".")
    if name.startswith("[") or name == "localhost" or name.endswith(".localhost") or "." not in name:
        return True
    try:
        ipaddress.IPv4Address(name)
    except ValueError:
        return False
    return True


_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]{0,31}):")


class Deduplicated:
    """Targets keyed by origin and path (the query and fragment set aside), in the order first seen: each keeps
    the first URL seen and gathers every method and request header sent to that path."""

    def __init__(self) -> None:
        self._targets: dict[tuple[str, str], tuple[str, dict[str, None], dict[str, str]]] = {}
        self.requests = 0
        self.skipped: dict[str, int] = {}

    def add(self, method: str, url: str, headers: Iterable[tuple[str, str]]) -> None:
        """One captured request; a URL that is not http(s) is counted as skipped with the reason."""
        self.requests += 1
        parsed = parse_url(url) if len(url) <= MAX_LINE else None
        if parsed is None or not parsed.is_http:
            scheme = _SCHEME.match(url)
            self.skip(f"{scheme.group(1).lower()}: URLs" if scheme and parsed is not None else "not URLs")
            return
        headers = list(headers)
        if method.upper() == "OPTIONS" and any(n.lower() == "access-control-request-method" for n, _ in headers):
            self.skip("preflights (the browser's own)")
            return
        key = (parsed.origin.serialize(), parsed.path)
        if key not in self._targets:
            self._targets[key] = (parsed.without_fragment().serialize(), {}, {})
        _, methods, names = self._targets[key]
        if len(methods) < MAX_METHODS:
            methods[method.upper()] = None
        for name, value in headers:
            lowered = name.lower()
            if lowered not in names and len(names) < MAX_HEADERS and not lowered.startswith(":"):
                names[lowered] = value

    def skip(self, reason: str) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + 1

    def targets(self) -> list[Target]:
        return [Target(url, tuple(methods), tuple(headers.items())) for url, methods, headers in self._targets.values()]
