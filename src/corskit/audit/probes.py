"""The probe origins: what an attacker could put in ``Origin``, derived from the target and from trusted origins.

Every probe is an origin a real browser can send: candidates go through :func:`corskit.spec.origins.parse_origin`, the
strict parser that accepts only canonical serialized origins, so Safari-only hosts (with ``{``, ``}``, `` ` ``…)
and anything else Chromium and Firefox cannot produce are never sent.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Literal

from ..spec.domains import registrable_domain
from ..spec.origins import URL, Origin, parse_origin

#: The attacker's own domain (reserved by RFC 2606, so it can never be a real trusted origin).
ATTACKER_DOMAIN = "attacker.example"
#: The label used for "some subdomain the site never created".
PROBE_LABEL = "corskit-audit"

#: Hosting platforms where anyone can publish a page (from the scanners' shared lists).
THIRD_PARTY_ORIGINS = (
    "https://whatever.github.io",
    "https://codepen.io",
    "https://jsfiddle.net",
    "http://jsbin.com",
    "https://repl.it",
    "https://s3.amazonaws.com",
)
#: Origins of a developer's machine.
DEV_ORIGINS = ("http://localhost", "http://localhost:3000", "http://localhost:5173", "http://127.0.0.1")
#: Browser extensions' origins, with ids no real extension has: only a check that trusts every extension (a scheme
#: prefix, a pattern) lets them through. Chromium's ids are 32 letters a-p; Firefox and Safari use a UUID.
EXTENSION_ORIGINS = (
    "chrome-extension://ponmlkjihgfedcbaponmlkjihgfedcba",
    "moz-extension://c0a5c17a-a0d1-4e5a-8b0e-000000000001",
    "safari-web-extension://c0a5c17a-a0d1-4e5a-8b0e-000000000002",
)

#: Characters tried after a trusted host (``app.example.com_.attacker.example``); only those a browser can send
#: survive :func:`parse_origin`: ``_`` in Chromium and Firefox (``-`` is sendable too, but it is an ordinary
#: host character that the post-domain probe already covers).
SPECIAL_CHARACTERS = "_!$&'()*+,;=~`{}|^\""

ProbeKind = Literal[
    "attacker",
    "null",
    "trusted",
    "pre_domain",
    "post_domain",
    "unescaped_dot",
    "substring",
    "special_characters",
    "subdomain",
    "http_origin",
    "third_party",
    "dev",
    "port_variant",
    "scheme_variant",
    "extension",
    "own",
]

#: Probe kinds whose origins an attacker controls or can obtain: an allowed one is a finding.
UNTRUSTED_KINDS: frozenset[ProbeKind] = frozenset(
    {
        "attacker",
        "null",
        "pre_domain",
        "post_domain",
        "unescaped_dot",
        "substring",
        "special_characters",
        "subdomain",
        "http_origin",
        "third_party",
        "dev",
        "extension",
    }
)


@dataclass(frozen=True)
class Probe:
    """One origin to try, what it tests, and the origin or host it was derived from."""

    origin: str
    kind: ProbeKind
    base: str = ""


@dataclass(frozen=True)
class Site:
    """What the probes are derived from: the target's origin, host and (guessed) registrable domain."""

    url: URL
    origin: Origin
    host: str
    #: ``example.co.uk`` for ``api.example.co.uk``; ``None`` for IP addresses and single-label hosts.
    registrable: str | None
    is_ip: bool
    is_loopback: bool

    @property
    def scheme(self) -> str:
        return self.origin.scheme

    @classmethod
    def of(cls, url: URL) -> Site:
        host = url.host
        bare = host[1:-1] if host.startswith("[") else host
        try:
            address = ipaddress.ip_address(bare)
        except ValueError:
            address = None
        loopback = (address is not None and address.is_loopback) or host == "localhost" or host.endswith(".localhost")
        return cls(url, url.origin, host, registrable_domain(host), address is not None, loopback)


def _origin(scheme: str, host: str, port: int | None = None) -> str | None:
    """The serialized origin if a browser could send it, else ``None``."""
    text = f"{scheme}://{host}" if port is None else f"{scheme}://{host}:{port}"
    parsed = parse_origin(text)
    return parsed.serialize() if parsed is not None and not parsed.opaque else None


def _add(out: dict[str, Probe], origin: str | None, kind: ProbeKind, base: str) -> None:
    if origin is not None and origin not in out:
        out[origin] = Probe(origin, kind, base)


def attacker_probes(site: Site) -> list[Probe]:
    """The arbitrary attacker origin and ``null``: tried on every target first."""
    out: dict[str, Probe] = {}
    _add(out, _origin(site.scheme, ATTACKER_DOMAIN), "attacker", "")
    out["null"] = Probe("null", "null", "")
    return list(out.values())


def trusted_candidates(site: Site, extra: tuple[str, ...] = ()) -> list[Probe]:
    """Origins the site probably trusts, the ones the user named first: the ``app.``, ``www.`` and apex origins of
    its registrable domain and of its parent domain (``shop.example.com`` for ``api.shop.example.com``).

    The target's own origin is left out: a browser never makes a CORS request from it (see :func:`own_probe`).
    """
    out: dict[str, Probe] = {}
    for text in extra:
        parsed = parse_origin(text)
        if parsed is not None:
            _add(out, parsed.serialize(), "trusted", "user")
    for domain in _sibling_domains(site):
        for prefix in ("app.", "www.", ""):
            _add(out, _origin(site.scheme, prefix + domain), "trusted", "site")
    out.pop(site.origin.serialize(), None)
    return list(out.values())


