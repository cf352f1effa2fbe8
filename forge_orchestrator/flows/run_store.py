"""Runs in flow_runs / flow_node_runs: create, load, list, and interrupt runs left by a crash.

Each function takes the caller's connection (``db.read`` / ``db.write``)."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

import psutil
from sqlalchemy import Connection, RowMapping, and_, case, func, select

from ..db.tables import flow_node_runs, flow_runs
from ..db.utils import utcnow
from ..errors import NotFound
from .graph import FlowGraph
from .models import RunSummary, RunTotals
from .records import ACTIVE_RUN, NodeRecord, RunRecord


@cache
def worker_id() -> str:
    """This process, stable across PID reuse: pid plus its start time."""
    return f"{os.getpid()}:{psutil.Process().create_time():.3f}"


def worker_alive(worker: str | None) -> bool:
    if not worker or ":" not in worker:
        return False
    pid_text, started = worker.split(":", 1)
    try:
        proc = psutil.Process(int(pid_text))
        return f"{proc.create_time():.3f}" == started and proc.status() != psutil.STATUS_ZOMBIE
    except (ValueError, psutil.Error):
        return False


def create_run(
    conn: Connection,
    *,
    graph: FlowGraph,
    flow_id: int | None,
    flow_name: str,
    flow_version: int,
    inputs: Mapping[str, str],
    auto_approve: bool,
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
        flow_runs.insert().values(**fields, worker=worker_id())
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


def interrupt_orphans(conn: Connection) -> list[int]:
    """At start-up: runs left active by a process that is gone become `interrupted`."""
    rows = conn.execute(
        select(flow_runs.c.id, flow_runs.c.worker).where(flow_runs.c.status.in_(ACTIVE_RUN))
    ).all()
    orphans = [run_id for run_id, worker in rows if not worker_alive(worker)]
    if not orphans:
        return []
    conn.execute(
        flow_runs.update()
        .where(flow_runs.c.id.in_(orphans))
        .values(
            status="interrupted",
            worker=None,
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


def claim_run(conn: Connection, run: RunRecord) -> None:
    """Take ownership of a run being resumed and write its reset node records."""
    conn.execute(
        flow_runs.update()
        .where(flow_runs.c.id == run.id)
        .values(worker=worker_id(), **run.run_row())
    )
    for n in run.nodes.values():
        conn.execute(
            flow_node_runs.update()
            .where(flow_node_runs.c.run_id == run.id, flow_node_runs.c.node_id == n.node_id)
            .values(**n.row())
        )


def close_interrupted(conn: Connection, run_id: int) -> RunRecord:
    """Cancel an interrupted run for good: its unfinished nodes become `cancelled`."""
    now = utcnow()
    conn.execute(
        flow_runs.update()
        .where(flow_runs.c.id == run_id, flow_runs.c.status == "interrupted")
        .values(status="cancelled", finished_at=now, error="Cancelled after an interruption")
    )
    conn.execute(
        flow_node_runs.update()
        .where(
            flow_node_runs.c.run_id == run_id,
            flow_node_runs.c.status.in_(("pending", "interrupted", "queued", "running")),
        )
        .values(status="cancelled")
    )
    return load_run(conn, run_id)
