"""Every bug in ../shared/research/server-anchors.md, as a test each adapter must pass.

Each test names the library and issue it comes from.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest

from corskit import ConfigError, PathPolicies, Policy

from .adapters import CLIENTS, Client

APP = "https://app.example.com"
EVIL = "https://evil.example.net"

STRICT = Policy(
    allow_origins=[APP],
    allow_methods=["PUT"],
    allow_headers=["Authorization", "Content-Type", "X-Requested-With"],
    allow_credentials=True,
    expose_headers=["X-Total-Count"],
)


@pytest.fixture(params=sorted(CLIENTS))
def make(request: pytest.FixtureRequest) -> Callable[[Any], Client]:
    return CLIENTS[request.param]  # type: ignore[no-any-return]


def preflight_headers(origin: str = APP, method: str = "PUT", headers: str | None = None) -> list[tuple[str, str]]:
    out = [("Origin", origin), ("Access-Control-Request-Method", method)]
    if headers is not None:
        out.append(("Access-Control-Request-Headers", headers))
    return out


# --- flask-cors ---------------------------------------------------------------------------------------------------


def test_flask_cors_cve_2024_1681_crlf_in_path_cannot_forge_log_lines(
    make: Callable[[Any], Client], caplog: pytest.LogCaptureFixture
) -> None:
    client = make(STRICT)
    with caplog.at_level(logging.DEBUG, logger="corskit"):
        client("GET", "/x\r\nFAKE", [("Origin", EVIL)])
        client("OPTIONS", "/x\r\nFAKE", preflight_headers(EVIL))
    assert len(caplog.records) == 2
    for record in caplog.records:
        assert "\r" not in record.getMessage()
        assert "\n" not in record.getMessage()
        assert "FAKE" in record.getMessage()


def test_flask_cors_cve_2024_6221_private_network_only_when_opted_in(make: Callable[[Any], Client]) -> None:
    reply = make(STRICT)("OPTIONS", "/", [*preflight_headers(), ("Access-Control-Request-Private-Network", "true")])
    assert reply.header("Access-Control-Allow-Private-Network") is None
    opted_in = Policy(allow_origins=[APP], allow_methods=["PUT"], allow_private_network=True)
    reply = make(opted_in)("OPTIONS", "/", [*preflight_headers(), ("Access-Control-Request-Private-Network", "true")])
    assert reply.header("Access-Control-Allow-Private-Network") == "true"


def test_flask_cors_cve_2024_6839_specific_path_beats_a_longer_permissive_one(make: Callable[[Any], Client]) -> None:
    # flask-cors: {"/api/admin": strict, "/api/(admin|users)": any}. corskit has no regex paths (the source of the
    # bug); the nearest configuration is an exact path and a prefix.
    routes = PathPolicies({"/api/admin": STRICT, "/api/*": Policy(allow_origins=["*"])})
    reply = make(routes)("GET", "/api/admin", [("Origin", EVIL)])
    assert reply.header("Access-Control-Allow-Origin") is None
    with pytest.raises(ConfigError):
        PathPolicies({"/api/(admin|users)*": STRICT})


def test_flask_cors_cve_2024_6844_plus_is_not_space(make: Callable[[Any], Client]) -> None:
    routes = PathPolicies({"/files/a b": Policy(allow_origins=["*"])})
    client = make(routes)
    assert client("GET", "/files/a+b", [("Origin", EVIL)]).header("Access-Control-Allow-Origin") is None
    assert client("GET", "/files/a b", [("Origin", EVIL)]).header("Access-Control-Allow-Origin") == "*"


def test_flask_cors_cve_2024_6866_paths_are_case_sensitive(make: Callable[[Any], Client]) -> None:
    routes = PathPolicies({"/api/public/*": Policy(allow_origins=["*"])})
    assert make(routes)("GET", "/API/PUBLIC/x", [("Origin", EVIL)]).header("Access-Control-Allow-Origin") is None


def test_flask_cors_subdomain_wildcard_is_not_a_prefix_regex(make: Callable[[Any], Client]) -> None:
    client = make(Policy(allow_origins=["https://*.example.com"], allow_credentials=True))
    assert client("GET", "/", [("Origin", "https://xexample.com.attacker.io")]).cors_names == []
    deep = client("GET", "/", [("Origin", "https://a.b.example.com")])
    assert deep.header("Access-Control-Allow-Origin") == "https://a.b.example.com"


@pytest.mark.parametrize("method", ["ET", "T, P", "G", "GET, PUT"])
def test_flask_cors_request_method_is_not_a_substring_test(make: Callable[[Any], Client], method: str) -> None:
    reply = make(Policy(allow_origins=[APP], allow_methods=["GET", "PUT"]))(
        "OPTIONS", "/", preflight_headers(method=method)
    )
    assert reply.cors_names == []


def test_flask_cors_no_origin_no_allow_origin(make: Callable[[Any], Client]) -> None:
    reply = make(STRICT)("GET", "/", [])
    assert reply.cors_names == []


# --- Starlette ----------------------------------------------------------------------------------------------------


def test_starlette_800_regex_is_anchored(make: Callable[[Any], Client]) -> None:
    client = make(Policy(allow_origin_regex=r"https://.*\.example\.org"))
    assert client("GET", "/", [("Origin", "https://x.example.org.evil.com")]).cors_names == []
    assert client("GET", "/", [("Origin", "https://x.example.org")]).header("Access-Control-Allow-Origin")


@pytest.mark.parametrize("origin", [None, EVIL])
def test_starlette_vary_origin_on_denied_and_missing_origin(make: Callable[[Any], Client], origin: str | None) -> None:
    reply = make(STRICT)("GET", "/", [("Origin", origin)] if origin else [])
    assert reply.header("Vary") == "Origin"


def test_starlette_wildcard_policy_needs_no_vary(make: Callable[[Any], Client]) -> None:
    reply = make(Policy(allow_origins=["*"]))("GET", "/", [("Origin", EVIL)])
    assert reply.header("Access-Control-Allow-Origin") == "*"
    assert reply.header("Vary") is None


def test_starlette_2560_nothing_for_disallowed_origins(make: Callable[[Any], Client]) -> None:
    client = make(STRICT)
    assert client("GET", "/", [("Origin", EVIL)]).cors_names == []
    assert client("OPTIONS", "/", preflight_headers(EVIL, headers="authorization")).cors_names == []


def test_starlette_default_methods_post_preflight(make: Callable[[Any], Client]) -> None:
    # Starlette: allow_methods defaults to GET, so a POST preflight got a 400 that still advertised Allow-*.
    client = make(Policy(allow_origins=[APP], allow_headers=["X-Requested-With"]))
    ok = client("OPTIONS", "/", preflight_headers(method="POST", headers="x-requested-with"))
    assert ok.status == 204
    refused = client("OPTIONS", "/", preflight_headers(method="DELETE"))
    assert refused.status == 403
    assert refused.cors_names == []


def test_starlette_1116_errors_carry_cors_headers(make: Callable[[Any], Client]) -> None:
    reply = make(STRICT)("GET", "/boom", [("Origin", APP)])
    assert reply.status == 500
    assert reply.header("Access-Control-Allow-Origin") == APP
    assert reply.header("Access-Control-Allow-Credentials") == "true"


def test_starlette_trailing_slash_origin_is_refused_loudly() -> None:
    with pytest.raises(ConfigError, match="trailing slash"):
        Policy(allow_origins=["https://a.com/"])


# --- django-cors-headers ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("origin", ["http://[::1", "https://*@:;", "http://[::1]:99999", "https://a.com:-1", "\x00"])
def test_django_701_and_spring_33682_malformed_origins_never_500(make: Callable[[Any], Client], origin: str) -> None:
    client = make(Policy(allow_origins=["https://*.example.com"], allow_origin_regex=r"https://\w+\.test"))
    for reply in [client("GET", "/", [("Origin", origin)]), client("OPTIONS", "/", preflight_headers(origin))]:
        assert reply.status in (200, 403)
        assert reply.cors_names == []


def test_django_origin_with_a_path_is_not_reflected(make: Callable[[Any], Client]) -> None:
    policy = Policy(
        allow_origins=[APP, "https://*.example.com"],
        allow_origin_regex=r"https://a\.com.*",
        allow_origin_func=lambda o: True,
    )
    for origin in ["https://a.com/evil/path", APP + "/evil", "https://x.example.com/"]:
        reply = make(policy)("GET", "/", [("Origin", origin)])
        assert reply.cors_names == [], origin


def test_django_default_port_is_normalised(make: Callable[[Any], Client]) -> None:
    reply = make(Policy(allow_origins=["https://b.com:443"]))("GET", "/", [("Origin", "https://b.com")])
    assert reply.header("Access-Control-Allow-Origin") == "https://b.com"


# --- aiohttp-cors, tower-http -----------------------------------------------------------------------------------


def test_aiohttp_cors_and_tower_http_497_options_without_request_method_reach_the_app(
    make: Callable[[Any], Client],
) -> None:
    reply = make(STRICT)("OPTIONS", "/", [("Origin", APP)])
    assert reply.reached_app
    assert reply.header("Access-Control-Allow-Origin") == APP
    assert reply.header("Vary") == "Origin"


def test_preflights_do_not_reach_the_app(make: Callable[[Any], Client]) -> None:
    assert not make(STRICT)("OPTIONS", "/", preflight_headers()).reached_app


# --- rs/cors -------------------------------------------------------------------------------------------------------


def test_rs_cors_170_eight_thousand_commas(make: Callable[[Any], Client]) -> None:
    client = make(Policy(allow_origins=[APP], allow_methods=["PUT"], allow_headers=["*"]))
    for headers in [
        preflight_headers(headers="a" + "," * 8000),
        [*preflight_headers(), *[("Access-Control-Request-Headers", ",")] * 2000],
    ]:
        reply = client("OPTIONS", "/", headers)
        assert reply.status == 403
        assert reply.cors_names == []
        assert reply.body.startswith(b"CORS preflight refused: Access-Control-Request-Headers too long")


def test_rs_cors_184_request_headers_over_several_lines(make: Callable[[Any], Client]) -> None:
    client = make(Policy(allow_origins=[APP], allow_headers=["content-type", "x-requested-with"]))
    reply = client(
        "OPTIONS",
        "/",
        [
            *preflight_headers(method="GET"),
            ("Access-Control-Request-Headers", "content-type"),
            ("Access-Control-Request-Headers", "x-requested-with"),
        ],
    )
    assert reply.status == 204
    assert reply.header("Access-Control-Allow-Headers") == "content-type, x-requested-with"


@pytest.mark.parametrize("pattern", ["h*", "*.com", "https://*", "https://h*"])
def test_rs_cors_197_over_broad_patterns_are_refused(pattern: str) -> None:
    with pytest.raises(ConfigError):
        Policy(allow_origins=[pattern], allow_credentials=True)


# --- Spring, express ---------------------------------------------------------------------------------------------


def test_spring_24829_vary_is_merged_without_duplicates() -> None:
    from .adapters import Reply

    decision = STRICT.actual(APP)
    merged = decision.apply([("Vary", "Origin"), ("Vary", "origin, Accept-Encoding")])
    reply = Reply(200, merged, b"", True)
    assert reply.count("Vary") == 1
    assert reply.header("Vary") == "Origin, Accept-Encoding"


def test_spring_preflight_vary_names_the_request_headers(make: Callable[[Any], Client]) -> None:
    reply = make(STRICT)("OPTIONS", "/", preflight_headers())
    assert reply.header("Vary") == "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"


@pytest.mark.parametrize(
    "options",
    [
        {"allow_origins": ["*"], "allow_credentials": True},
        {"allow_origin_regex": ".*", "allow_credentials": True},
        {"allow_origins": ["null"], "allow_credentials": True},
    ],
)
def test_express_119_422_credentials_with_any_origin_are_refused(options: dict[str, Any]) -> None:
    with pytest.raises(ConfigError):
        Policy(**options)


def test_several_origin_lines_are_refused(make: Callable[[Any], Client]) -> None:
    reply = make(STRICT)("GET", "/", [("Origin", APP), ("Origin", EVIL)])
    assert reply.cors_names == []


@pytest.mark.parametrize("origin", ["https://app.example.com\r\nSet-Cookie: a=b", "https://app.exämple.com", " " + APP])
def test_crlf_and_non_ascii_are_refused(make: Callable[[Any], Client], origin: str) -> None:
    reply = make(Policy(allow_origins=[APP], allow_origin_func=lambda o: True))("GET", "/", [("Origin", origin)])
    assert reply.cors_names == []
