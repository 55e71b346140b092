"""What crosses the wire: response header access, which responses redirect, Chromium's default request headers."""

from __future__ import annotations

import pytest

from corskit.browser.wire import Response, WireRequest


def test_response_header_combines_lines_case_insensitively() -> None:
    response = Response(200, [("X-A", "1"), ("x-a", " 2 "), ("X-B", "3")])
    assert response.header("X-a") == "1, 2"
    assert response.header("x-c") is None


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_redirect_statuses_with_location_redirect(status: int) -> None:
    assert Response(status, [("Location", "/next")]).location == "/next"


@pytest.mark.parametrize("status", [200, 204, 300, 304, 305, 306, 309, 399, 404])
def test_other_statuses_never_redirect(status: int) -> None:
    assert Response(status, [("Location", "/next")]).location is None


def test_a_redirect_status_without_location_is_not_a_redirect() -> None:
    assert Response(302).location is None
    assert Response(302, [("Location", "  ")]).location is None


def test_first_non_empty_location_wins() -> None:
    response = Response(302, [("Location", ""), ("location", " /a "), ("Location", "/b")])
    assert response.location == "/a"


def test_headers_are_kept_as_string_pairs_in_order() -> None:
    response = Response(200, [["A", "1"], ["B", "2"]])  # type: ignore[list-item]
    assert response.headers == (("A", "1"), ("B", "2"))


def test_full_headers_add_accept_and_sec_fetch_for_a_preflight() -> None:
    wire = WireRequest("OPTIONS", "http://api.test/", (("Origin", "http://app.test"),), "preflight")
    full = dict(wire.full_headers())
    assert full["Accept"] == "*/*"
    assert full["Sec-Fetch-Mode"] == "cors"
    assert full["Sec-Fetch-Dest"] == "empty"
    assert full["Sec-Fetch-Site"] == "cross-site"


def test_full_headers_keep_an_author_accept() -> None:
    wire = WireRequest("GET", "http://api.test/", (("Accept", "text/html"),), "actual")
    accepts = [v for n, v in wire.full_headers(site="same-origin") if n.lower() == "accept"]
    assert accepts == ["text/html"]
    assert dict(wire.full_headers(site="same-origin"))["Sec-Fetch-Mode"] == "no-cors"
