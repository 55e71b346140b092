"""The zoo, audited end to end: every misconfiguration found with its class and severity, nothing above info on the
correct configurations, and nothing above info on the baits that string-matching scanners report."""

from __future__ import annotations

import shutil

import pytest

from corskit.audit.catalog import RULES_BY_CLASS
from tests.audit.zoo import Exhibit, exhibits

TLS = shutil.which("openssl") is not None  # the https exhibits need a certificate made by openssl
ALL = exhibits(tls=TLS)
MISCONFIGURED = [e for e in ALL if e.expected]
CLEAN = [e for e in ALL if not e.expected]


def above_info(line: dict) -> dict[str, str]:
    return {f["class"]: f["severity"] for f in line["findings"] if f["severity"] != "info"}


def classes(line: dict) -> set[str]:
    return {f["class"] for f in line["findings"]}


@pytest.mark.parametrize("exhibit", MISCONFIGURED, ids=lambda e: e.name)
def test_misconfiguration_found_with_class_and_severity(exhibit: Exhibit, zoo_scan: dict[str, dict]) -> None:
    line = zoo_scan[exhibit.url]
    assert line["error"] is None
    assert above_info(line) == exhibit.expected, exhibit.note


@pytest.mark.parametrize("exhibit", CLEAN, ids=lambda e: e.name)
def test_nothing_above_info_on_correct_or_inert_configurations(exhibit: Exhibit, zoo_scan: dict[str, dict]) -> None:
    line = zoo_scan[exhibit.url]
    assert line["error"] is None
    assert above_info(line) == {}, exhibit.note


def test_the_zoo_covers_every_probe_class() -> None:
    covered = {cls for e in ALL for cls in e.expected}
    probe_classes = {
        "arbitrary_origin_reflected", "null_origin_trusted", "pre_domain_trusted", "post_domain_trusted",
        "unescaped_dot_trusted", "substring_trusted", "special_characters_trusted", "third_party_origin_trusted",
        "dev_origin_trusted", "any_subdomain_trusted", "http_origin_trusted", "missing_vary_origin",
        "untrusted_methods_allowed", "untrusted_headers_allowed", "authorization_allowed_untrusted",
        "private_network_allowed_untrusted", "extension_origin_trusted",
    }  # fmt: skip
    if not TLS:
        probe_classes.discard("http_origin_trusted")
    assert probe_classes <= covered
    assert covered <= set(RULES_BY_CLASS)


@pytest.mark.parametrize(
    ("name", "info_class"),
    [
        ("public-api", "wildcard_origin"),
        ("wildcard-credentials", "wildcard_with_credentials"),
        ("invalid-acao", "invalid_allow_origin"),
        ("bait-trailing-slash", "invalid_allow_origin"),
        ("bait-explicit-port", "invalid_allow_origin"),
        ("preflight-wildcard-credentials", "preflight_wildcard_with_credentials"),
        ("preflight-wildcard-credentials", "preflight_mirrors_request"),
        ("preflight-mirror", "preflight_mirrors_request"),
        ("redirect", "redirect_to_permissive_origin"),
    ],
)
def test_informational_findings(name: str, info_class: str, zoo_scan: dict[str, dict]) -> None:
    line = zoo_scan[next(e.url for e in ALL if e.name == name)]
    info = [f for f in line["findings"] if f["class"] == info_class]
    assert info
    assert info[0]["severity"] == "info"


@pytest.mark.parametrize(
    ("name", "shape", "traits"),
    [
        ("reflect-credentials", "reflect_any", set()),
        ("public-api", "wildcard", set()),
        ("corskit-strict", "exact", set()),
        ("starlette-strict", "exact", set()),
        ("static-origin", "exact", {"static"}),
        ("subdomain", "subdomain_suffix", {"scheme_insensitive", "port_insensitive"}),
        ("pre-domain", "regex_like", {"unanchored_start"}),
        ("post-domain", "regex_like", {"unanchored_end", "port_insensitive"}),
        ("unescaped-dot", "regex_like", {"unescaped_dot", "subdomain_suffix"}),
        ("starlette-regex", "regex_like", {"unescaped_dot"}),
        ("substring", "regex_like", {"substring"}),
        ("special-chars", "regex_like", {"lax_parser"}),
        ("http-origin", "exact", {"scheme_insensitive"}),
        ("third-party", "exact", {"third_party"}),
        ("null", "exact", {"null"}),
        ("no-cors", "unknown", set()),
        ("own-origin", "exact", {"own_origin"}),
        ("extension", "exact", {"extension"}),
    ],
)
def test_allow_list_shape_is_inferred(name: str, shape: str, traits: set[str], zoo_scan: dict[str, dict]) -> None:
    exhibit = next((e for e in ALL if e.name == name), None)
    if exhibit is None:
        pytest.skip("the https exhibits need openssl")
    line = zoo_scan[exhibit.url]
    found = next(f for f in line["findings"] if f["id"] == "CORS-SHAPE")
    assert found["evidence"]["shape"] == shape
    assert traits <= set(found["evidence"]["traits"])


def test_reflection_is_one_finding_not_one_per_look_alike(zoo_scan: dict[str, dict]) -> None:
    line = zoo_scan[next(e.url for e in ALL if e.name == "reflect-credentials")]
    assert classes(line) == {"arbitrary_origin_reflected", "allow_list_shape"}
    finding = line["findings"][0]
    assert finding["origin"] == "http://attacker.example"
    assert finding["evidence"]["browser"]["include"] == {"allowed": True, "error": None, "message": None}
    assert ["Access-Control-Allow-Credentials", "true"] in finding["evidence"]["response"]["headers"]


