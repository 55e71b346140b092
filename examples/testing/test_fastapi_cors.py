"""Test a FastAPI app's CORS like a browser would, in-process: no server, no browser.

Run: pytest examples/testing/test_fastapi_cors.py
"""

from __future__ import annotations

import pytest
from fastapi import FastAPI

from corskit import CORSError, ErrorCode
from corskit.asgi import CORSMiddleware
from corskit.testing import browser_client

SPA = "https://app.example"

app = FastAPI()
app.add_middleware(
    CORSMiddleware,
    allow_origins=[SPA],
    allow_methods=["GET", "PUT"],
    allow_headers=["authorization", "content-type"],
    allow_credentials=True,
    expose_headers=["X-Total-Count"],
)


@app.get("/items")
def list_items() -> list[dict[str, object]]:
    return [{"id": 1, "name": "lamp"}]


@app.put("/items/{item_id}")
def update_item(item_id: int, item: dict[str, object]) -> dict[str, object]:
    return {"id": item_id, **item}


def test_the_spa_can_put_items_with_a_bearer_token() -> None:
    client = browser_client(app, origin=SPA)
    response = client.put("/items/1", json={"name": "desk"}, headers={"Authorization": "Bearer t"})
    assert response.status_code == 200
    assert response.json() == {"id": 1, "name": "desk"}
    # JSON and Authorization made the browser ask first.
    assert response.extensions["cors"].preflighted


def test_a_header_the_api_does_not_allow_is_blocked() -> None:
    client = browser_client(app, origin=SPA)
    with pytest.raises(CORSError) as blocked:
        client.put("/items/1", json={}, headers={"X-Debug": "1"})
    # corskit refuses the whole preflight, so Chromium reports the missing Allow-Origin header.
    assert blocked.value.code is ErrorCode.PREFLIGHT_MISSING_ALLOW_ORIGIN_HEADER


def test_another_site_cannot_read_the_list() -> None:
    client = browser_client(app, origin="https://evil.example")
    with pytest.raises(CORSError, match="has been blocked by CORS policy"):
        client.get("/items")
