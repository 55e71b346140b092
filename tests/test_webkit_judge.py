"""The WebKit judge's plumbing: console attribution, missing pieces, and processes that end with the run."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import _webkit
from tests._webkit import Console, WebKit, WebKitUnavailable, launch_webkit
from tests.conformance.judges import require_env, required
from tests.conformance.judges.webkit import console_text


def test_console_keeps_whole_console_lines_only(tmp_path: Path) -> None:
    path = tmp_path / "console.log"
    path.write_bytes(b"CONSOLE SECURITY ERROR Origin http://app.test is not allowed\n(gtk warning)\nCONSOLE LOG cors")
    console = Console(path)
    assert console.lines() == ["SECURITY ERROR Origin http://app.test is not allowed"]
    with path.open("ab") as f:
        f.write(b"kit-done _c1\nCONSOLE JS ERROR caf\xc3\xa9\n")
    assert console.lines() == ["LOG corskit-done _c1", "JS ERROR caf\xe9"]
    assert console.lines() == []


@pytest.mark.parametrize(
    ("line", "text"),
    [
        ("SECURITY ERROR Origin null is not allowed", "Origin null is not allowed"),
        ("JS ERROR Fetch API cannot load x.", "Fetch API cannot load x."),
        ("LOG corskit-done _c7", "corskit-done _c7"),
        ("unparsed", "unparsed"),
    ],
)
def test_console_text_drops_source_and_level(line: str, text: str) -> None:
    assert console_text(line) == text


def test_a_missing_driver_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_webkit.shutil, "which", lambda name: None)
    with pytest.raises(WebKitUnavailable, match="apt-get install -y --no-install-recommends webkit2gtk-driver xvfb"):
        _webkit.find_tools()


@pytest.fixture
def webkit() -> Iterator[WebKit]:
    try:
        with launch_webkit() as instance:
            yield instance
    except WebKitUnavailable as err:
        if required("webkit"):
            pytest.fail(f"{err} ({require_env('webkit')}=1 makes this a failure)", pytrace=False)
        pytest.skip(str(err))


@pytest.mark.webkit
def test_every_process_ends_with_the_run(webkit: WebKit) -> None:
    with webkit.session("http://127.0.0.1:9") as session:
        assert session.version.startswith("2.")
        assert session.driver.execute_async("arguments[0](navigator.userAgent.includes('AppleWebKit'))") is True
    groups = [p.pid for p in webkit._processes]
    assert len(groups) == 2  # Xvfb and the driver, each the leader of its own process group
    webkit.close()
    for group in groups:
        with pytest.raises(ProcessLookupError):
            os.killpg(group, 0)
