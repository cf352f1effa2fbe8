"""GET /api/flows/node-types: the node types a flow may use, with their editor form metadata."""

from __future__ import annotations

from fastapi import APIRouter

from ..flows.nodes import registry
from ..flows.nodes.base import NodeTypeInfo

router = APIRouter(tags=["flows"])


@router.get("/flows/node-types", response_model=list[NodeTypeInfo])
async def list_node_types() -> list[NodeTypeInfo]:
    return registry.infos()
