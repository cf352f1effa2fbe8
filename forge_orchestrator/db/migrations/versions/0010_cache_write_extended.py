"""Cache writes with the longer retention (Anthropic 1 h, OpenAI 12 h) get their own count and rate.

token_ledger.cache_write_tokens stays the whole write; the new count is the part of it billed
at the extended rate, so a ledger row (and a what-if reprice) prices both parts exactly. Price
overrides get the matching rate.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN (no batch copy): existing rows read 0, i.e. every write at the 5-min rate.
    op.add_column(
        "token_ledger",
        sa.Column("cache_write_extended_tokens", sa.Integer(), nullable=False, server_default="0"),
    )
    op.add_column(
        "token_ledger", sa.Column("price_cache_write_extended_per_mtok", sa.Float(), nullable=True)
    )
    op.add_column(
        "price_overrides", sa.Column("cache_write_extended_per_mtok", sa.Float(), nullable=True)
    )


def downgrade() -> None:
    with op.batch_alter_table("price_overrides", schema=None) as batch_op:
        batch_op.drop_column("cache_write_extended_per_mtok")
    with op.batch_alter_table("token_ledger", schema=None) as batch_op:
        batch_op.drop_column("price_cache_write_extended_per_mtok")
        batch_op.drop_column("cache_write_extended_tokens")
