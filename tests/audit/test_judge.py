"""Judgement without a network: in-process servers answer the engine's requests; the findings follow the browser's
verdict, with and without credentials."""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Callable

import pytest

from corskit.audit import judge, observe
from corskit.audit.caching import cacheability, varies_on_origin
from corskit.audit.findings import Finding
from corskit.browser import Response, WireRequest

URL = "https://api.example.com/data"
App = Callable[[WireRequest], Response]


async def audit(app: App, *, trusted: tuple[str, ...] = ()) -> tuple[list[Finding], list[WireRequest]]:
    sent: list[WireRequest] = []

    async def send(wire: WireRequest) -> Response:
        sent.append(wire)
        return app(wire)

    obs = await observe(URL, send, trusted=trusted)
    return judge(obs), sent


def by_class(findings: list[Finding]) -> dict[str, Finding]:
    return {f.cls: f for f in findings}


def reflect(*extra: tuple[str, str]) -> App:
    def app(wire: WireRequest) -> Response:
        origin = wire.header("Origin")
        headers = [("Vary", "Origin"), *extra]
        if origin is not None:
            headers.append(("Access-Control-Allow-Origin", origin))
        return Response(200, headers)

    return app


@pytest.mark.parametrize(
    ("extra", "severity"),
    [
        ((("Access-Control-Allow-Credentials", "true"),), "high"),
        ((), "low"),
        ((("Access-Control-Allow-Credentials", "TRUE"),), "low"),  # case-sensitive: browsers refuse cookies
        ((("Cache-Control", "private"),), "medium"),  # not public data, even without cookies
    ],
)
async def test_reflection_severity_follows_the_browser(extra: tuple[tuple[str, str], ...], severity: str) -> None:
    findings, _ = await audit(reflect(*extra))
    found = by_class(findings)["arbitrary_origin_reflected"]
    assert found.severity == severity
    assert found.id == "CORS-REFLECT-ANY"


@pytest.mark.parametrize(
    ("headers", "cls"),
    [
        ([("Access-Control-Allow-Origin", "*")], "wildcard_origin"),
        (
            [("Access-Control-Allow-Origin", "*"), ("Access-Control-Allow-Credentials", "true")],
            "wildcard_with_credentials",
        ),
    ],
)
async def test_wildcard_is_informational(headers: list[tuple[str, str]], cls: str) -> None:
    findings, _ = await audit(lambda wire: Response(200, headers))
    assert {f.cls: f.severity for f in findings if f.severity != "info"} == {}
    assert by_class(findings)[cls].severity == "info"


async def test_null_sent_to_deny_is_a_null_trust() -> None:
    # An anti-pattern: 'null' as a "deny" value, which the sandboxed-iframe attacker's origin matches.
    findings, _ = await audit(
        lambda wire: Response(
            200, [("Access-Control-Allow-Origin", "null"), ("Access-Control-Allow-Credentials", "true")]
        )
    )
    assert by_class(findings)["null_origin_trusted"].severity == "high"


def cached_allow_list(cache_control: str, *, vary_allowed: bool, vary_others: bool = False) -> App:
    def app(wire: WireRequest) -> Response:
        headers = [("Cache-Control", cache_control)]
        if wire.header("Origin") == "https://app.example.com":
            headers.append(("Access-Control-Allow-Origin", "https://app.example.com"))
            if vary_allowed:
                headers.append(("Vary", "Origin"))
        elif vary_others:
            headers.append(("Vary", "Accept-Encoding, Origin"))
        return Response(200, headers)

    return app


@pytest.mark.parametrize(
    ("cache_control", "vary_allowed", "vary_others", "severity"),
    [
        ("public, max-age=60", False, False, "medium"),
        ("s-maxage=60", False, True, "medium"),
        ("", False, False, "low"),  # no freshness information: caches with a default TTL store it
        ("private", False, False, "info"),
        ("no-store", False, False, "info"),
        ("max-age=0", False, False, "info"),
        ("public, max-age=60", True, False, "low"),  # only rejected / origin-less responses lack it
        ("", True, False, "info"),
        ("public, max-age=60", True, True, None),  # everything varies: no finding
    ],
)
async def test_vary_origin_with_cacheability(
    cache_control: str, vary_allowed: bool, vary_others: bool, severity: str | None
) -> None:
    findings, _ = await audit(cached_allow_list(cache_control, vary_allowed=vary_allowed, vary_others=vary_others))
    found = by_class(findings).get("missing_vary_origin")
    assert (found.severity if found else None) == severity


async def test_static_answers_need_no_vary() -> None:
    findings, _ = await audit(lambda wire: Response(200, [("Access-Control-Allow-Origin", "https://app.example.com")]))
    assert "missing_vary_origin" not in by_class(findings)
    shape = by_class(findings)["allow_list_shape"]
    assert shape.evidence["shape"] == "exact"
    assert "static" in shape.evidence["traits"]


def preflight_server(preflight: Callable[[WireRequest], list[tuple[str, str]]]) -> App:
    def app(wire: WireRequest) -> Response:
        if wire.kind == "preflight":
            return Response(204, preflight(wire))
        return Response(200, [("Vary", "Origin")])

    return app


