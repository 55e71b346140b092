"""Test a Flask app's CORS like a browser would, in-process: no server, no browser.

Run: pytest examples/testing/test_flask_cors.py
"""

from __future__ import annotations

import pytest
from flask import Flask, request

from corskit import CORSError
from corskit.testing import browser_client
from corskit.wsgi import CORSMiddleware

SPA = "https://app.example"

app = Flask(__name__)
app.wsgi_app = CORSMiddleware(  # type: ignore[method-assign]
    app.wsgi_app, allow_origins=[SPA], allow_credentials=True, expose_headers=["X-Total-Count"]
)


@app.get("/me")
def me() -> tuple[dict[str, object], int, dict[str, str]]:
    return {"user": request.cookies.get("sid")}, 200, {"X-Total-Count": "1", "X-Internal": "secret"}


def test_the_spa_reads_the_user_with_its_cookie() -> None:
    client = browser_client(app, origin=SPA, credentials="include", cookies={"sid": "42"})
    response = client.get("/me")
    assert response.json() == {"user": "42"}
    assert response.headers["x-total-count"] == "1"  # exposed
    assert "x-internal" not in response.headers  # not exposed: script cannot read it


def test_without_credentials_include_the_cookie_is_not_sent() -> None:
    client = browser_client(app, origin=SPA, cookies={"sid": "42"})
    assert client.get("/me").json() == {"user": None}


def test_another_site_cannot_read_the_user() -> None:
    client = browser_client(app, origin="https://evil.example", credentials="include", cookies={"sid": "42"})
    with pytest.raises(CORSError) as blocked:
        client.get("/me")
    assert blocked.value.result.reached_server  # the request was made; only reading it was blocked
