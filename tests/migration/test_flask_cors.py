"""flask-cors → corskit.flask (``CORS(app, ...)``, ``@cross_origin(...)``): every difference docs/migrating.md lists.

Each test builds the same Flask app twice, once with flask-cors and once with corskit.flask (same options), and
asserts what each answers. A test named ``test_<row>`` pins the guide's row of that name.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import flask_cors
import pytest
from flask import Blueprint, Flask
from flask.testing import FlaskClient

from corskit import ConfigError, ConfigWarning
from corskit import flask as corskit_flask

APP = "https://app.example"
EVIL = "https://evil.example"
Ext = Callable[..., Any]


def app_with(cors: Ext, **options: Any) -> FlaskClient:
    app = Flask(__name__)

    @app.route("/api/items", methods=["GET", "PUT", "OPTIONS"])
    def items() -> str:
        return "items"

    @app.route("/")
    def root() -> str:
        return "root"

    @app.route("/other")
    def other() -> str:
        return "other"

    cors(app, **options)
    return app.test_client()


def both(**options: Any) -> tuple[FlaskClient, FlaskClient]:
    return app_with(flask_cors.CORS, **options), app_with(corskit_flask.CORS, **options)


def decorated(decorator: Ext, methods: tuple[str, ...] = ("GET",), **options: Any) -> FlaskClient:
    app = Flask(__name__)

    @app.route("/view", methods=list(methods))
    @decorator(**options)
    def view() -> str:
        return "view"

    return app.test_client()


def preflight(client: FlaskClient, method: str = "PUT", origin: str = APP, path: str = "/api/items", **h: str) -> Any:
    return client.options(path, headers={"Origin": origin, "Access-Control-Request-Method": method, **h})


def test_drop_in() -> None:
    options = {"resources": {r"/api/*": {"origins": [APP]}}, "supports_credentials": True, "methods": ["PUT"]}
    peer, ours = both(**options)
    for client in (peer, ours):
        answer = client.get("/api/items", headers={"Origin": APP})
        assert answer.headers["Access-Control-Allow-Origin"] == APP
        assert answer.headers["Access-Control-Allow-Credentials"] == "true"
        assert "Access-Control-Allow-Origin" not in client.get("/other", headers={"Origin": APP}).headers
        assert preflight(client).headers["Access-Control-Allow-Methods"].startswith("PUT")
        assert "Access-Control-Allow-Origin" not in client.get("/api/items", headers={"Origin": EVIL}).headers


def test_credentials_with_wildcard() -> None:
    peer = app_with(flask_cors.CORS, supports_credentials=True)  # origins defaults to '*'
    assert peer.get("/api/items", headers={"Origin": EVIL}).headers["Access-Control-Allow-Origin"] == EVIL
    with pytest.raises(ConfigError, match="reflects every origin with credentials"):
        app_with(corskit_flask.CORS, supports_credentials=True)


def test_wildcard_answer() -> None:
    peer, ours = both()
    theirs, answer = peer.get("/api/items", headers={"Origin": APP}), ours.get("/api/items", headers={"Origin": APP})
    assert (theirs.headers["Access-Control-Allow-Origin"], theirs.headers["Vary"]) == (APP, "Origin")
    assert answer.headers["Access-Control-Allow-Origin"] == "*"
    assert "Vary" not in answer.headers
    malformed = {"Origin": "www.example.com"}  # not an origin a browser sends
    assert peer.get("/api/items", headers=malformed).headers["Access-Control-Allow-Origin"] == "www.example.com"
    assert ours.get("/api/items", headers=malformed).headers["Access-Control-Allow-Origin"] == "*"
    wildcard = app_with(flask_cors.CORS, send_wildcard=True).get("/api/items", headers={"Origin": APP})
    assert wildcard.headers["Access-Control-Allow-Origin"] == "*"


def test_always_send() -> None:
    peer, ours = both(origins=[APP, "https://b.example"])
    assert "Access-Control-Allow-Origin" in peer.get("/api/items").headers  # without an Origin header
    assert "Access-Control-Allow-Origin" not in ours.get("/api/items").headers


def test_regex_prefix() -> None:
    regex = r"https?://localhost"
    peer = app_with(flask_cors.CORS, origins=[regex])
    for origin in ("http://localhost:3000", "http://LOCALHOST", "http://localhost.evil.example"):
        assert peer.get("/api/items", headers={"Origin": origin}).headers["Access-Control-Allow-Origin"] == origin
    with pytest.warns(
        ConfigWarning,
        match=r"flask-cors matched '(.*)' as a prefix, case-insensitively.*'https\?://localhost\(:\[0-9\]\+\)\?'",
    ):
        ours = app_with(corskit_flask.CORS, origins=[regex])
    assert (
        "Access-Control-Allow-Origin" not in ours.get("/api/items", headers={"Origin": "http://localhost:3000"}).headers
    )
    assert ours.get("/api/items", headers={"Origin": "http://localhost"}).headers["Access-Control-Allow-Origin"]
    fixed = app_with(corskit_flask.CORS, origins=[r"https?://localhost(:[0-9]+)?$"])
    assert fixed.get("/api/items", headers={"Origin": "http://localhost:3000"}).headers["Access-Control-Allow-Origin"]
    assert (
        "Access-Control-Allow-Origin" not in fixed.get("/", headers={"Origin": "http://localhost.evil.example"}).headers
    )


def test_headers_regex() -> None:
    peer = app_with(flask_cors.CORS, origins=[APP], allow_headers=["X-COMPANY-.*"])
    asked = {"Access-Control-Request-Headers": "X-Company-Id"}
    assert preflight(peer, **asked).headers["Access-Control-Allow-Headers"] == "X-Company-Id"
    with pytest.raises(ConfigError, match=r"'X-COMPANY-\.\*'.*list each header"):
        app_with(corskit_flask.CORS, origins=[APP], allow_headers=["X-COMPANY-.*"])


def test_headers_unmatched() -> None:
    peer, ours = both(origins=[APP], allow_headers=["X-Token"])
    asked = {"Access-Control-Request-Headers": "X-Token, X-Other"}
    theirs, refused = preflight(peer, **asked), preflight(ours, **asked)
    assert (theirs.status_code, theirs.headers["Access-Control-Allow-Headers"]) == (200, "X-Token")
    assert refused.status_code == 403
    assert b"x-other" in refused.data


def test_preflight_lists() -> None:
    peer, ours = both(origins=[APP], methods=["GET", "PUT", "DELETE"])
    assert preflight(peer).headers["Access-Control-Allow-Methods"] == "DELETE, GET, PUT"  # the whole list
    assert preflight(ours).headers["Access-Control-Allow-Methods"] == "PUT"  # what was asked, once allowed


def test_private_network_on_preflights_only() -> None:
    peer, ours = both(origins=[APP], allow_private_network=True, methods=["PUT"])
    pna = {"Origin": APP, "Access-Control-Request-Private-Network": "true"}
    assert peer.get("/api/items", headers=pna).headers["Access-Control-Allow-Private-Network"] == "true"
    assert "Access-Control-Allow-Private-Network" not in ours.get("/api/items", headers=pna).headers
    assert preflight(ours, **pna).headers["Access-Control-Allow-Private-Network"] == "true"
    closed = app_with(flask_cors.CORS, origins=[APP], allow_private_network=False)
    assert closed.get("/api/items", headers=pna).headers["Access-Control-Allow-Private-Network"] == "false"


def test_headers_spelling() -> None:
    peer, ours = both(origins=[APP])
    asked = {"Access-Control-Request-Headers": "X-Token"}
    assert preflight(peer, **asked).headers["Access-Control-Allow-Headers"] == "X-Token"
    assert preflight(ours, **asked).headers["Access-Control-Allow-Headers"] == "x-token"  # as browsers send it


def test_expose_order() -> None:
    peer, ours = both(origins=[APP], expose_headers=["X-Total", "X-Page"])
    assert peer.get("/api/items", headers={"Origin": APP}).headers["Access-Control-Expose-Headers"] == "X-Page, X-Total"
    assert ours.get("/api/items", headers={"Origin": APP}).headers["Access-Control-Expose-Headers"] == "X-Total, X-Page"


def test_vary_always() -> None:
    peer, ours = both(origins=[APP])
    assert "Vary" not in peer.get("/api/items", headers={"Origin": APP}).headers
    assert ours.get("/api/items", headers={"Origin": APP}).headers["Vary"] == "Origin"
    assert ours.get("/api/items", headers={"Origin": EVIL}).headers["Vary"] == "Origin"


def test_resources() -> None:
    resources = {r"/api/v\d+/.*": {"origins": [APP]}, r"/api/*": {"origins": [EVIL]}, "/other": {"origins": [APP]}}
    peer, ours = both(resources=resources)
    for client in (peer, ours):
        # Matched as flask-cors matches them: a regex at the start of the path (r"/api/*" also takes /apiary),
        # a literal path whole, the literal first and then the regex with more '/'.
        assert client.get("/api/v1/items", headers={"Origin": APP}).headers["Access-Control-Allow-Origin"] == APP
        assert client.get("/apiary", headers={"Origin": EVIL}).headers["Access-Control-Allow-Origin"] == EVIL
        assert client.get("/other", headers={"Origin": APP}).headers["Access-Control-Allow-Origin"] == APP
        assert "Access-Control-Allow-Origin" not in client.get("/", headers={"Origin": APP}).headers
    with pytest.raises(ConfigError, match="resources"):
        app_with(corskit_flask.CORS, resources=5)
    with pytest.raises(ConfigError, match="does not compile"):
        app_with(corskit_flask.CORS, resources=[r"/api/(*"])


def blueprint_app(cors: Ext, **options: Any) -> FlaskClient:
    """An app with a blueprint under /bp (CORS on the blueprint only) and a plain view outside it."""
    app = Flask(__name__)
    blueprint = Blueprint("bp", __name__)

    @blueprint.route("/items", methods=["GET", "PUT"])
    def items() -> str:
        return "items"

    @app.route("/outside")
    def outside() -> str:
        return "outside"

    cors(blueprint, **options)
    app.register_blueprint(blueprint, url_prefix="/bp")
    return app.test_client()


def test_blueprint() -> None:
    peer, ours = blueprint_app(flask_cors.CORS, origins=[APP]), blueprint_app(corskit_flask.CORS, origins=[APP])
    for client in (peer, ours):
        assert client.get("/bp/items", headers={"Origin": APP}).headers["Access-Control-Allow-Origin"] == APP
        assert preflight(client, path="/bp/items").headers["Access-Control-Allow-Origin"] == APP
        assert "Access-Control-Allow-Origin" not in client.get("/bp/items", headers={"Origin": EVIL}).headers
        assert "Access-Control-Allow-Origin" not in client.get("/outside", headers={"Origin": APP}).headers
        assert "Access-Control-Allow-Origin" not in preflight(client, "GET", path="/outside").headers
    assert preflight(ours, path="/bp/items", origin=EVIL).status_code == 403  # corskit refuses (preflight_status)
    nested_blueprints_inside_app_wide()
    blueprint_misuse_is_refused_with_the_fix()


def nested_blueprints_inside_app_wide() -> None:
    """The innermost setting decides: a nested blueprint's CORS, then its parent's, then the app's."""
    app = Flask(__name__)
    parent, child = Blueprint("parent", __name__), Blueprint("child", __name__)

    @parent.route("/p")
    def in_parent() -> str:
        return "p"

    @child.route("/c")
    def in_child() -> str:
        return "c"

    @app.route("/a")
    def in_app() -> str:
        return "a"

    corskit_flask.CORS(parent, origins=["https://parent.example"])
    corskit_flask.CORS(child, origins=["https://child.example"])
    parent.register_blueprint(child, url_prefix="/child")
    app.register_blueprint(parent, url_prefix="/parent")
    corskit_flask.CORS(app, origins=[APP])
    client = app.test_client()

    def allowed(path: str, origin: str) -> bool:
        return client.get(path, headers={"Origin": origin}).headers.get("Access-Control-Allow-Origin") == origin

    assert allowed("/parent/child/c", "https://child.example")
    assert not allowed("/parent/child/c", "https://parent.example")
    assert allowed("/parent/p", "https://parent.example")
    assert not allowed("/parent/p", APP)
    assert allowed("/a", APP)
    assert not allowed("/a", "https://parent.example")
    assert allowed("/no-such-path", APP)  # no route: the app-wide policy (Flask answers 404)

    peer = Flask(__name__)
    blueprint = Blueprint("bp", __name__)
    blueprint.add_url_rule("/x", "x", lambda: "x")
    flask_cors.CORS(blueprint, origins=["https://parent.example"])
    peer.register_blueprint(blueprint, url_prefix="/bp")
    flask_cors.CORS(peer, origins=[APP])
    got = peer.test_client().get("/bp/x", headers={"Origin": APP}).headers
    assert got["Access-Control-Allow-Origin"] == APP  # flask-cors: the app-wide CORS fills in a blueprint's refusal


