"""Terminal sessions over HTTP (list, create, close), their WebSocket, and text redaction."""

from __future__ import annotations

from fastapi import APIRouter, Request, WebSocket
from starlette.concurrency import run_in_threadpool

from ..terminal.manager import TerminalManager
from ..terminal.models import RedactRequest, RedactResult, SessionCreate, SessionInfo
from ..terminal.redaction import redact_terminal_text
from ..terminal.websocket import serve_attachment

router = APIRouter(prefix="/terminal", tags=["terminal"])


def _manager(request: Request) -> TerminalManager:
    manager: TerminalManager = request.app.state.terminals
    return manager


@router.get("/sessions", response_model=list[SessionInfo])
async def list_sessions(request: Request) -> list[SessionInfo]:
    return _manager(request).list_sessions()


@router.post("/sessions", response_model=SessionInfo, status_code=201)
async def create_session(request: Request, body: SessionCreate) -> SessionInfo:
    # Runs on the event loop on purpose: the session's PTY reader is registered with this loop.
    return _manager(request).create(body)


@router.get("/sessions/{session_id}", response_model=SessionInfo)
async def get_session(request: Request, session_id: str) -> SessionInfo:
    return _manager(request).get(session_id).info()


@router.delete("/sessions/{session_id}", response_model=SessionInfo)
async def close_session(request: Request, session_id: str) -> SessionInfo:
    return await _manager(request).close(session_id)


@router.post("/redact", response_model=RedactResult)
async def redact_text(request: Request, body: RedactRequest) -> RedactResult:
    secrets = getattr(request.app.state, "secrets", None)
    # A keyring lookup may block (OS keyring, database), so it runs in a worker thread.
    text = await run_in_threadpool(redact_terminal_text, secrets, body.text)
    return RedactResult(text=text)


@router.websocket("/sessions/{session_id}/ws")
async def attach(websocket: WebSocket, session_id: str) -> None:
    await serve_attachment(websocket.app.state.terminals, session_id, websocket)
