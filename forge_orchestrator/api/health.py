"""GET /api/health (no auth) and GET /api/app/info."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from .. import __version__
from ..db.engine import app_engine, dialect_name
from ..db.liveness import Liveness

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str
    version: str
    database: str


class AppInfo(BaseModel):
    version: str
    database: str
    data_dir: str


# The healthy answer never changes: encoded once, not validated and dumped per request.
_OK = Health(status="ok", version=__version__, database="ok").model_dump_json().encode()


@router.get("/health", response_model=Health)
async def health(request: Request) -> Response:
    liveness: Liveness = request.app.state.liveness
    problem = await liveness.problem()
    if problem is not None:
        body = Health(status="degraded", version=__version__, database=problem)
        return JSONResponse(body.model_dump(), status_code=503)
    return Response(_OK, media_type="application/json")


@router.get("/app/info", response_model=AppInfo)
async def app_info(request: Request) -> AppInfo:
    return AppInfo(
        version=__version__,
        database=dialect_name(app_engine(request.app)),
        data_dir=str(request.app.state.settings.data_dir),
    )
