"""Real WebKitGTK for tests: a private Xvfb, Debian's WebKitWebDriver, and a console-printing browser.

    with launch_webkit() as webkit:                     # Xvfb + WebKitWebDriver, ready for sessions
        with webkit.session(proxy="http://127.0.0.1:8080") as session:
            session.driver.navigate("http://app.test/")
            session.driver.execute_async("arguments[0](1 + 1)")
            session.console.lines()                      # console messages printed since the last call

The session's browser is ``conformance/webkit_launcher.py`` run by Debian's ``/usr/bin/python3`` (WebKitGTK's
GObject bindings live there, not in the venv): a fresh persistent profile per session, console messages written
to a file (WebKit prints none for the ephemeral profile MiniBrowser uses under automation). Host mapping is the
WebDriver ``proxy`` capability: every ``http://`` request goes to the scenario server as an absolute-form target.

Xvfb picks a free display itself (``-displayfd``): nothing touches ``$DISPLAY``. Every process started here runs in
its own process group, ended by id on exit.

Anything missing raises :class:`WebKitUnavailable` with the ``apt-get`` line; the conformance harness turns it into
a skip, or a failure under ``CORSKIT_REQUIRE_WEBKIT=1`` (CI sets it).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

from tests._webdriver import WebDriver, WebDriverError

#: Debian's Python: the one python3-gi and gir1.2-webkit2-4.1 install into.
SYSTEM_PYTHON = "/usr/bin/python3"
LAUNCHER = Path(__file__).parent / "conformance" / "webkit_launcher.py"
#: libgl1-mesa-dri is only recommended by libwebkit2gtk, but its web process aborts without an EGL driver.
PACKAGES = "webkit2gtk-driver xvfb python3-gi gir1.2-webkit2-4.1 libgl1-mesa-dri"
_BINDINGS_PROBE = (
    "import gi; gi.require_version('Gtk', '3.0'); gi.require_version('WebKit2', '4.1'); "
    "from gi.repository import WebKit2"
)
#: How long a process may take to come up before we give up (Xvfb, the driver, a session).
STARTUP_TIMEOUT = 30.0
#: A command to a live session that takes longer than this means the browser is stuck.
COMMAND_TIMEOUT = 60.0


class WebKitUnavailable(RuntimeError):
    """Something the WebKit judge needs is missing or would not start; the message says what to install."""


def find_tools() -> tuple[str, str]:
    """Paths of WebKitWebDriver and Xvfb, after checking Debian's Python has the WebKitGTK bindings."""
    missing = [name for name in ("WebKitWebDriver", "Xvfb") if shutil.which(name) is None]
    if not Path(SYSTEM_PYTHON).is_file():
        missing.append(SYSTEM_PYTHON)
    if missing:
        raise WebKitUnavailable(
            f"{', '.join(missing)} not found; install with: apt-get install -y --no-install-recommends {PACKAGES}"
        )
    probe = subprocess.run([SYSTEM_PYTHON, "-c", _BINDINGS_PROBE], capture_output=True, timeout=STARTUP_TIMEOUT)
    if probe.returncode != 0:
        raise WebKitUnavailable(
            f"{SYSTEM_PYTHON} has no WebKitGTK bindings; install with: "
            "apt-get install -y --no-install-recommends python3-gi gir1.2-webkit2-4.1"
        )
    return shutil.which("WebKitWebDriver") or "", shutil.which("Xvfb") or ""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _stop(process: subprocess.Popen[bytes]) -> None:
    """End *process* and the rest of its process group (it was started as a group leader), and wait until the
    group is gone (the browser and its web processes die with it)."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
        with suppress(subprocess.TimeoutExpired):
            process.wait(5.0)
        os.killpg(process.pid, signal.SIGKILL)  # whatever of the group is left
        deadline = time.monotonic() + 5.0
        while time.monotonic() < deadline:
            os.killpg(process.pid, 0)  # raises once no member is left
            time.sleep(0.02)
    except ProcessLookupError:
        pass
    if process.poll() is None:
        process.wait(5.0)


def _last_words(path: Path) -> str:
    """The browser's last line of output (its reason to abort), for an error message."""
    lines = [ln.strip() for ln in path.read_text(errors="replace").splitlines() if ln.strip()]
    return f" (the browser said: {lines[-1][:200]!r})" if lines else ""


