"""Browser sessions over HTTP: list, revoke, WebSocket/SSE tickets, login codes, token rotation."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from ..auth.sessions import LOGIN_CODE_TTL_S, TICKET_TTL_S, BrowserSession
from ..auth.tokens import rotate_token_file
from ..errors import NotFound, ValidationFailed
from ..security import TICKET_PARAM, AccessGuard, Caller, describe_url

router = APIRouter(tags=["sessions"])


class SessionOut(BaseModel):
    id: str
    created_at: str
    last_seen_at: str
    user_agent: str
    current: bool = Field(description="The session making this request.")


class TicketIn(BaseModel):
    path: str = Field(
        min_length=5,
        max_length=500,
        description="The exact /api/... path of the WebSocket or event stream to open.",
    )


class TicketOut(BaseModel):
    ticket: str
    param: str = Field(description="Query parameter that carries it: ?ticket=<ticket>.")
    expires_in_s: float


class LoginCodeOut(BaseModel):
    code: str
    url: str
    expires_in_s: float


class RotatedOut(BaseModel):
    token: str
    sessions_ended: int


def _guard(request: Request) -> AccessGuard:
    guard: AccessGuard = request.app.state.guard
    return guard


def _caller(request: Request) -> Caller | None:
    caller = request.scope.get("state", {}).get("caller")
    return caller if isinstance(caller, Caller) else None


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat()


def _out(session: BrowserSession, current: str | None) -> SessionOut:
    return SessionOut(
        id=session.id,
        created_at=_iso(session.created_at),
        last_seen_at=_iso(session.last_seen_at),
        user_agent=session.user_agent,
        current=session.id == current,
    )


@router.get("/sessions", response_model=list[SessionOut])
async def list_sessions(request: Request) -> list[SessionOut]:
    caller = _caller(request)
    current = caller.session_id if caller else None
    return [_out(s, current) for s in _guard(request).auth.list_sessions()]


@router.delete("/sessions/{session_id}", status_code=204)
async def revoke_session(session_id: str, request: Request) -> Response:
    if not _guard(request).auth.revoke(session_id):
        raise NotFound(f"No browser session {session_id}")
    return Response(status_code=204)


@router.post("/sessions/tickets", response_model=TicketOut, status_code=201)
async def new_ticket(body: TicketIn, request: Request) -> TicketOut:
    """A single-use ticket, valid for 30 s, for one WebSocket or EventSource URL (which cannot
    carry the X-Forge-Session header)."""
    if not body.path.startswith("/api/") or "?" in body.path:
        raise ValidationFailed("path must be an /api/... path without a query string")
    caller = _caller(request)
    ticket = _guard(request).auth.new_ticket(body.path, caller.session_id if caller else None)
    return TicketOut(ticket=ticket, param=TICKET_PARAM, expires_in_s=TICKET_TTL_S)


@router.post("/sessions/login-codes", response_model=LoginCodeOut, status_code=201)
async def new_login_code(request: Request) -> LoginCodeOut:
    """A one-time browser login link (what `forge-orchestrator login` prints)."""
    code = _guard(request).auth.new_login_code()
    server = request.scope.get("server") or ("127.0.0.1", 0)
    url = describe_url(str(server[0]), int(server[1] or 0), code)
    return LoginCodeOut(code=code, url=url, expires_in_s=LOGIN_CODE_TTL_S)


@router.post("/token/rotate", response_model=RotatedOut)
async def rotate_token(request: Request) -> RotatedOut:
    """A new API token in <data_dir>/token; the old one, and every browser session, ends now."""
    guard = _guard(request)
    token = await run_in_threadpool(rotate_token_file, request.app.state.settings)
    guard.token = token
    return RotatedOut(token=token, sessions_ended=guard.auth.revoke_all())
