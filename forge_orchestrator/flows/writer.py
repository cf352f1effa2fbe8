"""Commits a run's node and run changes as they happen, grouping whatever piles up meanwhile.

Writes are fenced: each transaction first locks the run row and checks that its epoch is still
the one this writer's claim took. Once another server has claimed the run, nothing more is
written and the engine is told to stop (``on_fenced``)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from functools import partial
from typing import Any

from sqlalchemy import Connection, bindparam, select

from ..db.service import Database
from ..db.tables import flow_node_runs, flow_runs
from ..errors import database_fault, database_fault_kind
from .records import RunRecord

log = logging.getLogger(__name__)

_NODE_UPDATE = (
    flow_node_runs.update()
    .where(
        flow_node_runs.c.run_id == bindparam("b_run_id"),
        flow_node_runs.c.node_id == bindparam("b_node_id"),
    )
    .values(
        {
            c: bindparam(f"v_{c}")
            for c in (
                "status",
                "attempts",
                "input",
                "output",
                "stderr",
                "exit_code",
                "json_output",
                "input_tokens",
                "output_tokens",
                "cost_usd",
                "estimated_cost_usd",
                "error",
                "started_at",
                "finished_at",
                "duration_ms",
            )
        }
    )
)


class Fenced(Exception):
    """The run was claimed by another server: this writer's epoch is no longer the run's."""


def _never() -> None:
    return None


class RunWriter:
    """Group commit: one write transaction at a time in a thread, holding every change queued
    while the previous one ran. A finished node is therefore on disk one commit later at most,
    and a 1,000-node run costs far fewer than 2,000 transactions. `durable()` lets a step wait
    until its own "running" record is on disk before it starts a process."""

    def __init__(
        self,
        db: Database,
        run: RunRecord,
        epoch: int,
        on_fenced: Callable[[], None] = _never,
    ) -> None:
        self._db = db
        self._run = run
        self._epoch = epoch
        self._on_fenced = on_fenced
        self.fenced = False
        self._nodes: set[str] = set()
        self._run_dirty = False
        self._task: asyncio.Task[None] | None = None
        # Change sequence numbers: the last one queued and the last one known to be on disk.
        self._queued = 0
        self._stored = 0
        self._waiters: list[tuple[int, asyncio.Future[None]]] = []
        self._abandoned = False

    def node(self, node_id: str) -> None:
        if self.fenced:
            return
        self._nodes.add(node_id)
        self._queued += 1
        self._kick()

    def run(self) -> None:
        if self.fenced:
            return
        self._run_dirty = True
        self._queued += 1
        self._kick()

    async def durable(self) -> None:
        """Wait until every change queued so far is committed; raises if it was given up on."""
        if self.fenced:
            raise Fenced(f"flow run {self._run.id} was claimed by another server")
        target = self._queued
        if self._stored >= target:
            return
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.append((target, waiter))
        self._kick()
        await waiter

    def _stored_up_to(self, seq: int) -> None:
        self._stored = max(self._stored, seq)
        keep = []
        for target, waiter in self._waiters:
            if target <= self._stored:
                if not waiter.done():
                    waiter.set_result(None)
            else:
                keep.append((target, waiter))
        self._waiters = keep

    def _given_up(self, seq: int, exc: Exception) -> None:
        # Whoever waits to start a process must not start it: its record is not on disk.
        self._stored = max(self._stored, seq)
        error = (
            exc
            if isinstance(exc, Fenced)
            else database_fault(exc) or RuntimeError(f"could not save flow run {self._run.id}")
        )
        for _, waiter in self._waiters:
            if not waiter.done():
                waiter.set_exception(error)
        self._waiters = []

    def abandon(self) -> None:
        """Shutting down: stop retrying (start-up marks the run interrupted from its record)."""
        self._abandoned = True

    def _kick(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._drain())

    async def _drain(self) -> None:
        failures = 0
        while self._nodes or self._run_dirty:
            # Yield a few loop turns first: a finished step and the successors it releases
            # change within them, and one transaction can carry them all.
            for _ in range(3):
                await asyncio.sleep(0)
            # Snapshot on the loop thread, write on the database's writer: no connection across
            # awaits.
            rows = [
                {
                    "b_run_id": self._run.id,
                    "b_node_id": n,
                    **{f"v_{k}": v for k, v in self._run.nodes[n].row().items()},
                }
                for n in self._nodes
            ]
            run_row = self._run.run_row() if self._run_dirty else None
            pending, self._nodes = self._nodes, set()
            self._run_dirty = False
            covers = self._queued
            try:
                await self._db.write(partial(self._write, rows=rows, run_row=run_row))
                failures = 0
                self._stored_up_to(covers)
            except Fenced as exc:
                log.error("flow run %s was claimed by another server; not writing it", self._run.id)
                self.fenced = True
                self._nodes, self._run_dirty = set(), False
                self._given_up(covers, exc)
                self._on_fenced()
                break
            except Exception as exc:
                failures += 1
                kind = database_fault_kind(exc)
                # A locked or full database takes the write later: keep every state (a final
                # one above all) and retry until it lands. Other errors get a few tries.
                retry = kind in ("busy", "full") and not self._abandoned
                if (not retry and failures >= 5) or self._abandoned:
                    log.error("gave up saving flow run %s: %s", self._run.id, exc)
                    self._given_up(covers, exc)
                    continue
                if failures == 1 or failures % 20 == 0:
                    log.warning("could not save flow run %s (retrying): %s", self._run.id, exc)
                self._nodes |= pending
                self._run_dirty = self._run_dirty or run_row is not None
                await asyncio.sleep(min(0.05 * 2**failures, 2.0) if retry else 0.2 * failures)
        self._stored_up_to(self._queued)

    def _write(
        self, conn: Connection, rows: list[dict[str, Any]], run_row: dict[str, Any] | None
    ) -> None:
        # The row lock (PostgreSQL) orders this write against a claim by another server.
        held = conn.execute(
            select(flow_runs.c.epoch).where(flow_runs.c.id == self._run.id).with_for_update()
        ).scalar()
        if held != self._epoch:
            raise Fenced(
                f"flow run {self._run.id} is at epoch {held}, this writer has {self._epoch}"
            )
        if rows:
            conn.execute(_NODE_UPDATE, rows)
        if run_row is not None:
            conn.execute(flow_runs.update().where(flow_runs.c.id == self._run.id).values(**run_row))

    async def flush(self) -> None:
        """Wait until every change made so far is committed."""
        while self._task is not None and not self._task.done():
            await asyncio.shield(self._task)
