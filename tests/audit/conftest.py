"""Shared fixtures: the zoo (served once per session) and its scan through the CLI."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from corskit.cli import build_app
from tests.audit.zoo import Zoo, serve


@pytest.fixture(scope="session")
def zoo() -> Iterator[Zoo]:
    with serve() as running:
        yield running


def run_audit(*args: str, input: str | bytes | None = None) -> tuple[int, str, str]:
    """``corskit audit ARGS`` in-process: (exit code, stdout, stderr)."""
    result = CliRunner().invoke(build_app(), ["audit", *args], input=input)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def jsonl(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


@pytest.fixture(scope="session")
def zoo_scan(zoo: Zoo) -> dict[str, dict]:
    """Every exhibit audited once, through the CLI: target URL → its JSON line."""
    _code, out, _ = run_audit(*(e.url for e in zoo.exhibits), "--proxy", zoo.proxy, "-k", "--json", "-c", "10")
    lines = jsonl(out)
    assert len(lines) == len(zoo.exhibits)
    return {line["target"]: line for line in lines}
