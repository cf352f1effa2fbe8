"""HTTP only: one router module per resource, assembled here under /api."""

from __future__ import annotations

from fastapi import APIRouter

from ..errors import COMMON_ERRORS, NotFound
from . import (
    architect,
    budgets,
    command_runs,
    commands,
    flow_runs,
    flows,
    health,
    keys,
    ledger,
    ledger_analytics,
    llm,
    node_types,
    optimizations,
    roles,
    sessions,
    terminal,
)


def build_api_router() -> APIRouter:
    router = APIRouter(responses=COMMON_ERRORS)
    for module in (
        command_runs,
        commands,
        flow_runs,
        flows,
        node_types,
        architect,
        ledger,
        ledger_analytics,
        llm,
        roles,
        health,
        keys,
        terminal,
        budgets,
        optimizations,
        sessions,
    ):
        router.include_router(module.router)

    @router.api_route(
        "/{rest:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"], include_in_schema=False
    )
    async def unknown_api_path(rest: str) -> None:
        raise NotFound(f"No API route /api/{rest}")

    return router
