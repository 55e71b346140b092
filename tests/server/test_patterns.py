"""Origin patterns: ``https://*.example.com`` and ``http://localhost:*``, and nothing looser."""

from __future__ import annotations

import pytest

from corskit import ConfigError, Policy
from corskit.server.patterns import compile_origin_pattern
from corskit.spec.origins import Origin

SUB = compile_origin_pattern("https://*.example.com")


@pytest.mark.parametrize(
    ("origin", "matches"),
    [
        ("https://a.example.com", True),
        ("https://a.b.example.com", True),  # one or more labels (flask-cors matched only one)
        ("https://example.com", False),  # never the apex
        ("https://xexample.com", False),
        ("https://xexample.com.attacker.io", False),  # flask-cors reflected this one
        ("https://a.example.com.attacker.io", False),
        ("https://example.com.attacker.io", False),
        ("http://a.example.com", False),  # the scheme is literal
        ("https://a.example.com:8443", False),  # no port in the pattern: default port only
        ("https://a.example.co", False),
    ],
)
def test_subdomain_wildcard(origin: str, matches: bool) -> None:
    assert Policy(allow_origins=["https://*.example.com"]).actual(origin).allowed is matches


def test_subdomain_wildcard_with_any_port() -> None:
    policy = Policy(allow_origins=["https://*.example.com:*"])
    assert policy.actual("https://a.example.com:8443").allowed
    assert policy.actual("https://a.example.com").allowed
    assert not policy.actual("https://example.com:8443").allowed


@pytest.mark.parametrize(
    ("origin", "matches"),
    [
        ("http://localhost", True),  # the default port is a port too
        ("http://localhost:3000", True),
        ("http://localhost:65535", True),
        ("https://localhost:3000", False),
        ("http://localhost.attacker.io:3000", False),
        ("http://127.0.0.1:3000", False),
    ],
)
def test_any_port(origin: str, matches: bool) -> None:
    assert Policy(allow_origins=["http://localhost:*"]).actual(origin).allowed is matches


def test_ip_with_any_port() -> None:
    policy = Policy(allow_origins=["http://127.0.0.1:*", "http://[::1]:*"])
    assert policy.actual("http://127.0.0.1:5173").allowed
    assert policy.actual("http://[::1]:5173").allowed
    assert not policy.actual("http://127.0.0.2:5173").allowed


def test_pattern_is_normalised() -> None:
    pattern = compile_origin_pattern("HTTPS://*.Example.COM")
    assert (pattern.scheme, pattern.host, pattern.subdomains) == ("https", "example.com", True)
    assert pattern.matches(Origin("https", "a.example.com"))


def test_pattern_port_default_is_dropped() -> None:
    pattern = compile_origin_pattern("https://*.example.com:443")
    assert pattern.port is None
    assert pattern.matches(Origin("https", "a.example.com"))


def test_idn_pattern() -> None:
    policy = Policy(allow_origins=["https://*.bücher.example"])
    assert policy.actual("https://shop.xn--bcher-kva.example").allowed


def test_localhost_subdomains_are_allowed_as_a_base() -> None:
    assert Policy(allow_origins=["http://*.localhost:*"]).actual("http://app.localhost:3000").allowed


def test_matching_is_on_the_canonical_origin_only() -> None:
    policy = Policy(allow_origins=["https://*.example.com"])
    # What a browser never sends is malformed, not "almost matching".
    for bad in [
        "https://A.example.com",
        "https://a.example.com/",
        "https://a.example.com:443",
        "https://user@a.example.com",
        "https://a.example.com:0443",
        "https://a.example.com\r\nX: y",
        " https://a.example.com",
    ]:
        decision = policy.actual(bad)
        assert not decision.allowed, bad
        assert decision.reason == "malformed Origin", bad


def test_trailing_dot_host_is_another_host() -> None:
    # A browser can send it (it is a distinct host in URLs); it is not a subdomain of example.com.
    assert not Policy(allow_origins=["https://*.example.com"]).actual("https://a.example.com.").allowed


@pytest.mark.parametrize(
    ("pattern", "words"),
    [
        ("h*", "over-broad"),
        ("*", "no scheme"),
        ("https://*", "every host"),
        ("https://*:443", "every host"),
        ("*://a.example.com", "scheme"),
        ("http*://a.example.com", "scheme"),
        ("https://*example.com", "not supported"),
        ("https://a*.example.com", "not supported"),
        ("https://a.*.example.com", "not supported"),
        ("https://*.*.example.com", "not supported"),
        ("https://*.example.*", "not supported"),
        ("https://example.com:8*", "not supported"),
        ("https://*.com", "public suffix"),
        ("https://*.co.uk", "public suffix"),
        ("https://*.com.au", "public suffix"),
        ("https://*.github.io", "public suffix"),
        ("https://*.vercel.app", "public suffix"),
        ("https://*.127.0.0.1", "IP address"),
        ("https://*.example.com/", "trailing slash"),
        ("https://*.example.com:*:*", "port"),
    ],
)
def test_refused_patterns(pattern: str, words: str) -> None:
    with pytest.raises(ConfigError, match=words):
        compile_origin_pattern(pattern)


def test_own_subdomain_of_shared_hosting_is_fine() -> None:
    # *.myteam.github.io: only myteam publishes under it.
    assert compile_origin_pattern("https://*.myteam.github.io").host == "myteam.github.io"
