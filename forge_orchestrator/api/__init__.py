"""HTTP only: one router module per resource, assembled here under /api."""

from __future__ import annotations

from fastapi import APIRouter

from ..errors import NotFound
from . import health


def build_api_router() -> APIRouter:
    router = APIRouter()
    for module in (health,):
        router.include_router(module.router)

    @router.api_route(
        "/{rest:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"], include_in_schema=False
    )
    async def unknown_api_path(rest: str) -> None:
        raise NotFound(f"No API route /api/{rest}")

    return router
