"""Runs in flow_runs / flow_node_runs: create, load, list, and interrupt runs left by a crash.

Each function takes the caller's connection (``db.read`` / ``db.write``). A run's epoch is its
fencing token: creating, recovering and resuming it each claim a new one, and the RunWriter of a
claim writes only while the epoch is still its own."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, RowMapping, and_, case, func, or_, select

from ..db.tables import flow_node_runs, flow_runs, forge_processes
from ..db.utils import utcnow
from ..errors import Conflict, NotFound
from .graph import FlowGraph
from .models import RunSummary, RunTotals
from .records import ACTIVE_RUN, NodeRecord, RunRecord

FIRST_EPOCH = 1
RESUMABLE = ("interrupted", "failed", "cancelled")


def create_run(
    conn: Connection,
    *,
    graph: FlowGraph,
    flow_id: int | None,
    flow_name: str,
    flow_version: int,
    inputs: Mapping[str, str],
    auto_approve: bool,
    owner_id: str | None = None,
) -> RunRecord:
    fields: dict[str, Any] = {
        "flow_id": flow_id,
        "flow_name": flow_name,
        "flow_version": flow_version,
        "definition": graph.definition.model_dump(mode="json"),
        "status": "queued",
        "inputs": dict(inputs),
        "auto_approve": auto_approve,
        "created_at": utcnow(),
    }
    run_id = conn.execute(
        flow_runs.insert().values(**fields, owner_id=owner_id, epoch=FIRST_EPOCH)
    ).inserted_primary_key[0]  # type: ignore[index]
    conn.execute(
        flow_node_runs.insert(),
        [{"run_id": run_id, "node_id": n, "status": "pending", "attempts": 0} for n in graph.order],
    )
    run = RunRecord(id=run_id, **fields)
    for n in graph.order:
        run.nodes[n] = NodeRecord(n, graph.nodes[n].type, graph.label(n))
    return run


def _node(row: RowMapping, kinds: Mapping[str, tuple[str, str]]) -> NodeRecord:
    node_type, label = kinds.get(row["node_id"], ("shell", row["node_id"]))
    return NodeRecord(
        node_id=row["node_id"],
        type=node_type,
        label=label,
        status=row["status"],
        attempts=row["attempts"],
        started_at=row["started_at"],
        finished_at=row["finished_at"],
        duration_ms=row["duration_ms"],
        exit_code=row["exit_code"],
        input=row["input"],
        output=row["output"],
        stderr=row["stderr"],
        json=row["json_output"],
        input_tokens=row["input_tokens"],
        output_tokens=row["output_tokens"],
        cost_usd=row["cost_usd"],
        estimated_cost_usd=row["estimated_cost_usd"],
        error=row["error"],
    )


def _kinds(definition: Any) -> dict[str, tuple[str, str]]:
    out: dict[str, tuple[str, str]] = {}
    for n in definition.get("nodes", []) if isinstance(definition, dict) else []:
        label = (n.get("data") or {}).get("label") or n["id"]
        out[n["id"]] = (n.get("type", "shell"), label)
    return out


def _record(row: RowMapping) -> RunRecord:
    return RunRecord(
        id=row["id"],
        flow_id=row["flow_id"],
        flow_name=row["flow_name"],
        flow_version=row["flow_version"],
        definition=row["definition"],
        status=row["status"],
        inputs=row["inputs"] or {},
        auto_approve=row["auto_approve"],
        created_at=row["created_at"],
        error=row["error"],
        started_at=row["started_at"],
        finished_at=row["finished_at"],
    )


def load_run(conn: Connection, run_id: int) -> RunRecord:
    row = conn.execute(select(flow_runs).where(flow_runs.c.id == run_id)).mappings().first()
    if row is None:
        raise NotFound(f"Flow run {run_id} does not exist")
    run = _record(row)
    kinds = _kinds(run.definition)
    order = {n: i for i, n in enumerate(kinds)}
    nodes = conn.execute(select(flow_node_runs).where(flow_node_runs.c.run_id == run_id)).mappings()
    for r in sorted(nodes, key=lambda r: order.get(r["node_id"], len(order))):
        run.nodes[r["node_id"]] = _node(r, kinds)
    return run


def list_runs(
    conn: Connection,
    flow_id: int | None,
    limit: int,
    *,
    statuses: Sequence[str] = (),
    before: int | None = None,
) -> list[RunSummary]:
    """Newest first, with totals and per-status node counts aggregated in SQL. `flow_id` None
    is every flow's runs; `before` pages on by run id (ids grow with creation)."""
    query = select(flow_runs).order_by(flow_runs.c.id.desc()).limit(limit)
    if flow_id is not None:
        query = query.where(flow_runs.c.flow_id == flow_id)
    if statuses:
        query = query.where(flow_runs.c.status.in_(statuses))
    if before is not None:
        query = query.where(flow_runs.c.id < before)
    rows = list(conn.execute(query).mappings())
    ids = [r["id"] for r in rows]
    agg = conn.execute(
        select(
            flow_node_runs.c.run_id,
            flow_node_runs.c.status,
            func.count(),
            func.coalesce(func.sum(flow_node_runs.c.input_tokens), 0),
            func.coalesce(func.sum(flow_node_runs.c.output_tokens), 0),
            func.coalesce(func.sum(flow_node_runs.c.cost_usd), 0.0),
        )
        .where(flow_node_runs.c.run_id.in_(ids))
        .group_by(flow_node_runs.c.run_id, flow_node_runs.c.status)
    ).all()
    out: list[RunSummary] = []
    for r in rows:
        run = _record(r)
        summary = run.summary()
        totals = RunTotals(duration_ms=summary.totals.duration_ms)
        counts: dict[str, int] = {}
        for run_id, status, count, tin, tout, cost in agg:
            if run_id == run.id:
                counts[status] = int(count)
                totals.input_tokens += int(tin)
                totals.output_tokens += int(tout)
                totals.cost_usd = round(totals.cost_usd + float(cost), 8)
        out.append(summary.model_copy(update={"totals": totals, "node_counts": counts}))
    return out


