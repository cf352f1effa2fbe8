"""Each call's prompt and answer (llm_call_captures), a ledger outcome, rollups that tell apart.

token_ledger gains ``outcome`` (why a row has its status); the rollups gain ``refusals`` and
``cancellations`` and no longer count those FAILED rows as failures. Rows recorded before this
revision are classified from their error message, and the rollups are rebuilt from the ledger.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

# The messages the recorder put on such rows before the column existed.
_CLASSIFY = """
UPDATE token_ledger SET outcome = CASE
    WHEN status = 'SUCCESS' THEN 'ok'
    WHEN status = 'TIMEOUT' THEN 'timeout'
    WHEN status = 'PENDING' THEN NULL
    WHEN error_message = 'cancelled' THEN 'cancelled'
    WHEN error_message LIKE 'Budget exceeded:%' THEN 'budget_refused'
    WHEN error_message LIKE 'The server stopped during this call%' THEN 'interrupted'
    ELSE 'error'
END
"""


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
_SUMS_0007 = (
    "calls",
    "input_tokens",
    "output_tokens",
    "cost_usd",
    "unpriced_calls",
    "failures",
    "timeouts",
)
_SUMS_0009 = (*_SUMS_0007, "refusals", "cancellations")
_LEDGER = sa.table(
    "token_ledger",
    sa.column("timestamp", sa.DateTime()),
    sa.column("provider", sa.String()),
    sa.column("model_used", sa.String()),
    sa.column("agent_role", sa.String()),
    sa.column("flow_id", sa.String()),
    sa.column("status", sa.String()),
    sa.column("outcome", sa.String()),
    sa.column("input_tokens", sa.Integer()),
    sa.column("output_tokens", sa.Integer()),
    sa.column("total_cost_usd", sa.Float()),
    sa.column("latency_ms", sa.Integer()),
)
_ROLLUP = sa.table("ledger_rollup", *(sa.column(c) for c in (*_KEY, *_SUMS_0009)))
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


def _backfill(conn: sa.Connection, *, outcomes: bool) -> None:
    """Both rollups from token_ledger (INSERT ... SELECT ... GROUP BY) into empty tables."""
    L = _LEDGER.c
    refused: Any = None
    cancelled: Any = None
    if outcomes:
        plain = L.outcome.is_(None) | L.outcome.not_in(("budget_refused", "cancelled"))
        is_failed = L.status == "FAILED"
        failed = sa.case((is_failed & plain, 1), else_=0)
        refused = sa.case((is_failed & (L.outcome == "budget_refused"), 1), else_=0)
        cancelled = sa.case((is_failed & (L.outcome == "cancelled"), 1), else_=0)
    else:
        failed = sa.case((L.status == "FAILED", 1), else_=0)
    timed_out = sa.case((L.status == "TIMEOUT", 1), else_=0)
    sum_names = _SUMS_0009 if outcomes else _SUMS_0007
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
                    *(
                        sa.func.coalesce(sa.func.sum(c), 0)
                        for c in (refused, cancelled)
                        if c is not None
                    ),
                )
                .where(settled)
                .group_by(*group)
            )
            conn.execute(sa.insert(_ROLLUP).from_select([*_KEY, *sum_names], sums))
            bucket = _bucket_sql(L.latency_ms, lowers)
            hist = (
                sa.select(*keys, bucket.label("bucket"), sa.func.count())
                .where(settled)
                .group_by(*group, bucket)
            )
            conn.execute(sa.insert(_HIST).from_select([*_KEY, "bucket", "calls"], hist))


def upgrade() -> None:
    with op.batch_alter_table("token_ledger") as batch:
        batch.add_column(sa.Column("outcome", sa.String(length=20), nullable=True))
    op.execute(_CLASSIFY)
    with op.batch_alter_table("ledger_rollup") as batch:
        batch.add_column(sa.Column("refusals", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(
            sa.Column("cancellations", sa.Integer(), nullable=False, server_default="0")
        )
    op.create_table(
        "llm_call_captures",
        sa.Column("ledger_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("request", sa.Text(), nullable=False),
        sa.Column("response", sa.Text(), nullable=True),
        sa.Column("request_bytes", sa.Integer(), nullable=False),
        sa.Column("response_bytes", sa.Integer(), nullable=False),
        sa.Column("request_truncated", sa.Boolean(), nullable=False),
        sa.Column("response_truncated", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("ledger_id", name=op.f("pk_llm_call_captures")),
    )
    op.create_index(
        "ix_llm_call_captures_created_at", "llm_call_captures", ["created_at"], unique=False
    )
    # Refusals and cancellations move out of "failures": recount every bucket exactly.
    op.execute("DELETE FROM ledger_latency_hist")
    op.execute("DELETE FROM ledger_rollup")
    _backfill(op.get_bind(), outcomes=True)


def downgrade() -> None:
    op.drop_index("ix_llm_call_captures_created_at", table_name="llm_call_captures")
    op.drop_table("llm_call_captures")
    with op.batch_alter_table("ledger_rollup") as batch:
        batch.drop_column("cancellations")
        batch.drop_column("refusals")
    with op.batch_alter_table("token_ledger") as batch:
        batch.drop_column("outcome")
    op.execute("DELETE FROM ledger_latency_hist")
    op.execute("DELETE FROM ledger_rollup")
    _backfill(op.get_bind(), outcomes=False)
