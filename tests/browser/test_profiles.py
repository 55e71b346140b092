"""Browser profiles: one engine, the forks named once per browser."""

from __future__ import annotations

import pytest

from corskit.browser import BROWSERS, PreflightCache, Profile, Request, Result, profile, run
from corskit.spec.errors import ErrorCode

from ._util import API, APP, OTHER, Server, acao, names


def test_every_named_browser_has_a_profile() -> None:
    assert BROWSERS == ("chromium", "firefox", "webkit")
    for name in BROWSERS:
        assert profile(name).name == name
    assert profile() is profile("chromium")
    assert profile(profile("firefox")) is profile("firefox")


@pytest.mark.parametrize("name", ["Chromium", "safari", "", "chrome"])
def test_an_unknown_browser_is_refused_with_the_choices(name: str) -> None:
    with pytest.raises(ValueError, match="chromium, firefox, webkit"):
        profile(name)
    with pytest.raises(ValueError, match="unknown browser"):
        run(APP, Request(API + "/r"), Server(), browser=name)


def test_chromium_is_the_default() -> None:
    server = Server().on("*", API + "/r", headers=[acao("http://other.test")])
    default = run(APP, Request(API + "/r"), server)
    chromium = run(APP, Request(API + "/r"), server, browser="chromium")
    assert default == chromium
    assert default.message is not None
    assert default.message.startswith("Access to fetch at 'http://api.test/r' from origin 'http://app.test'")


@pytest.mark.parametrize("browser", BROWSERS)
def test_a_client_hint_is_safelisted_only_in_chromium(browser: str) -> None:
    server = Server().on("OPTIONS", API + "/r", 204).on("*", API + "/r", headers=[acao()])
    result = run(APP, Request(API + "/r", headers=[("DPR", "2")]), server, browser=browser)
    assert result.preflighted is (browser != "chromium")


@pytest.mark.parametrize("browser", BROWSERS)
def test_navigate_mode_is_a_type_error_in_every_browser(browser: str) -> None:
    result = run(APP, Request(API + "/r", mode="navigate"), Server(), browser=browser)
    assert result.error is ErrorCode.NAVIGATE_MODE
    assert result.sent == ()
    assert result.message


@pytest.mark.parametrize("browser", BROWSERS)
def test_a_result_says_which_browser_played_it(browser: str) -> None:
    server = Server().on("*", API + "/r", headers=[acao("http://other.test")])
    assert run(APP, Request(API + "/r"), server, browser=browser).browser == browser
    assert run(APP, Request(API + "/r", mode="navigate"), server, browser=browser).browser == browser


def test_a_profile_is_data_with_a_readable_repr() -> None:
    firefox = profile("firefox")
    assert isinstance(firefox, Profile)
    assert repr(firefox) == "<Profile firefox>"
    assert profile("chromium").max_age_cap == 7200


# -- hooks shared by several browsers: one hook, one meaning -------------------------------------------------------


@pytest.mark.parametrize(
    ("browser", "covers"),
    [("chromium", {"x-a"}), ("firefox", set()), ("webkit", {"x-a", "authorization"})],
)
def test_what_a_cached_wildcard_covers(browser: str, covers: set[str]) -> None:
    # cache-wild-auth, fork-cache-star-auth-upper: `cached_wildcard_covers` is all-but-authorization, none or all.
    allow = [acao(), ("Access-Control-Allow-Methods", "PUT"), ("Access-Control-Allow-Headers", "*")]
    for name in ("x-a", "authorization"):
        server = Server().on("OPTIONS", API + "/r", 204, allow).on("PUT", API + "/r", headers=[acao()])
        cache = PreflightCache()
        request = Request(API + "/r", method="PUT", headers=[(name, "1")])
        first = run(APP, request, server, cache=cache, browser=browser)
        second = run(APP, request, server, cache=cache, browser=browser)
        assert first.allowed
        assert second.allowed
        assert first.preflighted
        assert second.preflighted is (name not in covers), (browser, name)
    assert profile(browser).cached_wildcard_covers == {0: "none", 1: "all-but-authorization", 2: "all"}[len(covers)]


