"""Flow definitions in forge_flows: CRUD with optimistic concurrency and a version per save.

Every function takes the caller's connection: reads run in ``db.read``, writes in ``db.write``
(one transaction, so a save and the flow it returns are one consistent unit)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, RowMapping, func, select

from ..db.tables import flow_runs, flow_versions, forge_flows
from ..db.utils import iso, utcnow
from ..errors import Conflict, NotFound
from .graph import compile_flow
from .models import (
    EMPTY_DEFINITION,
    Flow,
    FlowCreate,
    FlowExport,
    FlowImport,
    FlowStatus,
    FlowUpdate,
    FlowVersion,
    RunBrief,
)

ACTIVE_RUN_STATUSES = ("queued", "running", "awaiting_approval")


def normalize(data: Mapping[str, Any]) -> dict[str, Any]:
    """Validate (422 with node/field details) and return the canonical JSON to store."""
    return compile_flow(dict(data)).definition.model_dump(mode="json")


def _node_count(data: Any) -> int:
    nodes = data.get("nodes") if isinstance(data, dict) else None
    return len(nodes) if isinstance(nodes, list) else 0


def _brief(row: RowMapping | None) -> RunBrief | None:
    if row is None:
        return None
    return RunBrief(
        id=row["id"],
        status=row["status"],
        created_at=iso(row["created_at"]) or "",
        started_at=iso(row["started_at"]),
        finished_at=iso(row["finished_at"]),
    )


def _flow(row: RowMapping, last_run: RowMapping | None = None) -> Flow:
    return Flow(
        id=row["id"],
        name=row["name"],
        description=row["description"],
        status=row["status"],
        data=row["data"],
        version=row["version"],
        created_at=iso(row["created_at"]) or "",
        updated_at=iso(row["updated_at"]) or "",
        node_count=_node_count(row["data"]),
        last_run=_brief(last_run),
    )


def _last_runs(conn: Connection, flow_ids: list[int]) -> dict[int, RowMapping]:
    if not flow_ids:
        return {}
    latest = (
        select(func.max(flow_runs.c.id))
        .where(flow_runs.c.flow_id.in_(flow_ids))
        .group_by(flow_runs.c.flow_id)
    )
    rows = conn.execute(select(flow_runs).where(flow_runs.c.id.in_(latest))).mappings()
    return {r["flow_id"]: r for r in rows}


def _row(conn: Connection, flow_id: int, *, for_update: bool = False) -> RowMapping:
    query = select(forge_flows).where(forge_flows.c.id == flow_id)
    if for_update:
        # PostgreSQL: a second saver waits here and then reads the first one's version.
        # SQLite ignores it (write_tx already holds the database-wide write lock).
        query = query.with_for_update()
    row = conn.execute(query).mappings().first()
    if row is None:
        raise NotFound(f"Flow {flow_id} does not exist")
    return row


def list_flows(conn: Connection, include_archived: bool = False) -> list[Flow]:
    query = select(forge_flows).order_by(forge_flows.c.updated_at.desc(), forge_flows.c.id.desc())
    if not include_archived:
        query = query.where(forge_flows.c.status != "archived")
    rows = list(conn.execute(query).mappings())
    last = _last_runs(conn, [r["id"] for r in rows])
    return [_flow(r, last.get(r["id"])) for r in rows]


def get_flow(conn: Connection, flow_id: int) -> Flow:
    row = _row(conn, flow_id)
    return _flow(row, _last_runs(conn, [flow_id]).get(flow_id))


def _record_version(
    conn: Connection, flow_id: int, values: Mapping[str, Any], note: str | None
) -> None:
    conn.execute(
        flow_versions.insert().values(
            flow_id=flow_id,
            version=values["version"],
            name=values["name"],
            description=values["description"],
            data=values["data"],
            note=note,
            created_at=utcnow(),
        )
    )


def _insert(
    conn: Connection, name: str, description: str, data: dict[str, Any], status: str, note: str
) -> Flow:
    now = utcnow()
    values = {
        "name": name,
        "description": description,
        "data": normalize(data),
        "status": status,
        "version": 1,
        "created_at": now,
        "updated_at": now,
    }
    flow_id = conn.execute(forge_flows.insert().values(**values)).inserted_primary_key[0]  # type: ignore[index]
    _record_version(conn, flow_id, values, note)
    return get_flow(conn, flow_id)


def create_flow(conn: Connection, body: FlowCreate) -> Flow:
    return _insert(conn, body.name, body.description, body.data, body.status, "Created")


def save_flow(
    conn: Connection,
    flow_id: int,
    *,
    data: Mapping[str, Any] | None,
    expected_version: int | None,
    note: str | None,
    name: str | None = None,
    description: str | None = None,
    status: FlowStatus | None = None,
) -> Flow:
    """Write a new version; a stale expected_version raises Conflict (409). Old ones are kept."""
    canonical = normalize(data) if data is not None else None
    row = _row(conn, flow_id, for_update=True)
    if expected_version is not None and expected_version != row["version"]:
        raise _stale(flow_id, row["version"], expected_version)
    values = {
        "name": row["name"] if name is None else name,
        "description": row["description"] if description is None else description,
        "data": row["data"] if canonical is None else canonical,
        "status": row["status"] if status is None else status,
        "version": row["version"] + 1,
        "updated_at": utcnow(),
    }
    # Fenced on the version this save read, so a save that raced past the read (any
    # backend, any isolation level) changes nothing and is told so instead of colliding
    # with the other save's flow_versions row.
    fenced = forge_flows.update().where(
        forge_flows.c.id == flow_id, forge_flows.c.version == row["version"]
    )
    if conn.execute(fenced.values(**values)).rowcount != 1:
        now = _row(conn, flow_id)["version"]
        raise _stale(flow_id, now, row["version"] if expected_version is None else expected_version)
    _record_version(conn, flow_id, values, note)
    return get_flow(conn, flow_id)


def _stale(flow_id: int, current: int, edited: int) -> Conflict:
    return Conflict(
        f"Flow {flow_id} was changed elsewhere (now version {current}, "
        f"you edited version {edited}); reload it and apply your change again",
        details={"current_version": current},
    )


def update_flow(conn: Connection, flow_id: int, body: FlowUpdate) -> Flow:
    return save_flow(
        conn,
        flow_id,
        data=body.data,
        expected_version=body.version,
        note=body.note,
        name=body.name,
        description=body.description,
        status=body.status,
    )


def delete_flow(conn: Connection, flow_id: int) -> None:
    _row(conn, flow_id)
    active = conn.execute(
        select(func.count())
        .select_from(flow_runs)
        .where(flow_runs.c.flow_id == flow_id, flow_runs.c.status.in_(ACTIVE_RUN_STATUSES))
    ).scalar_one()
    if active:
        raise Conflict(f"Flow {flow_id} has {active} active run(s); cancel them first")
    conn.execute(flow_versions.delete().where(flow_versions.c.flow_id == flow_id))
    conn.execute(flow_runs.delete().where(flow_runs.c.flow_id == flow_id))
    conn.execute(forge_flows.delete().where(forge_flows.c.id == flow_id))


def duplicate_flow(conn: Connection, flow_id: int) -> Flow:
    src = get_flow(conn, flow_id)
    name = f"{src.name} (copy)"[:200]
    return _insert(
        conn, name, src.description, src.data, "draft", f"Duplicated from flow {flow_id}"
    )


def export_flow(conn: Connection, flow_id: int) -> FlowExport:
    src = get_flow(conn, flow_id)
    return FlowExport(
        name=src.name, description=src.description, data=src.data, exported_at=iso(utcnow()) or ""
    )


def import_flow(conn: Connection, body: FlowImport) -> Flow:
    return _insert(
        conn, body.name, body.description, body.data or EMPTY_DEFINITION, "draft", "Imported"
    )


def list_versions(conn: Connection, flow_id: int) -> list[FlowVersion]:
    _row(conn, flow_id)
    rows = conn.execute(
        select(flow_versions)
        .where(flow_versions.c.flow_id == flow_id)
        .order_by(flow_versions.c.version.desc())
    ).mappings()
    return [
        FlowVersion(
            version=r["version"],
            name=r["name"],
            description=r["description"],
            note=r["note"],
            created_at=iso(r["created_at"]) or "",
            node_count=_node_count(r["data"]),
            data=r["data"],
        )
        for r in rows
    ]


def restore_version(
    conn: Connection, flow_id: int, version: int, expected_version: int | None = None
) -> Flow:
    """Save an old version's definition as the newest version (history is never rewritten)."""
    old = (
        conn.execute(
            select(flow_versions).where(
                flow_versions.c.flow_id == flow_id, flow_versions.c.version == version
            )
        )
        .mappings()
        .first()
    )
    if old is None:
        raise NotFound(f"Flow {flow_id} has no version {version}")
    return save_flow(
        conn,
        flow_id,
        data=old["data"],
        expected_version=expected_version,
        note=f"Restored version {version}",
        name=old["name"],
        description=old["description"],
    )
