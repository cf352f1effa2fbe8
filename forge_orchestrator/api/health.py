"""GET /api/health (no auth) and GET /api/app/info."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from starlette.routing import Match, Route
from starlette.types import Receive, Scope, Send

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


class _GetOnly(Route):
    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] != "http" or scope["method"] != "GET":
            return Match.NONE, {}  # HEAD and the rest: the declared route answers, as before
        return super().matches(scope)


class _Health:
    """The same answer as :func:`health` as a bare ASGI app: monitors poll it, and FastAPI's
    request handling (dependencies, Request, response checks) was most of its cost."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await (await health(Request(scope)))(scope, receive, send)


def fast_health_route(path: str) -> Route:
    """Put first in the app's routes: GET `path` answered without FastAPI's machinery; the
    declared route above stays for the OpenAPI schema and every other method."""
    return _GetOnly(path, _Health(), methods=["GET"], include_in_schema=False)


@router.get("/app/info", response_model=AppInfo)
async def app_info(request: Request) -> AppInfo:
    return AppInfo(
        version=__version__,
        database=dialect_name(app_engine(request.app)),
        data_dir=str(request.app.state.settings.data_dir),
    )
