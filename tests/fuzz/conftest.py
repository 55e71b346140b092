"""Django is configured once per process, from the example project (the adapter tests set their own policy)."""

from __future__ import annotations

from examples.server import django_app

django_app.configure()
