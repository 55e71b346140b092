"""`--diagram svg|html|mermaid` and `--diagram-out FILE` on `corskit explain` and `corskit check`."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from corskit.cli import build_app
from tests.cli.run import corskit
from tests.loopback import Seen, serve

EXAMPLE = Path(__file__).parents[2] / "examples" / "scenarios" / "put-missing-header.json"
APP = "http://app.test"
ALLOWED: dict[str, Any] = {
    "name": "a simple GET",
    "origin": APP,
    "request": {"url": "http://api.test/r"},
    "server": [{"url": "http://api.test/r", "headers": [["Access-Control-Allow-Origin", "*"]]}],
}


def invoke(*args: str, stdin: str | None = None) -> Any:
    return CliRunner().invoke(build_app(), list(args), input=stdin)


def svg_texts(svg: str) -> list[str]:
    root = ET.fromstring(svg)
    return ["".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")]


@pytest.mark.parametrize(
    ("fmt", "start"), [("svg", "<svg "), ("html", "<!doctype html>"), ("mermaid", "sequenceDiagram")]
)
def test_explain_prints_the_diagram_instead_of_the_report(fmt: str, start: str) -> None:
    result = invoke("explain", str(EXAMPLE), "--diagram", fmt)
    assert result.exit_code == 1  # still the verdict: blocked
    assert result.stdout.startswith(start)
    assert "BLOCKED" not in result.stdout
    assert "x-request-id is not allowed by" in result.stdout


def test_explain_writes_the_diagram_to_a_file_and_keeps_the_report(tmp_path: Path) -> None:
    out = tmp_path / "put.svg"
    result = invoke("explain", str(EXAMPLE), "--diagram-out", str(out))
    assert result.exit_code == 1
    assert "✗ BLOCKED" in result.stdout
    texts = svg_texts(out.read_text(encoding="utf-8"))
    assert "OPTIONS /items/1  (preflight)" in texts
    assert "Access-Control-Allow-Headers: Content-Type" in texts


def test_explain_json_with_a_diagram_file(tmp_path: Path) -> None:
    out = tmp_path / "d.mmd"
    result = invoke("explain", str(EXAMPLE), "--json", "--diagram-out", str(out))
    assert json.loads(result.stdout)["allowed"] is False
    assert out.read_text(encoding="utf-8").startswith("sequenceDiagram\n")


def test_json_lines_become_one_html_page(tmp_path: Path) -> None:
    lines = tmp_path / "many.jsonl"
    blocked = json.loads(EXAMPLE.read_text())
    lines.write_text("\n".join(json.dumps(d) for d in (ALLOWED, blocked, ALLOWED)) + "\n", encoding="utf-8")
    result = invoke("explain", str(lines), "--diagram", "html")
    assert result.exit_code == 1
    assert result.stdout.count("<svg ") == 3
    assert "a simple GET: allowed" in result.stdout
    refused = invoke("explain", str(lines), "--diagram", "svg")
    assert refused.exit_code == 2
    assert "3 scenarios make 3 diagrams: use --diagram html" in refused.output


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--json", "--diagram", "svg"], "add --diagram-out FILE"),
        (["--diagram-out", "x.png"], "cannot tell the format from 'x.png'"),
        (["--diagram", "png"], "'png' is not one of"),
        (["--diagram", "svg", "--diagram-out", "/nonexistent-dir/x.svg"], "cannot write /nonexistent-dir/x.svg"),
    ],
)
def test_usage_errors_exit_2(args: list[str], says: str) -> None:
    result = invoke("explain", str(EXAMPLE), *args)
    assert result.exit_code == 2
    assert says in " ".join(result.output.replace("│", " ").split())


def test_a_bad_scenario_draws_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_bytes(b"\xef\xbb\xbf{\x00")
    result = invoke("explain", str(bad), "--diagram", "svg")
    assert result.exit_code == 2
    assert "<svg" not in result.stdout


def _handler(seen: Seen) -> tuple[int, list[tuple[str, str]], bytes]:
    if seen.method == "OPTIONS":
        return 204, [("Access-Control-Allow-Origin", APP), ("Access-Control-Allow-Methods", "PUT")], b""
    return 200, [("Access-Control-Allow-Origin", APP)], b""


def test_check_draws_the_live_exchange() -> None:
    with serve(_handler) as srv:
        result = invoke("check", srv.url + "/r", "--origin", APP, "-X", "PUT", "-H", "X-Foo: 1", "--diagram", "svg")
    assert result.exit_code == 1
    texts = svg_texts(result.stdout)
    assert "OPTIONS /r  (preflight)" in texts
    assert "Access-Control-Allow-Headers: (missing)" in texts
    assert any(t.startswith("Fix (server side): The request header 'x-foo'") for t in texts)


def test_check_held_back_request_is_drawn_as_not_sent(tmp_path: Path) -> None:
    out = tmp_path / "c.html"
    with serve(_handler) as srv:
        result = invoke("check", srv.url + "/r", "--origin", APP, "-X", "PUT", "--json", "--diagram-out", str(out))
    assert result.exit_code == 0
    assert json.loads(result.stdout)["actual_checked"] is False
    page = out.read_text(encoding="utf-8")
    assert "✓ preflight passed" in page
    assert "(the request itself was not sent)" in page


def test_check_network_error_has_no_diagram() -> None:
    with serve(_handler) as srv:
        url = srv.url
    result = invoke("check", url + "/r", "--origin", APP, "--diagram", "svg", "--timeout", "2")
    assert result.exit_code == 2
    assert "<svg" not in result.stdout
    assert "NETWORK ERROR" in result.stdout


# -- the browser a diagram shows is the one the fetch was played as (run as the real command) -----------------------
DPR = Path(__file__).parents[2] / "examples" / "scenarios" / "dpr-client-hint.json"


def said(stderr: str) -> str:
    """A usage error's words, out of rich's box and its line breaks."""
    return " ".join(stderr.replace("│", " ").split())


@pytest.mark.parametrize(
    ("browser", "lifeline", "rejection"),
    [
        ("firefox", "Browser<br/>Firefox", "✗ TypeError: NetworkError when attempting to fetch resource."),
        ("webkit", "Browser<br/>Safari (WebKit)", "✗ TypeError: Load failed"),
    ],
)
def test_a_diagram_names_its_browser_and_what_fetch_rejects_with(browser: str, lifeline: str, rejection: str) -> None:
    run = corskit("explain", str(DPR), "--browser", browser, "--diagram", "mermaid")
    assert run.code == 1
    assert lifeline in run.stdout
    assert rejection in run.stdout
    assert "Chromium" not in run.stdout.split("Note over")[0]  # the lifelines and arrows
    assert "Failed to fetch" not in run.stdout


def test_browser_all_draws_one_diagram_per_browser(tmp_path: Path) -> None:
    run = corskit("explain", str(DPR), "--browser", "all", "--diagram", "html")
    assert run.code == 1
    assert run.stdout.startswith("<!doctype html>")
    assert run.stdout.count("<svg ") == 3
    for title in ("Chromium", "Firefox", "Safari (WebKit)"):
        assert f">{title}</text>" in run.stdout
    refused = corskit("explain", str(DPR), "--browser", "all", "--diagram", "svg")
    assert refused.code == 2
    assert refused.stdout == ""
    assert "3 browsers make 3 diagrams: use --diagram html" in said(refused.stderr)


def test_check_browser_all_draws_each_browser_or_refuses_before_sending() -> None:
    refused = corskit("check", "http://127.0.0.1:9/r", "--origin", APP, "--browser", "all", "--diagram", "svg")
    assert refused.code == 2
    assert "3 browsers make 3 diagrams" in said(refused.stderr)
    assert "NETWORK ERROR" not in refused.stdout  # a usage error, before any request
    with serve(_handler) as srv:
        run = corskit("check", srv.url + "/r", "--origin", APP, "-H", "DPR: 2", "--browser", "all", "--diagram", "html")
    assert run.code == 1  # Firefox and WebKit preflight DPR, and the answer does not allow it
    assert run.stdout.count("<svg ") == 3
    assert "Browser" not in run.stdout.split("<svg ")[0]  # no report before the page


def test_different_fetches_in_one_scenario_need_html(tmp_path: Path) -> None:
    scenario = {
        "origin": APP,
        "requests": [{"url": "http://api.test/r"}, {"url": "http://api.test/s"}],
        "server": [{"url": f"http://api.test/{p}", "headers": [["Access-Control-Allow-Origin", "*"]]} for p in "rs"],
    }
    path = tmp_path / "two.json"
    path.write_text(json.dumps(scenario), encoding="utf-8")
    refused = corskit("explain", str(path), "--diagram", "svg")
    assert refused.code == 2  # before: the first diagram alone, the second dropped silently
    assert "2 different fetches make 2 diagrams: use --diagram html" in said(refused.stderr)
    page = corskit("explain", str(path), "--diagram", "html")
    assert page.code == 0
    assert page.stdout.count("<svg ") == 2


def test_a_diagram_is_utf8_whatever_the_terminal_encoding() -> None:
    for fmt in ("svg", "html", "mermaid"):
        run = corskit("explain", str(EXAMPLE), "--diagram", fmt, env={"PYTHONIOENCODING": "latin-1"}, binary=True)
        assert run.code == 1
        text = run.raw.decode("utf-8")  # strict: a document is UTF-8
        assert "✗ TypeError: Failed to fetch" in text
        assert "\\u2717" not in text  # a terminal escape would be drawn as text
