"""The browser's side: a sans-I/O engine that does what a browser does with a ``fetch()``: Chromium by default,
Firefox or WebKit with ``browser=`` (see :mod:`corskit.browser.profiles`).

>>> from corskit.browser import Request, Response, run
>>> result = run("http://app.test", Request("http://api.test/r"),
...              lambda wire: Response(200, [("Access-Control-Allow-Origin", "http://app.test")]))
>>> result.allowed
True
"""

from __future__ import annotations

from .cache import PreflightCache
from .fetch import Fetch, Result, SendRequest, Warning, arun, run
from .filtering import ScriptResponse
from .preflight import PreflightResult
from .profiles import BROWSERS, BrowserName, Profile, profile
from .request import Request
from .wire import Exchange, Response, WireRequest

__all__ = [
    "BROWSERS",
    "BrowserName",
    "Exchange",
    "Fetch",
    "PreflightCache",
    "PreflightResult",
    "Profile",
    "Request",
    "Response",
    "Result",
    "ScriptResponse",
    "SendRequest",
    "Warning",
    "WireRequest",
    "arun",
    "profile",
    "run",
]
