"""Hosts and URLs exactly as Chromium canonicalises them (``spec/hosts.py``, ``parse_url``), and the strict
``parse_origin`` built on them. Issue 10, defect 2: an IPv6 zone id is not a host."""

from __future__ import annotations

import os

import pytest

from corskit.spec.hosts import MAX_IDNA_INPUT, domain_to_ascii, is_ip_address, parse_host
from corskit.spec.origins import OriginError, normalize_origin, parse_origin, parse_url
from tests._chromium import chromium_browser  # noqa: F401  (the fixture)
from tests.spec import chromium_urls


def test_every_stored_chromium_observation_is_reproduced() -> None:
    data = chromium_urls.load()
    cases = data["cases"]
    urls = [url for url, _ in cases]
    assert len(cases) > 3000
    assert chromium_urls.differences(urls, [href for _, href in cases]) == []
    # The stored inputs are the ones the module generates: a change to either is a change to both.
    assert urls == chromium_urls.fixed_inputs() + chromium_urls.random_urls(
        data["seed"], len(urls) - len(chromium_urls.fixed_inputs())
    )


@pytest.mark.chromium
def test_a_fresh_random_batch_parses_as_in_live_chromium(chromium_browser) -> None:  # noqa: F811
    seed = int(os.environ.get("CORSKIT_FUZZ_SEED", "2"))
    urls = chromium_urls.random_urls(seed, 2000)
    hrefs = chromium_urls.judge(chromium_browser, urls)
    assert chromium_urls.differences(urls, hrefs) == [], f"seed {seed}"


@pytest.mark.parametrize(
    "value",
    [
        "http://[::1%\r\nSet-Cookie: a=b]",
        'http://[::1%"><x>]',
        "http://[fe80::1%eth0]",
        "http://[fe80::1%25eth0]",
        "http://[::1%]",
        "http://[::1%25]",
    ],
)
def test_an_ipv6_zone_id_is_never_an_origin(value: str) -> None:
    assert parse_origin(value) is None
    assert parse_url(value + "/") is None
    with pytest.raises(OriginError) as refused:
        normalize_origin(value)
    message = str(refused.value)
    assert "whitespace or control" in message if "\r" in value else "zone id, which browsers never send: use" in message


def test_zone_ids_are_refused_by_the_host_parser_in_every_spelling() -> None:
    for host in ["[fe80::1%eth0]", "[fe80::1%25eth0]", "[::1%251]", "[::1%]", "[::ffff:1.2.3.4%25x]", "[%3A%3A1%25x]"]:
        assert parse_host(host) is None, host


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("http://127.1", "http://127.0.0.1"),
        ("http://0x7f.0.0.1", "http://127.0.0.1"),
        ("http://0177.0.0.1:8080", "http://127.0.0.1:8080"),
        ("http://4294967295", "http://255.255.255.255"),
        ("http://[0:0:0:0:0:0:0:1]", "http://[::1]"),
        ("http://[::FFFF:1.2.3.4]", "http://[::ffff:102:304]"),
        ("https://Bücher.example", "https://xn--bcher-kva.example"),
        ("https://faß.example", "https://xn--fa-hia.example"),
        ("https://ＥＸＡＭＰＬＥ.com", "https://example.com"),
    ],
)
def test_a_configured_origin_is_canonicalised_as_a_browser_would_send_it(written: str, canonical: str) -> None:
    assert normalize_origin(written).serialize() == canonical
    assert parse_origin(canonical) is not None


@pytest.mark.parametrize(
    "value",
    [
        "http://127.1",  # a browser sends 127.0.0.1
        "http://999.1.1.1",  # not an address, and not a domain either (it ends in a number)
        "http://1.2.3.08",
        "http://[0::1]",  # not compressed
        "http://[::FFFF:102:304]",
        "http://a*b",  # valid for Chromium (it sends a%2Ab); never reflected
        "http://a%2Ab",
        "http://a b",
        "http://xn--zca.com:080",
        "http://\u0130.com",
    ],
)
def test_parse_origin_accepts_only_canonical_reflectable_serializations(value: str) -> None:
    assert parse_origin(value) is None


def test_parse_origin_accepts_the_canonical_forms() -> None:
    for value in [
        "http://127.0.0.1",
        "http://[::1]:8080",
        "https://[2001:db8::1]",
        "https://xn--zca.com",
        "http://a_b.test",
    ]:
        origin = parse_origin(value)
        assert origin is not None
        assert origin.serialize() == value


def test_ip_addresses_are_told_from_domains_on_the_canonical_host() -> None:
    assert is_ip_address(parse_host("0x7f.1") or "")
    assert is_ip_address(parse_host("[::1]") or "")
    assert not is_ip_address(parse_host("1.2.3.4.a") or "")
    assert not is_ip_address(parse_host("example.com") or "")


def test_lenient_number_parsers_are_not_used() -> None:
    # int() would accept each of these: an underscore, a sign, non-ASCII digits, whitespace.
    for host in ["1_0.0.0.1", "+1.0.0.1", "١.2.3.4", " 1.2.3.4"]:
        assert parse_host(host) != "10.0.0.1"
        assert parse_origin(f"http://{host}") is None
    for port in ["1_0", "+80", "٨٠", " 80", "８０"]:
        assert parse_url(f"http://a:{port}/") is None
        with pytest.raises(OriginError):
            normalize_origin(f"http://a:{port}")


def test_idna_limits_are_chromiums() -> None:
    assert domain_to_ascii("ü" * MAX_IDNA_INPUT) is not None
    assert domain_to_ascii("ü" * (MAX_IDNA_INPUT + 1)) is None
    assert domain_to_ascii("😀" * (MAX_IDNA_INPUT // 2 + 1)) is None  # counted in UTF-16 units
