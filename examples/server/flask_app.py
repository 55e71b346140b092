"""Flask behind corskit's WSGI middleware.

waitress-serve --port 8000 examples.server.flask_app:app      (or: flask --app examples.server.flask_app run)
"""

from __future__ import annotations

from flask import Flask, jsonify, request
from flask.typing import ResponseReturnValue

from corskit.wsgi import CORSMiddleware

FRONT_ENDS = ["https://app.example.com", "http://localhost:*"]


def create_app(origins: list[str] = FRONT_ENDS) -> Flask:
    app = Flask(__name__)
    app.wsgi_app = CORSMiddleware(  # type: ignore[method-assign]
        app.wsgi_app,
        allow_origins=origins,
        allow_methods=["PUT", "DELETE"],
        allow_headers=["Authorization"],
        allow_credentials=True,
        expose_headers=["X-Total-Count"],
    )

    @app.get("/api/items")
    def list_items() -> ResponseReturnValue:
        return jsonify([{"id": 1, "name": "tea"}, {"id": 2, "name": "scones"}]), 200, {"X-Total-Count": "2"}

    @app.put("/api/items/<int:item_id>")
    def update_item(item_id: int) -> ResponseReturnValue:
        if request.headers.get("Authorization") != "Bearer s3cret":
            return jsonify(detail="bad token"), 401
        return jsonify(id=item_id, updated=True)

    @app.get("/api/me")
    def me() -> ResponseReturnValue:
        return jsonify(user="ada")

    @app.get("/api/crash")
    def crash() -> ResponseReturnValue:
        raise RuntimeError("boom")

    return app


app = create_app()
