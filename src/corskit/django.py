"""Django middleware, configured from a ``CORSKIT`` dict in settings and checked at start-up.

.. code-block:: python

    # settings.py
    INSTALLED_APPS = [..., "corskit.django.CorskitConfig"]  # the system checks (manage.py check)
    MIDDLEWARE = ["corskit.django.CorsMiddleware", ...]  # first, above CommonMiddleware
    CORSKIT = {
        "allow_origins": ["https://app.example.com"],
        "allow_methods": ["PUT", "DELETE"],
        "allow_credentials": True,
    }
    # or per path: CORSKIT = {"paths": {"/api/public/*": {"allow_origins": ["*"]}, "/api/*": {...}, "/hooks/*": None}}

The keys are :class:`~corskit.Policy`'s keyword arguments. Migrating from django-cors-headers? Replace its line in
``MIDDLEWARE`` with ``"corskit.django.CorsMiddleware"``: without ``CORSKIT``, corskit reads the ``CORS_*`` settings
(translated by :func:`corskit.peers.from_django_settings`) and warns with the ``CORSKIT`` dict to write instead.
A bad configuration is reported by ``manage.py check`` (``corskit.E001``…) and makes the middleware raise
``ImproperlyConfigured`` when Django loads it. Works in both sync and async Django stacks; an async
``allow_origin_func`` needs the async one.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.apps import AppConfig
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse, HttpResponseBase

from . import ConfigWarning
from .peers import DJANGO_SETTINGS, from_django_settings
from .server.decisions import ActualDecision, PreflightDecision, is_preflight
from .server.merge import TEXT, edit
from .server.options import OPTION_NAMES
from .server.policy import Policy
from .server.routing import PathPolicies
from .spec.errors import ConfigError

__all__ = ["READS_PEER_SETTINGS", "CorsMiddleware", "CorskitConfig", "policy_from_settings"]

#: Without ``CORSKIT``, django-cors-headers' ``CORS_*`` settings are read (and a warning says what to write).
READS_PEER_SETTINGS = True

_MIDDLEWARE = "corskit.django.CorsMiddleware"
_OPTIONS = OPTION_NAMES


class CorskitConfig(AppConfig):  # type: ignore[misc]
    """Lists corskit in ``INSTALLED_APPS`` (label ``corskit``) so that its system checks run at start-up."""

    name = "corskit.django"
    label = "corskit"
    verbose_name = "corskit"


def _policy(where: str, options: Any) -> Policy:
    if not isinstance(options, Mapping):
        raise ConfigError(f"{where} must be a dict of corskit.Policy options, got {options!r}")
    unknown = sorted(set(options) - set(_OPTIONS))
    if unknown:
        raise ConfigError(f"{where}: unknown option(s) {', '.join(unknown)}; the options are {', '.join(_OPTIONS)}")
    return Policy(**options)


def policy_from_settings(config: Any = None) -> Policy | PathPolicies:
    """Build the policy that ``settings.CORSKIT`` (or *config*) describes; :class:`~corskit.ConfigError` if bad."""
    if config is None:
        config = getattr(settings, "CORSKIT", None)
    if config is None:
        config = _peer_settings()
    if config is None:
        raise ConfigError("settings.CORSKIT is missing: add CORSKIT = {'allow_origins': ['https://app.example.com']}")
    if isinstance(config, Mapping) and "paths" in config:
        if len(config) > 1:
            raise ConfigError("CORSKIT: with 'paths', put every option inside the per-path dicts")
        paths = config["paths"]
        if not isinstance(paths, Mapping):
            raise ConfigError(f"CORSKIT['paths'] must map path patterns to option dicts, got {paths!r}")
        routes = {
            pattern: None if options is None else _policy(f"CORSKIT['paths'][{pattern!r}]", options)
            for pattern, options in paths.items()
        }
        return PathPolicies(routes)
    return _policy("CORSKIT", config)


def _peer_settings() -> dict[str, Any] | None:
    """django-cors-headers' ``CORS_*`` settings as ``CORSKIT`` options, with a warning naming that dict; ``None``
    for a project that never used django-cors-headers (no ``CORS_*`` setting, no ``"corsheaders"`` app)."""
    found = {name: getattr(settings, name) for name in DJANGO_SETTINGS if hasattr(settings, name)}
    if not found and "corsheaders" not in (getattr(settings, "INSTALLED_APPS", None) or ()):
        return None
    config = from_django_settings(found)
    which = ", ".join(found) or "none set: its defaults"
    warnings.warn(
        f"corskit is reading django-cors-headers' settings ({which}) for now; replace them with CORSKIT = {config!r}",
        ConfigWarning,
        stacklevel=3,
    )
    return config


@checks.register(checks.Tags.security)  # type: ignore[untyped-decorator]
def check_settings(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Django system check: the ``CORSKIT`` setting builds a policy and the middleware sits high enough."""
    messages: list[checks.CheckMessage] = []
    middleware = list(getattr(settings, "MIDDLEWARE", None) or ())
    if _MIDDLEWARE not in middleware and getattr(settings, "CORSKIT", None) is None:
        return messages
    if _MIDDLEWARE not in middleware:
        messages.append(
            checks.Warning(
                "settings.CORSKIT is set but corskit's middleware is not installed.",
                hint=f"Add {_MIDDLEWARE!r} at the top of MIDDLEWARE.",
                id="corskit.W002",
            )
        )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            policy_from_settings()
        except (ConfigError, TypeError) as exc:
            messages.append(checks.Error(f"CORSKIT: {exc}", id="corskit.E001"))
    messages.extend(checks.Warning(f"CORSKIT: {w.message}", id="corskit.W001") for w in caught)
    common = "django.middleware.common.CommonMiddleware"
    if _MIDDLEWARE in middleware and common in middleware and middleware.index(common) < middleware.index(_MIDDLEWARE):
        messages.append(
            checks.Warning(
                f"{_MIDDLEWARE} comes after {common}, whose redirects would reach browsers without CORS headers.",
                hint=f"Move {_MIDDLEWARE!r} above it, as high in MIDDLEWARE as possible.",
                id="corskit.W003",
            )
        )
    return messages