def test_suffix_match_explains_its_look_alikes(zoo_scan: dict[str, dict]) -> None:
    line = zoo_scan[next(e.url for e in ALL if e.name == "pre-domain")]
    finding = next(f for f in line["findings"] if f["class"] == "pre_domain_trusted")
    assert finding["origin"] == "http://attackerexample.com"
    # The subdomain and the unescaped-dot probes got through too, but the suffix match explains them.
    assert "http://appxexample.com" in finding["evidence"]["also_explained"]


def test_browser_verdicts_are_in_the_evidence(zoo_scan: dict[str, dict]) -> None:
    line = zoo_scan[next(e.url for e in ALL if e.name == "reflect-anonymous")]
    finding = line["findings"][0]
    assert finding["severity"] == "low"
    include = finding["evidence"]["browser"]["include"]
    assert include["error"] == "invalid_allow_credentials"
    assert include["message"].startswith("Access to fetch at 'http://reflect-anonymous.zoo.example.com/api/data'")


def test_preflight_evidence_is_the_real_preflight(zoo_scan: dict[str, dict]) -> None:
    line = zoo_scan[next(e.url for e in ALL if e.name == "preflight-mirror")]
    finding = next(f for f in line["findings"] if f["class"] == "untrusted_methods_allowed")
    request = finding["evidence"]["request"]
    assert request["method"] == "OPTIONS"
    assert ["Access-Control-Request-Method", "PUT"] in request["headers"]
    assert finding["evidence"]["mirrored"] is True
    assert set(finding["evidence"]["allowed"]) == {"PUT", "DELETE", "CORSKITPROBE"}
    headers = next(f for f in line["findings"] if f["class"] == "untrusted_headers_allowed")
    assert ["Access-Control-Request-Headers", "x-requested-with"] in headers["evidence"]["request"]["headers"]


def test_vary_evidence_names_the_responses_without_it(zoo_scan: dict[str, dict]) -> None:
    line = zoo_scan[next(e.url for e in ALL if e.name == "vary-rejected")]
    finding = next(f for f in line["findings"] if f["class"] == "missing_vary_origin")
    evidence = finding["evidence"]
    assert evidence["allowed"]["without_vary_origin"] == 0
    assert evidence["rejected"]["without_vary_origin"] == evidence["rejected"]["responses"] > 0
    assert evidence["origin_less"]["example"]["cacheability"] == "shared"


def test_redirect_names_its_destination_and_blames_nothing_else(zoo_scan: dict[str, dict]) -> None:
    line = zoo_scan[next(e.url for e in ALL if e.name == "redirect")]
    finding = next(f for f in line["findings"] if f["class"] == "redirect_to_permissive_origin")
    destination = next(e.url for e in ALL if e.name == "reflect-credentials")
    assert finding["evidence"]["destination"] == destination
    assert destination in finding["why"]
    assert finding["evidence"]["credentials"] == "include"
    clean = zoo_scan[next(e.url for e in ALL if e.name == "redirect-clean")]
    assert "redirect_to_permissive_origin" not in classes(clean)
    shape = next(f for f in clean["findings"] if f["id"] == "CORS-SHAPE")
    assert shape["evidence"]["redirects_to"].startswith("http://static-origin.")


def test_preflights_are_tried_from_every_untrusted_class(zoo_scan: dict[str, dict]) -> None:
    line = zoo_scan[next(e.url for e in ALL if e.name == "corskit-strict")]
    tried = next(f for f in line["findings"] if f["id"] == "CORS-SHAPE")["evidence"]["classes_tried"]
    expected = {"attacker", "null", "pre_domain", "post_domain", "unescaped_dot", "special_characters", "subdomain"}
    assert expected | {"third_party", "dev", "extension", "port_variant"} <= set(tried["preflight"])
    assert {"own", "trusted", "extension"} <= set(tried["simple"])
    assert tried["preflight_accepted"] == []
    shape = next(f for f in line["findings"] if f["id"] == "CORS-SHAPE")
    assert "Preflights were tried from 12 origin class(es): attacker, null, pre-domain," in shape["why"]
    assert shape["why"].endswith("none was accepted.")
    hole = zoo_scan[next(e.url for e in ALL if e.name == "preflight-null")]
    assert next(f for f in hole["findings"] if f["id"] == "CORS-SHAPE")["why"].endswith("; accepted: null.")
    # A reflecting preflight explains every other class: only the attacker's is tried.
    line = zoo_scan[next(e.url for e in ALL if e.name == "preflight-mirror")]
    tried = next(f for f in line["findings"] if f["id"] == "CORS-SHAPE")["evidence"]["classes_tried"]
    assert tried["preflight"] == ["attacker"]


def test_a_preflight_hole_names_the_origin_class_that_got_through(zoo_scan: dict[str, dict]) -> None:
    line = zoo_scan[next(e.url for e in ALL if e.name == "preflight-lookalike")]
    methods = next(f for f in line["findings"] if f["class"] == "untrusted_methods_allowed")
    assert methods["origin"] == "http://attackerexample.com"
    assert methods["evidence"]["probe"] == "pre_domain"
    assert methods["evidence"]["request"]["method"] == "OPTIONS"
    assert ["Origin", "http://attackerexample.com"] in methods["evidence"]["request"]["headers"]
    assert methods["evidence"]["browser"]["include"]["allowed"] is True
