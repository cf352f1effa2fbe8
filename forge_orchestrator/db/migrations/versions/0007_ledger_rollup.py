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
    from forge_orchestrator.ledger.rollup import backfill

    backfill(op.get_bind())


def downgrade() -> None:
    op.drop_table("ledger_latency_hist")
    op.drop_table("ledger_rollup")
