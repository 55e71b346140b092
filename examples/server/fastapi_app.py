"""FastAPI behind corskit: a credentialed API for your own front end and a public API for anyone, in one app.

    uvicorn examples.server.fastapi_app:app --port 8000

``/api/*`` is for the front end at ``https://app.example.com`` (and ``http://localhost`` on any port, for
development): cookies allowed, ``PUT``/``DELETE`` with an ``Authorization`` header. ``/public/*`` is readable by
any page, without credentials. Everything else gets no CORS headers at all.
"""

from __future__ import annotations

from fastapi import FastAPI, Header, HTTPException, Response

from corskit import PathPolicies, Policy
from corskit.asgi import CORSMiddleware

FRONT_ENDS = ["https://app.example.com", "http://localhost:*"]


def create_app(origins: list[str] = FRONT_ENDS) -> FastAPI:
    app = FastAPI()
    app.add_middleware(
        CORSMiddleware,
        policy=PathPolicies(
            {
                "/public/*": Policy(allow_origins=["*"], expose_headers=["X-Total-Count"]),
                "/api/*": Policy(
                    allow_origins=origins,
                    allow_methods=["PUT", "DELETE"],
                    allow_headers=["Authorization"],
                    allow_credentials=True,
                    expose_headers=["X-Total-Count"],
                ),
            }
        ),
    )

    @app.get("/api/items")
    def list_items(response: Response) -> list[dict[str, object]]:
        response.headers["X-Total-Count"] = "2"
        return [{"id": 1, "name": "tea"}, {"id": 2, "name": "scones"}]

    @app.put("/api/items/{item_id}")
    def update_item(item_id: int, authorization: str | None = Header(default=None)) -> dict[str, object]:
        if authorization != "Bearer s3cret":
            raise HTTPException(status_code=401, detail="bad token")
        return {"id": item_id, "updated": True}

    @app.get("/api/me")
    def me() -> dict[str, str]:
        return {"user": "ada"}

    @app.get("/api/crash")
    def crash() -> None:
        raise RuntimeError("boom")

    @app.get("/public/status")
    def status(response: Response) -> dict[str, str]:
        response.headers["X-Total-Count"] = "1"
        return {"status": "ok"}

    return app


app = create_app()
