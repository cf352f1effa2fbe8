"""The run manager on app.state.flows: start, watch, cancel, approve/reject and resume runs."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..db.lease import Lease
from ..db.owners import Owner
from ..db.service import Database
from ..errors import Conflict, NotFound, ValidationFailed
from ..procs.containment import end_leftovers, scope
from ..settings import Settings
from . import run_store, store
from .engine import FlowEngine
from .events import EventBus
from .graph import FlowGraph, compile_flow
from .models import FlowRun, ResumeRun, RunPage, RunSummary, StartRun
from .nodes import registry
from .prepare import look_up, resolve_inputs, step_services
from .records import NodeRecord, RunRecord
from .services import CardCommand, StepServices
from .steps import StepRunner
from .writer import RunWriter

log = logging.getLogger(__name__)
RESUMABLE = run_store.RESUMABLE


class _Hooks:
    """Engine changes go to the database (group-committed) and to live subscribers."""

    def __init__(self, run: RunRecord, writer: RunWriter, bus: EventBus) -> None:
        self.run, self.writer, self.bus = run, writer, bus

    def node_changed(self, rec: NodeRecord) -> None:
        # "queued" is not worth a write: after a crash it reads as pending either way.
        if rec.status != "queued":
            self.writer.node(rec.node_id)
        if self.bus.has_subscribers(self.run.id):
            self.bus.publish(
                self.run.id, "node", rec.to_api().model_dump(mode="json", by_alias=True)
            )

    def run_changed(self) -> None:
        self.writer.run()
        if self.bus.has_subscribers(self.run.id):
            self.bus.publish(self.run.id, "run", self.run.summary().model_dump(mode="json"))

    async def durable(self) -> None:
        await self.writer.durable()

    def output(self, node_id: str, stream: str, text: str) -> None:
        if self.bus.has_subscribers(self.run.id):
            self.bus.publish(
                self.run.id, "output", {"node_id": node_id, "stream": stream, "data": text}
            )


@dataclass
class _Active:
    run: RunRecord
    engine: FlowEngine
    writer: RunWriter
    task: asyncio.Task[None] | None = None


class RunManager:
    def __init__(self, db: Database, settings: Settings, state: Any = None) -> None:
        self.db = db
        self.settings = settings
        self.state = state  # app.state: the gateway and secrets are looked up when a run starts
        self.bus = EventBus()
        self._active: dict[int, _Active] = {}
        self._resuming: set[int] = set()
        # Who this server is in forge_processes (None: a tool that shares no database).
        self.lease: Lease | None = getattr(state, "lease", None)

    # ---- lifecycle -------------------------------------------------------------------

    async def recover(self, dead: list[Owner] | None = None) -> list[int]:
        """At start-up and at heartbeats: runs that dead owners left active become
        `interrupted`. What their steps left running was ended first (the commands component
        and the lease do that), so a resume never runs beside an old copy."""
        if dead is None:
            if not getattr(self.state, "leftovers_ended", False):
                await asyncio.to_thread(end_leftovers, scope(self.settings.data_dir))
            dead = await self.lease.dead() if self.lease is not None else []
        dead_ids = [o.id for o in dead]
        orphans = await self.db.write(lambda c: run_store.interrupt_orphans(c, dead_ids))
        if orphans:
            log.warning("flow runs interrupted by a previous stop: %s", orphans)
        return orphans

    def lease_lost(self) -> None:
        """The lease ran out under us: stop every active run as `interrupted` (if another
        server claimed one meanwhile, its writer is fenced and writes nothing)."""
        for active in list(self._active.values()):
            active.engine.stop("interrupted")

    async def shutdown(self) -> None:
        """Stop every active run as `interrupted` (resumable), killing its processes."""
        for active in list(self._active.values()):
            active.engine.stop("interrupted")
        tasks = [a.task for a in self._active.values() if a.task is not None]
        if tasks and (await asyncio.wait(tasks, timeout=5.0))[1]:
            for active in list(self._active.values()):
                active.writer.abandon()  # the database will not take the final states
        await asyncio.gather(*tasks, return_exceptions=True)

    # ---- starting --------------------------------------------------------------------

    async def start(self, flow_id: int, body: StartRun) -> FlowRun:
        flow = await self.db.read(lambda c: store.get_flow(c, flow_id))
        if flow.status == "archived":
            raise Conflict(f"Flow {flow_id} is archived; set it to draft or active to run it")
        run = await self.start_definition(
            flow.data,
            flow_id=flow.id,
            flow_name=flow.name,
            flow_version=flow.version,
            inputs=body.inputs,
            auto_approve=body.auto_approve,
        )
        return run.to_api()

    async def start_definition(
        self,
        data: Mapping[str, Any],
        *,
        flow_id: int | None,
        flow_name: str,
        flow_version: int = 0,
        inputs: Mapping[str, str] | None = None,
        auto_approve: bool | None = None,
    ) -> RunRecord:
        """Validate, record and launch a run (flow_id None: a definition from a file)."""
        graph = compile_flow(dict(data))
        if not graph.order:
            raise ValidationFailed(
                "The flow has no steps to run",
                details=[{"node_id": None, "field": "nodes", "message": "add at least one step"}],
            )
        resolved = resolve_inputs(graph, inputs or {})
        services, cards = await self._services(graph)
        auto = graph.definition.settings.auto_approve if auto_approve is None else auto_approve
        run = await self.db.write(
            lambda c: run_store.create_run(
                c,
                graph=graph,
                flow_id=flow_id,
                flow_name=flow_name,
                flow_version=flow_version,
                inputs=resolved,
                auto_approve=auto,
                owner_id=self._owner(),
            )
        )
        self._launch(graph, run, services, cards, run_store.FIRST_EPOCH)
        return run

    async def _services(self, graph: FlowGraph) -> tuple[StepServices, dict[str, CardCommand]]:
        # The cards and roles the steps name, read through the service (no thread of its own).
        found = await self.db.read(lambda c: look_up(graph, c))
        return step_services(found, self.db.engine, self.settings, self.state)

    def _owner(self) -> str | None:
        return self.lease.id if self.lease is not None else None

    def _launch(
        self, graph: FlowGraph, run: RunRecord, services: Any, cards: Any, epoch: int
    ) -> None:
        # Another server claimed the run (its writes are fenced): stop the local copy at once.
        writer = RunWriter(self.db, run, epoch, on_fenced=lambda: active.engine.stop("interrupted"))
        hooks = _Hooks(run, writer, self.bus)
        steps = StepRunner(graph, run, services, cards, on_output=hooks.output)
        parallel = graph.definition.settings.max_parallel or self.settings.flow_max_parallel
        active = _Active(run, FlowEngine(graph, run, steps, hooks, max_parallel=parallel), writer)
        self._active[run.id] = active
        active.task = asyncio.get_running_loop().create_task(self._drive(active))

    async def _drive(self, active: _Active) -> None:
        run = active.run
        try:
            await active.engine.execute()
        except Exception as exc:  # never leave a run "running" because of a bug
            log.exception("flow run %s crashed", run.id)
            run.status, run.error = "failed", f"Internal error: {exc}"
            active.writer.run()
        finally:
            await active.writer.flush()
            self._active.pop(run.id, None)
            self.bus.publish(run.id, "run", run.summary().model_dump(mode="json"))
            self.bus.publish(run.id, "end", {"status": run.status})

    async def wait(self, run_id: int) -> RunRecord:
        """Until the run ends (used by the CLI and tests)."""
        active = self._active.get(run_id)
        if active is not None and active.task is not None:
            await asyncio.shield(active.task)
            return active.run
        return await self.db.read(lambda c: run_store.load_run(c, run_id))

    # ---- reading ---------------------------------------------------------------------

    async def _record(self, run_id: int) -> RunRecord:
        active = self._active.get(run_id)
        if active is not None:
            return active.run
        return await self.db.read(lambda c: run_store.load_run(c, run_id))

    async def get_run(self, run_id: int) -> FlowRun:
        return (await self._record(run_id)).to_api()

    async def list_runs(self, flow_id: int, *, limit: int = 50) -> list[RunSummary]:
        await self.db.read(lambda c: store.get_flow(c, flow_id))
        rows = await self.db.read(lambda c: run_store.list_runs(c, flow_id, limit))
        return self._live(rows)

    async def list_all_runs(
        self,
        *,
        flow_id: int | None = None,
        statuses: Sequence[str] = (),
        limit: int = 50,
        before: int | None = None,
    ) -> RunPage:
        """Runs of every flow (or one), newest first, a page at a time."""
        rows = await self.db.read(
            lambda c: run_store.list_runs(c, flow_id, limit, statuses=statuses, before=before)
        )
        runs = self._live(rows)
        return RunPage(runs=runs, next_before=runs[-1].id if len(runs) == limit else None)

    def _live(self, rows: list[RunSummary]) -> list[RunSummary]:
        # A run in progress is read from memory: its rows lag behind by the writer's batch.
        return [self._active[r.id].run.summary() if r.id in self._active else r for r in rows]

    async def subscribe(self, run_id: int) -> AsyncIterator[tuple[str, Any]]:
        run = await self._record(run_id)
        snapshot = run.to_api().model_dump(mode="json", by_alias=True)
        return self.bus.subscribe(run_id, snapshot, ended=run_id not in self._active)

    # ---- control ---------------------------------------------------------------------

    async def cancel(self, run_id: int) -> FlowRun:
        active = self._active.get(run_id)
        if active is None:
            run = await self.db.read(lambda c: run_store.load_run(c, run_id))
            if run.status != "interrupted":
                raise Conflict(f"Run {run_id} is not running (it is {run.status})")
            # An interrupted run can be closed for good instead of resumed.
            run = await self.db.write(lambda c: run_store.close_interrupted(c, run_id))
            return run.to_api()
        active.engine.stop("cancelled")
        if active.task is not None:
            await asyncio.shield(active.task)
        return active.run.to_api()

    async def decide(self, run_id: int, node_id: str, *, approve: bool) -> FlowRun:
        active = self._active.get(run_id)
        if active is None:
            run = await self.db.read(lambda c: run_store.load_run(c, run_id))
            raise Conflict(f"Run {run.id} is not running (it is {run.status})")
        if node_id not in active.run.nodes:
            raise NotFound(f"Run {run_id} has no step {node_id!r}")
        active.engine.decide(node_id, approve)
        # Let the released step take its next state before answering.
        for _ in range(3):
            await asyncio.sleep(0)
        return active.run.to_api()

    async def resume(self, run_id: int, body: ResumeRun) -> FlowRun:
        if run_id in self._resuming:
            raise Conflict(f"Run {run_id} is already being resumed")
        self._resuming.add(run_id)
        try:
            return await self._resume(run_id, body)
        finally:
            self._resuming.discard(run_id)

    async def _resume(self, run_id: int, body: ResumeRun) -> FlowRun:
        ending = self._active.get(run_id)
        if ending is not None and ending.run.status in RESUMABLE and ending.task is not None:
            # It reads failed/cancelled already; its last rows are still being written. Once
            # they are, the run is resumable like any other (it used to answer 409 here).
            await asyncio.shield(ending.task)
        if run_id in self._active:
            raise Conflict(f"Run {run_id} is already running")
        run, epoch = await self.db.read(
            lambda c: (run_store.load_run(c, run_id), run_store.epoch_of(c, run_id))
        )
        if run.status not in RESUMABLE:
            raise Conflict(
                f"Run {run_id} is {run.status}; only interrupted, failed or cancelled runs resume"
            )
        graph = compile_flow(run.definition)
        mid_flight = [
            n.node_id
            for n in run.nodes.values()
            if n.status == "interrupted" and registry.get(n.type).spawns_process
        ]
        if mid_flight and not body.rerun_interrupted:
            raise Conflict(
                f"Shell step(s) {', '.join(mid_flight)} were mid-flight when the run stopped and "
                'may have had side effects. Resume with {"rerun_interrupted": true} to run '
                "them again.",
                code="rerun_confirmation_required",
                details={"nodes": mid_flight, "resume_with": {"rerun_interrupted": True}},
            )
        services, cards = await self._services(graph)
        for rec in run.nodes.values():
            if rec.status != "succeeded":
                rec.reset()
        run.status, run.error, run.finished_at = "queued", None, None
        owner = self._owner()
        claimed = await self.db.write(lambda c: run_store.claim_run(c, run, epoch, owner))
        self._launch(graph, run, services, cards, claimed)
        return run.to_api()
