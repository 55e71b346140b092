"""Per-path policies: exact paths, '/prefix/*', longest prefix first, None to stay out."""

from __future__ import annotations

import pytest

from corskit import ConfigError, PathPolicies, Policy

STRICT = Policy(allow_origins=["https://admin.example.com"], allow_credentials=True)
ANY = Policy(allow_origins=["*"])
API = Policy(allow_origins=["https://app.example.com"])


def test_exact_beats_prefix() -> None:
    # flask-cors CVE-2024-6839: a longer permissive rule beat a specific one.
    routes = PathPolicies({"/api/*": ANY, "/api/admin": STRICT})
    assert routes.for_path("/api/admin") is STRICT
    assert routes.for_path("/api/admin/users") is ANY  # an exact pattern covers one path only
    assert not STRICT.actual("https://evil.example").allowed


def test_longest_prefix_wins_whatever_the_order() -> None:
    for mapping in [{"/api/*": API, "/api/admin/*": STRICT}, {"/api/admin/*": STRICT, "/api/*": API}]:
        routes = PathPolicies(mapping)
        assert routes.for_path("/api/admin") is STRICT
        assert routes.for_path("/api/admin/users/1") is STRICT
        assert routes.for_path("/api/administrators") is API
        assert routes.for_path("/api/users") is API


@pytest.mark.parametrize(
    ("path", "matches"),
    [("/api", True), ("/api/", True), ("/api/x/y", True), ("/apix", False), ("/ap", False), ("/", False)],
)
def test_prefix_matches_at_segment_boundaries(path: str, matches: bool) -> None:
    assert (PathPolicies({"/api/*": API}).for_path(path) is API) is matches


def test_root_prefix_matches_everything() -> None:
    routes = PathPolicies({"/*": ANY, "/api/*": API})
    assert routes.for_path("/") is ANY
    assert routes.for_path("/anything/else") is ANY
    assert routes.for_path("*") is ANY  # OPTIONS * HTTP/1.1
    assert routes.for_path("/api/x") is API


def test_unmatched_and_none_leave_the_request_alone() -> None:
    routes = PathPolicies({"/api/*": API, "/api/webhooks/*": None})
    assert routes.for_path("/other") is None
    assert routes.for_path("/api/webhooks/stripe") is None
    assert routes.for_path("/api/items") is API


def test_paths_are_case_sensitive() -> None:
    # flask-cors CVE-2024-6866.
    routes = PathPolicies({"/api/public/*": ANY})
    assert routes.for_path("/API/PUBLIC/x") is None
    assert routes.for_path("/api/public/x") is ANY


def test_plus_is_not_a_space() -> None:
    # flask-cors CVE-2024-6844: unquote_plus turned '+' into ' '.
    routes = PathPolicies({"/files/a b": ANY})
    assert routes.for_path("/files/a+b") is None
    assert routes.for_path("/files/a b") is ANY


def test_percent_sequences_are_not_decoded_again() -> None:
    # The server decoded the path once; '%2F' left in it is literal text, not a slash.
    routes = PathPolicies({"/a/*": ANY})
    assert routes.for_path("/a%2Fb") is None


def test_long_paths_cost_one_lookup_per_prefix_length() -> None:
    routes = PathPolicies({"/a/*": ANY, "/b/c/*": API})
    assert routes.for_path("/" * 100_000) is None
    assert routes.for_path("/a" + "/x" * 50_000) is ANY


@pytest.mark.parametrize("pattern", ["api/*", "/api*", "/a*/b", "/api/*/x", "*", "/**", ""])
def test_bad_patterns_are_refused(pattern: str) -> None:
    with pytest.raises(ConfigError):
        PathPolicies({pattern: API})


def test_values_must_be_policies() -> None:
    with pytest.raises(ConfigError, match=r"corskit\.Policy or None"):
        PathPolicies({"/api/*": {"allow_origins": ["*"]}})  # type: ignore[dict-item]


def test_empty_mapping_is_refused() -> None:
    with pytest.raises(ConfigError):
        PathPolicies({})


def test_is_async_when_any_policy_is() -> None:
    async def check(origin: str) -> bool:
        return True

    assert PathPolicies({"/a/*": API, "/b/*": Policy(allow_origin_func=check)}).is_async
    assert not PathPolicies({"/a/*": API, "/b/*": None}).is_async


def test_immutable_and_readable() -> None:
    routes = PathPolicies({"/api/*": API})
    assert routes.routes == (("/api/*", API),)
    with pytest.raises(AttributeError):
        routes.routes = ()  # type: ignore[misc]
    assert "'/api/*'" in repr(routes)
