"""A one-file Django project behind ``corskit.django.CorsMiddleware``.

    python -m examples.server.django_app runserver 8000      (or any WSGI server: ``application`` below)

In a real project the ``SETTINGS`` below live in ``settings.py``; the part that matters is ``INSTALLED_APPS``
(for ``manage.py check``), ``MIDDLEWARE`` (corskit first) and ``CORSKIT``.
"""

from __future__ import annotations

import json
import sys
from typing import Any

FRONT_ENDS = ["https://app.example.com", "http://localhost:*"]


def settings_for(origins: list[str]) -> dict[str, Any]:
    return {
        "DEBUG": False,
        "SECRET_KEY": "example-only",
        "ALLOWED_HOSTS": ["*"],
        "ROOT_URLCONF": __name__,
        "INSTALLED_APPS": ["corskit.django.CorskitConfig"],
        "MIDDLEWARE": [
            "corskit.django.CorsMiddleware",
            "django.middleware.common.CommonMiddleware",
        ],
        "CORSKIT": {
            "allow_origins": origins,
            "allow_methods": ["PUT", "DELETE"],
            "allow_headers": ["Authorization"],
            "allow_credentials": True,
            "expose_headers": ["X-Total-Count"],
        },
        "USE_TZ": True,
    }


def configure(origins: list[str] = FRONT_ENDS) -> None:
    """Configure Django for this module (once per process) and set it up."""
    import django
    from django.conf import settings

    if not settings.configured:
        settings.configure(**settings_for(origins))
        django.setup()


def list_items(request: Any) -> Any:
    from django.http import JsonResponse

    items = [{"id": 1, "name": "tea"}, {"id": 2, "name": "scones"}]
    return JsonResponse(items, safe=False, headers={"X-Total-Count": "2"})


def update_item(request: Any, item_id: int) -> Any:
    from django.http import HttpResponseNotAllowed, JsonResponse

    if request.method != "PUT":
        return HttpResponseNotAllowed(["PUT"])
    if request.headers.get("Authorization") != "Bearer s3cret":
        return JsonResponse({"detail": "bad token"}, status=401)
    json.loads(request.body or b"{}")
    return JsonResponse({"id": item_id, "updated": True})


def me(request: Any) -> Any:
    from django.http import JsonResponse

    return JsonResponse({"user": "ada"})


def crash(request: Any) -> Any:
    raise RuntimeError("boom")


def __getattr__(name: str) -> Any:
    # ROOT_URLCONF: built on first use, after settings are configured.
    if name == "urlpatterns":
        from django.urls import path

        return [
            path("api/items", list_items),
            path("api/items/<int:item_id>", update_item),
            path("api/me", me),
            path("api/crash", crash),
        ]
    raise AttributeError(name)


def application() -> Any:
    """The WSGI application (configure() first)."""
    from django.core.wsgi import get_wsgi_application

    return get_wsgi_application()


if __name__ == "__main__":
    configure()
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
