"""corskit.browser.engines: one fetch in every browser, and why the verdicts differ."""

from __future__ import annotations

from corskit.browser import Request
from corskit.browser.engines import compare

from ._util import API, APP, Server, acao


def _simple_api() -> Server:
    return Server().on("OPTIONS", API + "/r", 204).on("*", API + "/r", headers=[acao()])


def test_browsers_that_agree_have_no_differences() -> None:
    verdicts = compare(APP, Request(API + "/r"), _simple_api())
    assert verdicts.agree
    assert verdicts.allowed
    assert verdicts.differences == []
    assert list(verdicts.results) == ["chromium", "firefox", "webkit"]


def test_a_chromium_only_safelisted_header_is_named_as_the_reason() -> None:
    verdicts = compare(APP, Request(API + "/r", headers=[("DPR", "2")]), _simple_api())
    assert not verdicts.agree
    assert not verdicts.allowed
    assert verdicts.results["chromium"].allowed
    assert verdicts.differences[0] == (
        "Firefox blocks: `DPR` is not a safelisted request header outside Chromium, so it sends a preflight first."
    )


def test_a_header_chromium_drops_is_named_as_the_reason() -> None:
    verdicts = compare(APP, Request(API + "/r", headers=[("User-Agent", "bot")]), _simple_api())
    assert verdicts.results["chromium"].allowed
    assert verdicts.differences[0] == (
        "Firefox blocks: it keeps the `User-Agent` header script set (Chromium drops it), so it sends a preflight"
        " first."
    )


def test_when_every_browser_blocks_there_is_no_difference_to_explain() -> None:
    verdicts = compare(APP, Request(API + "/r"), Server().on("*", API + "/r"))
    assert verdicts.agree
    assert not verdicts.allowed
    assert verdicts.differences == []


def test_a_subset_of_browsers_can_be_compared() -> None:
    verdicts = compare(APP, Request(API + "/r"), _simple_api(), browsers=["firefox"])
    assert list(verdicts.results) == ["firefox"]
