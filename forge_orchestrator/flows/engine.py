"""Runs a validated graph: each node starts once its upstream is settled, up to max_parallel."""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from typing import Protocol

from ..db.utils import utcnow
from ..errors import AppError, Conflict
from .graph import FlowGraph
from .records import TERMINAL_NODE, NodeRecord, RunRecord
from .templates import NodeValues

log = logging.getLogger(__name__)
MAX_BACKOFF_S = 300.0
REJECTED = "Rejected by user"


class Hooks(Protocol):
    """Where the engine reports changes (persistence and live events)."""

    def node_changed(self, rec: NodeRecord) -> None: ...

    def run_changed(self) -> None: ...

    async def durable(self) -> None:
        """Return once every change reported so far is committed."""


class Steps(Protocol):
    """Executes one node attempt, filling in the record; True when it succeeded."""

    async def execute(
        self, node_id: str, rec: NodeRecord, values: dict[str, NodeValues], cancel: asyncio.Event
    ) -> bool: ...

    async def prepare_gate(
        self, node_id: str, rec: NodeRecord, values: dict[str, NodeValues]
    ) -> None:
        """Fill in what the approver needs to see (rendered input, estimated cost)."""


class FlowEngine:
    def __init__(
        self,
        graph: FlowGraph,
        run: RunRecord,
        steps: Steps,
        hooks: Hooks,
        *,
        max_parallel: int,
    ) -> None:
        self.graph = graph
        self.run = run
        self.steps = steps
        self.hooks = hooks
        self._sem = asyncio.Semaphore(max_parallel)
        self._cancel = asyncio.Event()
        self._stop: str | None = None
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._gates: dict[str, asyncio.Future[bool]] = {}
        self._busy: set[str] = set()
        self._in_process: set[str] = set()
        self._remaining: dict[str, int] = {}
        self._strong: set[str] = set()
        self._branch: dict[str, bool] = {}
        self._values: dict[str, NodeValues] = {}
        self._open = 0
        self._done = asyncio.Event()
        self._work: deque[str] = deque()
        self._draining = False

    # ---- control -------------------------------------------------------------------------

    def stop(self, reason: str = "cancelled") -> None:
        """Cancel (or, on shutdown, interrupt): kill shell groups, cancel the other tasks."""
        if self._stop is not None or self._done.is_set():
            return
        self._stop = reason
        self._cancel.set()
        for node_id, task in self._tasks.items():
            # A shell step ends through its cancel event so its process group is killed.
            if node_id not in self._in_process:
                task.cancel()
        self._done.set()

    def decide(self, node_id: str, approve: bool) -> None:
        gate = self._gates.get(node_id)
        if gate is None or gate.done():
            raise Conflict(f"Node {node_id} is not awaiting approval")
        gate.set_result(approve)

    # ---- main loop -----------------------------------------------------------------------

    async def execute(self) -> str:
        run = self.run
        run.status = "running"
        run.started_at = run.started_at or utcnow()
        run.finished_at = None
        run.error = None
        self.hooks.run_changed()
        for node_id in self.graph.order:
            rec = run.nodes[node_id]
            if rec.status in TERMINAL_NODE:
                self._remember(node_id, rec)
                continue
            self._open += 1
            self._remaining[node_id] = sum(
                1 for p in self.graph.parents(node_id) if run.nodes[p].status not in TERMINAL_NODE
            )
        if self._open == 0:
            self._done.set()
        for node_id, count in list(self._remaining.items()):
            if count == 0:
                self._work.append(node_id)
        self._drain()
        await self._done.wait()
        if self._stop is not None:
            await asyncio.gather(*self._tasks.values(), return_exceptions=True)
            self._mark_stopped()
        return self._final_status()

    def _final_status(self) -> str:
        run = self.run
        if self._stop is not None:
            run.status = self._stop
        elif any(self._is_hard_failure(n) for n in run.nodes):
            run.status = "failed"
            failed = [n for n in run.nodes if self._is_hard_failure(n)]
            verb = "was rejected" if run.nodes[failed[0]].error == REJECTED else "failed"
            run.error = f"Step {failed[0]} {verb}" + (
                f" (and {len(failed) - 1} more)" if len(failed) > 1 else ""
            )
        else:
            run.status = "succeeded"
        if self._stop == "cancelled":
            run.error = "Cancelled by user"
        elif self._stop == "interrupted":
            run.error = "The server stopped during this run; resume it to continue"
        run.finished_at = utcnow()
        self.hooks.run_changed()
        return run.status

    def _mark_stopped(self) -> None:
        now = utcnow()
        for rec in self.run.nodes.values():
            if rec.status in TERMINAL_NODE or rec.status == "interrupted":
                continue
            if self._stop == "interrupted":
                # Only a step that was doing something may have had side effects.
                rec.status = "interrupted" if rec.status == "running" else "pending"
            else:
                rec.status = "cancelled"
                if rec.started_at is not None:
                    rec.finished_at = rec.finished_at or now
            if rec.started_at is not None and rec.status != "pending":
                rec.duration_ms = int((now - rec.started_at).total_seconds() * 1000)
            self.hooks.node_changed(rec)

    # ---- scheduling ----------------------------------------------------------------------

    def _is_hard_failure(self, node_id: str) -> bool:
        rec = self.run.nodes[node_id]
        if rec.status != "failed":
            return False
        return not self.graph.kind(node_id).continues_on_error(self.graph.data[node_id])

    def _remember(self, node_id: str, rec: NodeRecord) -> None:
        if rec.status in ("succeeded", "failed"):
            self._values[node_id] = rec.values()
        if self.graph.kind(node_id).branches and isinstance(rec.json, dict):
            self._branch[node_id] = bool(rec.json.get("result"))
        if rec.status == "failed" and self._is_hard_failure(node_id):
            self._strong.add(node_id)

    def _edge_active(self, source: str, branch: str | None) -> bool:
        rec = self.run.nodes[source]
        if rec.status == "failed":
            return not self._is_hard_failure(source)
        if rec.status != "succeeded":
            return False
        if source in self._branch:
            return branch == ("true" if self._branch[source] else "false")
        return True

    def _drain(self) -> None:
        # A worklist, not recursion: a skip can cascade down a thousand-node chain.
        if self._draining:
            return
        self._draining = True
        try:
            while self._work:
                self._ready(self._work.popleft())
        finally:
            self._draining = False

    def _ready(self, node_id: str) -> None:
        if self._stop is not None:
            return
        incoming = self.graph.incoming[node_id]
        blocked = [e.source for e in incoming if e.source in self._strong]
        if blocked:
            self._skip(node_id, f"not run: upstream step {blocked[0]} failed", strong=True)
        elif not incoming or any(self._edge_active(e.source, e.branch) for e in incoming):
            self._tasks[node_id] = asyncio.get_running_loop().create_task(self._run_node(node_id))
        else:
            self._skip(node_id, "not run: its branch was not taken", strong=False)

    def _skip(self, node_id: str, reason: str, *, strong: bool) -> None:
        rec = self.run.nodes[node_id]
        rec.status = "skipped"
        rec.error = reason
        if strong:
            self._strong.add(node_id)
        self._settled(node_id)

    def _settled(self, node_id: str) -> None:
        rec = self.run.nodes[node_id]
        self._remember(node_id, rec)
        self.hooks.node_changed(rec)
        self._open -= 1
        for target in dict.fromkeys(e.target for e in self.graph.outgoing[node_id]):
            self._remaining[target] -= 1
            if self._remaining[target] == 0:
                self._work.append(target)
        if self._open == 0:
            self._done.set()
        self._drain()

    def _run_status(self) -> None:
        status = "awaiting_approval" if self._gates and not self._busy else "running"
        if status != self.run.status and self._stop is None and not self._done.is_set():
            self.run.status = status
            self.hooks.run_changed()

    # ---- one node ------------------------------------------------------------------------

    async def _run_node(self, node_id: str) -> None:
        rec = self.run.nodes[node_id]
        kind = self.graph.kind(node_id)
        gated = kind.gate == "always" or (
            kind.gate == "unless_auto_approve" and not self.run.auto_approve
        )
        try:
            if gated:
                if not await self._gate(node_id, rec):
                    rec.status = "failed"
                    rec.error = REJECTED
                    rec.finished_at = utcnow()
                    return
                if kind.gate_only:
                    rec.status = "succeeded"
                    rec.output = "approved"
                    rec.finished_at = utcnow()
                    return
            await self._attempts(node_id, rec)
        except asyncio.CancelledError:
            if self._stop is None:
                raise
            return
        except AppError as exc:  # e.g. its record could not be saved: it did not start
            log.warning("flow step %s failed: %s", node_id, exc.message)
            rec.status = "failed"
            rec.error = exc.message
            rec.finished_at = utcnow()
        except Exception as exc:  # a bug in a step must fail that step, not hang the run
            log.exception("flow step %s crashed", node_id)
            rec.status = "failed"
            rec.error = f"Internal error: {type(exc).__name__}: {exc}"
            rec.finished_at = utcnow()
        finally:
            self._busy.discard(node_id)
            self._in_process.discard(node_id)
            if rec.started_at and rec.finished_at:
                rec.duration_ms = int((rec.finished_at - rec.started_at).total_seconds() * 1000)
            if self._stop is None and rec.status in TERMINAL_NODE:
                self._settled(node_id)
            self._run_status()

    async def _gate(self, node_id: str, rec: NodeRecord) -> bool:
        # Estimate first, then show the gate: the approver always sees the cost.
        await self.steps.prepare_gate(node_id, rec, self._values)
        rec.status = "awaiting_approval"
        # A step's time includes its wait for a person (approval and gated llm steps alike),
        # so a step's time and the run's never tell two stories.
        if rec.started_at is None:
            rec.started_at = utcnow()
        gate: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._gates[node_id] = gate
        self.hooks.node_changed(rec)
        self._run_status()
        try:
            return await gate
        finally:
            self._gates.pop(node_id, None)

    async def _attempts(self, node_id: str, rec: NodeRecord) -> None:
        data = self.graph.data[node_id]
        retries, delay = self.graph.kind(node_id).retry_policy(data)
        spawns_process = self.graph.kind(node_id).spawns_process
        while True:
            rec.status = "queued"
            self._busy.add(node_id)
            self.hooks.node_changed(rec)
            async with self._sem:
                if self._stop is not None:
                    return
                rec.attempts += 1
                rec.status = "running"
                rec.started_at = rec.started_at or utcnow()
                self.hooks.node_changed(rec)
                self._run_status()
                if spawns_process:
                    # A crash must find a started process recorded as running (so resuming
                    # asks before running it again): commit that first, then spawn.
                    await self.hooks.durable()
                    if self._stop is not None:
                        return
                    self._in_process.add(node_id)
                ok = await self.steps.execute(node_id, rec, self._values, self._cancel)
                self._in_process.discard(node_id)
            if self._stop is not None:
                return
            if ok or rec.attempts > retries:
                rec.status = "succeeded" if ok else "failed"
                rec.finished_at = utcnow()
                return
            wait = min(delay * 2 ** (rec.attempts - 1), MAX_BACKOFF_S)
            rec.error = f"attempt {rec.attempts} failed: {rec.error}; retrying in {wait:g}s"
            self.hooks.node_changed(rec)
            await asyncio.sleep(wait)
