"""Django is configured once per process, from the example project (tests override settings as they need)."""

from __future__ import annotations

from examples.server import django_app

django_app.configure()
