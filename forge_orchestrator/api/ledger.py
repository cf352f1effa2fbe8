"""GET /api/ledger: every recorded LLM call, newest first, filtered, keyset-paginated."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, field_serializer
from starlette.concurrency import run_in_threadpool

from ..db.utils import iso
from ..ledger.queries import MAX_LIMIT, LedgerFilters, list_entries

router = APIRouter(tags=["ledger"])


class LedgerItem(BaseModel):
    id: int
    timestamp: datetime
    flow_id: str | None
    model_used: str
    agent_role: str | None
    prompt_hash: str
    input_tokens: int
    output_tokens: int
    total_cost_usd: float | None
    latency_ms: int
    status: str
    error_message: str | None
    provider: str
    model_requested: str | None
    attempts: int
    usage_source: str
    cached_input_tokens: int
    cache_write_tokens: int
    reasoning_tokens: int
    ttft_ms: int | None
    request_id: str | None
    price_input_per_mtok: float | None
    price_output_per_mtok: float | None
    price_cached_input_per_mtok: float | None
    price_cache_write_per_mtok: float | None
    cost_status: str
    max_tokens: int | None
    streamed: bool
    run_id: str | None
    node_id: str | None

    @field_serializer("timestamp")
    def _ts(self, value: datetime) -> str | None:
        return iso(value)


class LedgerPage(BaseModel):
    items: list[LedgerItem]
    next_cursor: str | None


@router.get("/ledger", response_model=LedgerPage)
async def list_ledger(
    request: Request,
    filters: Annotated[LedgerFilters, Query()],
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> LedgerPage:
    rows, next_cursor = await run_in_threadpool(
        list_entries, request.app.state.engine, filters, limit=limit, cursor=cursor
    )
    items: list[Any] = [LedgerItem.model_validate(r) for r in rows]
    return LedgerPage(items=items, next_cursor=next_cursor)