def _preflight_response(decision: PreflightDecision) -> HttpResponse:
    response = HttpResponse(decision.body, status=decision.status)
    del response["Content-Type"]
    for name, value in decision.headers:
        response[name] = value
    return response


def _apply(response: HttpResponseBase, answer: ActualDecision) -> HttpResponseBase:
    """The one header merge (:func:`corskit.server.merge.edit`) on Django's header mapping."""
    headers = response.headers
    app = list(headers.items())
    kept, added = edit(app, answer, TEXT)
    if len(kept) < len(app):  # the app's Access-Control-* and Vary go; ours (Vary merged) are set below
        for name in {name for name, _ in app} - {name for name, _ in kept}:
            del headers[name]
    for name, value in added:
        headers[name] = value
    return response


class CorsMiddleware:
    """Answers preflights and adds CORS headers to every response, as ``settings.CORSKIT`` says."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response
        try:
            self.policy = policy_from_settings()
        except ConfigError as exc:
            raise ImproperlyConfigured(str(exc)) from None
        self._async = iscoroutinefunction(get_response)
        if self._async:
            markcoroutinefunction(self)
        elif self.policy.is_async:
            raise ImproperlyConfigured("CORSKIT: an async allow_origin_func needs Django's async (ASGI) stack")

    def __call__(self, request: HttpRequest) -> Any:
        if self._async:
            return self.__acall__(request)
        policy = self.policy.for_path(request.path)
        if policy is None:
            return self.get_response(request)
        meta = request.META
        origin = meta.get("HTTP_ORIGIN")
        method = meta.get("HTTP_ACCESS_CONTROL_REQUEST_METHOD")
        if is_preflight(request.method or "", origin, method):
            return _preflight_response(
                policy.preflight(
                    origin,
                    method,
                    meta.get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS"),
                    meta.get("HTTP_ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK"),
                    path=request.path,
                )
            )
        answer = policy.actual(origin, path=request.path)
        return _apply(self.get_response(request), answer)

    async def __acall__(self, request: HttpRequest) -> Any:
        policy = self.policy.for_path(request.path)
        if policy is None:
            return await self.get_response(request)
        meta = request.META
        origin = meta.get("HTTP_ORIGIN")
        method = meta.get("HTTP_ACCESS_CONTROL_REQUEST_METHOD")
        if is_preflight(request.method or "", origin, method):
            decision = await policy.apreflight(
                origin,
                method,
                meta.get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS"),
                meta.get("HTTP_ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK"),
                path=request.path,
            )
            return _preflight_response(decision)
        answer = await policy.aactual(origin, path=request.path)
        return _apply(await self.get_response(request), answer)
