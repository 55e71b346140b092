"""Policy construction: what is normalised, what is refused (with a message that says what to do), what warns."""

from __future__ import annotations

import re
import warnings

import pytest

from corskit import ConfigError, Policy


def refused(**options: object) -> str:
    with pytest.raises(ConfigError) as info:
        Policy(**options)  # type: ignore[arg-type]
    return str(info.value)


def test_config_error_is_a_value_error() -> None:
    assert issubclass(ConfigError, ValueError)


def test_defaults_allow_nothing() -> None:
    policy = Policy()
    assert policy.allow_origins == ()
    assert policy.allow_methods == ()
    assert policy.allow_headers == ()
    assert policy.allow_credentials is False
    assert policy.expose_headers == ()
    assert policy.preflight_status == 204
    assert not policy.actual("https://a.example").allowed
    assert not policy.preflight("https://a.example", "PUT").allowed


def test_exact_origins_are_normalised() -> None:
    policy = Policy(allow_origins=["HTTPS://App.Example.COM", "https://b.example:443", "http://c.example:80"])
    assert policy.allow_origins == ("https://app.example.com", "https://b.example", "http://c.example")
    assert policy.actual("https://b.example").allowed
    assert policy.actual("http://c.example").allowed


def test_idn_origin_is_normalised_to_punycode() -> None:
    policy = Policy(allow_origins=["https://bücher.example"])
    assert policy.allow_origins == ("https://xn--bcher-kva.example",)
    assert policy.actual("https://xn--bcher-kva.example").allowed


@pytest.mark.parametrize(
    ("origin", "fix"),
    [
        ("https://a.com/", "'https://a.com'"),
        ("https://a.com/path", "'https://a.com'"),
        ("https://a.com?q=1", "'https://a.com'"),
        ("https://a.com#frag", "'https://a.com'"),
        ("a.com", "'https://a.com'"),
    ],
)
def test_origin_with_path_or_no_scheme_is_refused_with_the_fix(origin: str, fix: str) -> None:
    message = refused(allow_origins=[origin])
    assert fix in message


def test_trailing_slash_message_names_it() -> None:
    assert "trailing slash" in refused(allow_origins=["https://a.com/"])


def test_user_info_is_refused() -> None:
    assert "user info" in refused(allow_origins=["https://user@a.com"])


@pytest.mark.parametrize("name", ["allow_origins", "allow_methods", "allow_headers", "expose_headers"])
def test_a_single_string_is_refused(name: str) -> None:
    message = refused(**{name: "https://a.com"})
    assert "list" in message
    assert "[" in message


def test_non_string_items_are_refused() -> None:
    assert "strings" in refused(allow_origins=[b"https://a.com"])


def test_wildcard_origin_with_credentials_is_refused() -> None:
    message = refused(allow_origins=["*"], allow_credentials=True)
    assert "list the origins" in message


def test_wildcard_mixed_with_origins_is_refused() -> None:
    assert "remove" in refused(allow_origins=["*", "https://a.com"])


def test_wildcard_with_regex_or_func_is_refused() -> None:
    refused(allow_origins=["*"], allow_origin_regex=r"https://a\.com")
    refused(allow_origins=["*"], allow_origin_func=lambda o: True)


def test_null_with_credentials_is_refused() -> None:
    assert "sandboxed" in refused(allow_origins=["null"], allow_credentials=True)


def test_null_without_credentials_is_accepted() -> None:
    assert Policy(allow_origins=["null"]).actual("null").allowed


@pytest.mark.parametrize(
    "pattern",
    ["h*", "https://*", "*.example.com", "https://*.com", "https://*.co.uk", "https://*.github.io", "https://*.io"],
)
def test_over_broad_patterns_are_refused(pattern: str) -> None:
    refused(allow_origins=[pattern])


@pytest.mark.parametrize(
    "regex",
    [".*", "https://.*", "https?://.+", "h.*", r"https://.*\..*", "(?s).*"],
)
def test_regex_matching_any_origin_is_refused(regex: str) -> None:
    message = refused(allow_origin_regex=regex)
    assert "matches any origin" in message


def test_regex_that_does_not_compile_is_refused() -> None:
    assert "does not compile" in refused(allow_origin_regex="https://(a")


def test_a_bytes_regex_is_refused_with_its_text_form() -> None:
    assert "write it as a string, e.g. 'https://a'" in refused(allow_origin_regex=re.compile(b"https://a"))


