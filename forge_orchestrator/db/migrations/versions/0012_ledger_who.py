"""Each ledger row records who made the call: the user name and the machine (team mode).

Several Forge processes may share one database (issue #17); the team view filters and groups
the ledger by these. Rows recorded before this revision keep NULL in both.

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN (no batch copy): nullable, so existing rows read NULL.
    op.add_column("token_ledger", sa.Column("user_name", sa.String(length=100), nullable=True))
    op.add_column("token_ledger", sa.Column("machine", sa.String(length=255), nullable=True))
    op.create_index(
        "ix_token_ledger_user_name_timestamp", "token_ledger", ["user_name", "timestamp"]
    )
    op.create_index("ix_token_ledger_machine_timestamp", "token_ledger", ["machine", "timestamp"])


def downgrade() -> None:
    op.drop_index("ix_token_ledger_machine_timestamp", table_name="token_ledger")
    op.drop_index("ix_token_ledger_user_name_timestamp", table_name="token_ledger")
    with op.batch_alter_table("token_ledger", schema=None) as batch_op:
        batch_op.drop_column("machine")
        batch_op.drop_column("user_name")
