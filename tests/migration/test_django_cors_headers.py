"""django-cors-headers → corskit.django: every difference docs/migrating.md lists, pinned.

Each test runs the same request through django-cors-headers' middleware and corskit's, both configured by the same
``CORS_*`` settings (corskit reads them when ``CORSKIT`` is absent, and warns). A test named ``test_<row>`` pins
the guide's row of that name.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from corsheaders.middleware import CorsMiddleware as PeerMiddleware
from corsheaders.signals import check_request_enabled
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory, override_settings

from corskit import ConfigError, ConfigWarning
from corskit.django import CorsMiddleware, policy_from_settings

APP = "https://app.example"
EVIL = "https://evil.example"
factory = RequestFactory()
pytestmark = pytest.mark.filterwarnings("ignore:corskit is reading django-cors-headers' settings")


@pytest.fixture(autouse=True)
def _without_corskit_setting() -> Any:
    with override_settings(CORSKIT=None):  # the example project's CORSKIT would win over CORS_*
        yield


def view(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok")


def send(middleware: Any, method: str = "GET", path: str = "/api/items", **headers: str) -> HttpResponse:
    meta = {"HTTP_" + k.upper(): v for k, v in headers.items()}
    response: HttpResponse = middleware(view)(factory.generic(method, path, **meta))
    return response


def preflight(middleware: Any, method: str = "PUT", origin: str = APP, **headers: str) -> HttpResponse:
    return send(middleware, "OPTIONS", origin=origin, access_control_request_method=method, **headers)


def cors_headers(response: HttpResponse) -> dict[str, str]:
    return {k.lower(): v for k, v in response.headers.items() if k.lower().startswith("access-control-")}


@override_settings(CORS_ALLOWED_ORIGINS=[APP], CORS_ALLOW_CREDENTIALS=True)
def test_settings_read_with_warning() -> None:
    with pytest.warns(ConfigWarning, match=r"replace them with CORSKIT = \{'allow_origins': \['https://app.example'\]"):
        policy = policy_from_settings()
    assert policy.allow_credentials is True
    peer, ours = send(PeerMiddleware, origin=APP), send(CorsMiddleware, origin=APP)
    assert (
        cors_headers(peer)
        == cors_headers(ours)
        == {
            "access-control-allow-origin": APP,
            "access-control-allow-credentials": "true",
        }
    )


@override_settings(CORS_ALLOWED_ORIGINS=[APP], CORSKIT={"allow_origins": [EVIL]})
def test_corskit_setting_wins() -> None:
    assert policy_from_settings().allow_origins == (EVIL,)  # type: ignore[union-attr]
    with override_settings(CORSKIT=None, INSTALLED_APPS=["corsheaders"]):
        del settings.CORS_ALLOWED_ORIGINS
        with pytest.warns(ConfigWarning, match=r"none set: its defaults"):
            assert policy_from_settings().allow_origins == ()  # type: ignore[union-attr]
        assert "Access-Control-Allow-Origin" not in send(CorsMiddleware, origin=APP)
    with override_settings(CORSKIT=None):
        del settings.CORS_ALLOWED_ORIGINS
        with pytest.raises(ConfigError, match=r"settings\.CORSKIT is missing"):
            policy_from_settings()


@override_settings(CORS_ALLOW_ALL_ORIGINS=True, CORS_ALLOW_CREDENTIALS=True)
def test_credentials_with_all_origins() -> None:
    assert send(PeerMiddleware, origin=EVIL)["Access-Control-Allow-Origin"] == EVIL  # any site, with cookies
    with pytest.raises(ImproperlyConfigured, match="reflects every origin with credentials"):
        send(CorsMiddleware, origin=EVIL)


@override_settings(CORS_ALLOWED_ORIGINS=[APP])
def test_preflight_answers() -> None:
    peer, ours = preflight(PeerMiddleware), preflight(CorsMiddleware)
    assert peer.status_code == 200
    assert peer["Access-Control-Allow-Methods"] == "DELETE, GET, OPTIONS, PATCH, POST, PUT"  # the whole list
    assert ours.status_code == 204
    assert ours["Access-Control-Allow-Methods"] == "PUT"  # what was asked, once allowed
    assert "Access-Control-Allow-Headers" not in ours  # nothing asked, nothing listed


@override_settings(CORS_ALLOWED_ORIGINS=[APP])
def test_preflight_refused() -> None:
    peer, ours = preflight(PeerMiddleware, origin=EVIL), preflight(CorsMiddleware, origin=EVIL)
    assert peer.status_code == 200
    assert "Access-Control-Allow-Origin" not in peer
    assert ours.status_code == 403
    assert cors_headers(ours) == {}
    assert b"origin not allowed" in ours.content
    empty = {"access_control_request_method": ""}
    assert send(PeerMiddleware, "OPTIONS", origin=APP, **empty).status_code == 200
    assert send(CorsMiddleware, "OPTIONS", origin=APP, **empty).status_code == 403


@override_settings(CORS_ALLOWED_ORIGINS=[APP], CORS_PREFLIGHT_MAX_AGE=0)
def test_max_age_zero() -> None:
    assert "Access-Control-Max-Age" not in preflight(PeerMiddleware)
    assert "Access-Control-Max-Age" not in preflight(CorsMiddleware)


@override_settings(CORS_ALLOWED_ORIGINS=[APP])
def test_max_age_default() -> None:
    assert preflight(PeerMiddleware)["Access-Control-Max-Age"] == preflight(CorsMiddleware)["Access-Control-Max-Age"]


@override_settings(CORS_ALLOWED_ORIGINS=[APP, "file://"])
def test_file_origin() -> None:
    assert send(PeerMiddleware, origin="file://")["Access-Control-Allow-Origin"] == "file://"
    with pytest.raises(ImproperlyConfigured, match=r"Origin: null.*'null'"):
        send(CorsMiddleware, origin="file://")


@override_settings(CORS_ALLOWED_ORIGINS=["null"])
def test_null_origin() -> None:
    assert send(PeerMiddleware, origin="null")["Access-Control-Allow-Origin"] == "null"
    assert send(CorsMiddleware, origin="null")["Access-Control-Allow-Origin"] == "null"


@override_settings(CORS_ALLOWED_ORIGIN_REGEXES=[r"^https://app\.example"])
def test_regex_prefix() -> None:
    lookalike = "https://app.example.evil.example"
    assert send(PeerMiddleware, origin=lookalike)["Access-Control-Allow-Origin"] == lookalike
    with pytest.warns(ConfigWarning, match=r"django-cors-headers matched .* as a prefix"):
        ours = CorsMiddleware(view)
    assert "Access-Control-Allow-Origin" not in ours(factory.get("/", HTTP_ORIGIN=lookalike))
    assert ours(factory.get("/", HTTP_ORIGIN=APP))["Access-Control-Allow-Origin"] == APP


@override_settings(CORS_ALLOWED_ORIGINS=[APP])
def test_signal_not_consulted() -> None:
    def allow_everyone(sender: Any, request: HttpRequest, **kwargs: Any) -> bool:
        return True

    check_request_enabled.connect(allow_everyone)
    try:
        assert send(PeerMiddleware, origin=EVIL)["Access-Control-Allow-Origin"] == EVIL
        assert "Access-Control-Allow-Origin" not in send(CorsMiddleware, origin=EVIL)
    finally:
        check_request_enabled.disconnect(allow_everyone)
    with override_settings(CORSKIT={"allow_origins": [APP], "allow_origin_func": lambda origin: origin == EVIL}):
        assert send(CorsMiddleware, origin=EVIL)["Access-Control-Allow-Origin"] == EVIL


@override_settings(CORS_ALLOWED_ORIGINS=[APP], CORS_URLS_REGEX=r"^/api/.*$")
def test_urls_regex() -> None:
    for middleware in (PeerMiddleware, CorsMiddleware):
        assert send(middleware, origin=APP, path="/api/items")["Access-Control-Allow-Origin"] == APP
        assert "Access-Control-Allow-Origin" not in send(middleware, origin=APP, path="/admin/")
    with override_settings(CORS_URLS_REGEX=r"^/api/v\d+/"), pytest.raises(ImproperlyConfigured, match="a prefix"):
        CorsMiddleware(view)


@override_settings(CORS_ALLOWED_ORIGINS=[APP], CORS_URLS_REGEX=r"^/foo/$")
def test_paths_include_script_name() -> None:
    mounted = factory.get("/foo/", HTTP_ORIGIN=APP, SCRIPT_NAME="/prefix")
    assert PeerMiddleware(view)(mounted)["Access-Control-Allow-Origin"] == APP  # matched against path_info
    assert "Access-Control-Allow-Origin" not in CorsMiddleware(view)(mounted)  # corskit: the full path
    with override_settings(CORS_URLS_REGEX=r"^/prefix/foo/$"):
        assert CorsMiddleware(view)(mounted)["Access-Control-Allow-Origin"] == APP


@override_settings(CORS_ALLOWED_ORIGINS=[APP], CORS_ALLOW_PRIVATE_NETWORK=True)
def test_private_network_on_preflights_only() -> None:
    pna = {"access_control_request_private_network": "true"}
    assert send(PeerMiddleware, origin=APP, **pna)["Access-Control-Allow-Private-Network"] == "true"
    assert "Access-Control-Allow-Private-Network" not in send(CorsMiddleware, origin=APP, **pna)
    assert preflight(CorsMiddleware, **pna)["Access-Control-Allow-Private-Network"] == "true"


@override_settings(CORS_ALLOWED_ORIGINS=[APP])
def test_vary_spelling() -> None:
    assert send(PeerMiddleware, origin=APP)["Vary"] == "origin"
    assert send(CorsMiddleware, origin=APP)["Vary"] == "Origin"  # field names are case-insensitive


@override_settings(CORS_ALLOWED_ORIGINS=[APP])
def test_cors_enabled_attribute() -> None:
    peer_request, our_request = factory.get("/", HTTP_ORIGIN=APP), factory.get("/", HTTP_ORIGIN=APP)
    PeerMiddleware(view)(peer_request)
    CorsMiddleware(view)(our_request)
    assert peer_request._cors_enabled is True  # type: ignore[attr-defined]
    assert not hasattr(our_request, "_cors_enabled")


@override_settings(CORS_ALLOWED_ORIGINS=[APP], CORS_EXPOSE_HEADERS=["X-Total"], CORS_ALLOW_HEADERS=["X-Token"])
def test_headers_lists() -> None:
    asked = {"access_control_request_headers": "x-token"}
    assert preflight(PeerMiddleware, **asked)["Access-Control-Allow-Headers"] == "X-Token"
    assert preflight(CorsMiddleware, **asked)["Access-Control-Allow-Headers"] == "x-token"
    assert re.fullmatch("X-Total", send(CorsMiddleware, origin=APP)["Access-Control-Expose-Headers"])
