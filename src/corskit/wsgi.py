"""WSGI middleware (Flask, Bottle, Falcon, Pyramid…): a thin translation of the policy.

>>> from corskit.wsgi import CORSMiddleware
>>> app.wsgi_app = CORSMiddleware(app.wsgi_app, allow_origins=["https://app.example.com"])   # doctest: +SKIP

If the app raises before calling ``start_response`` (Flask does when ``PROPAGATE_EXCEPTIONS`` is on), the
middleware logs the exception on the ``corskit`` logger and answers 500 with the CORS headers, so the browser shows
the real error rather than a CORS error. (A WSGI server would replace the headers of a re-raised error.)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from .server.decisions import is_preflight
from .server.merge import TEXT, merge_encoded
from .server.policy import Policy, logger
from .server.routing import PathPolicies, build_policy
from .spec.errors import ConfigError

__all__ = ["CORSMiddleware"]

Environ = dict[str, Any]
StartResponse = Callable[..., Any]
WSGIApp = Callable[[Environ, StartResponse], Iterable[bytes]]

_ERROR_BODY = b"Internal Server Error"
_ERROR_HEADERS = [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", "21")]


def request_path(environ: Environ) -> str:
    """The full request path as the server decoded it (``SCRIPT_NAME`` + ``PATH_INFO``), as text.

    A ``PATH_INFO`` without its leading ``/`` (a test client's ``"api/items"``) gets one, and an empty path is
    ``/`` (a mounted app's root): the path Flask and Werkzeug route.
    """
    info = environ.get("PATH_INFO", "")
    path = environ.get("SCRIPT_NAME", "") + (info if info[:1] in ("", "/") else "/" + info) or "/"
    try:
        # PEP 3333: environ strings carry the request's bytes as latin-1; paths are UTF-8 on the web.
        return str(path.encode("latin-1").decode("utf-8", "surrogateescape"))
    except UnicodeError:
        return str(path)


class CORSMiddleware:
    """Wrap a WSGI app: ``CORSMiddleware(app, policy=None, **policy_kwargs)``.

    *policy* is a :class:`~corskit.Policy` or :class:`~corskit.PathPolicies`; without it, the keyword arguments
    build a :class:`~corskit.Policy`. An async ``allow_origin_func`` is refused: a WSGI server cannot await it.
    """

    def __init__(self, app: WSGIApp, policy: Policy | PathPolicies | None = None, **policy_kwargs: Any) -> None:
        self.app = app
        self.policy = build_policy(policy, policy_kwargs)
        if self.policy.is_async:
            raise ConfigError("allow_origin_func is async; a WSGI server cannot await it: use a plain function")
        self._single = self.policy if isinstance(self.policy, Policy) else None

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        policy = self._single
        if policy is None:
            path = request_path(environ)
            policy = self.policy.for_path(path)
            if policy is None:
                return self.app(environ, start_response)
        else:
            path = environ.get("PATH_INFO", "")
        origin = environ.get("HTTP_ORIGIN")
        if environ.get("REQUEST_METHOD") == "OPTIONS":
            method = environ.get("HTTP_ACCESS_CONTROL_REQUEST_METHOD")
            if is_preflight("OPTIONS", origin, method):
                decision = policy.preflight(
                    origin,
                    method,
                    environ.get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS"),
                    environ.get("HTTP_ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK"),
                    path,
                )
                start_response(decision.status_line, list(decision.headers))
                return [decision.body]
        # The answer encoded (corskit.server.encoded), or from the policy itself when that cannot settle it.
        answers = policy.encoded(TEXT)
        encoded = answers.known(origin) or answers.decide(origin) or TEXT.encode(policy.actual(origin, path))
        started = False

        def start_with_cors(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            nonlocal started
            started = True
            return start_response(status, merge_encoded(headers, encoded, TEXT), exc_info)

        try:
            return self.app(environ, start_with_cors)
        except Exception:
            if started:
                raise
            logger.exception("CORS: the app raised before starting its response (path=%r); answering 500", path)
            start_response("500 Internal Server Error", merge_encoded(_ERROR_HEADERS, encoded, TEXT))
            return [_ERROR_BODY]
