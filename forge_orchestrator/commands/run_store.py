"""command_runs rows: insert at start, finish, read, list, and mark orphans interrupted.

A run's writes are fenced: they land only while its epoch is the one its owner inserted it with
(FIRST_EPOCH); recovery by another server adds one, so a late write of the old owner changes
nothing."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, or_, select, update

from ..db.tables import command_cards, command_runs, forge_processes
from ..db.utils import iso, utcnow
from ..errors import NotFound
from .models import Run, RunSummary
from .process import ProcessResult

_SUMMARY_COLUMNS = [
    command_runs.c.id,
    command_runs.c.card_id,
    command_runs.c.command,
    command_runs.c.status,
    command_runs.c.exit_code,
    command_runs.c.truncated,
    command_runs.c.output_bytes,
    command_runs.c.started_at,
    command_runs.c.finished_at,
    command_runs.c.duration_ms,
]
FIRST_EPOCH = 1


def to_run(row: Any) -> Run:
    return Run(
        id=row["id"],
        card_id=row["card_id"],
        command=row["command"],
        shell=row["shell"],
        cwd=row["cwd"],
        status=row["status"],
        exit_code=row["exit_code"],
        output=row["output"] or "",
        truncated=bool(row["truncated"]),
        output_bytes=row["output_bytes"] or 0,
        risk_level=row["risk_level"],
        pid=row["pid"],
        started_at=iso(row["started_at"]) or "",
        finished_at=iso(row["finished_at"]),
        duration_ms=row["duration_ms"],
    )


def insert_run(
    conn: Connection,
    *,
    card_id: int | None,
    command: str,
    shell: str,
    cwd: str | None,
    risk_level: str,
    pid: int | None = None,
    owner_id: str | None = None,
) -> Run:
    values = {
        "card_id": card_id,
        "command": command,
        "shell": shell,
        "cwd": cwd,
        "status": "running",
        "output": "",
        "truncated": False,
        "output_bytes": 0,
        "risk_level": risk_level,
        "pid": pid,
        "started_at": utcnow(),
    }
    row = {**values, "owner_id": owner_id, "epoch": FIRST_EPOCH}
    key = conn.execute(insert(command_runs).values(**row)).inserted_primary_key
    assert key is not None
    return to_run({**values, "id": int(key[0]), "exit_code": None, "finished_at": None,
                       "duration_ms": None})  # fmt: skip


def _fenced(run_id: int) -> Any:
    return (command_runs.c.id == run_id) & (command_runs.c.epoch == FIRST_EPOCH)


def set_pid(conn: Connection, run_id: int, pid: int) -> bool:
    """Record the started process (a restart after a crash ends its group by it); False when
    the run was recovered by another server meanwhile (fenced: nothing written)."""
    done = conn.execute(
        update(command_runs)
        .where(_fenced(run_id), command_runs.c.status == "running")
        .values(pid=pid)
    )
    return done.rowcount == 1


def finish_values(result: ProcessResult, status: str | None = None) -> dict[str, Any]:
    """The final columns of a run whose process ended."""
    return {
        "status": status or result.status,
        "exit_code": result.exit_code,
        "output": result.output,
        "chunks": [list(c) for c in result.chunks],
        "truncated": result.truncated,
        "output_bytes": result.output_bytes,
        "pid": result.pid,
        "finished_at": utcnow(),
        "duration_ms": result.duration_ms,
    }


def fail_values(message: str, duration_ms: int) -> dict[str, Any]:
    """The final columns of a run whose command could not be started at all."""
    return {
        "status": "failed",
        "output": message,
        "chunks": [["info", message, 0]],
        "output_bytes": len(message.encode()),
        "finished_at": utcnow(),
        "duration_ms": duration_ms,
    }


def final_run(run: Run, values: dict[str, Any]) -> Run:
    """The run as it will read once ``values`` are stored (served from memory meanwhile)."""
    fields = {k: v for k, v in values.items() if k in Run.model_fields and k != "finished_at"}
    return run.model_copy(update={**fields, "finished_at": iso(values["finished_at"])})


def write_final(conn: Connection, run_id: int, values: dict[str, Any]) -> Run | None:
    """Store the outcome; None when another server recovered the run first (fenced)."""
    done = conn.execute(update(command_runs).where(_fenced(run_id)).values(**values))
    return get_run(conn, run_id) if done.rowcount == 1 else None


def get_run(conn: Connection, run_id: int) -> Run:
    row = conn.execute(select(command_runs).where(command_runs.c.id == run_id)).mappings().first()
    if row is None:
        raise NotFound(f"Command run {run_id} not found", details={"run_id": run_id})
    return to_run(row)


def get_chunks(conn: Connection, run_id: int) -> tuple[Run, list[tuple[str, str, int]]]:
    """A finished run and its stored tagged chunks (plain output if none were stored)."""
    row = conn.execute(select(command_runs).where(command_runs.c.id == run_id)).mappings().first()
    if row is None:
        raise NotFound(f"Command run {run_id} not found", details={"run_id": run_id})
    run = to_run(row)
    stored = row["chunks"]
    if stored is None:
        chunks = [("stdout", run.output, 1)] if run.output else []
    else:
        chunks = [(str(c[0]), str(c[1]), int(c[2]) if len(c) > 2 else 0) for c in stored]
    return run, chunks


def list_runs(conn: Connection, *, card_id: int | None, limit: int) -> list[RunSummary]:
    """Newest first, cards' and one-off runs alike, each with its card's current name."""
    joined = command_runs.outerjoin(command_cards, command_runs.c.card_id == command_cards.c.id)
    query = (
        select(*_SUMMARY_COLUMNS, command_cards.c.name.label("card_name"))
        .select_from(joined)
        .order_by(command_runs.c.id.desc())
        .limit(limit)
    )
    if card_id is not None:
        query = query.where(command_runs.c.card_id == card_id)
    rows = conn.execute(query).mappings().all()
    return [
        RunSummary(
            **{k: row[k] for k in row if k not in ("started_at", "finished_at")},
            started_at=iso(row["started_at"]) or "",
            finished_at=iso(row["finished_at"]),
        )
        for row in rows
    ]


def mark_interrupted(
    conn: Connection, dead_owners: list[str]
) -> list[tuple[int, int | None, datetime, str | None]]:
    """Claim the `running` rows of dead owners (or of none: rows from before 0011, or whose
    owner row is gone) as interrupted; returns (id, pid, started_at, owner_id) of each.

    Live servers sharing a PostgreSQL database may run this at once: the rows are locked and
    a row another one holds is skipped, so each run is claimed once (SQLite: the one writer)."""
    owner = command_runs.c.owner_id
    orphaned = or_(
        owner.is_(None), owner.in_(dead_owners), owner.not_in(select(forge_processes.c.id))
    )
    rows = conn.execute(
        select(command_runs.c.id, command_runs.c.pid, command_runs.c.started_at, owner)
        .where(command_runs.c.status == "running", orphaned)
        .with_for_update(skip_locked=True)
    ).all()
    if rows:
        conn.execute(
            update(command_runs)
            .where(command_runs.c.id.in_([r.id for r in rows]), command_runs.c.status == "running")
            .values(status="interrupted", finished_at=utcnow(), epoch=command_runs.c.epoch + 1)
        )
    return [(r.id, r.pid, r.started_at, r.owner_id) for r in rows]