def blueprint_misuse_is_refused_with_the_fix() -> None:
    app = Flask(__name__)
    blueprint = Blueprint("late", __name__)
    app.register_blueprint(blueprint)
    with pytest.raises(ConfigError, match=r"call CORS\(blueprint, \.\.\.\) first"):
        corskit_flask.CORS(blueprint)
    with pytest.raises(ConfigError, match=r"unknown flask-cors option\(s\) origin"):
        corskit_flask.CORS(Blueprint("typo", __name__), origin=[APP])  # fails at the call, not at registration
    with pytest.raises(ConfigError, match="a Flask app or a Blueprint"):
        corskit_flask.CORS(object())  # type: ignore[arg-type]


def test_decorator_inside_app_wide() -> None:
    clients = []
    for cors, cross_origin in (
        (flask_cors.CORS, flask_cors.cross_origin),
        (corskit_flask.CORS, corskit_flask.cross_origin),
    ):
        app = Flask(__name__)

        @app.route("/special", methods=["GET", "PUT"])
        @cross_origin(origins=["https://special.example"])
        def special() -> str:
            return "special"

        @app.route("/plain")
        def plain() -> str:
            return "plain"

        cors(app, origins=[APP])
        clients.append(app.test_client())
    for client in clients:  # the view's options win on its path, the app's elsewhere
        got = client.get("/special", headers={"Origin": "https://special.example"}).headers
        assert got["Access-Control-Allow-Origin"] == "https://special.example"
        assert "Access-Control-Allow-Origin" not in client.get("/special", headers={"Origin": APP}).headers
        assert (
            preflight(client, path="/special", origin="https://special.example").headers["Access-Control-Allow-Origin"]
            == "https://special.example"
        )
        assert client.get("/plain", headers={"Origin": APP}).headers["Access-Control-Allow-Origin"] == APP
        assert (
            "Access-Control-Allow-Origin"
            not in client.get("/plain", headers={"Origin": "https://special.example"}).headers
        )


