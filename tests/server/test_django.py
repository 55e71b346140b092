"""corskit.django: settings, system checks, the middleware in sync and async stacks, the example project."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory, override_settings

from corskit import ConfigError, PathPolicies, Policy
from corskit.django import CorsMiddleware, check_settings, policy_from_settings

APP = "https://app.example.com"
EVIL = "https://evil.example.net"
CONFIG = {
    "allow_origins": [APP],
    "allow_methods": ["PUT"],
    "allow_headers": ["Authorization"],
    "allow_credentials": True,
    "expose_headers": ["X-Total-Count"],
}
MIDDLEWARE = ["corskit.django.CorsMiddleware", "django.middleware.common.CommonMiddleware"]
factory = RequestFactory()


def view(status: int = 200, **headers: str) -> Any:
    calls: list[HttpRequest] = []

    def get_response(request: HttpRequest) -> HttpResponse:
        calls.append(request)
        response = HttpResponse(b"ok", status=status)
        for name, value in headers.items():
            response[name.replace("_", "-")] = value
        return response

    get_response.calls = calls  # type: ignore[attr-defined]
    return get_response


def request(method: str = "GET", path: str = "/api/items", **headers: str) -> HttpRequest:
    meta = {"HTTP_" + k.upper(): v for k, v in headers.items()}
    return factory.generic(method, path, **meta)


@override_settings(CORSKIT=CONFIG)
def test_actual_requests() -> None:
    mw = CorsMiddleware(view())
    ok = mw(request(origin=APP))
    assert ok["Access-Control-Allow-Origin"] == APP
    assert ok["Access-Control-Allow-Credentials"] == "true"
    assert ok["Access-Control-Expose-Headers"] == "X-Total-Count"
    assert ok["Vary"] == "Origin"
    no = mw(request(origin=EVIL))
    assert not any(h.lower().startswith("access-control-") for h in no.headers)
    assert no["Vary"] == "Origin"
    assert mw(request())["Vary"] == "Origin"


@override_settings(CORSKIT=CONFIG)
def test_vary_merged_and_app_cors_headers_replaced() -> None:
    mw = CorsMiddleware(view(Vary="Cookie, Accept-Encoding", Access_Control_Allow_Origin="*"))
    out = mw(request(origin=APP))
    assert out["Vary"] == "Cookie, Accept-Encoding, Origin"
    assert out["Access-Control-Allow-Origin"] == APP


@override_settings(CORSKIT=CONFIG)
@pytest.mark.parametrize("origin", [EVIL, None, "null", "https://APP.example.com"])
def test_a_refused_origin_never_gets_the_apps_own_cors_headers(origin: str | None) -> None:
    # The app (or another middleware) says ACAO: *; corskit owns Access-Control-*: a refusal must not leak it.
    app_headers = {"Access_Control_Allow_Origin": "*", "Access_Control_Allow_Credentials": "true", "X_Kept": "1"}
    mw = CorsMiddleware(view(**app_headers))
    out = mw(request(origin=origin) if origin else request())
    assert [h for h in out.headers if h.lower().startswith("access-control-")] == []
    assert out["X-Kept"] == "1"
    assert out["Vary"] == "Origin"
    allowed = mw(request(origin=APP))
    assert allowed["Access-Control-Allow-Origin"] == APP


@override_settings(CORSKIT=CONFIG)
def test_preflight() -> None:
    get_response = view()
    mw = CorsMiddleware(get_response)
    out = mw(
        request(
            "OPTIONS", origin=APP, access_control_request_method="PUT", access_control_request_headers="authorization"
        )
    )
    assert get_response.calls == []
    assert out.status_code == 204
    assert "Content-Type" not in out
    assert out["Access-Control-Allow-Methods"] == "PUT"
    assert out["Access-Control-Allow-Headers"] == "authorization"
    refused = mw(request("OPTIONS", origin=EVIL, access_control_request_method="PUT"))
    assert refused.status_code == 403
    assert refused.content == b"CORS preflight refused: origin not allowed\n"
    assert not any(h.lower().startswith("access-control-") for h in refused.headers)


@override_settings(CORSKIT=CONFIG)
def test_options_without_request_method_reaches_the_view() -> None:
    get_response = view()
    out = CorsMiddleware(get_response)(request("OPTIONS", origin=APP))
    assert len(get_response.calls) == 1
    assert out["Access-Control-Allow-Origin"] == APP


@override_settings(CORSKIT={"paths": {"/public/*": {"allow_origins": ["*"]}, "/api/*": CONFIG, "/hooks/*": None}})
def test_paths() -> None:
    policy = policy_from_settings()
    assert isinstance(policy, PathPolicies)
    mw = CorsMiddleware(view())
    assert mw(request(path="/public/x", origin=EVIL))["Access-Control-Allow-Origin"] == "*"
    assert mw(request(path="/api/x", origin=APP))["Access-Control-Allow-Origin"] == APP
    hooks = mw(request(path="/hooks/x", origin=APP))
    assert "Access-Control-Allow-Origin" not in hooks
    assert "Vary" not in hooks


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"allow_origins": ["*"], "allow_credentials": True}, "list the origins"),
        ({"allow_origin": [APP]}, "unknown option(s) allow_origin"),
        ({"paths": {"/api/*": {"allow_origins": ["https://a.com/"]}}}, "trailing slash"),
        ({"paths": {"/api/*": CONFIG}, "allow_origins": [APP]}, "per-path"),
        ({"paths": ["/api/*"]}, "must map"),
        (["https://a.com"], "must be a dict"),
    ],
)
def test_bad_settings(config: Any, message: str) -> None:
    with override_settings(CORSKIT=config):
        with pytest.raises(ImproperlyConfigured, match=re.escape(message)):
            CorsMiddleware(view())
        errors = [m for m in check_settings() if m.id == "corskit.E001"]
        assert len(errors) == 1
        assert message in errors[0].msg


def test_missing_setting() -> None:
    with override_settings(CORSKIT=None):
        with pytest.raises(ImproperlyConfigured, match="CORSKIT is missing"):
            CorsMiddleware(view())
        with override_settings(MIDDLEWARE=MIDDLEWARE):
            assert [m.id for m in check_settings()] == ["corskit.E001"]
        with override_settings(MIDDLEWARE=[]):
            assert check_settings() == []  # corskit not in use: nothing to say
    with pytest.raises(ConfigError):
        policy_from_settings({"allow_origins": "https://a.com"})


def test_checks_warn() -> None:
    with override_settings(CORSKIT=None, CORS_ALLOWED_ORIGINS=[APP], MIDDLEWARE=MIDDLEWARE):
        assert [m.id for m in check_settings()] == ["corskit.W001"]  # django-cors-headers' settings, read
    with override_settings(CORSKIT=CONFIG, MIDDLEWARE=[]):
        assert [m.id for m in check_settings()] == ["corskit.W002"]
    with override_settings(CORSKIT=CONFIG, MIDDLEWARE=list(reversed(MIDDLEWARE))):
        assert [m.id for m in check_settings()] == ["corskit.W003"]
    with override_settings(CORSKIT=CONFIG, MIDDLEWARE=MIDDLEWARE):
        assert check_settings() == []


def test_manage_py_check_reports_errors() -> None:
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    with (
        override_settings(CORSKIT={"allow_origins": ["https://*.com"]}),
        pytest.raises(SystemCheckError, match=r"corskit\.E001.*public suffix"),
    ):
        call_command("check")


async def test_async_stack() -> None:
    async def get_response(request: HttpRequest) -> HttpResponse:
        return HttpResponse(b"ok")

    async def allowed(origin: str) -> bool:
        await asyncio.sleep(0)
        return origin.endswith(".tenant.example")

    with override_settings(CORSKIT={"allow_origin_func": allowed, "allow_methods": ["PUT"]}):
        mw = CorsMiddleware(get_response)
        assert asyncio.iscoroutinefunction(mw)
        ok = await mw(request(origin="https://acme.tenant.example"))
        assert ok["Access-Control-Allow-Origin"] == "https://acme.tenant.example"
        no = await mw(request(origin=EVIL))
        assert "Access-Control-Allow-Origin" not in no
        pre = await mw(request("OPTIONS", origin="https://acme.tenant.example", access_control_request_method="PUT"))
        assert pre.status_code == 204
        hooks = await mw(request(origin=EVIL))
        assert hooks["Vary"] == "Origin"
        with pytest.raises(ImproperlyConfigured, match="async"):
            CorsMiddleware(view())


@override_settings(CORSKIT={"paths": {"/hooks/*": None, "/*": CONFIG}})
async def test_async_stack_path_left_alone() -> None:
    async def get_response(request: HttpRequest) -> HttpResponse:
        return HttpResponse(b"ok")

    out = await CorsMiddleware(get_response)(request(path="/hooks/x", origin=APP))
    assert "Vary" not in out


def test_example_project_through_the_test_client() -> None:
    client = Client(raise_request_exception=False)
    from examples.server import django_app

    assert policy_from_settings(django_app.settings_for([APP])["CORSKIT"]).allow_origins == (APP,)
    ok = client.get("/api/items", HTTP_ORIGIN="http://localhost:5173")
    assert ok["Access-Control-Allow-Origin"] == "http://localhost:5173"
    assert ok["Access-Control-Expose-Headers"] == "X-Total-Count"
    pre = client.options(
        "/api/items/1",
        HTTP_ORIGIN="https://app.example.com",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="PUT",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization,content-type",
    )
    assert pre.status_code == 204
    crash = client.get("/api/crash", HTTP_ORIGIN="https://app.example.com")
    assert crash.status_code == 500
    assert crash["Access-Control-Allow-Origin"] == "https://app.example.com"
    # Responses made by Django itself below corskit (404, 405…) carry the CORS headers too.
    not_found = client.get("/api/nothing", HTTP_ORIGIN="https://app.example.com")
    assert not_found.status_code == 404
    assert not_found["Access-Control-Allow-Origin"] == "https://app.example.com"
    assert isinstance(policy_from_settings(), Policy)
