"""flask-cors' shape on corskit: ``CORS(app, ...)`` and ``@cross_origin(...)`` with flask-cors' option names.

.. code-block:: python

    from corskit.flask import CORS            # was: from flask_cors import CORS

    CORS(app, resources={r"/api/*": {"origins": ["https://app.example.com"]}}, supports_credentials=True)

The options are translated once by :func:`corskit.peers.from_flask_cors` (also from ``app.config["CORS_*"]``, as
flask-cors reads them) into a :class:`~corskit.Policy` per resource, and ``CORS`` wraps ``app.wsgi_app`` in
:class:`corskit.wsgi.CORSMiddleware`; ``resources`` select the policy by path exactly as flask-cors does. What
flask-cors allowed and corskit refuses, and why: docs/migrating.md. New code can use the middleware directly, with
corskit's own names (and :class:`~corskit.PathPolicies` for per-path rules).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from flask import Flask, Response, make_response, request

from .peers import FLASK_CORS_OPTIONS, Resource, from_flask_cors, matches_every_path
from .server.decisions import is_preflight
from .server.policy import Policy
from .spec.errors import ConfigError
from .wsgi import CORSMiddleware, Environ, StartResponse, WSGIApp, request_path

__all__ = ["CORS", "Resources", "cross_origin"]

F = TypeVar("F", bound=Callable[..., Any])


class Resources:
    """WSGI: flask-cors' ``resources``, each a :class:`corskit.wsgi.CORSMiddleware` with its policy, tried in
    flask-cors' order against the path below the app's mount point (a literal path whole, a regex at its start).
    A path no resource matches goes to the app untouched."""

    def __init__(self, app: WSGIApp, resources: list[tuple[Resource, Policy]]) -> None:
        self.app = app
        self.resources = [(resource, CORSMiddleware(app, policy=policy)) for resource, policy in resources]

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        path = request_path({"PATH_INFO": environ.get("PATH_INFO", "")})
        for resource, middleware in self.resources:
            if resource == path if isinstance(resource, str) else resource.match(path):
                return middleware(environ, start_response)
        return self.app(environ, start_response)


def _wrap(app: WSGIApp, options: Mapping[str, Any]) -> WSGIApp:
    resources = [(resource, Policy(**opts)) for resource, opts in from_flask_cors(options)]
    if len(resources) == 1 and matches_every_path(resources[0][0]):
        return CORSMiddleware(app, policy=resources[0][1])
    return Resources(app, resources)


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
        app.wsgi_app = _wrap(app.wsgi_app, {**config, **self._options, **options})  # type: ignore[method-assign,assignment]


def cross_origin(**options: Any) -> Callable[[F], F]:
    """A view decorator with flask-cors' options: the view answers its own preflights and its responses get the
    CORS headers. (Errors the view raises reach Flask's error handlers without them: ``CORS(app)`` keeps them.)"""
    if "resources" in options:
        raise ConfigError("cross_origin(resources=...): a decorator applies to its view; use CORS(app, resources=)")
    ((_, translated),) = from_flask_cors(options)
    policy = Policy(**translated)

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
