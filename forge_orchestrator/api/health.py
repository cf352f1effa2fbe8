"""GET /api/health (no auth) and GET /api/app/info."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import Engine, text
from starlette.concurrency import run_in_threadpool

from .. import __version__

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str
    version: str
    database: str


class AppInfo(BaseModel):
    version: str
    database: str
    data_dir: str


def _ping(engine: Engine) -> None:
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))


@router.get("/health", response_model=Health)
async def health(request: Request) -> Health | JSONResponse:
    try:
        await run_in_threadpool(_ping, request.app.state.engine)
    except Exception as exc:  # health reports a broken database rather than raising
        body = Health(
            status="degraded", version=__version__, database=f"error: {type(exc).__name__}"
        )
        return JSONResponse(body.model_dump(), status_code=503)
    return Health(status="ok", version=__version__, database="ok")


@router.get("/app/info", response_model=AppInfo)
async def app_info(request: Request) -> AppInfo:
    engine: Engine = request.app.state.engine
    return AppInfo(
        version=__version__,
        database=engine.dialect.name,
        data_dir=str(request.app.state.settings.data_dir),
    )
