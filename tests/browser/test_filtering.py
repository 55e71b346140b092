"""What script can read of a response (browser-rules §10, §12), from data/expose_headers.json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from corskit.browser.filtering import exposed_header_names, script_headers, script_view
from corskit.browser.wire import Response

DATA = json.loads((Path(__file__).parent / "data" / "expose_headers.json").read_text(encoding="utf-8"))

ALWAYS_PRESENT = [
    ("Cache-Control", "no-cache"),
    ("Content-Language", "fr"),
    ("Content-Length", "0"),
    ("Content-Type", "text/html"),
    ("Expires", "04 May 1988 22:22:22 GMT"),
    ("Last-Modified", "04 May 1988 22:22:22 GMT"),
    ("Pragma", "no-cache"),
    ("Age", "27"),
    ("Server", "test"),
    ("X-Custom", "x"),
    ("*", "whoa"),
    ("Set-Cookie", "a=b"),
    ("Set-Cookie2", "c=d"),
    ("Access-Control-Allow-Origin", "*"),
]


def _cases() -> list[Any]:
    out = []
    for i, case in enumerate(DATA["cases"]):
        marks = (
            [pytest.mark.xfail(strict=True, reason="engine bug: " + case["engine_bug"])] if "engine_bug" in case else []
        )
        out.append(
            pytest.param(case, id=f"{i}-{case['expose']!r}-{'cred' if case['credentials'] else 'nocred'}", marks=marks)
        )
    return out


@pytest.mark.parametrize("case", _cases())
def test_cors_response_filtering_table(case: dict[str, Any]) -> None:
    headers = ALWAYS_PRESENT + [("Access-Control-Expose-Headers", line) for line in case["expose"]]
    view = script_view(
        Response(200, headers),
        "cors",
        url="http://api.test/r",
        include_credentials=case["credentials"],
        redirected=False,
    )
    assert [name for name, _ in view.headers] == sorted(DATA["base_visible"] + case["extra"])
    assert view.type == "cors"
    assert view.status == 200


def test_set_cookie_is_never_readable_on_any_response_type() -> None:
    response = Response(200, [("Set-Cookie", "a=b"), ("set-cookie2", "c"), ("X-A", "1")])
    for kind in ("basic", "cors"):
        view = script_view(response, kind, url="u", include_credentials=False, redirected=False)  # type: ignore[arg-type]
        assert view.header("set-cookie") is None
        assert view.header("set-cookie2") is None


def test_basic_response_shows_everything_but_set_cookie() -> None:
    response = Response(201, [("X-A", "1"), ("Server", "s"), ("Set-Cookie", "a=b")])
    view = script_view(response, "basic", url="http://app.test/r", include_credentials=False, redirected=True)
    assert view.headers == (("server", "s"), ("x-a", "1"))
    assert (view.type, view.status, view.url, view.redirected) == ("basic", 201, "http://app.test/r", True)


def test_opaque_response_hides_status_headers_and_url() -> None:
    response = Response(200, [("Content-Type", "text/plain"), ("Access-Control-Allow-Origin", "*")])
    view = script_view(response, "opaque", url="http://api.test/r", include_credentials=False, redirected=False)
    assert (view.type, view.status, view.headers, view.url) == ("opaque", 0, (), "")


def test_opaque_redirect_keeps_only_the_url() -> None:
    view = script_view(
        Response(302, [("Location", "/x")]),
        "opaqueredirect",
        url="http://api.test/r",
        include_credentials=False,
        redirected=False,
    )
    assert (view.type, view.status, view.headers, view.url) == ("opaqueredirect", 0, (), "http://api.test/r")


def test_script_headers_are_lowercased_sorted_and_combined() -> None:
    assert script_headers([("X-B", "2"), ("x-a", " 1 "), ("X-A", "3")]) == (("x-a", "1, 3"), ("x-b", "2"))


def test_exposed_names_none_means_all() -> None:
    star = Response(200, [("Access-Control-Expose-Headers", "*")])
    assert exposed_header_names(star, include_credentials=False) is None
    assert exposed_header_names(star, include_credentials=True) == frozenset({"*"})
    assert exposed_header_names(Response(200), include_credentials=False) == frozenset()