def test_decorator() -> None:
    peer, ours = decorated(flask_cors.cross_origin, origins=[APP]), decorated(corskit_flask.cross_origin, origins=[APP])
    for client in (peer, ours):
        assert client.get("/view", headers={"Origin": APP}).headers["Access-Control-Allow-Origin"] == APP
        assert preflight(client, "GET", path="/view").headers["Access-Control-Allow-Origin"] == APP
        assert "Access-Control-Allow-Origin" not in client.get("/view", headers={"Origin": EVIL}).headers


def test_automatic_options() -> None:
    peer = decorated(flask_cors.cross_origin, automatic_options=False, origins=[APP])
    ours = decorated(corskit_flask.cross_origin, automatic_options=False, origins=[APP])
    assert "Access-Control-Allow-Origin" not in preflight(peer, "GET", path="/view").headers
    assert preflight(ours, "GET", path="/view").headers["Access-Control-Allow-Origin"] == APP


def test_unknown_option() -> None:
    flask_cors.CORS(Flask(__name__), origin=[APP])  # logged, then ignored
    with pytest.raises(ConfigError, match=r"unknown flask-cors option\(s\) origin"):
        corskit_flask.CORS(Flask(__name__), origin=[APP])


def test_path_without_slash() -> None:
    peer, ours = both(resources={"/api/*": {"origins": [APP]}})
    for client in (peer, ours):
        answer = client.get("api/items", headers={"Origin": APP})  # PATH_INFO 'api/items': Flask routes it
        assert (answer.status_code, answer.headers.get("Access-Control-Allow-Origin")) == (200, APP)
