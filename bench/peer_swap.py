"""pytest plugin for bench/peer_suites.py: swap a peer's middleware for corskit's before its tests import it.

``PEER_SWAP`` says which: ``starlette`` (``starlette.middleware.cors.CORSMiddleware`` → ``corskit.asgi``),
``django`` (``corsheaders.middleware.CorsMiddleware`` → ``corskit.django``, configured from the same ``CORS_*``
settings), ``flask`` (``flask_cors.CORS`` / ``cross_origin`` → ``corskit.flask``). Unset: the peer runs as shipped.
Only the middleware changes; the peer's tests, helpers and pytest configuration stay as they are.
"""

from __future__ import annotations

import os


def pytest_configure(config: object) -> None:
    swap = os.environ.get("PEER_SWAP", "")
    if swap == "starlette":
        import starlette.middleware.cors

        from corskit.asgi import CORSMiddleware

        starlette.middleware.cors.CORSMiddleware = CORSMiddleware  # type: ignore[misc,assignment]
    elif swap == "django":
        import corsheaders.middleware

        corsheaders.middleware.CorsMiddleware = _django_middleware()  # type: ignore[misc]
    elif swap == "flask":
        import flask_cors

        from corskit.flask import CORS, cross_origin

        flask_cors.CORS = CORS  # type: ignore[misc,assignment]
        flask_cors.cross_origin = cross_origin  # type: ignore[assignment]
    elif swap:
        raise SystemExit(f"PEER_SWAP={swap!r}: expected starlette, django or flask")


def _django_middleware() -> type:
    """corskit's Django middleware, reading django-cors-headers' ``CORS_*`` settings as a migrating project's."""
    from corskit import django as corskit_django

    if getattr(corskit_django, "READS_PEER_SETTINGS", False):
        return corskit_django.CorsMiddleware
    # corskit before it read CORS_* itself: translate them here, as corskit.peers does.
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    from corskit import ConfigError
    from corskit.peers import DJANGO_SETTINGS, from_django_settings

    class Translated(corskit_django.CorsMiddleware):  # type: ignore[misc]
        def __init__(self, get_response: object) -> None:
            names = {name: getattr(settings, name) for name in DJANGO_SETTINGS if hasattr(settings, name)}
            try:
                settings.CORSKIT = from_django_settings(names)
            except ConfigError as exc:
                raise ImproperlyConfigured(str(exc)) from None
            super().__init__(get_response)

    return Translated
