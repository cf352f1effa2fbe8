"""Running commands over HTTP: analyze, run, history, cancel and the live SSE stream."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel
from sse_starlette import EventSourceResponse
from starlette.concurrency import run_in_threadpool

from ..commands.cards import template_verdict
from ..commands.models import (
    AnalyzeRequest,
    RiskVerdict,
    Run,
    RunPreview,
    RunRequest,
    RunSummary,
)
from ..commands.prepare import preview_run
from ..commands.runs import RunManager
from .commands import errors
from .params import OptionalRowId, RowId

router = APIRouter(prefix="/commands", tags=["command runs"], responses=errors(422))


class RunStarted(BaseModel):
    run: Run


def _manager(request: Request) -> RunManager:
    manager: RunManager = request.app.state.commands
    return manager


@router.post("/analyze", response_model=RiskVerdict)
async def analyze_command(body: AnalyzeRequest) -> RiskVerdict:
    # Parsing a long command takes a while; keep it off the event loop.
    # A template's nested-interpreter placeholders count, so the editor's badge shows them.
    return await run_in_threadpool(template_verdict, body.command)


@router.post("/preview", response_model=RunPreview, responses=errors(404))
async def preview(request: Request, body: RunRequest) -> RunPreview:
    """Exactly what POST /run would execute for this body, with its bindings; runs nothing."""
    manager = _manager(request)
    prepared = await manager.db.read(lambda conn: preview_run(conn, manager.settings, body))
    return prepared.preview


@router.post("/run", response_model=RunStarted, status_code=201, responses=errors(404, 409))
async def start_run(request: Request, body: RunRequest) -> RunStarted:
    """Starts at once. 409 `confirmation_required` for a dangerous command without "confirm":
    true, or a value a nested interpreter parses without the matching "confirm_token"."""
    return RunStarted(run=await _manager(request).start(body))


@router.get("/runs", response_model=list[RunSummary])
async def list_runs(
    request: Request,
    card_id: OptionalRowId = None,
    limit: int = Query(50, ge=1, le=500),
) -> list[RunSummary]:
    return await _manager(request).list(card_id=card_id, limit=limit)


@router.get("/runs/{run_id:int}", response_model=Run, responses=errors(404))
async def get_run(request: Request, run_id: RowId) -> Run:
    return await _manager(request).get(run_id)


@router.post("/runs/{run_id:int}/cancel", response_model=Run, responses=errors(404, 409))
async def cancel_run(request: Request, run_id: RowId) -> Run:
    return await _manager(request).cancel(run_id)


@router.get("/runs/{run_id:int}/events", response_class=EventSourceResponse, responses=errors(404))
async def run_events(request: Request, run_id: RowId) -> EventSourceResponse:
    """SSE: `chunk` {stream, data, seq} from the start, and `status` {run} when it changes."""
    manager = _manager(request)
    await manager.get(run_id)  # 404 before the stream starts

    async def stream() -> AsyncIterator[dict[str, str]]:
        async for event, data in manager.events(run_id):
            yield {"event": event, "data": json.dumps(data)}

    return EventSourceResponse(stream(), ping=15)
