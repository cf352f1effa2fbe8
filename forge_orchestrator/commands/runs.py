"""The run manager on app.state.commands: starts runs as tasks, streams and persists them."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import AsyncIterator
from typing import Any

from ..db.lease import Lease
from ..db.retry import Background, until_stored
from ..db.service import Database
from ..errors import AppError, Conflict
from ..procs.containment import new_tag, scope
from ..settings import Settings
from . import run_store
from .live import Event, LiveRun
from .models import FINAL_STATUSES, Run, RunRequest, RunSummary
from .output import CappedOutput
from .prepare import PreparedRun, prepare_run
from .process import run_process

log = logging.getLogger(__name__)
RECENT_MAX = 64
RECENT_TTL_S = 30.0
RECENT_MAX_BYTES = 256 * 1024
CLOSE_SAVE_S = 5.0  # at shutdown, how long final rows may keep retrying a locked database
Chunk = tuple[str, str, int]


class RunManager:
    def __init__(self, db: Database, settings: Settings, lease: Lease | None = None) -> None:
        self.db = db
        self.settings = settings
        self.lease = lease  # None: runs record no owner (a tool that shares no database)
        self._live: dict[int, LiveRun] = {}
        # Runs that just finished, so the viewer that opens right after a short command ends
        # (the usual case for `ls`) is served from memory instead of two database reads.
        self._recent: OrderedDict[int, tuple[float, Run, list[Chunk]]] = OrderedDict()
        self._closing = False
        # Set when shutdown stops waiting for a database that will not take the final rows:
        # the next start marks those runs interrupted (mark_interrupted).
        self._abandon = False
        self._background = Background()
        # Runs stopped because this server lost its lease: they end `interrupted`, not cancelled.
        self._lost: set[int] = set()

    async def start(self, req: RunRequest) -> Run:
        """Validate, record a `running` row, then start the process; returns at once.

        The row comes first: a command whose record cannot be written (a locked or full
        database: 503) never starts. The pid is added once the process runs (a restart after
        a crash ends the group by it); a command that cannot start is recorded as failed.
        """
        prepared = await self.db.read(lambda conn: prepare_run(conn, self.settings, req))
        run = await self.db.write(
            lambda conn: run_store.insert_run(
                conn,
                card_id=prepared.card_id,
                command=prepared.command,
                shell=prepared.shell,
                cwd=prepared.cwd,
                risk_level=prepared.risk.level,
                owner_id=self.lease.id if self.lease is not None else None,
            )
        )
        live = LiveRun(buffer=CappedOutput(self.settings.command_output_cap_bytes), run=run)
        self._live[run.id] = live
        live.registered.set()
        spawned: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        live.task = asyncio.create_task(self._execute(live, prepared, spawned))
        try:
            pid = await spawned
        except BaseException:
            live.cancel.set()  # the task records how it ended
            raise
        self._background.start(self._record_pid(live, run.id, pid), f"pid of command run {run.id}")
        return run.model_copy(update={"pid": pid})

    async def _record_pid(self, live: LiveRun, run_id: int, pid: int) -> None:
        held = await until_stored(
            lambda: self.db.write(lambda conn: run_store.set_pid(conn, run_id, pid)),
            what=f"the pid of command run {run_id}",
            stop=lambda: self._abandon,
        )
        if not held and live.run is not None and live.run.status not in FINAL_STATUSES:
            # Another server recovered the run (our lease ran out): its process must not go on.
            log.error("command run %s was taken over by another server; stopping it", run_id)
            self._lost.add(run_id)
            live.cancel.set()

    async def _execute(
        self, live: LiveRun, prepared: PreparedRun, spawned: asyncio.Future[int]
    ) -> Run | None:
        started = time.monotonic()

        def on_start(pid: int) -> None:
            live.pid = pid
            spawned.set_result(pid)

        try:
            result = await run_process(
                prepared.command,
                shell=prepared.shell,
                cwd=prepared.cwd,
                env=prepared.env,
                timeout_s=prepared.timeout_s,
                output_cap=self.settings.command_output_cap_bytes,
                on_chunk=live.publish,
                cancel=live.cancel,
                on_start=on_start,
                tag=new_tag(scope(self.settings.data_dir), "cmd"),
            )
        except Exception as exc:
            if not spawned.done():  # it never started: the POST reports why
                spawned.set_exception(exc)
            else:
                log.exception("command run crashed")
            message = exc.message if isinstance(exc, AppError) else "Internal error running it"
            elapsed = int((time.monotonic() - started) * 1000)
            return await self._store(live, run_store.fail_values(message, elapsed))
        # Stopped because the server is shutting down, not by the user.
        stopped = self._closing or (live.run is not None and live.run.id in self._lost)
        closing = stopped and result.status == "cancelled"
        values = run_store.finish_values(result, "interrupted" if closing else None)
        return await self._store(live, values)

    async def _store(self, live: LiveRun, values: dict[str, Any]) -> Run | None:
        assert live.run is not None
        run_id = live.run.id
        # Viewers learn the outcome now; the row follows, retried while the database is
        # locked or full (meanwhile this run is served from memory, never as `running`).
        final = run_store.final_run(live.run, values)
        live.finish(final)
        try:
            stored = await until_stored(
                lambda: self.db.write(lambda conn: run_store.write_final(conn, run_id, values)),
                what=f"the result of command run {run_id}",
                stop=lambda: self._abandon,
            )
            if stored is None:  # fenced: the row is the recovering server's now
                log.error("command run %s was recovered by another server; result dropped", run_id)
                self._lost.discard(run_id)
                return await self.db.read(lambda conn: run_store.get_run(conn, run_id))
            final = stored
        except Exception:
            log.exception("command run %s ended but its result could not be saved", run_id)
        finally:
            self._live.pop(run_id, None)
            self._lost.discard(run_id)
        if final.output_bytes <= RECENT_MAX_BYTES:
            self._recent[run_id] = (time.monotonic(), final, live.buffer.chunks())
            while len(self._recent) > RECENT_MAX:
                self._recent.popitem(last=False)
        return final

    def _recall(self, run_id: int) -> tuple[Run, list[Chunk]] | None:
        entry = self._recent.get(run_id)
        if entry is None:
            return None
        if time.monotonic() - entry[0] > RECENT_TTL_S:
            del self._recent[run_id]
            return None
        return entry[1], entry[2]

    async def get(self, run_id: int) -> Run:
        live = self._live.get(run_id)
        if live is not None:
            return live.snapshot()
        recent = self._recall(run_id)
        if recent is not None:
            return recent[0]
        return await self.db.read(lambda conn: run_store.get_run(conn, run_id))

    async def wait(self, run_id: int) -> Run:
        """The run once it has finished (immediately if it already has)."""
        live = self._live.get(run_id)
        if live is not None and live.task is not None:
            final = await asyncio.shield(live.task)
            if final is not None:
                return final
        return await self.db.read(lambda conn: run_store.get_run(conn, run_id))

    async def list(self, *, card_id: int | None, limit: int = 50) -> list[RunSummary]:
        return await self.db.read(
            lambda conn: run_store.list_runs(conn, card_id=card_id, limit=limit)
        )

    async def cancel(self, run_id: int) -> Run:
        """Stop a running command (its whole process group) and return the final run."""
        live = self._live.get(run_id)
        if live is None:
            run = await self.get(run_id)
            if run.status in FINAL_STATUSES:
                raise Conflict(
                    f"Run {run_id} already finished ({run.status})",
                    details={"status": run.status},
                )
            return run
        live.cancel.set()
        return await self.wait(run_id)

    async def events(self, run_id: int) -> AsyncIterator[Event]:
        """`chunk` events from the start, then live ones, then a final `status` event."""
        live = self._live.get(run_id)
        if live is not None and live.run is not None and live.run.status in FINAL_STATUSES:
            # Ended, its row still being saved: replay from memory like a finished run.
            for stream, data, seq in live.buffer.chunks():
                yield "chunk", {"stream": stream, "data": data, "seq": seq}
            yield "status", {"run": live.snapshot().model_dump()}
            return
        if live is None:
            recent = self._recall(run_id)
            if recent is None:
                recent = await self.db.read(lambda conn: run_store.get_chunks(conn, run_id))
            run, chunks = recent
            for stream, data, seq in chunks:
                yield "chunk", {"stream": stream, "data": data, "seq": seq}
            yield "status", {"run": run.model_dump()}
            return
        replay, sub = live.subscribe()
        try:
            yield "status", {"run": live.snapshot().model_copy(update={"output": ""}).model_dump()}
            for event in replay:
                yield event
            async for event in sub.events():
                yield event
        finally:
            live.subscribers.discard(sub)

    def lease_lost(self) -> None:
        """The lease ran out under us: stop every live run (they end `interrupted`; a run
        another server already recovered keeps what that server wrote)."""
        for run_id, live in self._live.items():
            self._lost.add(run_id)
            live.cancel.set()

    async def close(self) -> None:
        """Cancel every live run (killing its process group) and wait for them to be stored."""
        self._closing = True
        tasks = []
        for live in list(self._live.values()):
            live.cancel.set()
            if live.task is not None:
                tasks.append(live.task)
        if tasks:
            _, waiting = await asyncio.wait(tasks, timeout=CLOSE_SAVE_S)
            if waiting:
                self._abandon = True
                await asyncio.gather(*tasks, return_exceptions=True)
        await self._background.wait(CLOSE_SAVE_S)
