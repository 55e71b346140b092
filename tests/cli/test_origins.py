"""`corskit origins add|remove|list` against a real redis-server: output, --json, exit codes, bad input."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from corskit.cli import build_app
from tests._redis import RedisServer, redis_server


@pytest.fixture(scope="module")
def server() -> Iterator[RedisServer]:
    yield from redis_server()


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(build_app(), ["origins", *args])
    return result.exit_code, result.stdout, result.stderr


def test_add_list_remove(server: RedisServer) -> None:
    url = ["--redis", server.url, "--namespace", "t1"]
    code, out, _ = run(
        "add", *url, "HTTPS://Shop.Example:443", "https://b.example", "--credentials", "--tenant", "acme"
    )
    assert (code, out) == (
        0,
        "added https://shop.example  (credentials, tenant=acme)\nadded https://b.example  (credentials, tenant=acme)\n",
    )
    code, out, _ = run("list", *url, "--json")
    assert code == 0
    assert json.loads(out) == [
        {"origin": "https://b.example", "credentials": True, "tenant": "acme"},
        {"origin": "https://shop.example", "credentials": True, "tenant": "acme"},
    ]
    code, out, _ = run("remove", *url, "https://b.example", "https://never.example")
    assert (code, out) == (0, "removed https://b.example\nhttps://never.example was not stored\n")
    assert run("list", *url) == (0, "https://shop.example  (credentials, tenant=acme)\n", "")
    code, out, _ = run("remove", *url, "--json", "https://shop.example")
    assert json.loads(out) == {"removed": [{"origin": "https://shop.example", "was_stored": True}]}
    code, out, err = run("list", *url)
    assert (code, out) == (0, "")
    assert "no origins stored" in err


def test_the_url_comes_from_the_environment(server: RedisServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORSKIT_REDIS_URL", server.url)
    assert run("add", "--namespace", "t2", "https://env.example")[0] == 0
    assert run("list", "--namespace", "t2")[1] == "https://env.example\n"


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["add", "https://*.example.com"], "patterns"),
        (["add", "null"], "sandboxed"),
        (["add", "https://ok.example", "https://shop.example/"], "trailing slash"),
        (["add", "--tenant", "a\x1bb", "https://ok.example"], "tenant"),
        (["add", "\x00\xff"], "control"),
        (["list", "--redis", "http://user:secret@cache"], "redis://"),
    ],
)
def test_bad_input_is_a_usage_error_that_changes_nothing(server: RedisServer, args: list[str], says: str) -> None:
    code, _out, err = run(*args[:1], "--redis", server.url, "--namespace", "t3", *args[1:])
    assert code == 2
    assert says in " ".join(err.replace("│", " ").split())
    assert "\x1b" not in err
    assert "secret" not in err
    assert run("list", "--redis", server.url, "--namespace", "t3")[1] == ""


def test_redis_unreachable_is_exit_2_with_where() -> None:
    from tests._redis import free_port

    port = free_port()
    code, _out, err = run("list", "--redis", f"redis://127.0.0.1:{port}/0")
    assert code == 2
    assert f"Redis at redis://127.0.0.1:{port}/0 did not answer" in err
    assert "Traceback" not in err


def test_list_skips_and_reports_values_written_by_hand(server: RedisServer) -> None:
    import redis

    redis.Redis(port=server.port).hset(
        "t4:origins", mapping={"https://ok.example": b"{}", "https://bad.example": b"\x1b[2J"}
    )
    result = CliRunner().invoke(build_app(), ["origins", "list", "--redis", server.url, "--namespace", "t4"])
    assert (result.exit_code, result.stdout) == (0, "https://ok.example\n")
