"""Keeps ledger_rollup and ledger_latency_hist in step with token_ledger, at write time."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    Insert,
    Table,
    case,
    delete,
    func,
    insert,
    literal,
    literal_column,
    select,
)

from ..db.engine import write_tx
from ..db.prepared import Prepared
from ..db.tables import ledger_latency_hist, ledger_rollup, token_ledger
from ..db.upsert import dialect_insert
from .latency_hist import bucket_of, bucket_sql
from .outcomes import count_sql, counts

DIMENSIONS = ("provider", "model_used", "agent_role", "flow_id", "status")
# Each view keeps some ledger columns and sums over the rest. A summary reads the smallest
# view that holds its group and filter columns: the one-dimension views stay small however
# many flows, roles and models there are, and "all" answers any combination of filters.
# Status rides along in each (three values, mostly SUCCESS) so a status filter stays cheap.
# "provider" also answers summaries by time or status alone (a few providers x three
# statuses per bucket), so no view of its own is kept for those: every call writes each view.
VIEWS: dict[str, tuple[str, ...]] = {
    "provider": ("provider", "status"),
    "model": ("provider", "model_used", "status"),  # a model has one provider: no extra rows
    "agent_role": ("agent_role", "status"),
    "flow_id": ("flow_id", "status"),
    "all": DIMENSIONS,
}
GRAINS = ("day", "month")
KEY = ("dims", "grain", "bucket_start", *DIMENSIONS)
# The sums as revision 0007 created them; revision 0009 added the last two.
SUMS_0007 = (
    "calls",
    "input_tokens",
    "output_tokens",
    "cost_usd",
    "unpriced_calls",
    "failures",
    "timeouts",
)
SUMS = (*SUMS_0007, "refusals", "cancellations")
L = token_ledger.c


def bucket_start(grain: str, ts: datetime) -> datetime:
    """The UTC day or month a timestamp belongs to."""
    return datetime(ts.year, ts.month, 1 if grain == "month" else ts.day)


def rollup_rows(
    rows: Iterable[Mapping[str, Any]],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The rollup and histogram increments for some ledger rows, merged per key."""
    sums: dict[tuple[Any, ...], list[Any]] = {}
    hist: dict[tuple[Any, ...], int] = {}
    for row in rows:
        cost = row.get("total_cost_usd")
        status = row["status"]
        failures, refusals, cancellations = counts(status, row.get("outcome"))
        add = (
            1,
            row.get("input_tokens") or 0,
            row.get("output_tokens") or 0,
            cost or 0.0,
            int(cost is None),
            failures,
            int(status == "TIMEOUT"),
            refusals,
            cancellations,
        )
        bucket = bucket_of(row.get("latency_ms") or 0)
        values = {d: row.get(d) or "" for d in DIMENSIONS}
        for grain in GRAINS:
            start = bucket_start(grain, row["timestamp"])
            for name, dims in VIEWS.items():
                key = (name, grain, start, *(values[d] if d in dims else "" for d in DIMENSIONS))
                acc = sums.get(key)
                if acc is None:
                    sums[key] = list(add)
                else:
                    for i, v in enumerate(add):
                        acc[i] += v
                hist[(*key, bucket)] = hist.get((*key, bucket), 0) + 1
    return (
        [dict(zip((*KEY, *SUMS), (*k, *v), strict=True)) for k, v in sums.items()],
        [dict(zip((*KEY, "bucket", "calls"), (*k, n), strict=True)) for k, n in hist.items()],
    )


def _upsert(dialect: str, table: Table, key: Sequence[str], add: Sequence[str]) -> Insert:
    stmt = dialect_insert(dialect, table)
    upsert: Insert = stmt.on_conflict_do_update(
        index_elements=list(key), set_={c: table.c[c] + stmt.excluded[c] for c in add}
    )
    return upsert


_UPSERTS: dict[str, tuple[Prepared, Prepared]] = {}
# Two bucket starts per call (its day and month), each converted to SQL text once.
REPEATED = ("bucket_start",)


