"""Probe origins: only what a browser can send, only hosts an attacker can obtain, derived from the site and from
the origins it trusts."""

from __future__ import annotations

import pytest

from corskit.audit.observe import Outcome, preflight_candidates
from corskit.audit.probes import (
    Probe,
    Site,
    attacker_probes,
    extension_probes,
    host_mutations,
    own_probe,
    registrable_domain,
    site_probes,
    substring_probes,
    trusted_candidates,
    trusted_variants,
)
from corskit.spec.origins import parse_origin, parse_url


def site(url: str) -> Site:
    parsed = parse_url(url)
    assert parsed is not None
    return Site.of(parsed)


@pytest.mark.parametrize(
    ("host", "domain"),
    [
        ("api.example.com", "example.com"),
        ("example.com", "example.com"),
        ("a.b.example.co.uk", "example.co.uk"),
        ("me.github.io", "me.github.io"),
        ("github.io", None),
        ("localhost", None),
        ("127.0.0.1", None),
        ("[::1]", None),
    ],
)
def test_registrable_domain_guess(host: str, domain: str | None) -> None:
    assert registrable_domain(host) == domain


@pytest.mark.parametrize("url", ["https://api.example.com/x", "http://127.0.0.1:8080/", "https://a.b.example.co.uk/"])
def test_every_probe_is_an_origin_a_browser_can_send(url: str) -> None:
    s = site(url)
    probes = [*attacker_probes(s), *trusted_candidates(s), *site_probes(s), *extension_probes()]
    probes += trusted_variants("https://app.example.com", s)
    for probe in probes:
        parsed = parse_origin(probe.origin)
        assert parsed is not None, probe
        assert parsed.serialize() == probe.origin
        assert probe.origin != s.origin.serialize()  # never same-origin: that is not a CORS request


def test_special_characters_are_only_those_browsers_send() -> None:
    specials = [p.origin for p in host_mutations("https", "app.example.com") if p.kind == "special_characters"]
    assert specials == ["https://app.example.com_.attacker.example"]


def test_look_alikes_are_hosts_an_attacker_can_register() -> None:
    probes = {p.origin: p.kind for p in host_mutations("https", "www.app.example.com")}
    assert probes["https://www.app.example.com.attacker.example"] == "post_domain"
    assert probes["https://attackerexample.com"] == "pre_domain"  # not attackerwww.app.example.com: still theirs
    assert probes["https://www.appxexample.com"] == "unescaped_dot"
    assert "https://wwwxapp.example.com" not in probes  # still under example.com
    assert "https://www.app.examplexcom" not in probes  # not a real suffix
    assert probes["https://corskit-audit.www.app.example.com"] == "subdomain"


def test_substrings() -> None:
    assert [p.origin for p in substring_probes("https://app.example.com")] == ["https://app.example.co"]
    assert [p.origin for p in substring_probes("https://example.com")] == ["https://example.co", "https://xample.com"]
    assert substring_probes("https://app.example.com:8443") == []


def test_site_probes_for_https_include_its_http_twin_and_skip_dev_hosts_on_loopback() -> None:
    kinds = {p.origin: p.kind for p in site_probes(site("https://api.example.com/"))}
    assert kinds["http://api.example.com"] == "http_origin"
    assert kinds["http://localhost:3000"] == "dev"
    assert kinds["https://codepen.io"] == "third_party"
    local = {p.kind for p in site_probes(site("http://localhost:8000/"))}
    assert "dev" not in local


def test_trusted_variants_cover_scheme_and_port() -> None:
    variants = {p.origin: p.kind for p in trusted_variants("https://app.example.com", site("https://api.example.com"))}
    assert variants["http://app.example.com"] == "http_origin"
    assert variants["https://app.example.com:8443"] == "port_variant"
    on_http = {p.origin: p.kind for p in trusted_variants("http://app.example.com", site("http://api.example.com"))}
    assert on_http["https://app.example.com"] == "scheme_variant"


def test_trusted_candidates_put_the_users_first_and_never_the_target_itself() -> None:
    s = site("https://app.example.com/api")
    origins = [p.origin for p in trusted_candidates(s, ("https://spa.example.org",))]
    assert origins == ["https://spa.example.org", "https://www.example.com", "https://example.com"]


def test_siblings_include_the_parent_domain_and_the_own_origin_is_its_own_probe() -> None:
    s = site("https://api.shop.example.com/v1")
    origins = [p.origin for p in trusted_candidates(s)]
    assert origins == [
        "https://app.example.com",
        "https://www.example.com",
        "https://example.com",
        "https://app.shop.example.com",
        "https://www.shop.example.com",
        "https://shop.example.com",
    ]
    assert own_probe(s) == Probe("https://api.shop.example.com", "own", "site")
    assert trusted_candidates(site("http://127.0.0.1:8000/")) == []


def test_extension_probes_use_ids_no_extension_has_in_each_engines_format() -> None:
    origins = [p.origin for p in extension_probes()]
    assert [o.split("://")[0] for o in origins] == ["chrome-extension", "moz-extension", "safari-web-extension"]
    chrome_id = origins[0].split("://")[1]
    assert len(chrome_id) == 32
    assert set(chrome_id) <= set("abcdefghijklmnop")  # Chromium's id alphabet: a pattern check must accept it


class _Verdict:
    def __init__(self, allowed: bool) -> None:
        self.allowed = allowed


def _outcome(origin: str, kind: str, base: str = "", allowed: bool = False) -> Outcome:
    verdict = _Verdict(allowed)
    return Outcome(Probe(origin, kind, base), verdict, verdict)  # type: ignore[arg-type]


def test_preflight_candidates_take_one_origin_per_class_preferring_what_the_get_allowed() -> None:
    outcomes = [
        _outcome("https://attacker.example", "attacker"),
        _outcome("null", "null"),
        _outcome("https://app.example.com", "trusted", "site", allowed=True),
        _outcome("https://corskit-audit.api.example.com", "subdomain", "api.example.com"),
        _outcome("https://corskit-audit.app.example.com", "subdomain", "app.example.com"),
        _outcome("https://attackerexample.com", "pre_domain", "example.com"),
        _outcome("https://api.example.com.attacker.example", "post_domain", "api.example.com", allowed=True),
        _outcome("https://app.example.com.attacker.example", "post_domain", "app.example.com"),
        _outcome("https://app.example.com:8443", "port_variant", "https://app.example.com"),
    ]
    chosen = {p.kind: p.origin for p in preflight_candidates(outcomes)}
    assert list(chosen) == ["null", "pre_domain", "post_domain", "subdomain", "port_variant"]
    assert chosen["post_domain"] == "https://api.example.com.attacker.example"  # the GET let it through
    assert chosen["subdomain"] == "https://corskit-audit.app.example.com"  # derived from the allowed app origin
