"""Flow runs over HTTP: start, inspect, list, cancel, approve/reject, resume and live events.

GET /flow-runs lists the runs of all flows ({"runs": [RunSummary], "next_before"}), filtered by
status (repeatable) and flow_id, a page of `limit` older than run id `before`.

A run object is flows.models.FlowRun. Start answers 201 {"run": FlowRun}; cancel, approve,
reject and resume answer the FlowRun itself. Resuming a run whose shell steps were mid-flight
answers 409 (code "rerun_confirmation_required", details.nodes) unless the body says
{"rerun_interrupted": true}. SSE events: snapshot (FlowRun), run (FlowRun without nodes),
node (NodeRun), output ({node_id, stream, data}), end ({status}).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Query, Request
from sse_starlette import EventSourceResponse

from ..flows.models import FlowRun, ResumeRun, RunEnvelope, RunPage, RunStatus, RunSummary, StartRun
from ..flows.runs import RunManager
from .params import MAX_ROW_ID, OptionalRowId, RowId

router = APIRouter(tags=["flow runs"])


def _runs(request: Request) -> RunManager:
    manager: RunManager = request.app.state.flows
    return manager


@router.post("/flows/{flow_id:int}/runs", response_model=RunEnvelope, status_code=201)
async def start_run(request: Request, flow_id: RowId, body: StartRun | None = None) -> RunEnvelope:
    run = await _runs(request).start(flow_id, body or StartRun())
    return RunEnvelope(run=run)


@router.get("/flows/{flow_id:int}/runs", response_model=list[RunSummary])
async def list_runs(request: Request, flow_id: RowId, limit: int = 50) -> list[RunSummary]:
    return await _runs(request).list_runs(flow_id, limit=max(1, min(limit, 500)))


@router.get("/flow-runs", response_model=RunPage)
async def list_all_runs(
    request: Request,
    status: list[RunStatus] = Query(default=[], description="Any of these (repeatable)."),
    flow_id: OptionalRowId = None,
    limit: int = Query(50, ge=1, le=500),
    before: Annotated[
        int | None, Query(ge=1, le=MAX_ROW_ID, description="Only runs older than this run id.")
    ] = None,
) -> RunPage:
    """Runs of every flow, newest first, with status, timing, tokens and cost."""
    return await _runs(request).list_all_runs(
        flow_id=flow_id, statuses=status, limit=limit, before=before
    )


@router.get("/flows/runs/{run_id:int}", response_model=FlowRun)
async def get_run(request: Request, run_id: RowId) -> FlowRun:
    return await _runs(request).get_run(run_id)


@router.post("/flows/runs/{run_id:int}/cancel", response_model=FlowRun)
async def cancel_run(request: Request, run_id: RowId) -> FlowRun:
    return await _runs(request).cancel(run_id)


@router.post("/flows/runs/{run_id:int}/nodes/{node_id}/approve", response_model=FlowRun)
async def approve_node(request: Request, run_id: RowId, node_id: str) -> FlowRun:
    return await _runs(request).decide(run_id, node_id, approve=True)


@router.post("/flows/runs/{run_id:int}/nodes/{node_id}/reject", response_model=FlowRun)
async def reject_node(request: Request, run_id: RowId, node_id: str) -> FlowRun:
    return await _runs(request).decide(run_id, node_id, approve=False)


@router.post("/flows/runs/{run_id:int}/resume", response_model=FlowRun)
async def resume_run(request: Request, run_id: RowId, body: ResumeRun | None = None) -> FlowRun:
    return await _runs(request).resume(run_id, body or ResumeRun())


@router.get("/flows/runs/{run_id:int}/events")
async def run_events(request: Request, run_id: RowId) -> EventSourceResponse:
    events = await _runs(request).subscribe(run_id)

    async def stream() -> AsyncIterator[dict[str, str]]:
        async for name, payload in events:
            yield {"event": name, "data": json.dumps(payload, separators=(",", ":"))}

    return EventSourceResponse(stream(), ping=15)
