"""GET /api/ledger: every recorded LLM call, newest first, filtered, keyset-paginated; and one
call with its prompt and answer (GET /api/ledger/calls/{id})."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field, field_serializer

from ..db.service import app_db
from ..db.utils import iso
from ..ledger.call_detail import CaptureState, call_detail
from ..ledger.capture import CapturePolicy
from ..ledger.queries import MAX_LIMIT, ListFilters, entries_page
from .params import RowId
from .rows_json import json_bytes, json_response, row_encoder

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
    outcome: str | None = Field(
        description="Why the row has its status: ok, budget_refused, cancelled, provider_error, "
        "timeout, not_configured, invalid_request, interrupted or error (null while pending)."
    )
    user_name: str | None = Field(
        description="Who made the call (FORGE_USER); null on rows from before it was kept."
    )
    machine: str | None = Field(
        description="The machine it came from (FORGE_MACHINE); null on older rows."
    )

    @field_serializer("timestamp")
    def _ts(self, value: datetime) -> str:
        return iso(value) or ""  # never "": iso() maps only None to None


class LedgerPage(BaseModel):
    items: list[LedgerItem]
    next_cursor: str | None


_item = row_encoder(LedgerItem, timestamp=iso)


def page_json(rows: list[dict[str, Any]], next_cursor: str | None) -> bytes:
    """The LedgerPage of these rows, as FastAPI would write it from the models."""
    return json_bytes({"items": [_item(r) for r in rows], "next_cursor": next_cursor})


@router.get("/ledger", response_model=LedgerPage)
async def list_ledger(
    request: Request,
    filters: Annotated[ListFilters, Query()],
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    body = await app_db(request.app).read(
        lambda conn: page_json(*entries_page(conn, filters, limit=limit, cursor=cursor))
    )
    return json_response(body)


class CallMessage(BaseModel):
    role: str
    content: str


class CallCapture(BaseModel):
    # A response always carries its defaulted fields: the OpenAPI says so (required).
    model_config = ConfigDict(json_schema_serialization_defaults_required=True)

    state: CaptureState = Field(
        description="captured; off (capture is turned off); expired (past the retention "
        "period); not_captured (capture was off then, or the row predates it); pending"
    )
    message: str = Field(description="What a reader should know when nothing is shown.")
    messages: list[CallMessage] = Field(description="The prompt: system first, keys redacted.")
    response: str | None = Field(description="The answer (partial for a stopped call).")
    request_bytes: int = 0
    response_bytes: int = 0
    request_truncated: bool = False
    response_truncated: bool = False
    created_at: datetime | None = None

    @field_serializer("created_at")
    def _ts(self, value: datetime | None) -> str | None:
        return iso(value) if value is not None else None


class CallDetail(BaseModel):
    call: LedgerItem
    capture: CallCapture


@router.get("/ledger/calls/{call_id}", response_model=CallDetail)
async def get_call(request: Request, call_id: RowId) -> CallDetail:
    """One call: its ledger row, and its prompt and answer if they were captured."""
    policy = CapturePolicy.of(request.app.state.settings)
    detail = await app_db(request.app).read(lambda c: call_detail(c, call_id, policy))
    return CallDetail.model_validate(detail)