@pytest.mark.parametrize(("browser", "again"), [("chromium", False), ("firefox", True), ("webkit", True)])
def test_a_preflighted_request_redirected_to_a_simple_get(browser: str, again: bool) -> None:
    # redirect-303-put: `repreflights_redirects` says whether every later hop of a preflighted fetch is preflighted.
    allow = [acao(), ("Access-Control-Allow-Methods", "PUT")]
    server = (
        Server()
        .on("OPTIONS", API + "/r", 204, allow)
        .on("PUT", API + "/r", 303, [acao(), ("Location", API + "/b")])
        .on("OPTIONS", API + "/b", 204, allow)
        .on("GET", API + "/b", headers=[acao()])
    )
    result = run(APP, Request(API + "/r", method="PUT"), server, browser=browser)
    assert result.allowed
    assert [w.method for w in result.sent] == ["OPTIONS", "PUT", *(["OPTIONS"] if again else []), "GET"]
    assert profile(browser).repreflights_redirects is again


@pytest.mark.parametrize(("browser", "listed"), [("firefox", None), ("webkit", "authorization")])
def test_which_headers_a_redirected_preflight_lists(browser: str, listed: str | None) -> None:
    # fork-redirect-preflighted-auth-cross: Authorization is dropped leaving the origin; WebKit still asks for it.
    allow = [acao(), ("Access-Control-Allow-Methods", "PUT"), ("Access-Control-Allow-Headers", "authorization")]
    server = (
        Server()
        .on("OPTIONS", API + "/r", 204, allow)
        .on("PUT", API + "/r", 307, [acao(), ("Location", OTHER + "/c")])
        .on("OPTIONS", OTHER + "/c", 204, allow)
        .on("PUT", OTHER + "/c", headers=[acao()])
    )
    result = run(APP, Request(API + "/r", method="PUT", headers=[("Authorization", "t")]), server, browser=browser)
    second = [w for w in result.sent if w.method == "OPTIONS"][1]
    assert second.header("Access-Control-Request-Headers") == listed
    assert "authorization" not in names(result.sent[-1].headers)
    assert profile(browser).preflights_script_headers is (listed is not None)


# -- Firefox 153: each rule as observed by the Firefox judge (scenario names in tests/conformance/corpus) ----------


def ff(request: Request, server: Server) -> Result:
    return run(APP, request, server, browser="firefox")


def test_firefox_judges_each_header_line_and_has_no_total() -> None:
    # trigger-accept-9-lines-of-128: nine safelisted lines, 1152 bytes, no preflight in Firefox.
    server = Server().on("OPTIONS", API + "/r", 204).on("*", API + "/r", headers=[acao()])
    lines = [("Accept", "a" * 128)] * 9
    assert not ff(Request(API + "/r", headers=lines), server).preflighted
    assert run(APP, Request(API + "/r", headers=lines), server).preflighted


def test_firefox_lists_each_unsafe_entry_in_the_preflight() -> None:
    # acrh-duplicate-names: X-A twice → "x-a,x-a"; random-010: a safelisted Accept line is not listed.
    server = Server().on("OPTIONS", API + "/r", 204, [acao(), ("Access-Control-Allow-Headers", "*")])
    server.on("GET", API + "/r", headers=[acao()])
    result = ff(Request(API + "/r", headers=[("X-A", "1"), ("X-A", "2"), ("Accept", "a(b"), ("Accept", "x")]), server)
    assert result.sent[0].header("Access-Control-Request-Headers") == "accept,x-a,x-a"
    assert result.sent[1].header("X-A") == "1, 2"


@pytest.mark.parametrize(("name", "value"), [("Accept", "text/\u00e9"), ("Content-Type", "text/plain;a=\u00e9")])
def test_firefox_needs_a_preflight_for_non_ascii_accept_and_content_type(name: str, value: str) -> None:
    # trigger-accept-latin1, trigger-content-type-latin1-param
    server = Server().on("OPTIONS", API + "/r", 204).on("*", API + "/r", headers=[acao()])
    assert ff(Request(API + "/r", headers=[(name, value)]), server).preflighted
    assert not run(APP, Request(API + "/r", headers=[(name, value)]), server).preflighted


