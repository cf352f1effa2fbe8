"""Each call's prompt and answer (llm_call_captures), a ledger outcome, rollups that tell apart.

token_ledger gains ``outcome`` (why a row has its status); the rollups gain ``refusals`` and
``cancellations`` and no longer count those FAILED rows as failures. Rows recorded before this
revision are classified from their error message, and the rollups are rebuilt from the ledger.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from forge_orchestrator.ledger.rollup import backfill

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
    backfill(op.get_bind(), outcomes=True)


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
    backfill(op.get_bind())