def _sibling_domains(site: Site) -> list[str]:
    """The registrable domain, then the parent of the host when it lies strictly between the two."""
    if site.registrable is None:
        return []
    parent = site.host.split(".", 1)[1] if "." in site.host else ""
    if parent.endswith("." + site.registrable):
        return [site.registrable, parent]
    return [site.registrable]


def own_probe(site: Site) -> Probe:
    """The target's own origin, which browsers send on same-origin ``POST``s: a server that echoes it has a
    dynamic allow-list even when every other probe sees the same (absent) header."""
    return Probe(site.origin.serialize(), "own", "site")


def extension_probes() -> list[Probe]:
    """An extension origin per engine (Chromium, Firefox, Safari), with an id no real extension has."""
    return [Probe(origin, "extension", "") for origin in EXTENSION_ORIGINS]


def _attacker_registrable(host: str, site_domain: str | None, *, truncated: bool = False) -> bool:
    """Could an attacker register *host* (or a parent of it)? Not if it stays under the site's own domain, and
    not if its suffix is made up (``app.examplexcom``); a *truncated* suffix (``.co`` from ``.com``) is real."""
    if site_domain is None:
        return True
    mutated = registrable_domain(host)
    if mutated is None or mutated == site_domain:
        return False
    if truncated:
        return len(mutated.rsplit(".", 1)[-1]) >= 2
    suffix = site_domain.split(".", 1)[1]
    return mutated.endswith("." + suffix)


def host_mutations(scheme: str, host: str) -> list[Probe]:
    """Look-alike origins of one trusted *host*, each one a host an attacker can obtain: post-domain, pre-domain
    (of the registrable domain), unescaped dots, special characters, and a subdomain (for "any subdomain")."""
    out: dict[str, Probe] = {}
    site_domain = registrable_domain(host)
    _add(out, _origin(scheme, f"{host}.{ATTACKER_DOMAIN}"), "post_domain", host)
    # 'attackerexample.com' for 'example.com'; 'attackerapp.example.com' would stay under the site's domain.
    suffix_base = site_domain or host
    _add(out, _origin(scheme, f"attacker{suffix_base}"), "pre_domain", suffix_base)
    labels = host.split(".")
    # An unescaped '.' matches any character: 'www.example.com' also matches 'wwwxexample.com'.
    for i in range(len(labels) - 1):
        mutated = ".".join(labels[: i + 1]) + "x" + ".".join(labels[i + 1 :])
        if _attacker_registrable(mutated, site_domain):
            _add(out, _origin(scheme, mutated), "unescaped_dot", host)
    for char in SPECIAL_CHARACTERS:
        _add(out, _origin(scheme, f"{host}{char}.{ATTACKER_DOMAIN}"), "special_characters", host)
    _add(out, _origin(scheme, f"{PROBE_LABEL}.{host}"), "subdomain", host)
    return list(out.values())


def substring_probes(origin: str) -> list[Probe]:
    """Origins that are substrings of *origin* (``https://app.example.co``), for ``origin in allowed`` checks."""
    out: dict[str, Probe] = {}
    parsed = parse_origin(origin)
    if parsed is None or parsed.opaque or parsed.port is not None:
        return []
    site_domain = registrable_domain(parsed.host)
    for host in (parsed.host[:-1], parsed.host[1:]):
        if _attacker_registrable(host, site_domain, truncated=True):
            _add(out, _origin(parsed.scheme, host), "substring", origin)
    return [p for p in out.values() if p.origin != origin]


def site_probes(site: Site) -> list[Probe]:
    """The probes derived from the target itself, used whether or not a trusted origin is known."""
    out: dict[str, Probe] = {}
    hosts = [site.host] if site.registrable in (None, site.host) else [site.host, site.registrable]
    for host in hosts:
        if site.is_ip:
            _add(out, _origin(site.scheme, f"{host}.{ATTACKER_DOMAIN}"), "post_domain", host)
            continue
        for probe in host_mutations(site.scheme, host):
            _add(out, probe.origin, probe.kind, probe.base)
    if site.registrable is not None:
        for probe in substring_probes(f"{site.scheme}://{site.registrable}"):
            _add(out, probe.origin, probe.kind, probe.base)
    if site.scheme == "https":
        for host in hosts:
            _add(out, _origin("http", host), "http_origin", host)
    for origin in THIRD_PARTY_ORIGINS:
        _add(out, origin, "third_party", "")
    if not site.is_loopback:
        for origin in DEV_ORIGINS:
            _add(out, origin, "dev", "")
    out.pop(site.origin.serialize(), None)
    return list(out.values())


def trusted_variants(origin: str, site: Site) -> list[Probe]:
    """Variants of an origin the server allows: look-alikes, substrings, another scheme, another port."""
    parsed = parse_origin(origin)
    if parsed is None or parsed.opaque:
        return []
    out: dict[str, Probe] = {}
    if not _is_ip(parsed.host):
        for probe in host_mutations(parsed.scheme, parsed.host):
            _add(out, probe.origin, probe.kind, probe.base)
        for probe in substring_probes(origin):
            _add(out, probe.origin, probe.kind, probe.base)
    if parsed.scheme == "https":
        kind: ProbeKind = "http_origin" if site.scheme == "https" else "scheme_variant"
        _add(out, _origin("http", parsed.host, parsed.port), kind, origin)
    else:
        _add(out, _origin("https", parsed.host, parsed.port), "scheme_variant", origin)
    port = 8443 if parsed.port != 8443 else 8444
    _add(out, _origin(parsed.scheme, parsed.host, port), "port_variant", origin)
    out.pop(site.origin.serialize(), None)
    out.pop(origin, None)
    return list(out.values())


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host[1:-1] if host.startswith("[") else host)
    except ValueError:
        return False
    return True
