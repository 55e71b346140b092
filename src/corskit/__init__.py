"""corskit: CORS done right, on both sides of the wire.

* The server's side: :class:`Policy` and the ASGI / WSGI / Django middleware (``corskit.asgi``, ``corskit.wsgi``,
  ``corskit.django``).
* The browser's side: ``corskit.browser``, a sans-I/O engine that does what Chromium does with a cross-origin
  ``fetch()``, down to the console message.
"""

from __future__ import annotations

from .server.decisions import ActualDecision, PreflightDecision
from .server.options import ConfigWarning
from .server.policy import Policy
from .server.routing import PathPolicies
from .spec.errors import ConfigError, CORSError, ErrorCode
from .spec.origins import Origin, OriginError, normalize_origin, parse_origin

__version__ = "0.1.0"

__all__ = [
    "ActualDecision",
    "CORSError",
    "ConfigError",
    "ConfigWarning",
    "ErrorCode",
    "Origin",
    "OriginError",
    "PathPolicies",
    "Policy",
    "PreflightDecision",
    "__version__",
    "normalize_origin",
    "parse_origin",
]
