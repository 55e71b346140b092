"""`corskit audit` options: --fail-on exit codes, the JSON Lines schema, SARIF, input files and stdin, headers and
cookies, rate and concurrency limits, the progress bar's rules."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from corskit.audit.catalog import RULES
from corskit.audit.targets import normalize_target
from corskit.cli import audit as audit_cli
from tests.audit.conftest import jsonl, run_audit
from tests.audit.zoo import Zoo
from tests.loopback import Seen, Server, serve

SEVERITY_ORDER = ["info", "low", "medium", "high"]


def target(zoo: Zoo, name: str) -> str:
    return zoo.by_name(name).url


@pytest.mark.parametrize(
    ("fail_on", "names", "code"),
    [
        (None, ["reflect-credentials"], 0),
        ("high", ["reflect-credentials"], 1),
        ("high", ["third-party"], 0),  # medium < high
        ("medium", ["third-party"], 1),
        ("low", ["subdomain"], 1),
        ("medium", ["subdomain"], 0),
        ("low", ["public-api"], 0),  # '*' without credentials is only info
        ("info", ["public-api"], 1),
        ("low", ["corskit-strict", "static-origin", "no-cors"], 0),
        ("HIGH", ["reflect-credentials"], 1),
    ],
)
def test_fail_on_exit_codes(zoo: Zoo, fail_on: str | None, names: list[str], code: int) -> None:
    args = [*(target(zoo, n) for n in names), "--proxy", zoo.proxy, "--json", "-q"]
    if fail_on is not None:
        args += ["--fail-on", fail_on]
    exit_code, _, _ = run_audit(*args)
    assert exit_code == code


@pytest.mark.parametrize(
    "args",
    [
        ["--fail-on", "critical", "http://x.example"],
        ["--concurrency", "0", "http://x.example"],
        ["--timeout", "0", "http://x.example"],
        ["--rate", "-1", "http://x.example"],
        ["--trusted", "app.example.com", "http://x.example"],
        ["-H", "no colon", "http://x.example"],
        ["-H", "X-A: a\nb", "http://x.example"],  # was exit 3: the target blamed for our header
        ["-H", "X-A: \u2713", "http://x.example"],
        ["--cookie", "a=\r\nb", "http://x.example"],
        ["-i", "/nonexistent/targets.txt"],
        ["--json"],
        ["--format", "pdf", "http://x.example"],
        ["--json", "--format", "html", "http://x.example"],
        ["--format", "markdown", "--sarif", "-", "http://x.example"],
        ["-o", "/nonexistent/dir/report.html", "--format", "html", "http://x.example"],
    ],
)
def test_bad_usage_exits_2_with_a_reason(args: list[str]) -> None:
    code, _, err = run_audit(*args)
    assert code == 2
    assert err.strip()


def test_json_lines_schema(zoo_scan: dict[str, dict]) -> None:
    ids = {r.id: r for r in RULES}
    for line in zoo_scan.values():
        assert list(line) == ["target", "error", "findings"]
        assert line["error"] is None or isinstance(line["error"], str)
        for finding in line["findings"]:
            assert list(finding) == ["id", "class", "severity", "origin", "evidence", "why", "fix", "browsers"]
            assert set(finding["browsers"]) <= {"chromium", "firefox", "webkit"}
            assert finding["id"] in ids
            assert ids[finding["id"]].cls == finding["class"]
            assert finding["severity"] in SEVERITY_ORDER
            assert finding["origin"] is None or isinstance(finding["origin"], str)
            assert isinstance(finding["evidence"], dict)
            assert finding["why"]
            assert "{" not in finding["why"]
            assert finding["fix"]
            assert "{trusted}" not in finding["fix"]
        severities = [SEVERITY_ORDER.index(f["severity"]) for f in line["findings"]]
        assert severities == sorted(severities, reverse=True)


def test_jsonl_streams_one_line_per_target_from_a_file_and_stdin(zoo: Zoo, tmp_path: Path) -> None:
    names = ["reflect-credentials", "no-cors", "null"]
    listing = tmp_path / "targets.txt"
    listing.write_text("\n".join(target(zoo, n) for n in names) + "\n")
    _, from_file, _ = run_audit("-i", str(listing), "--proxy", zoo.proxy, "--json")
    _, from_stdin, _ = run_audit("-i", "-", "--proxy", zoo.proxy, "--json", input=listing.read_text())
    for out in (from_file, from_stdin):
        lines = jsonl(out)
        assert sorted(line["target"] for line in lines) == sorted(target(zoo, n) for n in names)


def _validate_sarif(log: dict) -> None:
    """The structural rules of SARIF 2.1.0 that consumers (GitHub code scanning, VS Code) rely on."""
    levels = {"none", "note", "warning", "error"}
    assert log["version"] == "2.1.0"
    assert log["$schema"].endswith("sarif-2.1.0.json")
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"]
    assert driver["version"]
    assert driver["informationUri"].startswith("https://")
    rules = driver["rules"]
    rule_ids = [r["id"] for r in rules]
    assert len(rule_ids) == len(set(rule_ids))
    for rule in rules:
        assert rule["shortDescription"]["text"]
        assert rule["fullDescription"]["text"]
        assert rule["help"]["text"]
        assert "{" not in rule["fullDescription"]["text"]
        assert rule["defaultConfiguration"]["level"] in levels
        assert float(rule["properties"]["security-severity"]) >= 0
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in levels
        assert result["message"]["text"]
        (location,) = result["locations"]
        assert location["physicalLocation"]["artifactLocation"]["uri"].startswith(("http://", "https://"))
        assert all(isinstance(v, str) for v in result["partialFingerprints"].values())
        if "webRequest" in result:
            assert all(isinstance(v, str) for v in result["webRequest"]["headers"].values())
            assert result["webRequest"]["method"]
        if "webResponse" in result:
            assert isinstance(result["webResponse"]["statusCode"], int)
    (invocation,) = run["invocations"]
    assert isinstance(invocation["executionSuccessful"], bool)
    for note in invocation["toolExecutionNotifications"]:
        assert note["level"] in levels
        assert note["message"]["text"]


def _fingerprints(path: Path) -> list[str]:
    results = json.loads(path.read_text())["runs"][0]["results"]
    return sorted(r["partialFingerprints"]["corskitFinding/v1"] for r in results)


def test_sarif_log_is_valid_and_has_stable_ids(zoo: Zoo, tmp_path: Path) -> None:
    sarif = tmp_path / "audit.sarif"
    names = ["reflect-credentials", "preflight-mirror", "vary-missing", "corskit-strict"]
    refused = "http://127.0.0.1:1/"
    args = [*(target(zoo, n) for n in names), "--proxy", zoo.proxy, "--sarif", str(sarif), "-q"]
    code, out, _ = run_audit(*args)
    log = json.loads(sarif.read_text())
    _validate_sarif(log)
    results = log["runs"][0]["results"]
    assert {r["ruleId"] for r in results} >= {"CORS-REFLECT-ANY", "CORS-PREFLIGHT-METHODS", "CORS-VARY-MISSING"}
    high = next(r for r in results if r["ruleId"] == "CORS-REFLECT-ANY")
    assert high["level"] == "error"
    assert high["webResponse"]["headers"]["Access-Control-Allow-Origin"] == "http://attacker.example"
    # Same scan again: same fingerprints (CI can track findings across runs).
    second = tmp_path / "again.sarif"
    run_audit(*args[:-3], "--sarif", str(second), "-q")
    assert _fingerprints(sarif) == _fingerprints(second)
    # Unreachable targets become notifications, not results.
    third = tmp_path / "errors.sarif"
    run_audit(refused, "--sarif", str(third), "-q", "--retries", "0")
    errors_log = json.loads(third.read_text())
    _validate_sarif(errors_log)
    assert errors_log["runs"][0]["results"] == []
    (note,) = errors_log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert "refused" in note["message"]["text"]
    assert code == 0
    assert out


def test_human_report_says_what_why_and_fix(zoo: Zoo) -> None:
    code, out, _ = run_audit(target(zoo, "reflect-credentials"), target(zoo, "corskit-strict"), "--proxy", zoo.proxy)
    assert code == 0
    assert "✗ " + target(zoo, "reflect-credentials") in out
    assert "HIGH" in out
    assert "CORS-REFLECT-ANY" in out
    assert "fix:" in out
    assert "✓ " + target(zoo, "corskit-strict") in out
    assert "allow-list: exact" in out
    assert "Audited 2 target(s): 1 high" in out


@pytest.fixture
def recording() -> Iterator[tuple[Server, dict[str, int]]]:
    state = {"active": 0, "peak": 0}
    lock = threading.Lock()

    def handler(seen: Seen) -> tuple[int, list[tuple[str, str]], bytes]:
        with lock:
            state["active"] += 1
            state["peak"] = max(state["peak"], state["active"])
        time.sleep(0.01)
        with lock:
            state["active"] -= 1
        return 200, [("Access-Control-Allow-Origin", "*")], b"{}"

    with serve(handler) as server:
        yield server, state


def test_headers_and_cookie_reach_the_server_as_a_browser_would_send_them(
    recording: tuple[Server, dict[str, int]],
) -> None:
    server, _ = recording
    run_audit(server.url + "/me", "-H", "X-Api-Key: k1", "--cookie", "session=s1", "--json", "-q")
    assert server.seen
    assert all(s.headers.get("x-api-key") == "k1" for s in server.seen)
    with_cookie = [s for s in server.seen if "cookie" in s.headers]
    assert with_cookie
    assert all(s.headers["cookie"] == "session=s1" for s in with_cookie)
    # Preflights never carry cookies; uncredentialed probes neither.
    assert not any("cookie" in s.headers for s in server.seen if s.method == "OPTIONS")
    assert any(s.method == "GET" and "cookie" not in s.headers and "origin" in s.headers for s in server.seen)


def test_concurrency_bounds_requests_in_flight(recording: tuple[Server, dict[str, int]]) -> None:
    server, state = recording
    urls = [f"{server.url}/t{i}" for i in range(6)]
    run_audit(*urls, "-c", "3", "--json", "-q")
    assert 2 <= state["peak"] <= 3


def test_rate_limits_requests_per_second(recording: tuple[Server, dict[str, int]]) -> None:
    server, _ = recording
    started = time.monotonic()
    run_audit(server.url, "--rate", "40", "--json", "-q")
    elapsed = time.monotonic() - started
    sent = len(server.seen)
    assert sent > 5
    assert elapsed >= (sent - 1) / 40 * 0.9


@pytest.mark.parametrize(
    ("quiet", "data_to_stdout", "stderr_tty", "stdout_tty", "total", "shown"),
    [
        (False, False, True, True, 10, True),
        (False, False, True, True, 1, False),  # one target: no bar
        (False, False, True, True, None, True),  # stdin: unknown total
        (True, False, True, True, 10, False),  # --quiet
        (False, True, True, False, 10, False),  # --json (or --format html…) to a pipe
        (False, True, True, True, 10, True),  # --json to a terminal
        (False, False, True, False, 10, True),  # a report written with -o FILE, stdout piped
        (False, False, False, True, 10, False),  # stderr is not a terminal
    ],
)
def test_progress_bar_rules(
    monkeypatch: pytest.MonkeyPatch,
    quiet: bool,
    data_to_stdout: bool,
    stderr_tty: bool,
    stdout_tty: bool,
    total: int | None,
    shown: bool,
) -> None:
    monkeypatch.setattr("sys.stderr.isatty", lambda: stderr_tty, raising=False)
    monkeypatch.setattr("sys.stdout.isatty", lambda: stdout_tty, raising=False)
    assert audit_cli.progress_wanted(data_to_stdout=data_to_stdout, quiet=quiet, total=total) is shown


def test_undecodable_stdin_lines_become_per_line_errors(zoo: Zoo) -> None:
    data = target(zoo, "null").encode() + b"\nhttps://bad\xff\xfe.example.com/\n"
    code, out, _ = run_audit("-i", "-", "--proxy", zoo.proxy, "--json", input=data)
    lines = {line["target"]: line for line in jsonl(out)}
    assert len(lines) == 2
    assert lines[target(zoo, "null")]["error"] is None
    (bad,) = [line for t, line in lines.items() if "bad" in t]
    assert "not an http(s) URL" in bad["error"]
    assert code == 3


def test_sarif_to_stdout(zoo: Zoo) -> None:
    code, out, _ = run_audit(target(zoo, "null"), "--proxy", zoo.proxy, "--sarif", "-")
    log = json.loads(out)
    _validate_sarif(log)
    assert log["runs"][0]["results"][0]["ruleId"] == "CORS-NULL"
    assert code == 0
    code, _, err = run_audit(target(zoo, "null"), "--sarif", "-", "--json")
    assert code == 2
    assert "stdout" in err


def test_fix_for_a_stack_prints_its_configuration(zoo: Zoo) -> None:
    code, out, _ = run_audit(target(zoo, "null"), "--proxy", zoo.proxy, "--fix-for", "flask-cors")
    assert code == 0
    assert 'CORS(app, origins=["http://app.example.com"]' in out
    _, out, _ = run_audit(target(zoo, "null"), "--proxy", zoo.proxy, "--fix-for", "django", "--json")
    (line,) = jsonl(out)
    assert line["findings"][0]["fix"].endswith("CORS_ALLOW_CREDENTIALS = True")
    code, _, _ = run_audit(target(zoo, "null"), "--fix-for", "iis")
    assert code == 2


@pytest.mark.parametrize("spelling", ["127.0.0.1:{port}", "127.0.0.1:{port}/api/me", "localhost:{port}/api/me"])
def test_a_bare_local_host_is_audited_over_http(spelling: str) -> None:
    def reflect(seen: Seen) -> tuple[int, list[tuple[str, str]], bytes]:
        origin = seen.headers.get("origin")
        return 200, ([("Access-Control-Allow-Origin", origin), ("Vary", "Origin")] if origin else []), b"{}"

    with serve(reflect) as server:
        port = server.url.rsplit(":", 1)[1]
        code, out, _ = run_audit(spelling.format(port=port), "--json", "--fail-on", "low")
    (line,) = jsonl(out)
    assert line["target"] == "http://" + spelling.format(port=port)
    assert line["error"] is None
    assert line["findings"][0]["class"] == "arbitrary_origin_reflected"
    assert code == 1


@pytest.mark.parametrize(
    ("line", "url"),
    [
        ("api.example.com", "https://api.example.com"),
        ("api.example.com:8443/v1?x=1", "https://api.example.com:8443/v1?x=1"),
        ("[::1]:8000", "http://[::1]:8000"),
        ("10.0.0.5/status", "http://10.0.0.5/status"),
        ("intranet", "http://intranet"),
        ("http://api.example.com", "http://api.example.com"),
        ("mailto:someone", "mailto:someone"),  # left alone: refused later as not http(s)
    ],
)
def test_bare_targets_get_the_scheme_an_address_bar_would_pick(line: str, url: str) -> None:
    assert normalize_target(line) == url


@pytest.mark.parametrize("width", [80, 60])
def test_human_report_wraps_at_word_boundaries_within_the_terminal_width(
    zoo: Zoo, width: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", str(width))
    names = ["preflight-mirror", "unescaped-dot", "post-domain", "vary-rejected"]
    args = [*(target(zoo, n) for n in names), "http://127.0.0.1:1/", "--proxy", zoo.proxy, "--retries", "0"]
    _, human, _ = run_audit(*args, "--show-info")
    _, as_json, _ = run_audit(*args, "--json")
    for line in human.splitlines():
        # Only a single unbreakable word (a URL, an origin) may overflow, alone on its line.
        assert len(line) <= width or len(line.split()) <= 2, line
    flowing = " ".join(human.split())
    for report in jsonl(as_json):
        assert report["target"] in human.split()  # never split: people copy it
        for finding in report["findings"]:
            assert " ".join(finding["why"].split()) in flowing  # no word was cut in two
            assert " ".join(finding["fix"].split()) in flowing


def test_human_report_never_prints_control_characters_from_the_input(zoo: Zoo) -> None:
    code, out, _ = run_audit("http://evil\x1b[2J.example/", "--proxy", zoo.proxy, "--retries", "0")
    assert "\x1b" not in out
    assert "\\x1b" in out
    assert code == 3


def test_format_json_is_json_lines_and_output_goes_to_a_file(zoo: Zoo, tmp_path: Path) -> None:
    report = tmp_path / "out.jsonl"
    code, out, err = run_audit(target(zoo, "null"), "--proxy", zoo.proxy, "--format", "json", "-o", str(report))
    assert out == ""
    (line,) = jsonl(report.read_text())
    assert line["findings"][0]["class"] == "null_origin_trusted"
    assert "Audited 1 target(s)" in err
    assert code == 0
    text = tmp_path / "out.txt"
    run_audit(target(zoo, "null"), "--proxy", zoo.proxy, "-o", str(text))
    assert "CORS-NULL" in text.read_text()
    assert "Audited 1 target(s)" in text.read_text()


def test_an_ascii_terminal_gets_ascii_glyphs(zoo: Zoo) -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "PYTHONIOENCODING": "ascii", "COLUMNS": "80"}
    command = [sys.executable, "-m", "corskit", "audit", target(zoo, "null"), target(zoo, "public-api")]
    done = subprocess.run([*command, "--proxy", zoo.proxy], capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert f"x {target(zoo, 'null')}" in done.stdout
    assert f"+ {target(zoo, 'public-api')}" in done.stdout
    assert done.stdout.isascii()