async def test_state_changing_requests_are_never_sent() -> None:
    def everything(wire: WireRequest) -> list[tuple[str, str]]:
        return [
            ("Access-Control-Allow-Origin", wire.header("Origin") or ""),
            ("Access-Control-Allow-Credentials", "true"),
            ("Access-Control-Allow-Methods", wire.header("Access-Control-Request-Method") or ""),
            ("Access-Control-Allow-Headers", wire.header("Access-Control-Request-Headers") or ""),
        ]

    findings, sent = await audit(preflight_server(everything))
    assert by_class(findings)["untrusted_methods_allowed"].severity == "high"
    assert {w.method for w in sent if w.kind == "actual"} <= {"GET"}
    assert {w.header("Access-Control-Request-Method") for w in sent if w.kind == "preflight"} >= {"PUT", "DELETE"}
    # Preflights never carry credentials.
    assert not any(w.credentials for w in sent if w.kind == "preflight")


async def test_authorization_through_the_header_wildcard_is_flagged_with_chromiums_deprecation() -> None:
    def wildcard_headers(wire: WireRequest) -> list[tuple[str, str]]:
        return [("Access-Control-Allow-Origin", wire.header("Origin") or ""), ("Access-Control-Allow-Headers", "*")]

    findings, _ = await audit(preflight_server(wildcard_headers))
    found = by_class(findings)["authorization_allowed_untrusted"]
    assert found.severity == "info"  # without credentials the attacker has no token to send
    assert "covers it in Chromium today" in found.why


async def test_preflight_gate_saves_requests_when_the_origin_is_refused() -> None:
    findings, sent = await audit(preflight_server(lambda wire: []))
    attacker_preflights = [
        w for w in sent if w.kind == "preflight" and w.header("Origin") == "https://attacker.example"
    ]
    # One method preflight (the gate) and one Private Network Access preflight.
    assert len(attacker_preflights) == 2
    assert {f.cls for f in findings} == {"allow_list_shape"}


async def test_private_network_access_with_credentials_is_high() -> None:
    def pna(wire: WireRequest) -> list[tuple[str, str]]:
        if wire.header("Access-Control-Request-Private-Network") != "true":
            return []
        return [
            ("Access-Control-Allow-Origin", wire.header("Origin") or ""),
            ("Access-Control-Allow-Credentials", "true"),
            ("Access-Control-Allow-Private-Network", "true"),
        ]

    findings, _ = await audit(preflight_server(pna))
    found = by_class(findings)["private_network_allowed_untrusted"]
    assert found.severity == "high"
    assert ["Access-Control-Request-Private-Network", "true"] in found.evidence["request"]["headers"]


async def test_user_trusted_origins_get_their_look_alikes_probed() -> None:
    def allow(wire: WireRequest) -> Response:
        origin = wire.header("Origin") or ""
        if origin.startswith("https://spa.partner.org"):  # a prefix match on a partner's origin
            return Response(
                200,
                [
                    ("Access-Control-Allow-Origin", origin),
                    ("Access-Control-Allow-Credentials", "true"),
                    ("Vary", "Origin"),
                ],
            )
        return Response(200, [("Vary", "Origin")])

    without, _ = await audit(allow)
    assert by_class(without)["allow_list_shape"].evidence["shape"] == "unknown"
    found, _ = await audit(allow, trusted=("https://spa.partner.org",))
    post = by_class(found)["post_domain_trusted"]
    assert post.origin == "https://spa.partner.org.attacker.example"
    assert post.severity == "high"
    assert 'allow_origins=["https://spa.partner.org"]' in post.fix


async def test_redirects_are_followed_and_checked_at_every_hop() -> None:
    def app(wire: WireRequest) -> Response:
        origin = wire.header("Origin")
        headers = [("Vary", "Origin")]
        if origin:
            headers += [("Access-Control-Allow-Origin", origin), ("Access-Control-Allow-Credentials", "true")]
        if wire.url == URL:
            return Response(301, [*headers, ("Location", "/data/")])
        return Response(200, headers)

    findings, sent = await audit(app)
    found = by_class(findings)["arbitrary_origin_reflected"]
    assert found.evidence["hops"] == 2
    assert found.evidence["request"]["url"] == "https://api.example.com/data/"
    attacker_gets = [w for w in sent if w.kind == "actual" and w.header("Origin") == "https://attacker.example"]
    assert [w.url for w in attacker_gets].count(URL) == 1  # include and omit runs share one request


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ([], "heuristic"),
        ([("Cache-Control", "public")], "shared"),
        ([("Cache-Control", "max-age=10")], "shared"),
        ([("Cache-Control", "max-age=10, private")], "none"),
        ([("Cache-Control", "s-maxage=0, max-age=60")], "none"),
        ([("Cache-Control", 'no-cache="set-cookie"')], "none"),
        ([("Expires", "Thu, 01 Jan 2099 00:00:00 GMT")], "shared"),
    ],
)
def test_cacheability(headers: list[tuple[str, str]], expected: str) -> None:
    assert cacheability(Response(200, headers)) == expected


