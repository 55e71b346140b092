"""The playground's server side without a browser: the setup's validation, the two origins' guards, the run table,
and the predictions (a scenario copied from any case replays identically in ``corskit explain``)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from corskit.tools.playground import ListenError, Playground, SetupError, parse_setup, running
from corskit.tools.playground.predict import fixed_setup, report
from corskit.tools.playground.server import MAX_BODY, Runs
from corskit.tools.scenario import evaluate

from .cases import CASES, PAGE

ORIGIN = "http://127.0.0.1:1"
CORSKIT = str(Path(sys.executable).parent / "corskit")


def concrete(setup: dict[str, Any], origin: str) -> dict[str, Any]:
    return json.loads(json.dumps(setup).replace(PAGE, origin))


@pytest.fixture(scope="module")
def playground() -> Iterator[Playground]:
    with running() as server:
        yield server


def post(playground: Playground, body: Any, **headers: str) -> httpx.Response:
    sent = {"Origin": playground.page_origin, "Content-Type": "application/json", **headers}
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return httpx.post(playground.page_origin + "/api/runs", content=content, headers=sent, timeout=10)


# --- validation ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (None, "setup: must be an object"),
        ({"api": {"mode": "proxy"}}, "api.mode: must be one of policy, raw"),
        ({"api": {"redirect": 304}}, "api.redirect: must be empty or one of 301, 302, 303, 307, 308"),
        ({"api": {"redirect": 301.0}}, "api.redirect"),
        ({"api": {"policy": {"allow_origins": "x"}}}, "api.policy.allow_origins: must be a list of strings"),
        ({"api": {"policy": {"allow_origins": ["a"] * 33}}}, "more than 32 items"),
        ({"api": {"policy": {"max_age": -1}}}, "api.policy.max_age: must be empty or 0-86400 seconds"),
        ({"api": {"policy": {"allow_credentials": "yes"}}}, "allow_credentials: must be true or false"),
        ({"api": {"policy": {"allow_origins": ["*"], "allow_credentials": True}}}, "policy: allow_origins=['*']"),
        ({"api": {"actual": {"status": 99}}}, "api.actual.status: must be 200-599"),
        ({"api": {"actual": {"headers": [["Bad Name", "1"]]}}}, "is not a header name"),
        ({"api": {"actual": {"headers": [["X", "a\r\nSet-Cookie: x"]]}}}, "printable Latin-1"),
        ({"api": {"actual": {"headers": [["X", "\u20ac"]]}}}, "printable Latin-1"),
        ({"api": {"actual": {"headers": [["Content-Length", "1"]]}}}, "written by the server itself"),
        ({"api": {"actual": {"headers": [["X", "1"]] * 33}}}, "more than 32 headers"),
        ({"fetch": {"method": "G" * 65}}, "fetch.method: is longer than 64"),
        ({"fetch": {"mode": "bogus"}}, "fetch.mode: must be one of cors, no-cors, same-origin"),
        ({"fetch": {"twice": 1}}, "fetch.twice: must be true or false"),
        ({"fetch": {"body": "x"}}, "fetch.body: is not a playground field"),
    ],
)
def test_bad_setups_name_the_field(data: Any, says: str) -> None:
    with pytest.raises(SetupError, match=None) as caught:
        parse_setup(data if data is None else {"api": {}, "fetch": {}} | data)
    assert says in str(caught.value)


def test_a_fetch_may_carry_anything_fetch_itself_refuses() -> None:
    setup = parse_setup({"fetch": {"method": "get ", "headers": [["X A", "\u20ac\x00"]]}})
    assert setup.fetch.headers == (("X A", "\u20ac\x00"),)


def test_the_run_table_is_bounded() -> None:
    runs = Runs(limit=3)
    made = [runs.add(parse_setup({})) for _ in range(5)]
    assert [runs.get(r.id) is not None for r in made] == [False, False, True, True, True]


# --- the guards ---------------------------------------------------------------------------------------------------


def test_runs_are_created_by_the_page_only(playground: Playground) -> None:
    assert post(playground, {"setup": {}}, Origin="http://evil.test").status_code == 403
    response = httpx.post(playground.page_origin + "/api/runs", json={"setup": {}}, timeout=10)
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("body", "content_type", "says"),
    [
        (b"{", "application/json", "setup: not valid JSON"),
        (b"[" * 5000 + b"]" * 5000, "application/json", "setup: not valid JSON"),
        (b"\xff\xfe", "application/json", "setup: not valid JSON"),
        (b"{}", "text/plain", "setup: send application/json"),
        (b" " * (MAX_BODY + 1), "application/json", f"larger than {MAX_BODY} bytes"),
    ],
)
def test_bad_bodies_are_refused_with_400(playground: Playground, body: bytes, content_type: str, says: str) -> None:
    response = post(playground, body, **{"Content-Type": content_type})
    assert response.status_code == 400
    assert says in response.json()["error"]


def test_other_hosts_are_refused_on_both_origins(playground: Playground) -> None:
    for origin in (playground.page_origin, playground.api_origin):
        response = httpx.get(origin + "/", headers={"Host": "rebound.example"}, timeout=10)
        assert response.status_code == 421


def test_unknown_runs_are_404(playground: Playground) -> None:
    assert httpx.get(playground.api_origin + "/r/nope/start", timeout=10).status_code == 404
    assert httpx.get(playground.api_origin + "/elsewhere", timeout=10).status_code == 404
    assert httpx.get(playground.page_origin + "/api/runs/nope", timeout=10).status_code == 404


def test_the_api_records_what_it_received(playground: Playground) -> None:
    created = post(playground, {"setup": {"fetch": {"headers": [["X-A", "1"]]}}}).json()
    httpx.options(
        created["url"],
        headers={"Origin": playground.page_origin, "Access-Control-Request-Method": "PUT", "Cookie": "a=1"},
        timeout=10,
    )
    seen = httpx.get(f"{playground.page_origin}/api/runs/{created['id']}", timeout=10).json()["seen"]
    assert seen == [
        {
            "method": "OPTIONS",
            "path": f"/r/{created['id']}/start",
            "headers": [
                ["origin", playground.page_origin],
                ["access-control-request-method", "PUT"],
                ["cookie", "(sent)"],
            ],
        }
    ]


def test_the_page_and_its_assets_are_served_with_a_strict_policy(playground: Playground) -> None:
    page = httpx.get(playground.url, timeout=10)
    assert page.status_code == 200
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp
    assert f"connect-src 'self' {playground.api_origin}" in csp
    for asset in ("playground.js", "playground.css"):
        assert httpx.get(f"{playground.page_origin}/static/{asset}", timeout=10).status_code == 200
    assert "cdn" not in page.text.lower()
    assert "http" not in page.text.replace("http-equiv", "")


# --- predictions --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "setup"), CASES, ids=[c[0] for c in CASES])
def test_copy_as_scenario_replays_each_case_in_explain(name: str, setup: dict[str, Any]) -> None:
    parsed = parse_setup(concrete(setup, ORIGIN))
    answer = asyncio.run(report(parsed, ORIGIN, "http://127.0.0.1:2/r/x/start", "/r/x"))
    predicted = answer["predictions"][0]["runs"][0]
    replay = evaluate(answer["scenario"])
    assert (replay["allowed"], replay["error"], replay["message"]) == (
        predicted["allowed"],
        predicted["error"],
        predicted["message"],
    )
    assert set(answer["config"]) >= {"corskit", "nginx"}


def test_fix_it_is_offered_only_when_it_unblocks() -> None:
    for _, setup in CASES:
        parsed = parse_setup(concrete(setup, ORIGIN))
        answer = asyncio.run(report(parsed, ORIGIN, "http://127.0.0.1:2/r/x/start", "/r/x"))
        if answer["fixed"] is None:
            continue
        again = asyncio.run(report(parse_setup(answer["fixed"]), ORIGIN, "http://127.0.0.1:2/r/x/start", "/r/x"))
        assert all(run["allowed"] for run in again["predictions"][0]["runs"])


def test_client_side_fixes_change_the_fetch() -> None:
    setup = parse_setup({"api": {"policy": {"allow_origins": [ORIGIN]}}, "fetch": {"mode": "same-origin"}})
    answer = asyncio.run(report(setup, ORIGIN, "http://127.0.0.1:2/r/x/start", "/r/x"))
    assert answer["fix"]["side"] == "client"
    assert answer["fixed"]["fetch"]["mode"] == "cors"
    assert fixed_setup(setup, _fix_of(answer), None) is None


def _fix_of(answer: dict[str, Any]) -> Any:
    from corskit.tools.fixes import Fix, Need

    return Fix(answer["fix"]["summary"], answer["fix"]["side"], Need(ORIGIN, (), (), False))


# --- the command --------------------------------------------------------------------------------------------------


def test_corskit_playground_prints_its_url_and_stops_on_ctrl_c() -> None:
    command = [CORSKIT, "playground", "--no-open", "--port", "0", "--api-port", "0"]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert first.startswith("corskit playground: http://127.0.0.1:")
        url = first.split(": ", 1)[1].strip()
        for _ in range(100):
            try:
                info = httpx.get(url + "api/info", timeout=2).json()
                break
            except httpx.TransportError:
                asyncio.run(asyncio.sleep(0.1))
        assert info["browsers"][0] == {"name": "chromium", "label": "Chromium"}
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(15)
    assert process.returncode == 0
    assert "Traceback" not in (process.stderr.read() if process.stderr else "")


def test_corskit_playground_refuses_a_bad_port() -> None:
    result = subprocess.run(
        [CORSKIT, "playground", "--no-open", "--port", "70000"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "must be 0-65535" in result.stderr


@pytest.fixture
def taken_port() -> Iterator[int]:
    """A loopback port something else listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(1)
        yield sock.getsockname()[1]


