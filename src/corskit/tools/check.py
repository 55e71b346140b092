"""Play the browser against a live server (``corskit check``): real preflights, real responses, the verdict and
the fix. Needs the ``cli`` extra (httpx).

Safe by default: the actual request is sent only for GET and HEAD, or when ``send=True``; otherwise the check
stops after the preflight, so checking a DELETE never deletes anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..browser import Fetch, Request, Result, SendRequest
from ..browser.request import Credentials
from ..spec.headers import HeaderList
from ..spec.safelist import SAFE_METHODS
from .fixes import Fix, Stack, suggest
from .network import NetworkError, NetworkOptions, send, sync_client


@dataclass(frozen=True)
class CheckReport:
    """The outcome of one check: the engine's result plus what the checker did or could not do."""

    origin: str
    request: Request
    result: Result | None
    #: False when the actual response was not checked: corskit held the request back (a non-GET/HEAD without
    #: ``send``: the verdict then covers the preflight alone), or the network failed before it was answered. A fetch
    #: blocked at its preflight never sends the actual request, in a browser either, so its verdict is complete.
    actual_checked: bool = True
    network_error: NetworkError | None = None
    fix: Fix | None = None
    notes: tuple[str, ...] = field(default=())

    @property
    def allowed(self) -> bool | None:
        """The verdict; ``None`` when the server could not be reached."""
        return None if self.network_error or self.result is None else self.result.allowed

    @property
    def exit_code(self) -> int:
        """0 allowed, 1 blocked, 2 network error."""
        if self.allowed is None:
            return 2
        return 0 if self.allowed else 1

    def to_json(self, fix_for: Stack | None = None) -> dict[str, Any]:
        """The ``explain`` schema plus ``fix``, ``actual_checked``, ``network_error`` and ``notes``."""
        if self.result is not None:
            data = self.result.to_json()
        else:
            data = {"allowed": None, "error": None, "message": None, "sent": [], "response": None}
        if self.network_error is not None:
            data["allowed"] = None
            data["error"] = "network_error"
            data["message"] = self.network_error.message
        data["fix"] = None if self.fix is None else self.fix.to_json(fix_for)
        data["actual_checked"] = self.actual_checked
        data["network_error"] = (
            None
            if self.network_error is None
            else {"kind": self.network_error.kind, "message": self.network_error.message, "url": self.network_error.url}
        )
        data["notes"] = list(self.notes)
        return data


def _cookie_notes(result: Result, credentials: Credentials, options: NetworkOptions) -> list[str]:
    """Say so when the cookie the user gave was never sent: a browser would not have sent it either."""
    if not options.cookie or credentials == "include" or any(e.request.credentials for e in result.exchanges):
        return []
    if credentials == "omit":
        return ["--cookie was not sent: with credentials 'omit' a browser sends no cookies."]
    return [
        "--cookie was not sent: a browser attaches cookies to a cross-origin fetch() only with credentials"
        " 'include'. Add --credentials include to check the credentialed request."
    ]


def check(
    url: str,
    origin: str,
    *,
    method: str = "GET",
    headers: HeaderList = (),
    credentials: Credentials = "same-origin",
    send_actual: bool = False,
    options: NetworkOptions | None = None,
    browser: str = "chromium",
) -> CheckReport:
    """Check whether a page on *origin* may ``fetch(url, {method, headers, credentials})`` from the live server,
    as *browser* (``"chromium"``, ``"firefox"`` or ``"webkit"``) would: its preflights, its verdict, its message."""
    options = options or NetworkOptions()
    request = Request(url, method=method, headers=headers, credentials=credentials)
    fetch = Fetch(origin, request, browser=browser)
    notes: list[str] = []
    actual_checked = True
    with sync_client(options) as client:
        event = fetch.start()
        while isinstance(event, SendRequest):
            wire = event.request
            if wire.kind == "actual" and wire.method not in SAFE_METHODS and not send_actual:
                event = fetch.halt()
                actual_checked = False
                if event.preflighted:
                    notes.append(
                        f"The preflight passed; the {wire.method} itself was not sent, so its response was not"
                        " checked. Re-run with --send to send it (it has side effects)."
                    )
                else:
                    notes.append(
                        f"A browser sends this {wire.method} straight away, without a preflight: the server acts on"
                        " it even when CORS then hides the response. It was not sent; re-run with --send to check"
                        " the response."
                    )
                break
            try:
                response = send(client, wire, options)
            except NetworkError as error:
                # What was answered before the failure; the request that failed got no response to check.
                partial = fetch.halt()
                notes.extend(_cookie_notes(partial, credentials, options))
                return CheckReport(origin, request, partial, False, error, None, tuple(notes))
            event = fetch.receive(response)
    result = event
    notes.extend(_cookie_notes(result, credentials, options))
    if (
        not result.allowed
        and result.reached_server
        and any(e.request.kind == "actual" and e.request.method not in SAFE_METHODS for e in result.exchanges)
    ):
        notes.append(
            "The request reached the server and was processed: CORS blocked only the page from reading the"
            " response, not the side effects. Protect state-changing endpoints with a preflight-triggering"
            " content type, a custom header, or CSRF tokens."
        )
    fix = suggest(result, fetch.origin.serialize(), request)
    return CheckReport(origin, request, result, actual_checked, None, fix, tuple(notes))
