"""corskit.peers: the peers' configurations translated into Policy options, and garbage refused with a message."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest

from corskit import ConfigError, ConfigWarning, Policy
from corskit.peers import (
    DJANGO_DEFAULT_HEADERS,
    DJANGO_DEFAULT_METHODS,
    from_django_settings,
    from_flask_cors,
    matches_every_path,
    origin_regex,
    path_pattern,
)


def test_django_defaults() -> None:
    options = from_django_settings({"CORS_ALLOWED_ORIGINS": ["https://a.example"]})
    assert options == {
        "allow_origins": ["https://a.example"],
        "allow_methods": list(DJANGO_DEFAULT_METHODS),
        "allow_headers": list(DJANGO_DEFAULT_HEADERS),
        "max_age": 86400,
    }
    Policy(**options)


def test_django_everything() -> None:
    options = from_django_settings(
        {
            "CORS_ORIGIN_WHITELIST": ["https://a.example"],  # the old names still work
            "CORS_ORIGIN_REGEX_WHITELIST": [r"^https://\w+\.b\.example$", re.compile(r"^https://c\.example$")],
            "CORS_ALLOW_METHODS": ["PUT"],
            "CORS_ALLOW_HEADERS": ["X-Token"],
            "CORS_ALLOW_CREDENTIALS": True,
            "CORS_EXPOSE_HEADERS": ["X-Total"],
            "CORS_PREFLIGHT_MAX_AGE": None,
            "CORS_ALLOW_PRIVATE_NETWORK": True,
            "CORS_URLS_REGEX": r"^/api/.*$",
        }
    )
    inner = options["paths"]["/api/*"]
    assert re.fullmatch(inner["allow_origin_regex"], "https://x.b.example")
    assert re.fullmatch(inner["allow_origin_regex"], "https://c.example")
    assert (inner["allow_credentials"], inner["allow_private_network"], inner["max_age"]) == (True, True, None)
    assert inner["expose_headers"] == ["X-Total"]
    Policy(**inner)


def test_django_all_origins() -> None:
    assert from_django_settings({"CORS_ALLOW_ALL_ORIGINS": True})["allow_origins"] == ["*"]
    assert from_django_settings({"CORS_ORIGIN_ALLOW_ALL": True})["allow_origins"] == ["*"]


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"CORS_ALLOWED_ORIGINS": "https://a.example"}, r"not a single string: write \['https://a.example'\]"),
        ({"CORS_ALLOWED_ORIGINS": [b"https://a.example"]}, "must hold strings"),
        ({"CORS_ALLOW_METHODS": "GET"}, "not a single string"),
        ({"CORS_URLS_REGEX": 5}, "must be a path regex string"),
        ({"CORS_URLS_REGEX": r"^/api/v\d+/"}, "is a regex"),
        ({"CORS_ALLOWED_ORIGIN_REGEXES": [5]}, "must hold regex strings"),
        ({"CORS_ALLOWED_ORIGIN_REGEXES": ["(unclosed$"]}, "does not compile"),
    ],
)
def test_django_garbage(settings: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        from_django_settings(settings)


def test_flask_defaults() -> None:
    ((resource, options),) = from_flask_cors({})
    assert matches_every_path(resource)
    assert options == {
        "allow_origins": ["*"],
        "allow_methods": ["GET", "HEAD", "POST", "OPTIONS", "PUT", "PATCH", "DELETE"],
        "allow_headers": ["*"],
        "max_age": None,
    }


def test_flask_options() -> None:
    with pytest.warns(ConfigWarning, match="prefix"):
        routes = from_flask_cors(
            {
                "origins": ["https://a.example", r"https://.*\.b\.example"],
                "methods": "put",
                "allow_headers": "X-Token",
                "expose_headers": ["X-Total"],
                "supports_credentials": True,
                "max_age": timedelta(minutes=5),
                "send_wildcard": False,
                "vary_header": False,
            }
        )
    ((_, options),) = routes
    assert options["allow_origins"] == ["https://a.example"]
    assert options["allow_origin_regex"] == r"(?i)https://.*\.b\.example"  # case-insensitive, as flask-cors
    assert (options["allow_methods"], options["allow_headers"], options["max_age"]) == (["PUT"], ["X-Token"], 300)
    Policy(**options)


def test_flask_resources() -> None:
    routes = from_flask_cors(
        {
            "origins": ["https://a.example"],
            "resources": {r"/static/.*": {}, r"/api/*": {"origins": ["https://b.example"]}, "/health": None},
        }
    )
    # flask-cors' order: literal paths, then regexes with more '/', then longer.
    assert [r if isinstance(r, str) else r.pattern for r, _ in routes] == ["/health", r"/static/.*", r"/api/*"]
    assert routes[2][1]["allow_origins"] == ["https://b.example"]
    assert routes[0][1]["allow_origins"] == routes[1][1]["allow_origins"] == ["https://a.example"]
    assert [r if isinstance(r, str) else r.pattern for r, _ in from_flask_cors({"resources": ["/b", "*"]})] == [
        "/b",
        ".*",
    ]
    assert not matches_every_path(routes[2][0])


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"origin": "x"}, r"unknown flask-cors option\(s\) origin"),
        ({"resources": 5}, "resources must be"),
        ({"resources": {"/api/*": "https://a.example"}}, "must be a dict of flask-cors options"),
        ({"resources": {"/api/*": {"orgins": []}}}, "unknown flask-cors option"),
        ({"resources": {5: {}}}, "must hold path regex strings"),
        ({"resources": [r"/api/(*"]}, "does not compile"),
        ({"origins": [5]}, "must hold regex strings"),
        ({"methods": [5]}, "must hold strings"),
        ({"origins": "*", "supports_credentials": True}, "reflects every origin with credentials"),
    ],
)
def test_flask_garbage(options: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        from_flask_cors(options)


@pytest.mark.parametrize(
    ("regex", "pattern"),
    [
        ("*", "/*"),
        (r"/*", "/*"),
        (r"^.*$", "/*"),
        (r"/api/*", "/api/*"),
        (r"^/api/.*$", "/api/*"),
        (r"^/api/", "/api/*"),
        (r"/v1\.0/.*", "/v1.0/*"),
        ("/health", "/health"),
        (re.compile(r"^/api/.*"), "/api/*"),
    ],
)
def test_path_patterns(regex: Any, pattern: str) -> None:
    assert path_pattern("CORS_URLS_REGEX", regex) == pattern


@pytest.mark.parametrize("regex", [r"/api/v\d+/.*", "/test_acl*", r"/service\+path", "}", "api/*", ""])
def test_path_regexes_refused(regex: str) -> None:
    with pytest.raises(ConfigError, match="exact path"):
        path_pattern("CORS_URLS_REGEX", regex)


@pytest.mark.parametrize("regex", [r"^https://a\.example$", r"https://a\.example\Z", r"https://.*\.a\.example/.*"])
def test_anchored_regexes_do_not_warn(regex: str, recwarn: pytest.WarningsRecorder) -> None:
    origin_regex("origins", [regex], peer="flask-cors", ignore_case=False)
    assert not recwarn.list
