"""flask-cors' shape on corskit: ``CORS(app, ...)`` and ``@cross_origin(...)`` with flask-cors' option names.

.. code-block:: python

    from corskit.flask import CORS            # was: from flask_cors import CORS

    CORS(app, resources={r"/api/*": {"origins": ["https://app.example.com"]}}, supports_credentials=True)

The options are translated once by :func:`corskit.peers.from_flask_cors` (also from ``app.config["CORS_*"]``, as
flask-cors reads them) into a :class:`~corskit.Policy` per resource, and ``CORS`` wraps ``app.wsgi_app`` in
:class:`corskit.wsgi.CORSMiddleware`; ``resources`` select the policy by path exactly as flask-cors does.
``CORS(blueprint)`` and a view's ``@cross_origin`` decide for their own views, as in flask-cors. What flask-cors
allowed and corskit refuses, and why: docs/migrating.md. New code can use the middleware directly, with
corskit's own names (and :class:`~corskit.PathPolicies` for per-path rules).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar, cast

from flask import Blueprint, Flask, Response, make_response, request
from flask.blueprints import BlueprintSetupState
from werkzeug.exceptions import HTTPException

from .peers import FLASK_CORS_OPTIONS, Resource, from_flask_cors, matches_every_path
from .server.decisions import is_preflight
from .server.policy import Policy
from .spec.errors import ConfigError
from .wsgi import CORSMiddleware, Environ, StartResponse, WSGIApp, request_path

__all__ = ["CORS", "Resources", "cross_origin"]

F = TypeVar("F", bound=Callable[..., Any])
#: The attribute :func:`cross_origin` sets on the views it wraps.
_DECORATED = "corskit_cross_origin"


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
    return _middleware(app, [(resource, Policy(**opts)) for resource, opts in from_flask_cors(options)])


def _middleware(app: WSGIApp, resources: list[tuple[Resource, Policy]]) -> WSGIApp:
    if len(resources) == 1 and matches_every_path(resources[0][0]):
        return CORSMiddleware(app, policy=resources[0][1])
    return Resources(app, resources)


class CORS:
    """``CORS(app, **flask_cors_options)`` or ``CORS(**options).init_app(app)``: the app's requests through corskit's
    WSGI middleware; options come from ``app.config["CORS_<NAME>"]``, then the constructor, then ``init_app``.
    ``CORS(blueprint, ...)`` answers for the blueprint's views only (options from the constructor and ``init_app``),
    wherever the blueprint is registered; call it before ``app.register_blueprint``. As with flask-cors, the most
    specific setting decides a request: a view's ``@cross_origin``, then its blueprint's ``CORS``, then the app's."""

    def __init__(self, app: Flask | Blueprint | None = None, **options: Any) -> None:
        self._options = options
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask | Blueprint, **options: Any) -> None:
        if isinstance(app, Blueprint):
            _for_blueprint(app, {**self._options, **options})
            return
        if not isinstance(app, Flask):
            raise ConfigError(f"CORS(...) got {app!r}: give it a Flask app or a Blueprint")
        config = {name: app.config[key] for name in FLASK_CORS_OPTIONS if (key := f"CORS_{name.upper()}") in app.config}
        dispatch = _dispatch(app)
        dispatch.app_wide = _wrap(dispatch.inner, {**config, **self._options, **options})


def _for_blueprint(blueprint: Blueprint, options: Mapping[str, Any]) -> None:
    """Translate now (a wrong option fails here), attach on each registration of *blueprint*."""
    translated = [(resource, Policy(**opts)) for resource, opts in from_flask_cors(options)]
    if getattr(blueprint, "_got_registered_once", False):
        raise ConfigError(
            f"CORS({blueprint.name!r} blueprint) after app.register_blueprint(): corskit attaches to the blueprint "
            "when it is registered; call CORS(blueprint, ...) first"
        )

    def attach(state: BlueprintSetupState) -> None:
        dispatch = _dispatch(cast(Flask, state.app))
        name = f"{state.name_prefix}.{state.name}".lstrip(".")
        dispatch.blueprints[name] = _middleware(dispatch.inner, translated)

    blueprint.record(attach)


class _Dispatch:
    """WSGI: each request of a Flask app to the CORS setting flask-cors would give it. A request routed to a view
    decorated with :func:`cross_origin` goes to the app untouched (the view answers), one routed to a blueprint's
    view through that blueprint's ``CORS`` (the innermost of nested blueprints), any other through ``CORS(app)``.
    The route is looked up only when some view or blueprint has a setting of its own."""

    def __init__(self, app: Flask, inner: WSGIApp) -> None:
        self.app = app
        self.inner = inner
        self.app_wide: WSGIApp = inner
        self.blueprints: dict[str, WSGIApp] = {}
        self._decorated: frozenset[str] | None = None  # endpoints; views are all added before the first request

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        return self._handler(environ)(environ, start_response)

    def _handler(self, environ: Environ) -> WSGIApp:
        if self._decorated is None:
            self._decorated = frozenset(
                endpoint for endpoint, view in self.app.view_functions.items() if getattr(view, _DECORATED, False)
            )
        if not self._decorated and not self.blueprints:
            return self.app_wide
        endpoint = self._endpoint(environ)
        if endpoint is None:
            return self.app_wide
        if endpoint in self._decorated:
            return self.inner
        owners = [name for name in self.blueprints if endpoint.startswith(name + ".")]
        return self.blueprints[max(owners, key=len)] if owners else self.app_wide

    def _endpoint(self, environ: Environ) -> str | None:
        """The endpoint Flask will route *environ* to, or ``None`` (no route: Flask answers 404/405 itself)."""
        try:
            adapter = self.app.create_url_adapter(self.app.request_class(environ))
            if adapter is None:
                return None
            endpoint, _ = adapter.match()
        except HTTPException:
            return None
        return str(endpoint)


def _dispatch(app: Flask) -> _Dispatch:
    """The app's one :class:`_Dispatch`, put in front of ``app.wsgi_app`` the first time it is needed."""
    dispatch = app.extensions.get("corskit")
    if not isinstance(dispatch, _Dispatch):
        dispatch = _Dispatch(app, app.wsgi_app)
        app.extensions["corskit"] = dispatch
        app.wsgi_app = dispatch  # type: ignore[method-assign]
    return dispatch


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
        setattr(with_cors, _DECORATED, True)  # inside CORS(app), the view still answers for itself
        with_cors.provide_automatic_options = False  # type: ignore[attr-defined]
        return with_cors  # type: ignore[return-value]

    return decorate


def _header(name: str) -> str | None:
    """Every line of *name*, joined with ", " (Fetch "get"), or ``None``."""
    values = request.headers.getlist(name)
    return ", ".join(values) if values else None
