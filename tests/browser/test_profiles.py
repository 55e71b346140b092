"""Browser profiles: one engine, the forks named once per browser."""

from __future__ import annotations

import pytest

from corskit.browser import BROWSERS, Profile, Request, profile, run
from corskit.spec.errors import ErrorCode

from ._util import API, APP, Server, acao


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


def test_a_profile_is_data_with_a_readable_repr() -> None:
    firefox = profile("firefox")
    assert isinstance(firefox, Profile)
    assert repr(firefox) == "<Profile firefox>"
    assert profile("chromium").max_age_cap == 7200
