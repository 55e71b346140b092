"""`corskit explain FILE|- [--json] [--fix-for STACK]`, run as a real command: exit codes, the exact --json schema,
JSON Lines batches, every kind of bad input, terminal safety."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from corskit.tools.scenario import evaluate
from tests.cli.run import corskit

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
MESSAGE_END = "Request header field x-foo is not allowed by Access-Control-Allow-Headers in preflight response."


def write(tmp_path: Path, name: str, content: str | bytes) -> str:
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return str(path)


def jsonl(*docs: Any) -> str:
    return "".join((d if isinstance(d, str) else json.dumps(d, ensure_ascii=False)) + "\n" for d in docs)


# --- exit codes and output --------------------------------------------------------------------------------------


def test_allowed_exits_0_with_a_readable_trace(tmp_path: Path) -> None:
    run = corskit("explain", write(tmp_path, "s.json", json.dumps(ALLOWED)))
    assert run.code == 0, run.stderr
    assert f"→ GET {URL}  (request)" in run.lines
    assert "    Origin: http://app.test" in run.lines
    assert "    Access-Control-Allow-Origin: http://app.test" in run.lines
    assert "✓ ALLOWED  response type cors, status 200" in run.lines
    assert run.stderr == ""


def test_blocked_exits_1_and_prints_chromiums_message_on_one_line(tmp_path: Path) -> None:
    run = corskit("explain", write(tmp_path, "s.json", json.dumps(BLOCKED)))
    assert run.code == 1
    assert "    Access-Control-Request-Headers: x-foo" in run.lines
    assert "✗ BLOCKED  header_disallowed_by_preflight_response" in run.lines
    message = next(line for line in run.lines if line.startswith("Access to fetch at "))
    assert message.endswith(MESSAGE_END)  # never wrapped: people copy it


def test_json_output_is_exactly_the_result_object(tmp_path: Path) -> None:
    for data, code in [(ALLOWED, 0), (BLOCKED, 1)]:
        run = corskit("explain", write(tmp_path, "s.json", json.dumps(data)), "--json")
        assert run.code == code
        printed = json.loads(run.stdout)
        assert printed == evaluate(data)
        assert list(printed) == ["allowed", "error", "message", "sent", "response"]
        assert run.stdout.count("\n") == 1


def test_json_shape_of_an_allowed_result(tmp_path: Path) -> None:
    run = corskit("explain", write(tmp_path, "s.json", json.dumps(ALLOWED)), "--json")
    assert json.loads(run.stdout) == {
        "allowed": True,
        "error": None,
        "message": None,
        "sent": [{"method": "GET", "url": URL, "headers": [["Origin", APP]]}],
        "response": {"type": "cors", "status": 200, "headers": []},
    }


def test_stdin_dash_and_the_bundled_example() -> None:
    run = corskit("explain", "-", "--json", stdin=json.dumps(BLOCKED))
    assert run.code == 1
    assert json.loads(run.stdout)["error"] == "header_disallowed_by_preflight_response"
    run = corskit("explain", str(EXAMPLE))
    assert run.code == 1
    assert "Fix (server side): The request header 'x-request-id' is not in" in run.stdout


def test_fix_for_prints_the_stack_configuration(tmp_path: Path) -> None:
    path = write(tmp_path, "s.json", json.dumps(BLOCKED))
    run = corskit("explain", path, "--fix-for", "flask-cors")
    assert run.code == 1
    assert "  flask-cors:" in run.lines
    assert 'CORS(app, origins=["http://app.test"], allow_headers=["x-foo"])' in run.lines
    data = json.loads(corskit("explain", path, "--json", "--fix-for", "fastapi").stdout)
    assert data["fix"]["stack"] == "fastapi"
    assert data["fix"]["side"] == "server"
    assert 'allow_headers=["x-foo"]' in data["fix"]["snippet"]
    assert corskit("explain", path, "--fix-for", "rails").code == 2


# --- usage errors: one line naming the problem, exit 2, never a traceback ---------------------------------------


def assert_one_line_usage_error(run: Any, *words: str) -> None:
    assert run.code == 2, (run.stdout, run.stderr)
    assert "Traceback" not in run.stderr
    assert run.stderr.count("\n") == 1, run.stderr
    assert run.stderr.startswith("corskit explain: ")
    for word in words:
        assert word in run.stderr
    assert run.stdout == ""


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({**ALLOWED, "request": {"url": URL, "credentials": "yes"}}, ["request.credentials: must be one of"]),
        ({**ALLOWED, "origin": "app.test"}, ["origin: "]),
        ({**ALLOWED, "origin": 5}, ["origin: must be a string", "not a number"]),
        ({"request": {"url": URL}}, ["origin: is required"]),
        ({**ALLOWED, "request": "http://api.test/r"}, ["request: must be an object", "not a string"]),
        ({**ALLOWED, "request": {"url": ["x"]}}, ["request.url: must be a string", "not a list"]),
        ({**ALLOWED, "request": {}}, ["request.url: is required"]),
        ({**ALLOWED, "request": {"url": URL, "method": None}}, ["request.method: must be a string", "not null"]),
        ({**ALLOWED, "server": [{"url": URL, "status": 99}]}, ["server[0].status: must be an integer"]),
        ({**ALLOWED, "server": [{"status": 200}]}, ["server[0].url: is required"]),
        ({**ALLOWED, "server": [{"url": URL, "headers": [["A", 1]]}]}, ["server[0].headers[0]: must be"]),
        ({**ALLOWED, "server": {}}, ["server: must be a list"]),
        ({**ALLOWED, "server": []}, ["server: no entry answers GET http://api.test/r"]),
        ({**ALLOWED, "extra": 1}, ["scenario.extra: is not a scenario field"]),
        ([ALLOWED], ["scenario: must be a JSON object"]),
    ],
)
def test_bad_scenarios_name_the_field(tmp_path: Path, data: Any, words: list[str]) -> None:
    path = write(tmp_path, "s.json", json.dumps(data))
    for extra in ([], ["--json"]):
        assert_one_line_usage_error(corskit("explain", path, *extra), *words)


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (bytes(range(256)) * 4, ["is not UTF-8 text (byte 0x80 at offset 128)"]),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", ["is not UTF-8 text"]),
        (b"\xff\xfe{\x00}\x00", ["UTF-16", "save it as UTF-8"]),
        (b"", ["is empty"]),
        (b" \n\n\t\n", ["is empty"]),
        (b"{nope", ["is not valid JSON: Expecting property name enclosed in double quotes at line 1 column 2"]),
        (b"[" * 200_000, ["nested too deeply"]),
        (b'{"origin": ' + b"1" * 5000 + b"}", ["a number with thousands of digits"]),
        (b'{"a": "' + b"x" * (2 << 20) + b'"}', ["is larger than 1 MiB"]),
        (b"\x00" * (3 << 20), ["is larger than 1 MiB"]),
        (b'{"origin": "http://app.test\x1b[2J"}', ["Invalid control character"]),
    ],
    ids=["binary", "png", "utf16", "empty", "blank", "invalid", "deep", "digits", "huge", "zeros", "control"],
)
def test_bad_input_is_one_line_exit_2(tmp_path: Path, content: bytes, words: list[str]) -> None:
    run = corskit("explain", write(tmp_path, "s.json", content))
    assert_one_line_usage_error(run, *words)
    assert run.stderr.startswith(f"corskit explain: {tmp_path / 's.json'} ")
    assert "\x1b" not in run.stderr
    # The same from stdin, with --json: the same one line.
    run = corskit("explain", "-", "--json", stdin=content)
    assert_one_line_usage_error(run, "standard input", *words)


def test_a_utf8_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    run = corskit("explain", write(tmp_path, "s.json", b"\xef\xbb\xbf" + json.dumps(BLOCKED).encode()), "--json")
    assert run.code == 1
    assert json.loads(run.stdout) == evaluate(BLOCKED)


def test_unreadable_sources_are_one_line_errors(tmp_path: Path) -> None:
    assert_one_line_usage_error(corskit("explain", str(tmp_path / "missing.json")), "cannot read", "No such file")
    assert_one_line_usage_error(corskit("explain", str(tmp_path)), "cannot read", "Is a directory")
    assert corskit("explain").code == 2


# --- JSON Lines batches: split on \n only; exit code = worst line; the same with and without --json ------------


def test_json_lines_one_result_per_line_in_order_with_bad_lines_in_place(tmp_path: Path) -> None:
    bad_field = {**ALLOWED, "request": {"url": 5}}
    text = jsonl(ALLOWED, "{not json", "", BLOCKED, bad_field, ALLOWED)
    run = corskit("explain", write(tmp_path, "batch.jsonl", text), "--json")
    out = [json.loads(line) for line in run.stdout.splitlines()]
    assert len(out) == 5  # the blank line is skipped
    assert out[0] == evaluate(ALLOWED)
    assert out[1]["line"] == 2
    assert out[1]["usage_error"].startswith("is not valid JSON: ")
    assert out[2] == evaluate(BLOCKED)
    assert out[3] == {"usage_error": 'request.url: must be a string, e.g. "http://api.test/r", not a number', "line": 5}
    assert out[4] == evaluate(ALLOWED)
    assert run.code == 2  # the worst line: a usage error
    assert run.stderr == ""


@pytest.mark.parametrize("as_json", [[], ["--json"]])
def test_batch_exit_code_is_the_worst_line_with_and_without_json(tmp_path: Path, as_json: list[str]) -> None:
    def code(*docs: Any) -> int:
        return corskit("explain", write(tmp_path, "b.jsonl", jsonl(*docs)), *as_json).code

    assert code(ALLOWED, ALLOWED) == 0
    assert code(ALLOWED, BLOCKED, ALLOWED) == 1
    assert code(ALLOWED, "{bad", BLOCKED) == 2
    assert code(BLOCKED, {"origin": 5}) == 2


@pytest.mark.parametrize("name", ["batch.jsonl", "batch.txt", "-"])
def test_a_bad_first_line_does_not_reject_the_batch(tmp_path: Path, name: str) -> None:
    text = jsonl("{this line is broken", ALLOWED, BLOCKED)
    source = "-" if name == "-" else write(tmp_path, name, text)
    for as_json in ([], ["--json"]):
        run = corskit("explain", source, *as_json, stdin=text if name == "-" else None)
        assert run.code == 2
        if as_json:
            out = [json.loads(line) for line in run.stdout.splitlines()]
            assert [set(o) for o in out] == [{"usage_error", "line"}, set(evaluate(ALLOWED)), set(evaluate(BLOCKED))]
        else:
            assert run.stderr.startswith("corskit explain: line 1 is not valid JSON: ")
            assert "✓ ALLOWED" in run.stdout
            assert "✗ BLOCKED" in run.stdout


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\u0085", "\x0c", "\x0b", "\x1c", "\x1d", "\x1e", "\r"])
def test_json_lines_split_on_newline_only(tmp_path: Path, separator: str) -> None:
    """A line break str.splitlines() knows, inside a JSON string, never splits the line."""
    named = {**BLOCKED, "name": f"a{separator}b", "note": f"x{separator}y"}
    text = jsonl(ALLOWED, named, ALLOWED)
    run = corskit("explain", write(tmp_path, "b.jsonl", text), "--json")
    out = [json.loads(line) for line in run.stdout.split("\n") if line]
    assert out == [evaluate(ALLOWED), evaluate(BLOCKED), evaluate(ALLOWED)]
    assert run.code == 1
    human = corskit("explain", write(tmp_path, "b.jsonl", text))
    assert human.code == 1
    assert separator not in human.stdout
    assert "Line 2: a\\" in human.stdout  # the separator shown escaped in the title


def test_json_lines_crlf_and_a_long_line(tmp_path: Path) -> None:
    long_line = json.dumps({**ALLOWED, "note": "x" * (2 << 20)})
    text = json.dumps(ALLOWED) + "\r\n" + long_line + "\r\n" + json.dumps(BLOCKED) + "\r\n"
    run = corskit("explain", write(tmp_path, "b.jsonl", text), "--json")
    out = [json.loads(line) for line in run.stdout.splitlines()]
    assert out == [evaluate(ALLOWED), {"usage_error": "is longer than 1 MiB", "line": 2}, evaluate(BLOCKED)]
    assert run.code == 2


def test_json_lines_without_json_flag_report_bad_lines_on_stderr(tmp_path: Path) -> None:
    text = jsonl(ALLOWED, {**ALLOWED, "request": {"url": URL, "mode": "x"}})
    run = corskit("explain", write(tmp_path, "batch.jsonl", text))
    assert run.code == 2
    assert (
        run.stderr == "corskit explain: line 2: request.mode: must be one of cors, no-cors, same-origin, navigate\n"
        or (run.stderr.startswith("corskit explain: line 2: request.mode: must be one of "))
    )
    assert "ALLOWED" in run.stdout


# --- terminal safety ----------------------------------------------------------------------------------------------

HOSTILE = "\x1b]0;pwned\x07\x1b[2J\x1b[8m\x9b31m\u202egnp.exe\u2028\x00"


def hostile_scenario() -> dict[str, Any]:
    return {
        "name": f"scan {HOSTILE}",
        "origin": APP,
        "request": {"url": URL + "?q=" + HOSTILE, "headers": [["X-Trace", "1"]]},
        "server": [
            {
                "method": "OPTIONS",
                "url": URL + "?q=" + HOSTILE,
                "status": 204,
                "headers": [
                    ["Access-Control-Allow-Origin", APP],
                    ["Access-Control-Allow-Headers", "x-trace"],
                    ["Access-Control-X" + "\x1b[2J", "v" + HOSTILE.replace("\x00", "")],
                ],
            },
            {
                "url": URL + "?q=" + HOSTILE,
                "status": 500,
                "headers": [["Content-Type", "text/plain\u202e"], ["Vary", "\x9b2J"]],
            },
        ],
    }


def test_no_escape_sequence_from_data_reaches_the_terminal(tmp_path: Path) -> None:
    path = write(tmp_path, "s.json", json.dumps(hostile_scenario()))
    run = corskit("explain", path)
    assert run.code == 1, run.stderr
    for raw in ("\x1b", "\x07", "\x9b", "\u202e", "\u2028", "\x00"):
        assert raw not in run.stdout
    assert "Scenario: scan \\x1b]0;pwned\\x07\\x1b[2J" in run.stdout
    assert "    Content-Type: text/plain\\u202e" in run.lines
    assert "    Vary: \\x9b2J" in run.lines
    # --json escapes them the JSON way: still no raw control character on the terminal.
    run = corskit("explain", path, "--json")
    for raw in ("\x1b", "\x07", "\x9b", "\u202e", "\u2028"):
        assert raw not in run.stdout


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_an_output_encoding_without_the_glyphs_falls_back_to_ascii(tmp_path: Path, encoding: str) -> None:
    data = {**BLOCKED, "name": "café ☕ ✓"}
    run = corskit("explain", write(tmp_path, "s.json", json.dumps(data)), env={"PYTHONIOENCODING": encoding})
    assert run.code == 1
    assert "Traceback" not in run.stderr
    assert "-> OPTIONS http://api.test/r  (preflight)" in run.lines
    assert "<- 204" in run.lines
    assert "x BLOCKED  header_disallowed_by_preflight_response" in run.lines
    assert run.stdout.isascii() if encoding == "ascii" else True
    title = "Scenario: caf\\xe9 \\u2615 \\u2713" if encoding == "ascii" else "Scenario: café \\u2615 \\u2713"
    assert title in run.lines
    run = corskit("explain", write(tmp_path, "s.json", "{bad"), env={"PYTHONIOENCODING": encoding})
    assert run.code == 2
    assert "Traceback" not in run.stderr


# --- several fetches: the preflight cache, explained offline -------------------------------------------------------


def cached_scenario() -> dict[str, Any]:
    preflight = {
        "method": "OPTIONS",
        "url": URL,
        "status": 204,
        "headers": [["Access-Control-Allow-Origin", APP], ["Access-Control-Allow-Methods", "PUT"]],
    }
    preflight["headers"].append(["Access-Control-Max-Age", "10"])
    return {
        "name": "cache",
        "origin": APP,
        "requests": [
            {"url": URL, "method": "PUT"},
            {"url": URL, "method": "PUT", "after": 5},
            {"url": URL, "method": "PUT", "headers": [["X-Foo", "1"]], "after": 10},
        ],
        "server": [preflight, {"method": "PUT", "url": URL, "headers": [["Access-Control-Allow-Origin", APP]]}],
    }


def test_several_fetches_show_the_preflight_cache(tmp_path: Path) -> None:
    path = write(tmp_path, "s.json", json.dumps(cached_scenario()))
    run = corskit("explain", path, "--fix-for", "flask-cors")
    assert run.code == 1  # the worst fetch: the third is blocked
    assert run.lines[:2] == ["Scenario: cache", "Fetch 1 of 3: PUT http://api.test/r"]
    second = run.lines.index("Fetch 2 of 3 at 5 s: PUT http://api.test/r")
    assert run.lines[second + 1] == "  (no preflight: the preflight cache covers this request)"
    assert run.lines[second + 2] == f"→ PUT {URL}  (request)"
    third = run.lines.index("Fetch 3 of 3 at 15 s: PUT http://api.test/r")
    assert run.lines[third + 1] == f"→ OPTIONS {URL}  (preflight)"
    assert "✗ BLOCKED  header_disallowed_by_preflight_response" in run.lines[third:]
    assert "  flask-cors:" in run.lines[third:]
    data = json.loads(corskit("explain", path, "--json", "--fix-for", "corskit").stdout)
    assert data["allowed"] is False
    assert [[s["method"] for s in r["sent"]] for r in data["results"]] == [["OPTIONS", "PUT"], ["PUT"], ["OPTIONS"]]
    assert [r["fix"] is None for r in data["results"]] == [True, True, False]


# --- what a new user ran into --------------------------------------------------------------------------------------


def test_a_bad_json_line_is_placed_by_its_column(tmp_path: Path) -> None:
    text = jsonl(ALLOWED, '{"origin": "http://app.test", "request": [')
    run = corskit("explain", write(tmp_path, "b.jsonl", text), "--json")
    assert run.code == 2
    problem = json.loads(run.stdout.splitlines()[1])
    # before: "at line 2 column 1", the position after the line's own \n
    assert problem == {"usage_error": "is not valid JSON: Expecting value at column 43", "line": 2}


def test_browser_all_on_json_lines_heads_each_line(tmp_path: Path) -> None:
    run = corskit("explain", write(tmp_path, "b.jsonl", jsonl(ALLOWED, {**BLOCKED, "name": "put"})), "--browser", "all")
    assert run.code == 1
    assert "Line 1" in run.lines
    assert "Line 2: put" in run.lines
    assert run.lines.index("Line 1") < run.lines.index("Chromium         ✓ allowed")


def test_a_megabyte_header_is_shown_clipped(tmp_path: Path) -> None:
    value = "PUT" + ", X" * 200_000
    answer = [["Access-Control-Allow-Origin", APP], ["Access-Control-Allow-Methods", value]]
    scenario = {**BLOCKED, "server": [{"method": "OPTIONS", "url": URL, "status": 204, "headers": answer}]}
    run = corskit("explain", write(tmp_path, "big.json", json.dumps(scenario)))
    assert run.code == 1
    assert len(run.stdout) < 10_000  # before: the 600,000 characters twice, in the trace and in the fix
    shown = next(line for line in run.lines if line.startswith("    Access-Control-Allow-Methods: PUT, X"))
    assert shown.endswith("… (598,979 more characters)")
    assert "… (599,803 more characters)' does not parse" in " ".join(run.stdout.split())