def test_precompiled_regex_is_accepted() -> None:
    policy = Policy(allow_origin_regex=re.compile(r"https://(a|b)\.example\.com"))
    assert policy.allow_origin_regex == r"https://(a|b)\.example\.com"
    assert policy.actual("https://b.example.com").allowed


@pytest.mark.parametrize(
    "name", ["Cookie", "origin", "Host", "Sec-Fetch-Mode", "proxy-authorization", "Content-Length"]
)
def test_forbidden_request_headers_are_refused(name: str) -> None:
    assert "forbidden" in refused(allow_headers=[name])


def test_invalid_header_and_method_names_are_refused() -> None:
    refused(allow_headers=["X Foo"])
    refused(allow_headers=["X-Foo\r\nSet-Cookie: a=b"])
    refused(allow_methods=["PU T"])
    refused(expose_headers=["X:Y"])


@pytest.mark.parametrize("method", ["CONNECT", "trace", "TRACK"])
def test_forbidden_methods_are_refused(method: str) -> None:
    assert "never send" in refused(allow_methods=[method])


def test_methods_are_normalised_like_fetch() -> None:
    # fetch() uppercases the six standard methods and leaves others as written.
    policy = Policy(allow_methods=["put", "delete", "patch", "PATCH"])
    assert policy.allow_methods == ("PUT", "DELETE", "patch", "PATCH")


def test_headers_are_lowercased_and_deduplicated() -> None:
    assert Policy(allow_headers=["X-Foo", "x-foo", "Authorization"]).allow_headers == ("x-foo", "authorization")


def test_expose_wildcard_with_credentials_is_refused() -> None:
    assert "header named '*'" in refused(allow_origins=["https://a.com"], allow_credentials=True, expose_headers=["*"])


def test_expose_set_cookie_is_refused() -> None:
    refused(expose_headers=["Set-Cookie"])


@pytest.mark.parametrize("value", [0, 7200, 7201, 86400, 10**9])
def test_max_age_is_sent_as_given_without_warning(value: int) -> None:
    # Browsers cap it themselves (Chromium 7200 s, Firefox 86400 s, WebKit 600 s): a larger value is harmless, and
    # a warning would stop a start-up under filterwarnings=error (Starlette's own test configuration).
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        policy = Policy(allow_origins=["https://a.com"], allow_methods=["PUT"], max_age=value)
    assert ("Access-Control-Max-Age", str(value)) in policy.preflight("https://a.com", "PUT").headers


@pytest.mark.parametrize("value", [-1, 1.5, "600", True])
def test_bad_max_age_is_refused(value: object) -> None:
    refused(max_age=value)


def test_max_age_none_sends_no_header() -> None:
    decision = Policy(allow_origins=["https://a.com"], max_age=None).preflight("https://a.com", "GET")
    assert "Access-Control-Max-Age" not in dict(decision.headers)


@pytest.mark.parametrize("status", [199, 300, 404, 500])
def test_preflight_status_must_be_2xx(status: int) -> None:
    assert "2xx" in refused(preflight_status=status)


@pytest.mark.parametrize("name", ["allow_credentials", "allow_private_network"])
def test_flags_must_be_booleans(name: str) -> None:
    refused(**{name: "yes"})


def test_origin_func_must_be_callable() -> None:
    refused(allow_origin_func="https://a.com")


def test_policy_is_immutable() -> None:
    policy = Policy(allow_origins=["https://a.com"])
    with pytest.raises(AttributeError):
        policy.allow_credentials = True  # type: ignore[misc]
    with pytest.raises(AttributeError):
        policy._exact = frozenset({"https://evil.com"})  # type: ignore[misc]


def test_repr_shows_the_normalised_options() -> None:
    text = repr(Policy(allow_origins=["https://A.com"], allow_methods=["put"]))
    assert "allow_origins=('https://a.com',)" in text
    assert "allow_methods=('PUT',)" in text


def test_async_predicate_is_detected() -> None:
    async def check(origin: str) -> bool:
        return True

    class Checker:
        async def __call__(self, origin: str) -> bool:
            return True

    assert Policy(allow_origin_func=check).is_async
    assert Policy(allow_origin_func=Checker()).is_async
    assert not Policy(allow_origin_func=lambda o: True).is_async