@pytest.mark.parametrize("option", ["--port", "--api-port"])
def test_a_port_asked_for_and_taken_is_named_with_the_reason(taken_port: int, option: str) -> None:
    """Before: `--api-port` taken was blamed on `--port`, and the page's socket was left open."""
    other = "--api-port" if option == "--port" else "--port"
    command = [CORSKIT, "playground", "--no-open", option, str(taken_port), other, "0"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60, env={**os.environ, "COLUMNS": "200"})
    assert result.returncode == 2, result.stdout
    assert f"Invalid value for {option}: cannot listen on port {taken_port}: Address already in use" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_playground_object_names_the_port_it_could_not_take(taken_port: int) -> None:
    with pytest.raises(ListenError) as caught:
        Playground(page_port=0, api_port=taken_port)
    assert caught.value.port == taken_port


def test_the_usual_ports_taken_moves_to_free_ones_and_says_so() -> None:
    from corskit.cli.playground import PAGE_PORT

    with contextlib.ExitStack() as stack:
        holder = stack.enter_context(socket.socket())
        with contextlib.suppress(OSError):  # already taken (another playground on this machine): as good
            holder.bind(("127.0.0.1", PAGE_PORT))
            holder.listen(1)
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        process = subprocess.Popen(
            [CORSKIT, "playground", "--no-open"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
        )
        try:
            assert process.stdout is not None
            lines = [process.stdout.readline() for _ in range(4)]
            url = lines[0].split(": ", 1)[1].strip()
            for _ in range(100):  # serving (Ctrl-C before the server starts exits 130, as a shell expects)
                with contextlib.suppress(httpx.TransportError):
                    assert httpx.get(url + "api/info", timeout=2).status_code == 200
                    break
                asyncio.run(asyncio.sleep(0.1))
        finally:
            process.send_signal(signal.SIGINT)
            process.wait(15)
    assert lines[0].startswith("corskit playground: http://127.0.0.1:")
    assert f":{PAGE_PORT}/" not in lines[0]
    assert "in use (another playground?): this one runs on free ports" in lines[2]
    assert process.returncode == 0