class Console:
    """The console messages a session's browser printed, read incrementally from its file."""

    PREFIX = "CONSOLE "

    def __init__(self, path: Path) -> None:
        self.path = path
        self._offset = 0
        self._partial = b""

    def lines(self) -> list[str]:
        """New complete console messages since the last call, as ``(source level text)`` lines without the
        ``CONSOLE`` prefix (other output, such as GTK warnings, is dropped)."""
        with self.path.open("rb") as f:
            f.seek(self._offset)
            data = f.read()
        self._offset += len(data)
        data = self._partial + data
        complete, _, self._partial = data.rpartition(b"\n")
        out = []
        for raw in complete.split(b"\n") if complete else ():
            line = raw.decode("utf-8", errors="replace")
            if line.startswith(self.PREFIX):
                out.append(line[len(self.PREFIX) :])
        return out


@dataclass
class Session:
    driver: WebDriver
    console: Console
    #: WebKitGTK's version, e.g. ``"2.50.6"`` (the launcher reports it as the session's browserVersion).
    version: str


@dataclass
class WebKit:
    """A private Xvfb and a WebKitWebDriver; :meth:`session` starts a browser behind a proxy."""

    driver_path: str
    xvfb_path: str
    display: str = ""
    port: int = 0
    _processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def start(self) -> None:
        self.display = self._start_xvfb()
        self.port = self._start_driver()

    def _start_xvfb(self) -> str:
        read, write = os.pipe()
        try:
            xvfb = subprocess.Popen(
                [self.xvfb_path, "-displayfd", str(write), "-nolisten", "tcp", "-screen", "0", "1024x768x24"],
                pass_fds=(write,),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
            self._processes.append(xvfb)
            os.close(write)
            write = -1
            number = b""
            deadline = time.monotonic() + STARTUP_TIMEOUT
            while not number.endswith(b"\n") and time.monotonic() < deadline:
                chunk = os.read(read, 16)  # Xvfb writes the display number once it accepts clients
                if not chunk:
                    break
                number += chunk
        finally:
            os.close(read)
            if write >= 0:
                os.close(write)
        if not number.strip().isdigit():
            raise WebKitUnavailable("Xvfb did not start (no display number on -displayfd)")
        return ":" + number.strip().decode()

    def _start_driver(self) -> int:
        port = _free_port()
        env = {**os.environ, "DISPLAY": self.display}
        env.pop("WAYLAND_DISPLAY", None)
        driver = subprocess.Popen(
            [self.driver_path, f"--port={port}"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        self._processes.append(driver)
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            if driver.poll() is not None:
                raise WebKitUnavailable(f"WebKitWebDriver exited with status {driver.returncode}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1.0).close()
                return port
            except OSError:
                time.sleep(0.02)
        raise WebKitUnavailable(f"WebKitWebDriver did not listen on port {port}")

    @contextmanager
    def session(self, proxy: str) -> Iterator[Session]:
        """A new browser (fresh profile) whose ``http://`` traffic goes to *proxy* (``http://host:port``)."""
        with tempfile.TemporaryDirectory(prefix="corskit-webkit-") as tmp:
            console_path = Path(tmp) / "console.log"
            console_path.touch()
            driver = WebDriver("127.0.0.1", self.port, timeout=COMMAND_TIMEOUT)
            capabilities = {
                "proxy": {"proxyType": "manual", "httpProxy": proxy.removeprefix("http://")},
                "pageLoadStrategy": "normal",
                "timeouts": {"script": 30_000, "pageLoad": 30_000},
                "webkitgtk:browserOptions": {
                    "binary": SYSTEM_PYTHON,
                    "args": [str(LAUNCHER), str(Path(tmp) / "profile"), str(console_path)],
                },
            }
            try:
                granted = driver.new_session(capabilities)
                driver.navigate("about:blank")  # the web process starts here (and aborts without EGL)
            except (OSError, WebDriverError) as err:
                driver.close()
                raise WebKitUnavailable(
                    f"WebKitWebDriver could not start the browser: {err}{_last_words(console_path)}; "
                    f"the packages it needs: {PACKAGES}"
                ) from None
            try:
                yield Session(driver, Console(console_path), str(granted.get("browserVersion", "")))
            finally:
                with suppress(OSError, WebDriverError):  # the driver is stopped with its process group anyway
                    driver.delete_session()
                driver.close()

    def close(self) -> None:
        for process in reversed(self._processes):
            _stop(process)
        self._processes.clear()


@contextmanager
def launch_webkit() -> Iterator[WebKit]:
    """Xvfb and WebKitWebDriver, stopped on exit; :class:`WebKitUnavailable` when something is missing."""
    driver, xvfb = find_tools()
    webkit = WebKit(driver, xvfb)
    with ExitStack() as stack:
        stack.callback(webkit.close)
        webkit.start()
        yield webkit
