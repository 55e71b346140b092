"""The WebKit judge: play scenarios in a real WebKitGTK (Safari's engine) through WebKitWebDriver and describe
what happened in the ``corskit explain --json`` schema.

One browser (a fresh profile, see ``tests/_webkit.py``) plays a whole run, like the Chromium judge: every case's
URLs carry a unique marker (:func:`cases.isolate`), so the preflight and HTTP caches never carry over between
cases. The page moves only when the scenario's origin changes.

WebKit's console lines do not always name the URL ("Origin http://app.test is not allowed by
Access-Control-Allow-Origin. Status code: 200"), so they are attributed by order: after each fetch settles the
page logs ``corskit-done <marker>``, and the lines printed since the previous case's marker are this case's.

What WebKit shows is compared: whether the fetch resolved, the console text (every line of the case, joined with a
newline; the TypeError message when ``fetch()`` throws before any request), the requests on the wire and the
response script reads. WebKit has no error codes to compare (no DevTools here), so ``error`` is not.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any
from urllib.parse import quote

from tests._webkit import Session, WebKitUnavailable, launch_webkit

from ..server import PAGE_PATH, Router, ScenarioServer, Seen
from . import JudgeUnavailable, Observation, Play, play_by_origin

#: What a WebKit observation vouches for (see the module docstring).
COMPARED = ("allowed", "message", "sent", "response")

#: The page's fetch, as a WebDriver async script: the scenario's request as ``fetch()`` options, what script can
#: observe, then the done marker (one task later, so a console line queued with the rejection precedes it).
FETCH_JS = """const [url, init, marker, timeoutMs, done] = arguments;
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
Promise.race([attempt, timeout]).then((value) => setTimeout(() => {
  console.log("corskit-done " + marker);
  done(value);
}, 0));"""

#: A fetch still pending after this long marks the case broken (the harness, not the browser, is at fault).
FETCH_TIMEOUT_MS = 10_000
#: How long to wait for the done marker's console line after the script returned.
CONSOLE_TIMEOUT = 5.0
_NULL_PAGE = "data:text/html," + quote("<!doctype html><title>corskit null origin</title>")
#: The TypeError every network or CORS failure of fetch() rejects with in WebKit (Chromium's "Failed to fetch").
LOAD_FAILED = "Load failed"
#: ``<SOURCE> <LEVEL> <text>`` as WebKit prints a console message (console.log has no source).
_CONSOLE = re.compile(r"^(?:(?P<source>[A-Z][A-Z-]*) )?(?P<level>LOG|WARN|ERROR|DEBUG|INFO) (?P<text>.*)$", re.S)


def console_text(line: str) -> str:
    """The message of a console line (``"SECURITY ERROR Origin …"`` → ``"Origin …"``)."""
    m = _CONSOLE.match(line)
    return m.group("text") if m else line


def _wire(seen: Seen) -> dict[str, Any]:
    return {"method": seen.method, "url": seen.url, "headers": [list(h) for h in seen.headers]}


class WebKitRunner:
    """Runs cases one after another in one WebKit session, whose traffic goes to the scenario server."""

    def __init__(self, session: Session, router: Router) -> None:
        self.session = session
        self.router = router
        self._origin: str | None = None
        self._pending: list[str] = []  # console lines read but not yet attributed

    def goto(self, origin: str) -> None:
        if origin != self._origin:
            self.session.driver.navigate(_NULL_PAGE if origin == "null" else origin + PAGE_PATH)
            self._origin = origin

    def _case_lines(self, marker: str) -> tuple[list[str], bool]:
        """The console lines printed up to the case's done marker (which is dropped); False when it never came."""
        done = f"corskit-done {marker}"
        deadline = time.monotonic() + CONSOLE_TIMEOUT
        while True:
            self._pending += self.session.console.lines()
            for at, line in enumerate(self._pending):
                if console_text(line) == done:
                    lines, self._pending = self._pending[:at], self._pending[at + 1 :]
                    return lines, True
            if time.monotonic() > deadline:
                lines, self._pending = self._pending, []
                return lines, False
            time.sleep(0.002)

    def run(self, category: str, name: str, scenario: dict[str, Any], marker: str) -> Observation:
        """Play one (already isolated) scenario; *marker* is the string its URLs carry."""
        self.goto(scenario["origin"])
        req = scenario["request"]
        init = {key: req[key] for key in ("method", "headers", "credentials", "mode", "redirect") if key in req}
        started = time.monotonic()
        fetched = self.session.driver.execute_async(FETCH_JS, req["url"], init, marker, FETCH_TIMEOUT_MS)
        lines, settled = self._case_lines(marker)
        seen = self.router.seen(marker)
        broken = [f"no server entry answers {s.method} {s.url}" for s in seen if not s.matched]
        if fetched.get("name") == "HarnessTimeout":
            broken.append(f"fetch() still pending after {FETCH_TIMEOUT_MS} ms")
        if not settled:
            broken.append("the page's done marker never reached the console")

        result: dict[str, Any] = {"allowed": bool(fetched["resolved"]), "error": None, "message": None}
        texts = [console_text(line) for line in lines]
        if fetched["resolved"]:
            result["response"] = {
                "type": fetched["type"],
                "status": fetched["status"],
                "headers": [list(h) for h in fetched["headers"]],
            }
        else:
            result["response"] = None
            if fetched["message"] != LOAD_FAILED:
                result["message"] = fetched["message"]
            elif texts:
                result["message"] = "\n".join(texts)
        result["sent"] = [_wire(s) for s in seen if s.matched]
        raw = {
            "fetch": fetched,
            "console": lines,
            "elapsed_ms": round((time.monotonic() - started) * 1000, 1),
            "wire": [_wire(s) for s in seen],
        }
        return Observation(category, name, scenario, result, raw, broken, engine="webkit")


class WebKitJudge:
    """Plays cases in one WebKit session, cases grouped by origin so the page moves rarely."""

    engine = "webkit"
    compared = COMPARED

    def __init__(self, session: Session, server: ScenarioServer) -> None:
        self.session = session
        self.server = server
        self.version = session.version

    def play(self, plays: Sequence[Play]) -> list[Observation]:
        runner = WebKitRunner(self.session, self.server.router)
        return play_by_origin(plays, lambda p: runner.run(p.category, p.name, p.scenario, p.marker))


@contextmanager
def launch(server: ScenarioServer) -> Iterator[WebKitJudge]:
    """WebKitGTK under a private Xvfb, driven by WebKitWebDriver, its ``http://`` traffic sent to *server*."""
    try:
        with launch_webkit() as webkit, webkit.session(server.proxy) as session:
            yield WebKitJudge(session, server)
    except WebKitUnavailable as err:
        raise JudgeUnavailable(str(err)) from None
