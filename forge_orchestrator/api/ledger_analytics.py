"""GET /api/ledger/summary, /api/ledger/export (streamed CSV or JSONL) and /api/ledger/reprice."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse

from ..db.service import app_db
from ..db.utils import utcnow
from ..ledger.export import ExportFormat, media_type, stream_export
from ..ledger.prices import price_book
from ..ledger.queries import LedgerFilters, LedgerStatus
from ..ledger.reprice import Reprice, reprice
from ..ledger.summary import GroupBy, Summary, summarize
from ..pricing.overrides import ready

router = APIRouter(tags=["ledger"])


def ledger_filters(
    model: str | None = Query(None, max_length=200),
    provider: str | None = Query(None, max_length=100),
    agent_role: str | None = Query(None, max_length=100),
    flow_id: str | None = Query(None, max_length=64),
    status: LedgerStatus | None = None,
    since: datetime | None = Query(None, description="inclusive, ISO 8601 (UTC if naive)"),
    until: datetime | None = Query(None, description="exclusive, ISO 8601 (UTC if naive)"),
    user_name: Annotated[str | None, Query(max_length=100, description="who made the call")] = None,
    machine: Annotated[str | None, Query(max_length=255, description="its machine")] = None,
) -> LedgerFilters:
    return LedgerFilters(
        model=model,
        provider=provider,
        agent_role=agent_role,
        flow_id=flow_id,
        status=status,
        since=since,
        until=until,
        user_name=user_name,
        machine=machine,
    )


Filters = Annotated[LedgerFilters, Depends(ledger_filters)]


@router.get("/ledger/summary", response_model=Summary)
async def ledger_summary(request: Request, filters: Filters, group_by: GroupBy = "day") -> Summary:
    return await app_db(request.app).read(lambda c: summarize(c, filters, group_by))


@router.get(
    "/ledger/export",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "The selected rows, oldest first, streamed.",
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                "application/x-ndjson": {"schema": {"type": "string"}},
            },
        }
    },
)
async def ledger_export(
    request: Request, filters: Filters, format: ExportFormat = "csv"
) -> StreamingResponse:
    # A sync generator: Starlette pulls each batch in a worker thread, one short read each.
    chunks = stream_export(request.app.state.engine, filters, format)
    name = f"forge-ledger-{utcnow():%Y%m%d-%H%M%S}.{format}"
    return StreamingResponse(
        (c.encode("utf-8") for c in chunks),
        media_type=media_type(format),
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/ledger/reprice", response_model=Reprice)
async def ledger_reprice(
    request: Request,
    model: str = Query(min_length=1, max_length=200, description="the model to price the calls on"),
    target_provider: str | None = Query(None, max_length=100, description="its provider"),
    from_model: str | None = Query(None, max_length=200, description="filter: model_used"),
    provider: str | None = Query(None, max_length=100),
    agent_role: str | None = Query(None, max_length=100),
    flow_id: str | None = Query(None, max_length=64),
    status: LedgerStatus | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Reprice:
    # `model` names the what-if model here, so the model_used filter is `from_model`.
    filters = ledger_filters(from_model, provider, agent_role, flow_id, status, since, until)
    db = app_db(request.app)
    book = await ready(db, price_book(request.app))
    return await db.read(lambda c: reprice(c, filters, book, model, target_provider))
