"""The set of terminal sessions on ``app.state.terminals``: create, list, close, idle expiry."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid

from ..errors import Conflict, NotFound
from ..procs import cgroup, reaper
from ..procs.containment import TAG_VAR, new_tag, scope
from ..settings import Settings
from .models import SessionCreate, SessionInfo
from .pty_process import resolve_cwd, resolve_shell, spawn
from .session import TerminalSession

log = logging.getLogger(__name__)

MAX_SESSIONS = 32


class TerminalManager:
    def __init__(self, settings: Settings) -> None:
        self.idle_timeout_s = settings.terminal_idle_timeout_s
        self.scrollback_bytes = settings.terminal_scrollback_bytes
        self.scope = scope(settings.data_dir)
        self.sessions: dict[str, TerminalSession] = {}
        self._reaper: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._reaper = asyncio.create_task(self._expire_idle())

    async def stop(self) -> None:
        if self._reaper is not None:
            self._reaper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reaper
        await asyncio.gather(*(self.close(sid) for sid in list(self.sessions)))

    def create(self, req: SessionCreate) -> SessionInfo:
        if len(self.sessions) >= MAX_SESSIONS:
            raise Conflict(f"At most {MAX_SESSIONS} terminal sessions; close one first.")
        shell = resolve_shell(req.shell)
        cwd = resolve_cwd(req.cwd)
        tag = new_tag(self.scope, "term")
        with reaper.SPAWN_LOCK:  # the reaper must see the shell as owned from its first moment
            proc = spawn(shell, cwd, req.rows, req.cols, {TAG_VAR: tag})
            reaper.register_root(proc.pid)
        session = TerminalSession(
            uuid.uuid4().hex,
            proc,
            tag=tag,
            group=cgroup.create(tag, proc.pid),
            rows=req.rows,
            cols=req.cols,
            scrollback_bytes=self.scrollback_bytes,
            # One more than the highest open one: numbers stay small and never shift.
            number=max((s.number for s in self.sessions.values()), default=0) + 1,
        )
        self.sessions[session.id] = session
        return session.info()

    def list_sessions(self) -> list[SessionInfo]:
        return [s.info() for s in self.sessions.values()]  # creation order

    def find(self, session_id: str) -> TerminalSession | None:
        return self.sessions.get(session_id)

    def get(self, session_id: str) -> TerminalSession:
        session = self.sessions.get(session_id)
        if session is None:
            raise NotFound(f"No terminal session {session_id}")
        return session

    async def close(self, session_id: str) -> SessionInfo:
        session = self.get(session_id)
        await session.close()
        self.sessions.pop(session_id, None)
        return session.info()

    def _check_period(self) -> float:
        return min(max(self.idle_timeout_s / 4, 0.05), 5.0)

    async def _expire_idle(self) -> None:
        while True:
            await asyncio.sleep(self._check_period())
            now = time.monotonic()
            for session in list(self.sessions.values()):
                if session.idle_for(now) > self.idle_timeout_s:
                    log.info("closing terminal %s: detached for too long", session.id)
                    with contextlib.suppress(NotFound):  # closed by someone else meanwhile
                        await self.close(session.id)
