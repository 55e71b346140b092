"""The Firefox judge: Debian's ``firefox-esr``, headless, driven over WebDriver BiDi directly (no geckodriver).

* Host mapping without a proxy: ``network.dns.localDomains`` resolves every host the cases name to 127.0.0.1 and
  ``network.socket.forcePort`` sends their ports (80, 8080…) to the scenario server, which reads the target from
  the ``Host`` header.
* Fresh state per case: each case gets a new user context (its own cookies and caches) and a tab in it, removed
  afterwards; a few cases are in flight at once in one browser.
* Prefs keep the browser quiet (no background traffic, no HTTPS-First upgrades of the ``.test`` hosts) and turn
  Fission off, so a new user context does not cost a new content process (CORS is decided in the parent
  process either way).
* ``log.entryAdded`` carries the console lines ("Cross-Origin Request Blocked: …"); the page's ``fetch()`` result
  says whether script got the response and what it can read.

Firefox gives no error code beside its console line, so ``error`` records its reason key (or the ``TypeError``)
and is not compared: the exact ``message`` is.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..server import NULL_QUERY, PAGE_PATH, ScenarioServer, Seen
from . import JudgeUnavailable, Observation, Play
from .bidi import BiDi, BiDiError
from .chromium import FETCH_JS

#: Checked in this order after ``$CORSKIT_FIREFOX``.
CANDIDATES = ("/usr/lib/firefox-esr/firefox-esr", "/usr/bin/firefox-esr", "/usr/bin/firefox")
#: Cases in flight at once (each in its own user context).
WORKERS = 3
#: How long to keep waiting for the console line of a fetch that failed with a NetworkError, counted from the
#: moment a console marker logged after the fetch has come back (so a loaded machine's slow event pipeline does
#: not shorten it), and the bound on waiting for that marker (a hang guard: it fails the case, never passes it).
SETTLE_S = 0.6
MARKER_LIMIT_S = 60.0
#: A hang guard for one fetch() (a 20-hop redirect loop with a preflight per hop is 42 requests: seconds on a loaded
#: machine); a fetch still pending then fails its case.
FETCH_TIMEOUT_MS = 30_000
_MARKER = "corskit-judge-barrier "
_BLOCKED = "Cross-Origin Request Blocked: "
_REASON = re.compile(r"\(Reason: (.*?)\)\.?(?: Status code: .*)?$")
_STARTUP_S = 30.0
#: A sandboxed page's principal prints as ``moz-nullprincipal:{<random uuid>}?<precursor>``: the id changes every
#: run, so it is masked (the engine prints the masked form).
_NULL_PRINCIPAL = re.compile(r"moz-nullprincipal:\{[0-9a-f-]{36}\}(\?\S*)?")
NULL_PRINCIPAL_SHOWN = "moz-nullprincipal:{…}"

#: Prefs for a quiet, deterministic browser: no background traffic, no HTTPS upgrades of the .test hosts.
PREFS: dict[str, Any] = {
    "app.update.disabledForTesting": True,
    "browser.safebrowsing.malware.enabled": False,
    "browser.safebrowsing.phishing.enabled": False,
    "browser.shell.checkDefaultBrowser": False,
    "datareporting.policy.dataSubmissionEnabled": False,
    "dom.security.https_first": False,
    "fission.autostart": False,
    "dom.ipc.processCount": 2,
    "dom.security.https_first_schemeless": False,
    "dom.security.https_only_mode": False,
    "network.captive-portal-service.enabled": False,
    "network.connectivity-service.enabled": False,
    "network.http.speculative-parallel-limit": 0,
    "network.prefetch-next": False,
    "network.dns.disablePrefetch": True,
    "network.proxy.type": 0,
    "toolkit.telemetry.enabled": False,
}


def find_firefox() -> str:
    override = os.environ.get("CORSKIT_FIREFOX")
    if override:
        path = shutil.which(override) or override
        if not Path(path).is_file():
            raise JudgeUnavailable(f"CORSKIT_FIREFOX={override!r} is not an executable file")
        return path
    for candidate in CANDIDATES:
        if Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    raise JudgeUnavailable(
        "Firefox not found (tried $CORSKIT_FIREFOX, " + ", ".join(CANDIDATES) + "); "
        "install it with: apt-get install -y --no-install-recommends firefox-esr"
    )


def host_map(plays: Sequence[Play]) -> tuple[list[str], list[int]]:
    """Every host name and port the cases use (origins, request URLs, server entries, Locations)."""
    hosts: set[str] = set()
    ports: set[int] = {80}
    for play in plays:
        urls = [play.scenario["origin"], play.scenario["request"]["url"]]
        for entry in play.scenario.get("server", []):
            urls.append(entry["url"])
            urls += [v for n, v in entry.get("headers", []) if n.lower() == "location"]
        for url in urls:
            try:
                parts = urlsplit(url)
                host, port = parts.hostname, parts.port
            except ValueError:
                continue
            if parts.scheme in ("http", "https") and host and re.fullmatch(r"[a-z0-9.-]+", host):
                hosts.add(host)
                ports.add(port or 80)
    return sorted(hosts), sorted(ports)


def _user_js(prefs: dict[str, Any]) -> str:
    return "".join(f"user_pref({json.dumps(k)}, {json.dumps(v)});\n" for k, v in prefs.items())


def _wire(seen: Seen) -> dict[str, Any]:
    return {"method": seen.method, "url": seen.url, "headers": [list(h) for h in seen.headers]}


class FirefoxJudge:
    engine = "firefox"
    compared = ("allowed", "message", "sent", "response")

    def __init__(self, binary: str, server: ScenarioServer) -> None:
        self.binary = binary
        self.server = server
        self.version = ""
        self._lines: dict[str, list[tuple[str, str]]] = {}  # browsing context → (level, text)
        self._lock = threading.Lock()
        self._tabs_lock = threading.Lock()

    # -- the browser -----------------------------------------------------------------------------------------------

    @contextmanager
    def running(self, plays: Sequence[Play]) -> Iterator[None]:
        hosts, ports = host_map(plays)
        port = int(self.server.proxy.rsplit(":", 1)[1])
        prefs = {
            **PREFS,
            "network.dns.localDomains": ",".join(hosts),
            "network.socket.forcePort": ";".join(f"{p}={port}" for p in ports),
        }
        profile = tempfile.mkdtemp(prefix="corskit-firefox-")
        Path(profile, "user.js").write_text(_user_js(prefs), encoding="utf-8")
        process = subprocess.Popen(
            [self.binary, "--headless", "--no-remote", "--profile", profile, "--remote-debugging-port", "0"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "MOZ_CRASHREPORTER_DISABLE": "1"},
        )
        try:
            self.bidi = self._connect(process)
            self.bidi.on("log.entryAdded", self._on_log)
            caps = self.bidi.call("session.new", {"capabilities": {}})
            self.version = str(caps["capabilities"]["browserVersion"])
            self.bidi.call("session.subscribe", {"events": ["log.entryAdded"]})
            yield
        finally:
            with suppress(AttributeError):
                self.bidi.close()
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            shutil.rmtree(profile, ignore_errors=True)

    def _connect(self, process: subprocess.Popen[str]) -> Any:
        deadline = time.monotonic() + _STARTUP_S
        assert process.stderr is not None
        seen: list[str] = []
        for line in process.stderr:
            seen.append(line.rstrip())
            match = re.search(r"WebDriver BiDi listening on (ws://\S+)", line)
            if match:
                # Keep draining stderr so Firefox never blocks on a full pipe.
                threading.Thread(target=process.stderr.read, daemon=True).start()
                return BiDi(match.group(1) + "/session")
            if time.monotonic() > deadline:
                break
        raise JudgeUnavailable("Firefox did not start WebDriver BiDi: " + " | ".join(seen[-5:]))

    def _on_log(self, params: dict[str, Any]) -> None:
        context = str(params.get("source", {}).get("context", ""))
        with self._lock:
            self._lines.setdefault(context, []).append((str(params.get("level")), str(params.get("text"))))

    # -- playing ---------------------------------------------------------------------------------------------------

    def play(self, plays: Sequence[Play]) -> list[Observation]:
        with self.running(plays), ThreadPoolExecutor(WORKERS, thread_name_prefix="firefox-case") as pool:
            return list(pool.map(self._play_one, plays))

    def _play_one(self, play: Play) -> Observation:
        # Contexts are made and removed one at a time: Firefox 153 can discard a tab created while another
        # context's tabs are being closed.
        with self._tabs_lock:
            user_context = self.bidi.call("browser.createUserContext", {})["userContext"]
            context = self._new_tab(user_context)
        try:
            origin = play.scenario["origin"]
            page = f"http://app.test{PAGE_PATH}?{NULL_QUERY}" if origin == "null" else origin + PAGE_PATH
            self.bidi.call("browsingContext.navigate", {"context": context, "url": page, "wait": "complete"})
            return self._fetch(play, context)
        finally:
            with self._tabs_lock:
                self.bidi.call("browser.removeUserContext", {"userContext": user_context})

    def _new_tab(self, user_context: str) -> str:
        """A tab in *user_context*. Firefox may refuse one while another context's tabs are being discarded."""
        for attempt in range(5):
            try:
                created = self.bidi.call("browsingContext.create", {"type": "tab", "userContext": user_context})
                return str(created["context"])
            except BiDiError as err:
                if "no such frame" not in str(err) or attempt == 4:
                    raise
                time.sleep(0.05 * (attempt + 1))
        raise AssertionError("unreachable")

    def _fetch(self, play: Play, context: str) -> Observation:
        req = play.scenario["request"]
        init = {k: req[k] for k in ("method", "headers", "credentials", "mode", "redirect") if k in req}
        args = json.dumps([req["url"], init, FETCH_TIMEOUT_MS])
        started = time.monotonic()
        answer = self.bidi.call(
            "script.evaluate",
            {
                "expression": f"({FETCH_JS})({args}).then(JSON.stringify)",
                "target": {"context": context},
                "awaitPromise": True,
            },
            timeout=FETCH_TIMEOUT_MS / 1000 + 10,
        )
        fetched = json.loads(answer["result"]["value"])
        network_error = not fetched["resolved"] and fetched.get("message", "").startswith("NetworkError")
        broken: list[str] = []
        self._await_blocked_line(context, play.marker, broken, SETTLE_S if network_error else 0.05)
        lines = [
            (level, _NULL_PRINCIPAL.sub(NULL_PRINCIPAL_SHOWN, text))
            for level, text in self._context_lines(context)
            if not text.startswith(_MARKER)
        ]
        seen = self.server.router.seen(play.marker)
        broken += [f"no server entry answers {s.method} {s.url}" for s in seen if not s.matched]
        if fetched.get("name") == "HarnessTimeout":
            broken.append(f"fetch() still pending after {FETCH_TIMEOUT_MS} ms")

        result: dict[str, Any] = {"allowed": bool(fetched["resolved"]), "error": None, "message": None}
        if fetched["resolved"]:
            result["response"] = {
                "type": fetched["type"],
                "status": fetched["status"],
                "headers": [list(h) for h in fetched["headers"]],
            }
        else:
            result["response"] = None
            blocked = next((t for _, t in lines if t.startswith(_BLOCKED)), None)
            if blocked is not None:
                reason = _REASON.search(blocked)
                result["message"] = blocked
                result["error"] = reason.group(1) if reason else "cors"
            elif network_error:
                errors = [t for level, t in lines if level == "error"]
                result["message"] = errors[0] if errors else None
                result["error"] = "network_error"
            else:
                result["message"] = fetched.get("message")
                result["error"] = f"{fetched.get('name')}"
        result["sent"] = [_wire(s) for s in seen if s.matched]
        raw = {
            "fetch": fetched,
            "console": [f"{level}: {text}" for level, text in lines],
            "elapsed_ms": round((time.monotonic() - started) * 1000, 1),
            "wire": [_wire(s) for s in seen],
        }
        return Observation(play.category, play.name, play.scenario, result, raw, broken, engine="firefox")

    def _await_blocked_line(self, context: str, marker: str, broken: list[str], settle: float = SETTLE_S) -> None:
        """Wait for the "Cross-Origin Request Blocked" line, which Firefox may deliver after ``fetch()`` has
        settled. A marker is logged in the page first; the *settle* window starts once the marker has come back
        through ``log.entryAdded``, so the wait follows the browser's event pipeline rather than wall time."""
        text = _MARKER + marker
        deadline: float | None = None
        try:
            self.bidi.call(
                "script.evaluate",
                {
                    "expression": f"console.log({json.dumps(text)})",
                    "target": {"context": context},
                    "awaitPromise": False,
                },
            )
        except BiDiError:  # the tab left the page (a redirect to mailto: hands it to the parent process): wall time
            deadline = time.monotonic() + settle
        limit = time.monotonic() + MARKER_LIMIT_S
        while True:
            lines = [t for _, t in self._context_lines(context)]
            if any(t.startswith(_BLOCKED) for t in lines):
                return
            now = time.monotonic()
            if deadline is None and text in lines:
                deadline = now + settle
            if deadline is not None and now >= deadline:
                return
            if now >= limit:
                broken.append(f"the console marker did not come back within {MARKER_LIMIT_S:.0f} s")
                return
            time.sleep(0.01)

    def _context_lines(self, context: str) -> list[tuple[str, str]]:
        with self._lock:
            return list(self._lines.get(context, ()))


@contextmanager
def launch(server: ScenarioServer) -> Iterator[FirefoxJudge]:
    """A judge for Debian's firefox-esr; the browser starts when cases are played (it needs their host names)."""
    try:
        import websocket  # noqa: F401
    except ImportError:
        raise JudgeUnavailable("websocket-client is missing: pip install -e '.[test]'") from None
    yield FirefoxJudge(find_firefox(), server)
