"""`--browser chromium|firefox|webkit|all` on explain, check and demo: each browser's rules and messages, and the
side-by-side report for all three."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from corskit.cli import build_app
from corskit.tools.scenario import evaluate
from tests.loopback import Answer, Seen, serve

APP, URL = "http://app.test", "http://api.test/r"
#: DPR is safelisted only in Chromium: Firefox and WebKit preflight, and the server does not allow it.
DPR: dict[str, Any] = {
    "origin": APP,
    "request": {"url": URL, "headers": [["DPR", "2"]]},
    "server": [
        {"method": "OPTIONS", "url": URL, "status": 204, "headers": [["Access-Control-Allow-Origin", APP]]},
        {"method": "GET", "url": URL, "status": 200, "headers": [["Access-Control-Allow-Origin", APP]]},
    ],
}


def explain(tmp_path: Path, scenario: dict[str, Any], *args: str) -> Any:
    path = tmp_path / "s.json"
    path.write_text(json.dumps(scenario), encoding="utf-8")
    return CliRunner().invoke(build_app(), ["explain", str(path), *args])


@pytest.mark.parametrize(("browser", "code"), [("chromium", 0), ("firefox", 1), ("webkit", 1)])
def test_explain_json_is_the_browsers_own_result(tmp_path: Path, browser: str, code: int) -> None:
    result = explain(tmp_path, DPR, "--browser", browser, "--json")
    assert result.exit_code == code, result.output
    assert json.loads(result.stdout) == evaluate(DPR, browser=browser)


def test_explain_text_prints_the_browsers_message(tmp_path: Path) -> None:
    result = explain(tmp_path, DPR, "-b", "firefox")
    assert result.exit_code == 1
    assert (
        "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at" in result.stdout
    )


def test_explain_all_prints_one_verdict_per_browser_and_why_they_differ(tmp_path: Path) -> None:
    result = explain(tmp_path, DPR, "--browser", "all")
    assert result.exit_code == 1, result.output  # blocked somewhere is blocked
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["Chromium", "✓", "allowed"]
    assert lines[1].startswith("Firefox ")
    assert "✗ blocked" in lines[1]
    assert lines[2].startswith("Safari (WebKit) ")
    assert "✗ blocked" in lines[2]
    assert "Firefox blocks: `DPR` is not a safelisted request header outside Chromium" in result.stdout
    assert "Fix for all browsers (server side):" in result.stdout


def test_explain_all_json_has_every_browser_and_the_differences(tmp_path: Path) -> None:
    result = explain(tmp_path, DPR, "--browser", "all", "--json")
    data = json.loads(result.stdout)
    assert list(data) == ["chromium", "firefox", "webkit", "agree", "differences"]
    for browser in ("chromium", "firefox", "webkit"):
        assert data[browser] == evaluate(DPR, browser=browser)
    assert data["agree"] is False
    assert len(data["differences"]) == 2


def test_explain_all_says_when_the_browsers_agree(tmp_path: Path) -> None:
    simple = {**DPR, "request": {"url": URL}}
    result = explain(tmp_path, simple, "--browser", "all")
    assert result.exit_code == 0
    assert "The browsers agree." in result.stdout


@pytest.mark.parametrize("value", ["chrome", "Safari", ""])
def test_an_unknown_browser_is_a_usage_error(tmp_path: Path, value: str) -> None:
    result = explain(tmp_path, DPR, "--browser", value)
    assert result.exit_code == 2


def _api(seen: Seen) -> Answer:
    """Allows the page's origin, but no request header: a preflight asking for one fails."""
    headers = [("Access-Control-Allow-Origin", APP)]
    return (204 if seen.method == "OPTIONS" else 200), headers, b""


def test_check_all_sends_each_browsers_requests_and_compares(tmp_path: Path) -> None:
    with serve(_api) as server:
        args = ["check", server.url + "/r", "-o", APP, "-H", "DPR: 2", "--browser", "all", "--json"]
        result = CliRunner().invoke(build_app(), args)
        methods = [s.method for s in server.seen]
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    assert data["chromium"]["allowed"] is True
    assert data["firefox"]["allowed"] is False
    assert data["webkit"]["allowed"] is False
    assert data["agree"] is False
    assert data["fix"]["side"] == "server"
    # Chromium's GET, then Firefox's and WebKit's preflights (each stopped there).
    assert methods == ["GET", "OPTIONS", "OPTIONS"]


def test_check_with_one_browser_prints_its_message() -> None:
    with serve(_api) as server:
        result = CliRunner().invoke(
            build_app(), ["check", server.url + "/r", "-o", APP, "-H", "DPR: 2", "--browser", "firefox"]
        )
    assert result.exit_code == 1
    assert "(Reason: header ‘dpr’ is not allowed according to header ‘Access-Control-Allow-Headers’" in result.stdout


def test_demo_all_reports_every_browser() -> None:
    result = CliRunner().invoke(build_app(), ["demo", "--quiet", "--browser", "all"], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    header = next(line for line in result.stdout.splitlines() if "chromium" in line)
    assert "firefox" in header
    assert "webkit" in header
