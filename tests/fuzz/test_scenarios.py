"""Arbitrary scenario files through ``corskit explain``, in-process and (a few) as a real subprocess.

A scenario file is untrusted input (someone's bug report, a file from the web): whatever it holds, explain exits 0,
1 or 2 with no traceback, its JSON output is JSON, and nothing it prints for a person carries a terminal control
sequence (an escape sequence could retitle the terminal, clear it, hide text or forge a verdict).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from corskit.cli import build_app

from ._profile import fuzz

APP = build_app()

#: Strings that would do something to a terminal, or to a parser, if printed or split carelessly.
HOSTILE = [
    "\x1b]0;pwned\x07",
    "\x1b[2J\x1b[H",
    "\x1b[8m",
    "\x9b31m",
    "\r✓ ALLOWED",
    "\x08\x08\x08",
    "\u202eevil",
    "\u2028",
    "\x00",
    "\x7f",
    "\ufeff",
    "x" * 300,
]
ORIGINS = ["http://app.test", "https://app.test:8443", "null", "http://[::1]", "http://app.test\x1b[31m"]
URLS = ["http://api.test/r", "http://app.test/r", "https://api.test/r?x#f", "http://[fe80::1%eth0]/r", "data:,x", "/r"]
NAMES = [
    "Access-Control-Allow-Origin",
    "Access-Control-Allow-Credentials",
    "Access-Control-Allow-Methods",
    "Access-Control-Allow-Headers",
    "Access-Control-Expose-Headers",
    "Location",
    "X-Custom",
]

hostile_text = st.one_of(st.sampled_from(HOSTILE + ORIGINS + NAMES), st.text(max_size=12))


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, Any]:
    """A scenario that mostly parses, with hostile text wherever a string goes."""

    def text(choices: list[str]) -> str:
        return draw(st.sampled_from(choices) | hostile_text)

    def headers(names: list[str], values: list[str]) -> list[list[str]]:
        return [[text(names), text(values)] for _ in range(draw(st.integers(0, 3)))]

    url = text(URLS)
    server = [
        {
            "method": text(["*", "OPTIONS", "GET", "PUT"]),
            "url": draw(st.sampled_from([url, *URLS])),
            "status": draw(st.sampled_from([200, 204, 302, 404, 500, 0, -1, 10**30]) | st.integers()),
            "headers": headers(NAMES, [*ORIGINS, "*", "true", "PUT", "x-custom", "http://api.test/r2"]),
        }
        for _ in range(draw(st.integers(0, 3)))
    ]
    scenario: dict[str, Any] = {
        "origin": text(ORIGINS),
        "request": {
            "url": url,
            "method": text(["GET", "PUT", "POST"]),
            "headers": headers(["X-Custom", "Content-Type", "Authorization"], ["1", "text/plain"]),
        },
        "server": server,
    }
    if draw(st.booleans()):
        scenario["name"] = text(["ok", *HOSTILE])
    return scenario


def _explain(data: bytes, *args: str, tmp: Path) -> Any:
    path = tmp / "scenario.json"
    path.write_bytes(data)
    return CliRunner().invoke(APP, ["explain", str(path), *args])


def assert_clean_for_a_terminal(text: str) -> None:
    """No C0 control but newline, no DEL, no C1 control, no bidi override: nothing a terminal would act on."""
    bad = [c for c in text if (ord(c) < 0x20 and c != "\n") or 0x7F <= ord(c) < 0xA0 or c in "\u202a\u202b\u202d\u202e"]
    assert not bad, (bad[:5], text[:400])


def _check_run(result: Any, as_json: bool) -> None:
    assert result.exit_code in (0, 1, 2), (result.exit_code, result.output[-500:])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    if as_json:
        for line in result.stdout.splitlines():
            json.loads(line)
    else:
        assert_clean_for_a_terminal(result.output)


@fuzz(quick=40, long=5000)
@given(scenario=scenarios(), as_json=st.booleans(), lines=st.booleans())
def test_explain_answers_any_scenario_safely(
    scenario: dict[str, Any], as_json: bool, lines: bool, tmp_path_factory: pytest.TempPathFactory
) -> None:
    body = json.dumps(scenario, ensure_ascii=False)
    data = (body + "\n" + body + "\n" if lines else body).encode("utf-8", "surrogatepass")
    _check_run(_explain(data, *(["--json"] if as_json else []), tmp=tmp_path_factory.mktemp("s")), as_json)


@fuzz(quick=30, long=5000)
@given(data=st.one_of(st.binary(max_size=200), st.text(max_size=80).map(lambda s: s.encode("utf-8", "surrogatepass"))))
def test_explain_answers_any_bytes_with_a_usage_error_or_a_verdict(
    data: bytes, tmp_path_factory: pytest.TempPathFactory
) -> None:
    _check_run(_explain(data, tmp=tmp_path_factory.mktemp("b")), as_json=False)


GARBAGE = {
    "empty": b"",
    "binary": bytes(range(256)),
    "not utf-8": b'{"origin": "\xff"}',
    "utf-8 BOM": b'\xef\xbb\xbf{"origin": 1}',
    "utf-16": '{"origin": 1}'.encode("utf-16"),
    "deeply nested": b"[" * 100_000,
    "huge number": b'{"origin": "http://a.test", "request": {"url": "http://a.test/"}, "server": [{"url": '
    b'"http://a.test/", "status": ' + b"9" * 5000 + b"}]}",
    "NaN": b'{"origin": NaN}',
    "escape in a key": b'{"\x1b]0;x\x07": 1}',
}


@pytest.mark.parametrize("what", list(GARBAGE))
def test_explain_refuses_garbage_files_with_one_clear_line(what: str, tmp_path: Path) -> None:
    result = _explain(GARBAGE[what], tmp=tmp_path)
    assert result.exit_code == 2, (result.exit_code, result.output[-800:])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.stderr.startswith("corskit explain: "), result.stderr[-800:]
    assert result.stderr.count("\n") == 1, result.stderr[-800:]
    assert_clean_for_a_terminal(result.output)


HOSTILE_SCENARIO = {
    "name": "\x1b]0;pwned\x07\x1b[2J",
    "origin": "http://app.test",
    "request": {"url": "http://api.test/r", "headers": [["X-\x1b[8m", "\x1b[31m"]]},
    "server": [
        {
            "url": "http://api.test/r",
            "headers": [["X-\x1b]0;t\x07", "\x1b[2J"], ["Access-Control-Allow-Origin", "\x9b"]],
        }
    ],
}


@pytest.mark.parametrize("what", ["binary", "deeply nested", "hostile scenario"])
def test_a_real_explain_process_stays_clean(what: str, tmp_path: Path) -> None:
    """A few runs as a real process: the console script, a real terminal width, no test runner in between."""
    path = tmp_path / "in.json"
    data = GARBAGE.get(what) or json.dumps(HOSTILE_SCENARIO).encode()
    path.write_bytes(data)
    done = subprocess.run(
        [sys.executable, "-c", "from corskit.cli import main; main()", "explain", str(path)],
        capture_output=True,
        text=True,
        errors="replace",
        timeout=120,
        env={**os.environ, "COLUMNS": "80", "TERM": "xterm-256color", "FORCE_COLOR": "1"},
    )
    assert done.returncode in ((1,) if what == "hostile scenario" else (2,)), (done.returncode, done.stderr[-800:])
    assert "Traceback" not in done.stderr
    # FORCE_COLOR: rich's own styling is allowed (ESC [ ... m), nothing else.
    assert_clean_for_a_terminal(re.sub("\x1b\\[[0-9;]*m", "", done.stdout + done.stderr))


@pytest.mark.parametrize(
    ("field", "url"),
    [("request", "http://[fe80::1%eth0]/r"), ("request", "http://[::1%25lo]/r"), ("origin", "http://[fe80::1%eth0]")],
)
def test_a_zone_id_is_never_allowed_as_chromium_never_parses_it(field: str, url: str, tmp_path: Path) -> None:
    # Issue 10, defect 2: explain said ALLOWED for a request to http://[fe80::1%eth0]/. Chromium's fetch() throws.
    scenario = {
        "origin": url if field == "origin" else "http://app.test",
        "request": {"url": url if field == "request" else "http://api.test/r"},
        "server": [{"url": "http://api.test/r", "headers": [["Access-Control-Allow-Origin", "*"]]}],
    }
    result = _explain(json.dumps(scenario).encode(), "--json", tmp=tmp_path)
    if field == "request":
        assert result.exit_code == 1, result.output[-500:]
        assert json.loads(result.stdout)["error"] == "invalid_url"
    else:  # an origin no browser sends: a usage error that says what to write
        assert result.exit_code == 2, result.output[-500:]
        assert "zone id, which browsers never send" in result.output
