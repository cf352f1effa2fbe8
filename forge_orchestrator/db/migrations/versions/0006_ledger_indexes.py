"""Analytics indexes on token_ledger: a covering time index and per-provider/flow cost indexes.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("token_ledger", schema=None) as batch_op:
        batch_op.create_index(
            "ix_token_ledger_ts_cover",
            [
                "timestamp",
                "model_used",
                "provider",
                "agent_role",
                "flow_id",
                "status",
                "latency_ms",
                "input_tokens",
                "output_tokens",
                "total_cost_usd",
            ],
            unique=False,
        )
        batch_op.create_index(
            "ix_token_ledger_provider_ts_cost",
            ["provider", "timestamp", "total_cost_usd"],
            unique=False,
        )
        batch_op.create_index(
            "ix_token_ledger_flow_ts_cost", ["flow_id", "timestamp", "total_cost_usd"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("token_ledger", schema=None) as batch_op:
        batch_op.drop_index("ix_token_ledger_flow_ts_cost")
        batch_op.drop_index("ix_token_ledger_provider_ts_cost")
        batch_op.drop_index("ix_token_ledger_ts_cover")
