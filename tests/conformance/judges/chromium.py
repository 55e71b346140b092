"""The Chromium judge: play scenarios in a real Chromium and describe what happened in the ``corskit explain
--json`` schema.

One browser context (its own preflight and HTTP caches) and one page serve a whole run; the page moves only when
the scenario's origin changes. Every case's URLs carry a unique marker (:func:`cases.isolate`), which is also how
console lines, DevTools events and server-log entries are attributed to the case.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from tests._chromium import ChromiumUnavailable, launch_chromium

from ..server import PAGE_PATH, Router, ScenarioServer, Seen
from . import FIELDS, JudgeUnavailable, Observation, Play, play_by_origin

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage

#: The page's fetch: the scenario's request as ``fetch()`` options, and what script can observe.
FETCH_JS = """async ([url, init, timeoutMs]) => {
  const timeout = new Promise((resolve) =>
    setTimeout(() => resolve({resolved: false, name: "HarnessTimeout", message: "no answer"}), timeoutMs));
  const attempt = (async () => {
    try {
      const r = await fetch(url, init);
      return {resolved: true, type: r.type, status: r.status, headers: [...r.headers]};
    } catch (e) {
      return {resolved: false, name: String(e && e.name), message: String(e && e.message)};
    }
  })();
  return Promise.race([attempt, timeout]);
}"""

#: A fetch still pending after this long marks the case broken (the harness, not the browser, is at fault).
FETCH_TIMEOUT_MS = 10_000
_NULL_PAGE = "data:text/html," + quote("<!doctype html><title>corskit null origin</title>")

# TypeError texts of fetch() (Blink) → our codes. The texts themselves are compared verbatim as `message`.
_TYPEERROR_CODES = (
    (re.compile(r"HTTP method is unsupported\.$"), "forbidden_method"),
    (re.compile(r"is not a valid HTTP method\.$"), "invalid_method"),
    (re.compile(r"is unsupported in no-cors mode\.$"), "method_not_allowed_in_no_cors"),
    (re.compile(r"Invalid name$"), "invalid_header_name"),
    (re.compile(r"Invalid value$"), "invalid_header_value"),
    (re.compile(r"String contains non ISO-8859-1 code point\.$"), "non_latin1_header"),
    (re.compile(r"URL that includes credentials"), "url_includes_credentials"),
    (re.compile(r"Failed to parse URL"), "invalid_url"),
    (re.compile(r"URL scheme .* is not supported\.$"), "unsupported_scheme"),
    (re.compile(r"mode member is set as 'navigate'\.$"), "navigate_mode"),
)
_CORS_LINE = "Access to fetch at '"
_ERR_FAILED = "Failed to load resource: net::ERR_FAILED"  # follows every blocked fetch; never the message


def _network_code(failure: dict[str, Any] | None, redirect_mode: str) -> str:
    """Our code for a failure that is not a CORS error: ``net::ERR_TOO_MANY_REDIRECTS`` → ``too_many_redirects``;
    a load the renderer blocked (empty errorText) → ``blocked_<blockedReason>``."""
    if failure is None:
        return "no_devtools_event"
    error = str(failure.get("errorText") or "")
    if not error:
        return "blocked_" + snake(str(failure.get("blockedReason") or "unknown"))
    if error == "net::ERR_FAILED" and redirect_mode == "error":
        return "redirect_mode_error"  # redirect: "error" fails with a bare ERR_FAILED and no console text
    return error.removeprefix("net::ERR_").lower()


def snake(name: str) -> str:
    """``PreflightMissingAllowOriginHeader`` → ``preflight_missing_allow_origin_header``."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _wire(seen: Seen) -> dict[str, Any]:
    return {"method": seen.method, "url": seen.url, "headers": [list(h) for h in seen.headers]}