def test_firefox_keeps_range_as_written_and_allows_64_bit_numbers() -> None:
    # trigger-range-leading-zeros, edge-range-bytes=0-9223372036854775808
    server = Server().on("*", API + "/r", headers=[acao()])
    result = ff(Request(API + "/r", headers=[("Range", "bytes=007-9223372036854775808")]), server)
    assert not result.preflighted
    assert result.sent[0].header("Range") == "bytes=007-9223372036854775808"


def test_firefox_names_a_single_listed_acao_as_a_mismatch_and_two_lines_as_multiple() -> None:
    one = ff(Request(API + "/r"), Server().on("*", API + "/r", headers=[acao("http://app.test, http://app.test")]))
    assert one.message is not None
    assert one.message.endswith(
        "(Reason: CORS header ‘Access-Control-Allow-Origin’ does not match ‘http://app.test, http://app.test’)."
    )
    two = ff(Request(API + "/r"), Server().on("*", API + "/r", headers=[acao(), acao()]))
    assert two.message is not None
    assert "(Reason: Multiple CORS header ‘Access-Control-Allow-Origin’ not allowed)." in two.message


def test_firefox_messages_carry_the_status_and_reason_key() -> None:
    result = ff(Request(API + "/r"), Server().on("*", API + "/r", 404))
    assert result.message == (
        "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at "
        "http://api.test/r. (Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 404."
    )
    assert profile("firefox").reason(result.error) == "CORSMissingAllowOrigin2"  # type: ignore[arg-type]


def test_firefox_preflights_every_hop_of_a_preflighted_request_with_the_page_origin() -> None:
    # redirect-303-put, preflight-after-redirect-tainted-exact-fails
    allow = [acao(), ("Access-Control-Allow-Methods", "PUT")]
    server = (
        Server().on("OPTIONS", API + "/r", 204, allow).on("PUT", API + "/r", 303, [acao(), ("Location", OTHER + "/c")])
    )
    server.on("OPTIONS", OTHER + "/c", 204, allow).on("GET", OTHER + "/c", headers=[acao("null")])
    result = ff(Request(API + "/r", method="PUT"), server)
    assert [(w.method, w.header("Origin")) for w in result.sent] == [
        ("OPTIONS", APP),
        ("PUT", APP),
        ("OPTIONS", APP),
        ("GET", "null"),
    ]
    assert result.allowed
    chromium = run(APP, Request(API + "/r", method="PUT"), server)
    assert [w.method for w in chromium.sent] == ["OPTIONS", "PUT", "GET"]


def test_firefox_lets_the_wildcard_cover_authorization_and_warns() -> None:
    server = Server().on("OPTIONS", API + "/r", 204, [acao(), ("Access-Control-Allow-Headers", "*")])
    server.on("GET", API + "/r", headers=[acao()])
    result = ff(Request(API + "/r", headers=[("Authorization", "Bearer t")]), server)
    assert result.allowed
    assert [w.code for w in result.warnings] == ["authorization_covered_by_wildcard"]
    assert "Firefox still allows" in result.warnings[0].message


@pytest.mark.parametrize(
    ("value", "cached"), [("5", True), ("+5", False), ("5.5", False), ("soon", False), (None, True)]
)
def test_firefox_caches_only_plain_digit_max_ages(value: str | None, cached: bool) -> None:
    # cache-max-age-4 (+5), cache-max-age-6 (5.5), preflight-cache-loop-max-age-garbage (soon)
    assert (profile("firefox").parse_max_age(value) > 0) is cached
    assert profile("firefox").parse_max_age("99999999999999999999") == 86400


def test_firefox_follows_an_empty_location_to_the_same_url() -> None:
    # redirect-302-empty-location: a loop until the redirect limit
    server = Server().on("*", API + "/r", 302, [acao(), ("Location", "")])
    result = ff(Request(API + "/r"), server)
    assert result.error is ErrorCode.TOO_MANY_REDIRECTS
    assert len(result.sent) == 21
    assert run(APP, Request(API + "/r"), server).allowed
