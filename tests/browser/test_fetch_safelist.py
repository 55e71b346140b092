"""The preflight decision end to end, one author header at a time (data/safelisted_request_headers.json)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from corskit.browser import Request

from ._util import API, Server, acao, fetch

URL = API + "/r"
TABLE = json.loads((Path(__file__).parent / "data" / "safelisted_request_headers.json").read_text(encoding="utf-8"))


def _cases() -> list[Any]:
    out = []
    for i, case in enumerate(TABLE["cases"]):
        marks = (
            [pytest.mark.xfail(strict=True, reason="engine bug: " + case["engine_bug"])] if "engine_bug" in case else []
        )
        out.append(pytest.param(case, id=f"{i}-{case['name']}-{case['value'][:20]!r}", marks=marks))
    return out


@pytest.mark.parametrize("case", _cases())
def test_one_header_on_a_cross_origin_post(case: dict[str, Any]) -> None:
    name, value = case["name"], case["value"]
    server = (
        Server()
        .on("OPTIONS", URL, 204, [acao(), ("Access-Control-Allow-Headers", name.lower())])
        .on("POST", URL, 200, [acao()])
    )
    result = fetch(Request(URL, "POST", [(name, value)]), server)
    assert result.allowed, result.message
    assert result.preflighted is case["preflight"]
    if case["preflight"]:
        assert result.sent[0].header("Access-Control-Request-Headers") == name.lower()
        assert result.sent[0].header("Access-Control-Request-Method") == "POST"
    dropped = case.get("dropped", False)
    assert (name in result.dropped_headers) is dropped
    assert (result.sent[-1].header(name) is None) is dropped
