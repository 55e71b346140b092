"""``corskit playground``: a local, offline web app to see CORS happen in your own browser.

Two loopback origins: the page (origin A) and an API (origin B) whose CORS behaviour the page edits live, as a
corskit Policy or as raw response headers. The page builds a ``fetch()`` and runs it in the browser it is open in;
beside the real outcome it shows corskit's prediction for each browser profile, with the message, the diagram and
the fix, and flags any disagreement.

Needs the ``cli`` extra (Starlette, uvicorn). The page is static files in ``static/``: no CDN, no build step.
"""

from __future__ import annotations

from .server import ListenError, Playground, running
from .setup import Setup, SetupError, parse_setup

__all__ = ["ListenError", "Playground", "Setup", "SetupError", "parse_setup", "running"]
