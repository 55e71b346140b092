"""`corskit demo`: the embedded demo API, served for real, checked end to end."""

from __future__ import annotations

from rich.cells import cell_len

from corskit.cli.demo import run_case, serve_demo
from corskit.spec.errors import ErrorCode
from corskit.tools.demo import CASES
from tests.cli.run import corskit


def test_every_case_turns_out_as_the_demo_says() -> None:
    with serve_demo() as base:
        reports = {case.title: run_case(base, case) for case in CASES}
    for case in CASES:
        assert reports[case.title].allowed is case.expect_allowed, case.title
    by_title = {case.title: reports[case.title] for case in CASES}
    # corskit refuses a preflight it does not fully allow with no CORS headers at all; the reason is in the body.
    header = by_title["A request header the API does not allow"]
    assert header.result.error is ErrorCode.PREFLIGHT_MISSING_ALLOW_ORIGIN_HEADER
    assert "x-trace-id" in header.fix.summary
    method = by_title["A method the API does not allow"]
    assert method.result.error is ErrorCode.PREFLIGHT_MISSING_ALLOW_ORIGIN_HEADER
    assert "DELETE" in method.fix.summary
    assert by_title["A wildcard with credentials"].result.error is ErrorCode.WILDCARD_ORIGIN_NOT_ALLOWED
    crash = by_title["A crash behind corskit"].result.response
    assert crash is not None
    assert crash.status == 500


def test_demo_command_prints_traces_and_a_summary_in_80_columns() -> None:
    run = corskit("demo")
    assert run.code == 0, run.stdout + run.stderr
    out = run.stdout
    assert out.count("→ OPTIONS") >= 3
    assert "has been blocked by CORS policy" in out
    summary = out.split("Summary", 1)[1]
    assert "✗" not in summary
    assert summary.count("✓") == len(CASES)
    for line in run.lines:
        copyable = line.startswith(("→ ", "← ", "    ", "Access to fetch at "))
        assert cell_len(line) <= 80 or copyable, line
    for title in (case.title for case in CASES):
        assert title.split()[0] in summary
    # Rich pads a table's lines to the width; nothing the demo prints ends in spaces.
    padded = [line for line in run.lines if line != line.rstrip(" ")]
    assert not padded, padded[:3]


def test_demo_quiet_on_an_ascii_terminal() -> None:
    run = corskit("demo", "--quiet", env={"PYTHONIOENCODING": "ascii"})
    assert run.code == 0, run.stderr
    assert "Traceback" not in run.stderr
    assert run.stdout.count(" + ") + run.stdout.count("+\n") >= 1 or "+" in run.stdout
    assert all(cell_len(line) <= 80 for line in run.lines)


def test_no_lesson_names_one_browser_for_what_every_browser_does() -> None:
    # --browser firefox|webkit|all show these lessons too: the behaviour they describe is every browser's.
    for case in CASES:
        assert "Chromium" not in case.lesson, case.title
