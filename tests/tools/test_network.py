"""NetworkOptions refuses what a browser would never send, before anything is sent."""

from __future__ import annotations

import pytest

from corskit.tools.network import NetworkOptions, cookie_problem, header_problem


@pytest.mark.parametrize("cookie", ["a=1\r\nX-Evil: 1", "a=\x00", "a=\x1b[2J", "a=\x7f"])
def test_a_cookie_with_a_control_character_is_refused(cookie: str) -> None:
    assert cookie_problem(cookie)
    with pytest.raises(ValueError, match="control character"):
        NetworkOptions(cookie=cookie)


@pytest.mark.parametrize("cookie", ["sid=1", "a=1; b=2", "name=José ✓", "a=\tb"])
def test_a_cookie_a_browser_holds_is_accepted(cookie: str) -> None:
    assert cookie_problem(cookie) is None
    assert NetworkOptions(cookie=cookie).cookie == cookie


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("X A", "1", "is not a header name"),
        ("X-A", "a\nb", "cannot contain CR, LF, NUL"),
        ("X-A", "\u2713", "beyond Latin-1"),
        ("", "1", "is not a header name"),
    ],
)
def test_an_extra_header_fetch_would_refuse_is_refused(name: str, value: str, words: str) -> None:
    assert words in (header_problem(name, value) or "")
    with pytest.raises(ValueError, match=words):
        NetworkOptions(extra_headers=((name, value),))
    assert header_problem("X-Api-Key", "k1 ") is None
