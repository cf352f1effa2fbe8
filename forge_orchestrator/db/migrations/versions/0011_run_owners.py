"""Run owners: a forge_processes row per running server with its lease; runs name their owner.

command_runs and flow_runs get owner_id (the forge_processes id running them) and epoch (the
fencing token a claim increments). Rows from before read owner NULL, which start-up treats as
a dead owner, as it treated every `running` row before.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "forge_processes",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("host", sa.String(255), nullable=False),
        sa.Column("machine", sa.String(120), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("pid_started", sa.Float(), nullable=False),
        sa.Column("scope", sa.String(64), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("lease_expires_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_forge_processes_lease_expires_at", "forge_processes", ["lease_expires_at"])
    for table in ("command_runs", "flow_runs"):
        op.add_column(table, sa.Column("owner_id", sa.String(36), nullable=True))
        op.add_column(table, sa.Column("epoch", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    for table in ("flow_runs", "command_runs"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("epoch")
            batch_op.drop_column("owner_id")
    op.drop_index("ix_forge_processes_lease_expires_at", table_name="forge_processes")
    op.drop_table("forge_processes")
