"""Public suffixes and registrable domains: the one list the server's patterns and the audit's probes share."""

from __future__ import annotations

import pytest

from corskit.spec.domains import is_public_suffix, registrable_domain


@pytest.mark.parametrize(
    ("domain", "public"),
    [
        ("com", True),
        ("localhost", False),
        ("co.uk", True),
        ("ne.jp", True),
        ("example.co.uk", False),
        ("example.com", False),
        ("github.io", True),
        ("vercel.app", True),
        ("co.example", False),
    ],
)
def test_public_suffixes(domain: str, public: bool) -> None:
    assert is_public_suffix(domain) is public


@pytest.mark.parametrize(
    ("host", "domain"),
    [
        ("api.example.com", "example.com"),
        ("a.b.example.co.uk", "example.co.uk"),
        ("shop.example.com.au", "example.com.au"),
        ("me.github.io", "me.github.io"),
        ("a.me.github.io", "me.github.io"),
        ("co.uk", None),
        ("github.io", None),
        ("localhost", None),
        ("10.0.0.1", None),
        ("[::1]", None),
        ("", None),
    ],
)
def test_registrable_domain(host: str, domain: str | None) -> None:
    assert registrable_domain(host) == domain