def epoch_of(conn: Connection, run_id: int) -> int:
    value = conn.execute(select(flow_runs.c.epoch).where(flow_runs.c.id == run_id)).scalar()
    if value is None:
        raise NotFound(f"Flow run {run_id} does not exist")
    return int(value)


def interrupt_orphans(conn: Connection, dead_owners: Sequence[str]) -> list[int]:
    """Runs left active by dead owners (or by none: rows from before 0011, or whose owner row
    is gone) become `interrupted`, each claimed once: rows another live server is claiming
    right now are locked and skipped (PostgreSQL); SQLite has the one writer."""
    owner = flow_runs.c.owner_id
    orphaned = or_(
        owner.is_(None), owner.in_(dead_owners), owner.not_in(select(forge_processes.c.id))
    )
    orphans = list(
        conn.execute(
            select(flow_runs.c.id)
            .where(flow_runs.c.status.in_(ACTIVE_RUN), orphaned)
            .with_for_update(skip_locked=True)
        ).scalars()
    )
    if not orphans:
        return []
    conn.execute(
        flow_runs.update()
        .where(flow_runs.c.id.in_(orphans), flow_runs.c.status.in_(ACTIVE_RUN))
        .values(
            status="interrupted",
            owner_id=None,
            epoch=flow_runs.c.epoch + 1,
            error="The server stopped while this run was in progress; resume it to continue.",
        )
    )
    # A node that was mid-flight may have had side effects; one that had not started did not.
    conn.execute(
        flow_node_runs.update()
        .where(
            and_(
                flow_node_runs.c.run_id.in_(orphans),
                flow_node_runs.c.status.in_(("running", "queued", "awaiting_approval")),
            )
        )
        .values(
            status=case((flow_node_runs.c.status == "running", "interrupted"), else_="pending"),
            error=case(
                (flow_node_runs.c.status == "running", "interrupted mid-flight by a crash"),
                else_=None,
            ),
        )
    )
    return orphans


def claim_run(conn: Connection, run: RunRecord, read_epoch: int, owner_id: str | None) -> int:
    """Take a run being resumed (only if nobody claimed it since it was read) and write its
    reset node records; returns the new epoch. Two servers resuming it at once: one wins,
    the other gets 409."""
    taken = conn.execute(
        flow_runs.update()
        .where(
            flow_runs.c.id == run.id,
            flow_runs.c.epoch == read_epoch,
            flow_runs.c.status.in_(RESUMABLE),
        )
        .values(owner_id=owner_id, epoch=read_epoch + 1, **run.run_row())
    )
    if taken.rowcount != 1:
        raise Conflict(f"Run {run.id} was resumed or changed by another server meanwhile")
    for n in run.nodes.values():
        conn.execute(
            flow_node_runs.update()
            .where(flow_node_runs.c.run_id == run.id, flow_node_runs.c.node_id == n.node_id)
            .values(**n.row())
        )
    return read_epoch + 1


def close_interrupted(conn: Connection, run_id: int) -> RunRecord:
    """Cancel an interrupted run for good: its unfinished nodes become `cancelled`."""
    now = utcnow()
    closed = conn.execute(
        flow_runs.update()
        .where(flow_runs.c.id == run_id, flow_runs.c.status == "interrupted")
        .values(
            status="cancelled",
            finished_at=now,
            error="Cancelled after an interruption",
            epoch=flow_runs.c.epoch + 1,
        )
    )
    if closed.rowcount != 1:  # another server resumed it meanwhile: its nodes are its own
        raise Conflict(f"Run {run_id} is no longer interrupted (another server resumed it)")
    conn.execute(
        flow_node_runs.update()
        .where(
            flow_node_runs.c.run_id == run_id,
            flow_node_runs.c.status.in_(("pending", "interrupted", "queued", "running")),
        )
        .values(status="cancelled")
    )
    return load_run(conn, run_id)
