"""`corskit explain FILE|- [--json]`: exit codes, the exact --json schema, JSON Lines batches, usage errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from corskit.cli import build_app
from corskit.tools.scenario import evaluate

APP, URL = "http://app.test", "http://api.test/r"
EXAMPLE = Path(__file__).parent.parent.parent / "examples" / "scenarios" / "put-missing-header.json"

ALLOWED: dict[str, Any] = {
    "origin": APP,
    "request": {"url": URL},
    "server": [{"method": "GET", "url": URL, "status": 200, "headers": [["Access-Control-Allow-Origin", APP]]}],
}
BLOCKED: dict[str, Any] = {
    "origin": APP,
    "request": {"url": URL, "method": "PUT", "headers": [["X-Foo", "1"]]},
    "server": [
        {
            "method": "OPTIONS",
            "url": URL,
            "status": 204,
            "headers": [["Access-Control-Allow-Origin", APP], ["Access-Control-Allow-Methods", "PUT"]],
        },
    ],
}


def invoke(args: list[str], stdin: str | None = None) -> Any:
    return CliRunner().invoke(build_app(), ["explain", *args], input=stdin)


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


# --- exit codes and output --------------------------------------------------------------------------------------


def test_allowed_exits_0_with_a_readable_trace(tmp_path: Path) -> None:
    result = invoke([write(tmp_path, "s.json", json.dumps(ALLOWED))])
    assert result.exit_code == 0, result.output
    assert f"GET {URL}" in result.stdout
    assert "Origin: http://app.test" in result.stdout
    assert "Access-Control-Allow-Origin: http://app.test" in result.stdout
    assert "ALLOWED" in result.stdout


def test_blocked_exits_1_and_prints_chromiums_message(tmp_path: Path) -> None:
    result = invoke([write(tmp_path, "s.json", json.dumps(BLOCKED))])
    assert result.exit_code == 1
    assert "OPTIONS" in result.stdout
    assert "Access-Control-Request-Headers: x-foo" in result.stdout
    assert "BLOCKED" in result.stdout
    assert "header_disallowed_by_preflight_response" in result.stdout
    assert "Request header field x-foo is not allowed by Access-Control-Allow-Headers in preflight response." in (
        result.stdout.replace("\n", "")
    )


def test_json_output_is_exactly_the_result_object(tmp_path: Path) -> None:
    for data, code in [(ALLOWED, 0), (BLOCKED, 1)]:
        result = invoke([write(tmp_path, "s.json", json.dumps(data)), "--json"])
        assert result.exit_code == code
        printed = json.loads(result.stdout)
        assert printed == evaluate(data)
        assert list(printed) == ["allowed", "error", "message", "sent", "response"]
        assert result.stdout.count("\n") == 1


def test_json_shape_of_an_allowed_result(tmp_path: Path) -> None:
    result = invoke([write(tmp_path, "s.json", json.dumps(ALLOWED)), "--json"])
    assert json.loads(result.stdout) == {
        "allowed": True,
        "error": None,
        "message": None,
        "sent": [{"method": "GET", "url": URL, "headers": [["Origin", APP]]}],
        "response": {"type": "cors", "status": 200, "headers": []},
    }


def test_stdin_dash() -> None:
    result = invoke(["-", "--json"], stdin=json.dumps(BLOCKED))
    assert result.exit_code == 1
    assert json.loads(result.stdout)["error"] == "header_disallowed_by_preflight_response"


def test_bundled_example(tmp_path: Path) -> None:
    result = invoke([str(EXAMPLE), "--json"])
    assert result.exit_code == 1
    assert json.loads(result.stdout)["error"] == "header_disallowed_by_preflight_response"


# --- usage errors -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({**ALLOWED, "request": {"url": URL, "credentials": "yes"}}, "request.credentials"),
        ({**ALLOWED, "origin": "app.test"}, "origin"),
        ({**ALLOWED, "server": [{"url": URL, "status": 99}]}, "server[0].status"),
        ({**ALLOWED, "server": []}, "server"),
    ],
)
def test_usage_error_exits_2_and_names_the_field(tmp_path: Path, data: dict[str, Any], field: str) -> None:
    for extra in ([], ["--json"]):
        result = invoke([write(tmp_path, "s.json", json.dumps(data)), *extra])
        assert result.exit_code == 2
        assert f"{field}: " in result.stderr
        assert result.stdout == ""


def test_invalid_json_is_a_usage_error(tmp_path: Path) -> None:
    result = invoke([write(tmp_path, "s.json", "{nope")])
    assert result.exit_code == 2
    assert "not valid JSON" in result.stderr


def test_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    result = invoke([str(tmp_path / "missing.json")])
    assert result.exit_code == 2


def test_no_argument_is_a_usage_error() -> None:
    assert invoke([]).exit_code == 2


# --- JSON Lines batches -----------------------------------------------------------------------------------------


def test_json_lines_one_result_per_line_in_order_with_bad_lines_in_place(tmp_path: Path) -> None:
    bad_field = {**ALLOWED, "request": {"url": 5}}
    lines = [json.dumps(ALLOWED), "{not json", "", json.dumps(BLOCKED), json.dumps(bad_field), json.dumps(ALLOWED)]
    result = invoke([write(tmp_path, "batch.jsonl", "\n".join(lines) + "\n"), "--json"])
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == 5  # the blank line is skipped
    assert out[0] == evaluate(ALLOWED)
    assert set(out[1]) == {"usage_error"}
    assert "not valid JSON" in out[1]["usage_error"]
    assert out[2] == evaluate(BLOCKED)
    assert set(out[3]) == {"usage_error"}
    assert out[3]["usage_error"].startswith("request.url: ")
    assert out[4] == evaluate(ALLOWED)
    assert result.exit_code == 1  # one scenario was blocked


def test_json_lines_from_stdin(tmp_path: Path) -> None:
    text = "\n".join(json.dumps(d) for d in (ALLOWED, ALLOWED, ALLOWED))
    result = invoke(["-", "--json"], stdin=text)
    assert result.exit_code == 0
    assert [json.loads(line)["allowed"] for line in result.stdout.splitlines()] == [True, True, True]


def test_json_lines_without_json_flag_report_bad_lines_and_exit_2(tmp_path: Path) -> None:
    text = "\n".join([json.dumps(ALLOWED), json.dumps({**ALLOWED, "request": {"url": URL, "mode": "x"}})])
    result = invoke([write(tmp_path, "batch.jsonl", text)])
    assert result.exit_code == 2
    assert "scenario 2: request.mode: " in result.stderr
    assert "ALLOWED" in result.stdout


# --- safety of the trace ----------------------------------------------------------------------------------------


def test_trace_never_prints_raw_control_characters(tmp_path: Path) -> None:
    data = {
        "origin": APP,
        "request": {"url": URL},
        "server": [{"url": URL, "headers": [["Access-Control-Allow-Origin", "\u001b[31mhttp://evil.test"]]}],
    }
    result = invoke([write(tmp_path, "s.json", json.dumps(data))])
    assert result.exit_code == 1
    assert "\x1b" not in result.stdout


# --- the installed console script -------------------------------------------------------------------------------


def test_console_script_end_to_end() -> None:
    script = Path(sys.executable).parent / "corskit"
    if not script.exists():
        pytest.skip("console script not installed in this environment")
    proc = subprocess.run(
        [str(script), "explain", "-", "--json"],
        input=json.dumps(BLOCKED),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 1
    assert json.loads(proc.stdout) == evaluate(BLOCKED)
