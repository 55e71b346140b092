"""`--diagram svg|html|mermaid` and `--diagram-out FILE` on `corskit explain` and `corskit check`."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from corskit.cli import build_app
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