@pytest.mark.parametrize(
    ("vary", "expected"), [("Origin", True), ("accept-encoding, origin", True), ("*", True), ("Accept", False)]
)
def test_varies_on_origin(vary: str, expected: bool) -> None:
    assert varies_on_origin(Response(200, [("Vary", vary)])) is expected


def strict_get_lax_preflight(trusts: Callable[[str], bool]) -> App:
    """GET answers nobody; the OPTIONS handler lets *trusts* send PUT and DELETE with cookies."""

    def app(wire: WireRequest) -> Response:
        origin = wire.header("Origin")
        if wire.method != "OPTIONS" or origin is None or not trusts(origin):
            return Response(200, [("Vary", "Origin")])
        return Response(
            204,
            [
                ("Access-Control-Allow-Origin", origin),
                ("Access-Control-Allow-Credentials", "true"),
                ("Access-Control-Allow-Methods", "PUT, DELETE"),
            ],
        )

    return app


@pytest.mark.parametrize(
    ("trusts", "origin", "severity"),
    [
        (lambda o: o == "null", "null", "high"),
        (lambda o: o.endswith("example.com") and "api." not in o, "https://attackerexample.com", "high"),
        (lambda o: o.startswith(("https://localhost", "http://localhost")), "http://localhost", "medium"),
        (lambda o: o.startswith("http://") and o.endswith("example.com"), "http://api.example.com", "low"),
        (lambda o: o.startswith("chrome-extension://"), "chrome-extension://", "low"),
    ],
)
async def test_preflight_severity_is_capped_by_how_obtainable_the_origin_is(
    trusts: Callable[[str], bool], origin: str, severity: str
) -> None:
    findings, sent = await audit(strict_get_lax_preflight(trusts))
    found = by_class(findings)["untrusted_methods_allowed"]
    assert found.origin is not None
    assert found.origin.startswith(origin)
    assert found.severity == severity
    # Only preflights: a state-changing request never leaves.
    assert not [w for w in sent if w.method in ("PUT", "DELETE")]


async def test_own_origin_echoed_without_vary_on_a_cacheable_answer() -> None:
    def app(wire: WireRequest) -> Response:
        headers = [("Cache-Control", "max-age=60")]
        if wire.header("Origin") == "https://api.example.com":
            headers.append(("Access-Control-Allow-Origin", "https://api.example.com"))
        return Response(200, headers)

    findings, sent = await audit(app)
    vary = by_class(findings)["missing_vary_origin"]
    assert vary.severity == "medium"
    assert vary.origin == "https://api.example.com"
    assert sum(1 for w in sent if w.header("Origin") == "https://api.example.com") == 1


async def test_accepted_preflight_classes_are_listed_in_the_order_tried_not_the_order_answered() -> None:
    """The null origin's answer comes back last; the CORS-SHAPE text and evidence still list it first, so two
    scans of one server say the same thing."""

    def app(wire: WireRequest) -> Response:
        origin = wire.header("Origin")
        if wire.method == "OPTIONS" and origin not in (None, "https://attacker.example"):
            return Response(204, [("Access-Control-Allow-Origin", origin), ("Access-Control-Allow-Methods", "PUT")])
        return Response(200, [])

    async def send(wire: WireRequest) -> Response:
        if wire.header("Origin") == "null":
            for _ in range(200):  # let every other preflight be answered first
                await asyncio.sleep(0)
        return app(wire)

    shape = next(f for f in judge(await observe(URL, send)) if f.id == "CORS-SHAPE")
    tried = shape.evidence["classes_tried"]
    assert tried["preflight_accepted"] == [k for k in tried["preflight"] if k != "attacker"]
    assert tried["preflight_accepted"][0] == "null"
    assert "; accepted: null, pre-domain, " in shape.why


async def test_the_preflight_budget_bounds_the_classes_tried_and_says_which_it_left_out(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    observe_module = importlib.import_module("corskit.audit.observe")  # (corskit.audit.observe is the function)

    def strict(wire: WireRequest) -> Response:
        return Response(200, [])

    full_shape = next(f for f in judge(await observe(URL, lambda w: _answer(strict, w))) if f.id == "CORS-SHAPE")
    classes = full_shape.evidence["classes_tried"]["preflight"]
    assert "preflight_over_budget" not in full_shape.evidence["classes_tried"]  # the default budget covers them all
    monkeypatch.setattr(observe_module, "PREFLIGHT_BUDGET", 3)
    findings, sent = await audit(strict)
    shape = next(f for f in findings if f.id == "CORS-SHAPE")
    tried = shape.evidence["classes_tried"]
    assert classes[0] == "attacker"  # always tried, outside the budget
    assert tried["preflight"] == classes[:4]
    assert tried["preflight_over_budget"] == classes[4:]
    assert f"Left out by the request budget: {', '.join(classes[4:])}." in shape.why
    assert len({w.header("Origin") for w in sent if w.method == "OPTIONS"}) == 4


async def _answer(app: App, wire: WireRequest) -> Response:
    return app(wire)