def _upserts(dialect: str) -> tuple[Prepared, Prepared]:
    # Built once per dialect; executed through the cursor: this runs on every LLM call.
    if dialect not in _UPSERTS:
        hist_key = (*KEY, "bucket")
        _UPSERTS[dialect] = (
            Prepared(_upsert(dialect, ledger_rollup, KEY, SUMS), (*KEY, *SUMS), repeated=REPEATED),
            Prepared(
                _upsert(dialect, ledger_latency_hist, hist_key, ("calls",)),
                (*hist_key, "calls"),
                repeated=REPEATED,
            ),
        )
    return _UPSERTS[dialect]


def apply(conn: Connection, rows: Iterable[Mapping[str, Any]]) -> None:
    """Add ledger rows to the rollups; call it in the transaction that inserts them."""
    sums, hist = rollup_rows(rows)
    upsert_sums, upsert_hist = _upserts(conn.dialect.name)
    upsert_sums.execute_many(conn, sums)
    upsert_hist.execute_many(conn, hist)


def _bucket_start_sql(conn: Connection, grain: str) -> ColumnElement[Any]:
    # Inline literals, not bound parameters: PostgreSQL only matches a SELECT expression to
    # its GROUP BY twin when both render identically.
    if conn.dialect.name == "postgresql":
        return func.date_trunc(literal_column(f"'{grain}'"), L.timestamp)
    # SQLAlchemy's own SQLite DateTime text, so range comparisons with bound values hold.
    fmt = "%Y-%m-01 00:00:00.000000" if grain == "month" else "%Y-%m-%d 00:00:00.000000"
    return func.strftime(literal_column(f"'{fmt}'"), L.timestamp)


def backfill(conn: Connection, *, outcomes: bool = False) -> None:
    """Build both rollups from token_ledger in SQL (INSERT … SELECT … GROUP BY); tables empty.

    ``outcomes`` False builds the schema of revision 0007, which calls this before the outcome
    column exists (every FAILED row a failure); revision 0009 and ``rebuild`` pass True.
    """
    if outcomes:
        failed, refused, cancelled = count_sql(L.status, L.outcome)
    else:
        failed, refused, cancelled = case((L.status == "FAILED", 1), else_=0), None, None
    timed_out = case((L.status == "TIMEOUT", 1), else_=0)
    sum_names = SUMS if outcomes else SUMS_0007
    settled = L.status != "PENDING"  # a call in flight is counted when it settles
    for grain in GRAINS:
        start = _bucket_start_sql(conn, grain)
        for name, dims in VIEWS.items():
            kept = {d: func.coalesce(L[d], literal_column("''")) for d in dims}
            keys = [
                literal(name).label("dims"),
                literal(grain).label("grain"),
                start.label("bucket_start"),
                *(kept[d].label(d) if d in kept else literal("").label(d) for d in DIMENSIONS),
            ]
            group = [start, *kept.values()]
            sums = (
                select(
                    *keys,
                    func.count(),
                    func.coalesce(func.sum(L.input_tokens), 0),
                    func.coalesce(func.sum(L.output_tokens), 0),
                    func.coalesce(func.sum(L.total_cost_usd), 0.0),
                    func.count() - func.count(L.total_cost_usd),
                    func.coalesce(func.sum(failed), 0),
                    func.coalesce(func.sum(timed_out), 0),
                    *(func.coalesce(func.sum(c), 0) for c in (refused, cancelled) if c is not None),
                )
                .where(settled)
                .group_by(*group)
            )
            conn.execute(insert(ledger_rollup).from_select([*KEY, *sum_names], sums))
            bucket = bucket_sql(L.latency_ms)
            hist = (
                select(*keys, bucket.label("bucket"), func.count())
                .where(settled)
                .group_by(*group, bucket)
            )
            conn.execute(insert(ledger_latency_hist).from_select([*KEY, "bucket", "calls"], hist))


def rebuild(engine: Engine) -> tuple[int, int]:
    """Recompute the rollups from scratch: call after bulk-loading token_ledger directly.

    Returns how many rollup and histogram rows there are afterwards.
    """
    with write_tx(engine) as conn:
        conn.execute(delete(ledger_latency_hist))
        conn.execute(delete(ledger_rollup))
        backfill(conn, outcomes=True)
        sums = conn.execute(select(func.count()).select_from(ledger_rollup)).scalar_one()
        hist = conn.execute(select(func.count()).select_from(ledger_latency_hist)).scalar_one()
    return int(sums), int(hist)
