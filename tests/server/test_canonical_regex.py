"""The proof that a regex matches only origins in the simple form: sound on every regex it accepts."""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from corskit.server.canonical_regex import only_simple_origins
from corskit.server.matcher import _SIMPLE_FORM, OriginMatcher
from corskit.server.options import validate
from corskit.spec.origins import MAX_ORIGIN_LENGTH, parse_origin

PROVED = [
    r"https://[a-z0-9-]+\.example\.com",
    r"https://(app|admin)\.example\.com",
    r"https?://([a-z0-9-]+\.)*example\.com",
    r"https://[a-z]+\.example\.com:8443",
    r"http://localhost:(3000|8080)",
    r"https://[a-z0-9-]{1,63}\.example\.com",
    r"^https://app\.example\.com$",
    r"https://p[0-9]+\.example\.com:180",  # (180 begins as 80 does not)
    r"https://(?:[a-z0-9]+(?:-[a-z0-9]+)*\.)+example\.com",
    r"https://(?=[a-z])[a-z0-9-]+\.example\.com",  # a lookahead only narrows
    r"(?x) https://  [a-z]+  \.example\.com  # verbose",
]
KEPT_GUARDED = {
    r"https://.*\.example\.com": "any character",
    r"https://[a-z0-9.-]+\.example\.com": "an empty label (a..example.com)",
    r"https://[A-Za-z]+\.example\.com": "upper case",
    r"(?i)https://app\.example\.com": "case-insensitive",
    r"https://(?i:a)\.example\.com": "case-insensitive group",
    r"https://app\.example\.com:443": "a default port",
    r"https://app\.example\.com:80": "a default port of the other scheme (left to the parser)",
    r"http://localhost:[1-9][0-9]{0,3}": "port 80",
    r"http://localhost:[0-9]+": "port 0, leading zeros, five digits",
    r"https://a\.com:0": "port 0",
    r"https://app\.example\.com/": "a path",
    r"https://app\.example\.com\.?": "a trailing dot",
    r"https://[0-9]+\.[0-9]+": "an IPv4 address in disguise",
    r"https://\d+\.example\.com": "Unicode digits",
    r"https://(\w+)\.example\.com": "_ and upper case",
    r"https://[^.]+\.example\.com": "any character but a dot",
    r"https://(a)\1\.example\.com": "a backreference",
    r"https://(a)?(?(1)b|c)\.com": "a conditional",
    r"ftp://a\.com": "another scheme",
    r"https://-?\.com": "an empty label",
    r"https://app\.example\.com\n?": "a newline",
}


@pytest.mark.parametrize("regex", PROVED)
def test_regexes_that_match_only_the_simple_form_are_proved(regex: str) -> None:
    assert only_simple_origins(re.compile(regex))


@pytest.mark.parametrize("regex", sorted(KEPT_GUARDED))
def test_regexes_that_may_match_anything_else_keep_the_guard(regex: str) -> None:
    assert not only_simple_origins(re.compile(regex)), KEPT_GUARDED[regex]


def test_a_large_or_deep_regex_is_given_up_on_quickly() -> None:
    started = time.perf_counter()
    assert not only_simple_origins(re.compile("https://" + "(?:a{8}){8}" * 40 + r"\.com"))
    assert only_simple_origins(re.compile("https://" + "(?:" * 300 + "a" + ")" * 300 + r"\.com"))
    assert not only_simple_origins(re.compile("https?://" + "(?:[a-z0-9-]{0,8}\\.)?" * 300 + "x"))  # too many states
    assert time.perf_counter() - started < 5


# Regexes built from the pieces allow_origin_regex is written with, good and bad.
_SCHEMES = ["https://", "http://", "https?://", "(http|https)://", "h.tps://", "HTTPS://", "(?:https)://"]
_PIECES = [
    "[a-z0-9-]+",
    "[a-z]+",
    "[a-z0-9]{1,3}",
    "[0-9]+",
    r"\.",
    "app",
    r"(a|b\.)",
    "[^.]",
    "x?",
    "-",
    "[a-z.]+",
    r"(?:[a-z]+\.)*",
    r"\w",
    "[a-z0-9-]{0,2}",
    ".",
    "[a-f]{2,12}",
    r"\d",
    "(?=a)",
    r"\b",
    "[-a]",
    "[^A-Z]+",
    "(?:[a-z0-9]+-)?",
    "_",
    r"\.example",
    r"\.com",
    "[a-z]*",
]
_ENDS = ["", "", r"\.com", r"\.example\.com", "[a-z]", "[0-9]", r"\.", "/"]
_PORTS = ["", "", ":8443", ":[1-9][0-9]{0,3}", ":[0-9]{1,4}", ":(80|8080)", ":44[0-9]", ":[1-9][0-9]{2}", ":", ":0?1"]
regexes = st.builds(
    lambda scheme, pieces, end, port: scheme + "".join(pieces) + end + port,
    st.sampled_from(_SCHEMES),
    st.lists(st.sampled_from(_PIECES), min_size=0, max_size=5),
    st.sampled_from(_ENDS),
    st.sampled_from(_PORTS),
)


def _canonical(value: str) -> bool:
    parsed = parse_origin(value)
    return parsed is not None and not parsed.opaque and parsed.serialize() == value


@given(source=regexes, data=st.data())
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
def test_what_a_proved_regex_matches_is_a_canonical_origin(source: str, data: st.DataObject) -> None:
    regex = re.compile(source)
    assume(only_simple_origins(regex))
    value = data.draw(st.from_regex(regex, fullmatch=True))
    assume(len(value) <= MAX_ORIGIN_LENGTH)
    assert _canonical(value), (source, value)


def test_the_generated_regexes_are_proved_often_enough_to_test_something() -> None:
    # (The property above only means something if many generated regexes are proved, and many are not.)
    proved = [
        only_simple_origins(re.compile(s + p + e + q))
        for s in _SCHEMES
        for p in _PIECES
        for e in _ENDS[2:4]
        for q in _PORTS[:4]
    ]
    assert 0.1 < sum(proved) / len(proved) < 0.9


def test_a_proved_regex_gives_the_parsers_verdict_past_the_simple_forms_bounds() -> None:
    # 30 labels, a 64-letter label: canonical, past the simple form's bounds; longer than an origin can be: refused.
    proved, guarded = r"https://([a-z0-9-]+\.)+example\.net", r"https://([a-z0-9.-]+\.)+example\.net"
    assert only_simple_origins(re.compile(proved))
    assert not only_simple_origins(re.compile(guarded))
    for regex in (proved, guarded):
        matcher = OriginMatcher(validate(allow_origin_regex=regex))
        for value in ["https://" + "a." * 30 + "example.net", "https://" + "a" * 64 + ".example.net"]:
            assert matcher.match(value) == value == matcher._parse_and_match(value)
        too_long = "https://" + "a" * MAX_ORIGIN_LENGTH + ".example.net"
        assert matcher.match(too_long) == matcher._parse_and_match(too_long) != too_long


def test_a_proved_regex_shares_the_sorter_with_no_guard_but_the_length() -> None:
    proved, guarded = (OriginMatcher(validate(allow_origin_regex=r)) for r in (PROVED[0], r"https://.*\.example\.com"))
    assert _SIMPLE_FORM not in proved.sorter(str).allow.__self__.pattern  # type: ignore[union-attr]
    assert _SIMPLE_FORM in guarded.sorter(str).allow.__self__.pattern  # type: ignore[union-attr]
