"""flask-cors' shape on corskit: ``CORS(app, ...)`` and ``@cross_origin(...)`` with flask-cors' option names.

.. code-block:: python

    from corskit.flask import CORS            # was: from flask_cors import CORS

    CORS(app, resources={r"/api/*": {"origins": ["https://app.example.com"]}}, supports_credentials=True)

The options are translated once by :func:`corskit.peers.from_flask_cors` (also from ``app.config["CORS_*"]``, as
flask-cors reads them) into a :class:`~corskit.Policy` (or :class:`~corskit.PathPolicies` for ``resources``), and
``CORS`` wraps ``app.wsgi_app`` in :class:`corskit.wsgi.CORSMiddleware`. What flask-cors allowed and corskit
refuses, and why: docs/migrating.md. New code can use the middleware directly, with corskit's own names.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from flask import Flask, Response, make_response, request

from .peers import FLASK_CORS_OPTIONS, from_flask_cors
from .server.policy import Policy, is_preflight
from .server.routing import PathPolicies
from .spec.errors import ConfigError
from .wsgi import CORSMiddleware

__all__ = ["CORS", "cross_origin", "policy_from_flask_cors"]

F = TypeVar("F", bound=Callable[..., Any])


def policy_from_flask_cors(options: Mapping[str, Any]) -> Policy | PathPolicies:
    """The corskit policy that flask-cors' keyword *options* describe (``resources`` → per-path policies)."""
    routes = from_flask_cors(options)
    if list(routes) == ["/*"]:
        return Policy(**routes["/*"])
    return PathPolicies({pattern: Policy(**opts) for pattern, opts in routes.items()})


class CORS:
    """``CORS(app, **flask_cors_options)`` or ``CORS(**options).init_app(app)``: the whole app, through corskit's
    WSGI middleware. Options come from ``app.config["CORS_<NAME>"]``, then the constructor, then ``init_app``."""

    def __init__(self, app: Flask | None = None, **options: Any) -> None:
        self._options = options
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask, **options: Any) -> None:
        if not isinstance(app, Flask):
            raise ConfigError(
                f"CORS(...) got {app!r}: corskit applies CORS to a whole Flask app (flask-cors also took a "
                "Blueprint); give it the app and the blueprint's prefix: CORS(app, resources={'/prefix/*': {...}})"
            )
        config = {name: app.config[key] for name in FLASK_CORS_OPTIONS if (key := f"CORS_{name.upper()}") in app.config}
        policy = policy_from_flask_cors({**config, **self._options, **options})
        app.wsgi_app = CORSMiddleware(app.wsgi_app, policy=policy)  # type: ignore[method-assign]


def cross_origin(**options: Any) -> Callable[[F], F]:
    """A view decorator with flask-cors' options: the view answers its own preflights and its responses get the
    CORS headers. (Errors the view raises reach Flask's error handlers without them: ``CORS(app)`` keeps them.)"""
    if "resources" in options:
        raise ConfigError("cross_origin(resources=...): a decorator applies to its view; use CORS(app, resources=)")
    policy = policy_from_flask_cors(options)
    assert isinstance(policy, Policy)

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def with_cors(*args: Any, **kwargs: Any) -> Response:
            origin = _header("Origin")
            method = _header("Access-Control-Request-Method")
            if is_preflight(request.method, origin, method):
                decision = policy.preflight(
                    origin,
                    method,
                    _header("Access-Control-Request-Headers"),
                    _header("Access-Control-Request-Private-Network"),
                    request.path,
                )
                return Response(decision.body, status=decision.status, headers=list(decision.headers))
            response = make_response(view(*args, **kwargs))
            answer = policy.actual(origin, request.path)
            merged = answer.apply(list(response.headers.items()))
            response.headers.clear()
            response.headers.extend((name, value) for name, value in merged)
            return response

        # Let OPTIONS reach the view even where the route does not list it, as flask-cors does.
        with_cors.required_methods = ["OPTIONS"]  # type: ignore[attr-defined]
        with_cors.provide_automatic_options = False  # type: ignore[attr-defined]
        return with_cors  # type: ignore[return-value]

    return decorate


def _header(name: str) -> str | None:
    """Every line of *name*, joined with ", " (Fetch "get"), or ``None``."""
    values = request.headers.getlist(name)
    return ", ".join(values) if values else None
