"""Flow definitions over HTTP: CRUD, duplicate, import/export, versions and validation.

Shapes (see flows/models.py): a Flow is {id, name, description, status, data, version,
created_at, updated_at, node_count, last_run}; PUT carries the `version` last read (stale → 409);
POST /flows/validate answers 200 {valid, issues: [{node_id, field, message}]}; saving or running
an invalid definition answers 422 with the same issue list as error.details.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from ..db.service import app_db
from ..flows import store
from ..flows.graph import check_definition
from ..flows.models import (
    Flow,
    FlowCreate,
    FlowExport,
    FlowImport,
    FlowUpdate,
    FlowVersion,
    IssueOut,
    ValidateRequest,
    ValidationReport,
)
from .params import RowId, Version

router = APIRouter(tags=["flows"])


@router.get("/flows", response_model=list[Flow])
async def list_flows(request: Request, include_archived: bool = False) -> list[Flow]:
    return await app_db(request.app).read(lambda c: store.list_flows(c, include_archived))


@router.post("/flows", response_model=Flow, status_code=201)
async def create_flow(request: Request, body: FlowCreate) -> Flow:
    return await app_db(request.app).write(lambda c: store.create_flow(c, body))


@router.post("/flows/validate", response_model=ValidationReport)
async def validate_flow(body: ValidateRequest) -> ValidationReport:
    graph, issues = check_definition(body.data)
    return ValidationReport(
        valid=graph is not None,
        issues=[IssueOut(node_id=i.node_id, field=i.field, message=i.message) for i in issues],
    )


@router.post("/flows/import", response_model=Flow, status_code=201)
async def import_flow(request: Request, body: FlowImport) -> Flow:
    return await app_db(request.app).write(lambda c: store.import_flow(c, body))


@router.get("/flows/{flow_id:int}", response_model=Flow)
async def get_flow(request: Request, flow_id: RowId) -> Flow:
    return await app_db(request.app).read(lambda c: store.get_flow(c, flow_id))


@router.put("/flows/{flow_id:int}", response_model=Flow)
async def update_flow(request: Request, flow_id: RowId, body: FlowUpdate) -> Flow:
    return await app_db(request.app).write(lambda c: store.update_flow(c, flow_id, body))


@router.delete("/flows/{flow_id:int}", status_code=204)
async def delete_flow(request: Request, flow_id: RowId) -> Response:
    await app_db(request.app).write(lambda c: store.delete_flow(c, flow_id))
    return Response(status_code=204)


@router.post("/flows/{flow_id:int}/duplicate", response_model=Flow, status_code=201)
async def duplicate_flow(request: Request, flow_id: RowId) -> Flow:
    return await app_db(request.app).write(lambda c: store.duplicate_flow(c, flow_id))


@router.get("/flows/{flow_id:int}/export", response_model=FlowExport)
async def export_flow(request: Request, flow_id: RowId, response: Response) -> FlowExport:
    exported = await app_db(request.app).read(lambda c: store.export_flow(c, flow_id))
    response.headers["Content-Disposition"] = f'attachment; filename="flow-{flow_id}.json"'
    return exported


@router.get("/flows/{flow_id:int}/versions", response_model=list[FlowVersion])
async def list_versions(request: Request, flow_id: RowId) -> list[FlowVersion]:
    return await app_db(request.app).read(lambda c: store.list_versions(c, flow_id))


@router.post("/flows/{flow_id:int}/versions/{version:int}/restore", response_model=Flow)
async def restore_version(request: Request, flow_id: RowId, version: Version) -> Flow:
    return await app_db(request.app).write(lambda c: store.restore_version(c, flow_id, version))