class ChromiumRunner:
    """Runs cases one after another in one context of *browser*, whose traffic goes to the proxy at *proxy*."""

    def __init__(self, browser: Browser, proxy: str, router: Router, *, settle: float = 2.0) -> None:
        self.router = router
        self.settle = settle
        self.context = browser.new_context(proxy={"server": proxy, "bypass": "<-loopback>"})
        self.page = self.context.new_page()
        self.cdp = self.context.new_cdp_session(self.page)
        self.cdp.send("Network.enable")
        self.cdp.send("Audits.enable")
        self._console: list[tuple[str, str]] = []  # (text, location url)
        self._urls: dict[str, set[str]] = {}  # DevTools requestId → URLs it went through
        self._failed: list[dict[str, Any]] = []  # Network.loadingFailed params
        self._issues: list[dict[str, Any]] = []  # Audits.issueAdded corsIssueDetails
        self.page.on("console", self._on_console)
        self.cdp.on("Network.requestWillBeSent", self._on_request)
        self.cdp.on("Network.loadingFailed", self._on_failed)
        self.cdp.on("Audits.issueAdded", self._on_issue)
        self._origin: str | None = None

    def close(self) -> None:
        self.context.close()

    # -- events ----------------------------------------------------------------------------------------------------

    def _on_console(self, msg: ConsoleMessage) -> None:
        self._console.append((msg.text, str(msg.location.get("url", ""))))

    def _on_failed(self, params: dict[str, Any]) -> None:
        self._failed.append(params)

    def _on_issue(self, params: dict[str, Any]) -> None:
        details = params.get("issue", {}).get("details", {}).get("corsIssueDetails")
        if details:
            self._issues.append(details)

    def _on_request(self, params: dict[str, Any]) -> None:
        self._urls.setdefault(params["requestId"], set()).add(params["request"]["url"])

    def _failure(self, marker: str) -> dict[str, Any] | None:
        """The ``loadingFailed`` of the case's fetch (any request id whose URLs carry the marker)."""
        for params in self._failed:
            if any(marker in u for u in self._urls.get(params["requestId"], ())):
                return params
        return None

    def _lines(self, marker: str) -> list[str]:
        """Console lines about the case: the marker is in the text or in the line's URL, or the line's URL is one
        the case's request went through (a redirect to ``javascript:`` has no marker)."""
        urls = set().union(*(u for u in self._urls.values() if any(marker in x for x in u)))
        return [text for text, url in self._console if marker in text or marker in url or url in urls]

    # -- running ---------------------------------------------------------------------------------------------------

    def goto(self, origin: str) -> None:
        if origin != self._origin:
            self.page.goto(_NULL_PAGE if origin == "null" else origin + PAGE_PATH)
            self._origin = origin

    def _issue(self, marker: str) -> dict[str, Any] | None:
        """The ``corsErrorStatus`` of a DevTools CORS issue about the case (some failures report only there)."""
        for issue in self._issues:
            if marker in issue.get("request", {}).get("url", ""):
                return dict(issue.get("corsErrorStatus") or {})
        return None

    def _settled(self, marker: str, failure: dict[str, Any] | None, issue: dict[str, Any] | None) -> bool:
        if failure is None and issue is None:
            return False
        lines = [ln for ln in self._lines(marker) if ln != _ERR_FAILED]
        if (failure or {}).get("corsErrorStatus") or issue:
            return bool(lines)  # the console line comes with (or just after) a CORS error
        # A CORS console line without a code in loadingFailed: the code comes with the DevTools issue.
        return not any(ln.startswith(_CORS_LINE) for ln in lines)

    def run(self, category: str, name: str, scenario: dict[str, Any], marker: str) -> Observation:
        """Play one (already isolated) scenario; *marker* is the string its URLs carry."""
        self.goto(scenario["origin"])
        self._console.clear()
        self._failed.clear()
        self._urls.clear()
        self._issues.clear()
        req = scenario["request"]
        init: dict[str, Any] = {}
        for key in ("method", "headers", "credentials", "mode", "redirect"):
            if key in req:
                init[key] = req[key]
        started = time.monotonic()
        fetched = self.page.evaluate(FETCH_JS, [req["url"], init, FETCH_TIMEOUT_MS])

        failure: dict[str, Any] | None = None
        issue: dict[str, Any] | None = None
        if not fetched["resolved"] and fetched["message"] == "Failed to fetch":
            # The fetch got past fetch()'s own checks: wait for DevTools' verdict and the console line.
            deadline = time.monotonic() + self.settle
            while True:
                failure, issue = self._failure(marker), self._issue(marker)
                if self._settled(marker, failure, issue) or time.monotonic() > deadline:
                    break
                self.page.wait_for_timeout(2)
        lines = self._lines(marker)
        seen = self.router.seen(marker)
        broken = [f"no server entry answers {s.method} {s.url}" for s in seen if not s.matched]
        if fetched.get("name") == "HarnessTimeout":
            broken.append(f"fetch() still pending after {FETCH_TIMEOUT_MS} ms")

        result: dict[str, Any] = {"allowed": bool(fetched["resolved"]), "error": None, "message": None}
        cors = (failure or {}).get("corsErrorStatus") or issue
        net_error = (failure or {}).get("errorText")
        if fetched["resolved"]:
            result["response"] = {
                "type": fetched["type"],
                "status": fetched["status"],
                "headers": [list(h) for h in fetched["headers"]],
            }
        else:
            result["response"] = None
            if fetched["message"] != "Failed to fetch":
                result["message"] = fetched["message"]
                result["error"] = next(
                    (code for pattern, code in _TYPEERROR_CODES if pattern.search(fetched["message"])),
                    f"unclassified_type_error: {fetched['message']}",
                )
            else:
                result["message"] = (
                    next((ln for ln in lines if ln.startswith(_CORS_LINE)), None)
                    or next((ln for ln in lines if ln != _ERR_FAILED), None)
                    or next(iter(lines), None)
                )
                if cors:
                    result["error"] = snake(cors["corsError"])
                else:
                    result["error"] = _network_code(failure, req.get("redirect", "follow"))
        result["sent"] = [_wire(s) for s in seen if s.matched]

        raw = {
            "fetch": fetched,
            "cors_error": (cors or {}).get("corsError"),
            "failed_parameter": (cors or {}).get("failedParameter"),
            "cors_error_source": None if not cors else "loadingFailed" if cors is not issue else "issue",
            "net_error": net_error,
            "blocked_reason": (failure or {}).get("blockedReason"),
            "console": lines,
            "elapsed_ms": round((time.monotonic() - started) * 1000, 1),
            "wire": [_wire(s) for s in seen],
        }
        return Observation(category, name, scenario, result, raw, broken, engine="chromium")


class ChromiumJudge:
    """Plays cases in one browser context of a headless Chromium, cases grouped by origin so the page moves
    rarely."""

    engine = "chromium"
    compared = FIELDS

    def __init__(self, browser: Browser, server: ScenarioServer) -> None:
        self.browser = browser
        self.server = server
        self.version = browser.version

    def play(self, plays: Sequence[Play]) -> list[Observation]:
        runner = ChromiumRunner(self.browser, self.server.proxy, self.server.router)
        try:
            return play_by_origin(plays, lambda p: runner.run(p.category, p.name, p.scenario, p.marker))
        finally:
            runner.close()


@contextmanager
def launch(server: ScenarioServer) -> Iterator[ChromiumJudge]:
    """A headless Chromium (Debian's, through Playwright) whose contexts use *server* as their proxy."""
    with ExitStack() as stack:
        try:
            browser = stack.enter_context(launch_chromium())
        except ChromiumUnavailable as err:
            raise JudgeUnavailable(str(err)) from None
        yield ChromiumJudge(browser, server)
