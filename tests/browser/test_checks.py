"""The CORS check (browser-rules §7) and Chromium's error classification, from data/allow_origin.json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from corskit.browser.checks import cors_check, preflight_cors_check
from corskit.browser.wire import Response
from corskit.spec.errors import PREFLIGHT_VARIANT, ErrorCode

from ._util import APP

TABLE = json.loads((Path(__file__).parent / "data" / "allow_origin.json").read_text(encoding="utf-8"))["cases"]


def _cases() -> list[Any]:
    out = []
    for i, case in enumerate(TABLE):
        marks = []
        if "engine_bug" in case:
            marks.append(pytest.mark.xfail(strict=True, reason="engine bug: " + case["engine_bug"]))
        label = f"{i}-{case['acao']!r}-{'cred' if case.get('credentials') else 'nocred'}"
        out.append(pytest.param(case, id=label, marks=marks))
    return out


def _response(case: dict[str, Any]) -> Response:
    headers = [("Access-Control-Allow-Origin", v) for v in case["acao"] or []]
    headers += [("Access-Control-Allow-Credentials", v) for v in case.get("acac", [])]
    return Response(200, headers)


@pytest.mark.parametrize("case", _cases())
def test_cors_check_table(case: dict[str, Any]) -> None:
    failure = cors_check(_response(case), case.get("origin", APP), include_credentials=bool(case.get("credentials")))
    if case["expect"] == "pass":
        assert failure is None
        return
    assert failure is not None
    if case["expect"] != "blocked":
        assert (failure.code.value, failure.param) == (case["expect"], case["param"])


@pytest.mark.parametrize("case", _cases())
def test_preflight_cors_check_reports_the_preflight_twin(case: dict[str, Any]) -> None:
    failure = preflight_cors_check(
        _response(case), case.get("origin", APP), include_credentials=bool(case.get("credentials"))
    )
    if case["expect"] == "pass":
        assert failure is None
        return
    assert failure is not None
    assert failure.code.is_preflight
    if case["expect"] != "blocked":
        assert failure.code is PREFLIGHT_VARIANT[ErrorCode(case["expect"])]
        assert failure.param == case["param"]


def test_table_covers_every_cors_check_error() -> None:
    seen = {case["expect"] for case in TABLE}
    assert {code.value for code in PREFLIGHT_VARIANT} <= seen
    assert "pass" in seen


def test_acao_header_name_is_case_insensitive() -> None:
    response = Response(200, [("access-control-ALLOW-origin", APP)])
    assert cors_check(response, APP, include_credentials=False) is None


def test_acac_is_ignored_without_credentials_and_checked_only_after_the_origin() -> None:
    # A mismatching origin is reported even when Access-Control-Allow-Credentials is also wrong.
    response = Response(
        200, [("Access-Control-Allow-Origin", "http://x.test"), ("Access-Control-Allow-Credentials", "no")]
    )
    failure = cors_check(response, APP, include_credentials=True)
    assert failure is not None
    assert failure.code is ErrorCode.ALLOW_ORIGIN_MISMATCH
