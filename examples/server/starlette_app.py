"""Starlette behind corskit, configured with the same keywords as Starlette's own ``CORSMiddleware``.

uvicorn examples.server.starlette_app:app --port 8000
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from corskit.asgi import CORSMiddleware

FRONT_ENDS = ["https://app.example.com", "http://localhost:*"]


async def list_items(request: Request) -> JSONResponse:
    return JSONResponse([{"id": 1, "name": "tea"}, {"id": 2, "name": "scones"}], headers={"X-Total-Count": "2"})


async def update_item(request: Request) -> JSONResponse:
    if request.headers.get("authorization") != "Bearer s3cret":
        return JSONResponse({"detail": "bad token"}, status_code=401)
    return JSONResponse({"id": int(request.path_params["item_id"]), "updated": True})


async def me(request: Request) -> JSONResponse:
    return JSONResponse({"user": "ada"})


async def crash(request: Request) -> JSONResponse:
    raise RuntimeError("boom")


def create_app(origins: list[str] = FRONT_ENDS) -> Starlette:
    return Starlette(
        routes=[
            Route("/api/items", list_items),
            Route("/api/items/{item_id:int}", update_item, methods=["PUT"]),
            Route("/api/me", me),
            Route("/api/crash", crash),
        ],
        middleware=[
            Middleware(
                CORSMiddleware,  # type: ignore[arg-type]
                allow_origins=origins,
                allow_methods=["PUT", "DELETE"],
                allow_headers=["Authorization"],
                allow_credentials=True,
                expose_headers=["X-Total-Count"],
            )
        ],
    )


app = create_app()
