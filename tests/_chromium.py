"""Real headless Chromium for tests: find it, launch it with Playwright, skip (or fail) cleanly without it.

Use from pytest::

    from tests._chromium import chromium_browser  # noqa: F401  (re-export the fixture in your test module)

    @pytest.mark.chromium
    def test_something(chromium_browser):
        context = chromium_browser.new_context(proxy={"server": "http://127.0.0.1:8080", "bypass": "<-loopback>"})
        ...

or outside pytest::

    with launch_chromium() as browser: ...

Where Chromium or Playwright is missing, the fixture skips with the reason, unless ``CORSKIT_REQUIRE_CHROMIUM=1``
is set (CI sets it), in which case it fails. Never run ``playwright install``: we use the system Chromium
(Debian's ``chromium`` package), found at ``$CORSKIT_CHROMIUM``, ``/usr/lib/chromium/chromium`` or
``/usr/bin/chromium``.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser

#: Checked in this order after ``$CORSKIT_CHROMIUM``. The /usr/lib binary skips a wrapper script that prints a
#: harmless shell warning.
CANDIDATES = ("/usr/lib/chromium/chromium", "/usr/bin/chromium", "/usr/bin/chromium-browser")

#: Flags from docs in ../shared/chromium-notes.md: no sandbox (we are root in a container), no GPU, no QUIC, and
#: none of the background traffic that would reach a proxy or a test server.
ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
)

REQUIRE_ENV = "CORSKIT_REQUIRE_CHROMIUM"


class ChromiumUnavailable(RuntimeError):
    """Chromium or Playwright is missing; the message says what to install."""


def find_chromium() -> str:
    """Path of the Chromium binary, or :class:`ChromiumUnavailable`."""
    override = os.environ.get("CORSKIT_CHROMIUM")
    if override:
        path = shutil.which(override) or override
        if not Path(path).is_file():
            raise ChromiumUnavailable(f"CORSKIT_CHROMIUM={override!r} is not an executable file")
        return path
    for candidate in CANDIDATES:
        if Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    raise ChromiumUnavailable(
        "Chromium not found (tried $CORSKIT_CHROMIUM, " + ", ".join(CANDIDATES) + "); "
        "install it with: apt-get install -y --no-install-recommends chromium"
    )


def chromium_required() -> bool:
    """True when a missing Chromium must fail tests instead of skipping them."""
    return os.environ.get(REQUIRE_ENV, "") not in ("", "0")


@contextmanager
def launch_chromium(*, args: tuple[str, ...] = (), **launch: Any) -> Iterator[Browser]:
    """Launch the system Chromium headless through Playwright's sync API; closes it on exit.

    *args* are added to :data:`ARGS`; other keywords go to ``chromium.launch`` (e.g. ``proxy=``).
    Raises :class:`ChromiumUnavailable` when Chromium or Playwright is missing.
    """
    executable = find_chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise ChromiumUnavailable("Playwright is missing: make test installs it (the dev group)") from None
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=[*ARGS, *args], **launch)
        try:
            yield browser
        finally:
            browser.close()


def chromium_version(browser: Browser) -> str:
    """E.g. ``"156.0.8078.79"``: record it next to any stored observation (message wording moves between majors)."""
    return browser.version


def unavailable(reason: str) -> None:
    """Skip the current test because Chromium cannot run, or fail it when ``CORSKIT_REQUIRE_CHROMIUM=1``."""
    if chromium_required():
        pytest.fail(f"{reason} ({REQUIRE_ENV}=1 makes this a failure)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def chromium_browser() -> Iterator[Browser]:
    """One headless Chromium per test module. Give each test its own ``browser.new_context()``: contexts do not
    share cookies, the HTTP cache or the CORS preflight cache.

    Module scope, not session: Playwright's sync API keeps an asyncio loop running while it is open, and async tests
    (pytest-asyncio) cannot run their own loop until it is closed.
    """
    try:
        with launch_chromium() as browser:
            yield browser
    except ChromiumUnavailable as err:
        unavailable(str(err))
