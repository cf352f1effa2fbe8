"""Ledger rollups: per-day/per-month sums and latency histograms, backfilled from the ledger.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def _key_columns() -> list[sa.Column[Any]]:
    return [
        sa.Column("dims", sa.String(length=16), nullable=False),
        sa.Column("grain", sa.String(length=8), nullable=False),
        sa.Column("bucket_start", sa.DateTime(), nullable=False),
        sa.Column("provider", sa.String(length=100), nullable=False),
        sa.Column("model_used", sa.String(length=200), nullable=False),
        sa.Column("agent_role", sa.String(length=100), nullable=False),
        sa.Column("flow_id", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
    ]


KEY = ["dims", "grain", "bucket_start", "provider", "model_used", "agent_role", "flow_id", "status"]


# Frozen copy of ledger.rollup.backfill as this revision ran it: the tables, views and latency
# buckets are written out here so the migration never imports application code.
_DIMENSIONS = ("provider", "model_used", "agent_role", "flow_id", "status")
_VIEWS: dict[str, tuple[str, ...]] = {
    "provider": ("provider", "status"),
    "model": ("provider", "model_used", "status"),
    "agent_role": ("agent_role", "status"),
    "flow_id": ("flow_id", "status"),
    "all": _DIMENSIONS,
}
_GRAINS = ("day", "month")
_KEY = ("dims", "grain", "bucket_start", *_DIMENSIONS)
_SUMS = (
    "calls",
    "input_tokens",
    "output_tokens",
    "cost_usd",
    "unpriced_calls",
    "failures",
    "timeouts",
)
_LEDGER = sa.table(
    "token_ledger",
    sa.column("timestamp", sa.DateTime()),
    sa.column("provider", sa.String()),
    sa.column("model_used", sa.String()),
    sa.column("agent_role", sa.String()),
    sa.column("flow_id", sa.String()),
    sa.column("status", sa.String()),
    sa.column("input_tokens", sa.Integer()),
    sa.column("output_tokens", sa.Integer()),
    sa.column("total_cost_usd", sa.Float()),
    sa.column("latency_ms", sa.Integer()),
)
_ROLLUP = sa.table("ledger_rollup", *(sa.column(c) for c in (*_KEY, *_SUMS)))
_HIST = sa.table("ledger_latency_hist", *(sa.column(c) for c in (*_KEY, "bucket", "calls")))


def _latency_lowers() -> tuple[int, ...]:
    # Bucket 0 is below 1 ms; each later bucket's representative is within 2.5 % of both ends.
    lowers, lo = [0], 1
    while lo <= 2**31 - 1:
        rep = lo * 41 // 40
        lowers.append(lo)
        lo = rep * 40 // 39 + 1
    return tuple(lowers)


def _bucket_sql(column: Any, lowers: tuple[int, ...]) -> Any:
    def node(first: int, last: int) -> Any:
        if first == last:
            return sa.literal_column(str(first))
        mid = (first + last + 1) // 2
        return sa.case(
            (column < sa.literal_column(str(lowers[mid])), node(first, mid - 1)),
            else_=node(mid, last),
        )

    return node(0, len(lowers) - 1)


def _bucket_start_sql(conn: sa.Connection, grain: str) -> Any:
    ts = _LEDGER.c.timestamp
    if conn.dialect.name == "postgresql":
        return sa.func.date_trunc(sa.literal_column(f"'{grain}'"), ts)
    fmt = "%Y-%m-01 00:00:00.000000" if grain == "month" else "%Y-%m-%d 00:00:00.000000"
    return sa.func.strftime(sa.literal_column(f"'{fmt}'"), ts)


def _backfill(conn: sa.Connection) -> None:
    """Both rollups from token_ledger (INSERT ... SELECT ... GROUP BY) into empty tables."""
    L = _LEDGER.c
    failed = sa.case((L.status == "FAILED", 1), else_=0)  # no outcome column yet
    timed_out = sa.case((L.status == "TIMEOUT", 1), else_=0)
    settled = L.status != "PENDING"
    lowers = _latency_lowers()
    for grain in _GRAINS:
        start = _bucket_start_sql(conn, grain)
        for name, dims in _VIEWS.items():
            kept = {d: sa.func.coalesce(L[d], sa.literal_column("''")) for d in dims}
            keys = [
                sa.literal(name).label("dims"),
                sa.literal(grain).label("grain"),
                start.label("bucket_start"),
                *(kept[d].label(d) if d in kept else sa.literal("").label(d) for d in _DIMENSIONS),
            ]
            group = [start, *kept.values()]
            sums = (
                sa.select(
                    *keys,
                    sa.func.count(),
                    sa.func.coalesce(sa.func.sum(L.input_tokens), 0),
                    sa.func.coalesce(sa.func.sum(L.output_tokens), 0),
                    sa.func.coalesce(sa.func.sum(L.total_cost_usd), 0.0),
                    sa.func.count() - sa.func.count(L.total_cost_usd),
                    sa.func.coalesce(sa.func.sum(failed), 0),
                    sa.func.coalesce(sa.func.sum(timed_out), 0),
                )
                .where(settled)
                .group_by(*group)
            )
            conn.execute(sa.insert(_ROLLUP).from_select([*_KEY, *_SUMS], sums))
            bucket = _bucket_sql(L.latency_ms, lowers)
            hist = (
                sa.select(*keys, bucket.label("bucket"), sa.func.count())
                .where(settled)
                .group_by(*group, bucket)
            )
            conn.execute(sa.insert(_HIST).from_select([*_KEY, "bucket", "calls"], hist))


def upgrade() -> None:
    op.create_table(
        "ledger_rollup",
        *_key_columns(),
        sa.Column("calls", sa.Integer(), nullable=False),
        sa.Column("input_tokens", sa.BigInteger(), nullable=False),
        sa.Column("output_tokens", sa.BigInteger(), nullable=False),
        sa.Column("cost_usd", sa.Float(), nullable=False),
        sa.Column("unpriced_calls", sa.Integer(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("timeouts", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(*KEY, name=op.f("pk_ledger_rollup")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "ledger_latency_hist",
        *_key_columns(),
        sa.Column("bucket", sa.Integer(), nullable=False),
        sa.Column("calls", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(*KEY, "bucket", name=op.f("pk_ledger_latency_hist")),
        sqlite_with_rowid=False,
    )
    # Rows recorded before this revision: the same sums the recorder now keeps per call.
    _backfill(op.get_bind())


def downgrade() -> None:
    op.drop_table("ledger_latency_hist")
    op.drop_table("ledger_rollup")
