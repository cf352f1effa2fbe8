"""The spec's token_ledger with gateway additions; agent roles; price overrides.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "token_ledger",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("timestamp", sa.DateTime(), nullable=False),
        sa.Column("flow_id", sa.String(length=64), nullable=True),
        sa.Column("model_used", sa.String(length=200), nullable=False),
        sa.Column("agent_role", sa.String(length=100), nullable=True),
        sa.Column("prompt_hash", sa.String(length=64), nullable=False),
        sa.Column("input_tokens", sa.Integer(), nullable=False),
        sa.Column("output_tokens", sa.Integer(), nullable=False),
        sa.Column("total_cost_usd", sa.Float(), nullable=True),
        sa.Column("latency_ms", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column("provider", sa.String(length=100), nullable=False),
        sa.Column("model_requested", sa.String(length=200), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("usage_source", sa.String(length=20), nullable=False),
        sa.Column("cached_input_tokens", sa.Integer(), nullable=False),
        sa.Column("cache_write_tokens", sa.Integer(), nullable=False),
        sa.Column("reasoning_tokens", sa.Integer(), nullable=False),
        sa.Column("ttft_ms", sa.Integer(), nullable=True),
        sa.Column("request_id", sa.String(length=200), nullable=True),
        sa.Column("price_input_per_mtok", sa.Float(), nullable=True),
        sa.Column("price_output_per_mtok", sa.Float(), nullable=True),
        sa.Column("price_cached_input_per_mtok", sa.Float(), nullable=True),
        sa.Column("price_cache_write_per_mtok", sa.Float(), nullable=True),
        sa.Column("cost_status", sa.String(length=20), nullable=False),
        sa.Column("max_tokens", sa.Integer(), nullable=True),
        sa.Column("streamed", sa.Boolean(), nullable=False),
        sa.Column("run_id", sa.String(length=64), nullable=True),
        sa.Column("node_id", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_token_ledger")),
    )
    with op.batch_alter_table("token_ledger", schema=None) as batch_op:
        batch_op.create_index(
            "ix_token_ledger_agent_role_timestamp", ["agent_role", "timestamp"], unique=False
        )
        batch_op.create_index(
            "ix_token_ledger_flow_id_timestamp", ["flow_id", "timestamp"], unique=False
        )
        batch_op.create_index(
            "ix_token_ledger_model_used_timestamp", ["model_used", "timestamp"], unique=False
        )
        batch_op.create_index("ix_token_ledger_prompt_hash", ["prompt_hash"], unique=False)
        batch_op.create_index(
            "ix_token_ledger_provider_timestamp", ["provider", "timestamp"], unique=False
        )
        batch_op.create_index(
            "ix_token_ledger_status_timestamp", ["status", "timestamp"], unique=False
        )
        batch_op.create_index("ix_token_ledger_timestamp_id", ["timestamp", "id"], unique=False)
    op.create_table(
        "agent_roles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("system_prompt", sa.Text(), nullable=False),
        sa.Column("default_model", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agent_roles")),
        sa.UniqueConstraint("name", name=op.f("uq_agent_roles_name")),
    )
    op.create_table(
        "price_overrides",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider", sa.String(length=100), nullable=False),
        sa.Column("model", sa.String(length=200), nullable=False),
        sa.Column("input_per_mtok", sa.Float(), nullable=False),
        sa.Column("output_per_mtok", sa.Float(), nullable=False),
        sa.Column("cached_input_per_mtok", sa.Float(), nullable=True),
        sa.Column("cache_write_per_mtok", sa.Float(), nullable=True),
        sa.Column("effective_from", sa.DateTime(), nullable=False),
        sa.Column("effective_until", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_price_overrides")),
    )
    with op.batch_alter_table("price_overrides", schema=None) as batch_op:
        batch_op.create_index(
            "ix_price_overrides_model_effective_from", ["model", "effective_from"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("price_overrides", schema=None) as batch_op:
        batch_op.drop_index("ix_price_overrides_model_effective_from")
    op.drop_table("price_overrides")
    op.drop_table("agent_roles")
    with op.batch_alter_table("token_ledger", schema=None) as batch_op:
        batch_op.drop_index("ix_token_ledger_timestamp_id")
        batch_op.drop_index("ix_token_ledger_status_timestamp")
        batch_op.drop_index("ix_token_ledger_provider_timestamp")
        batch_op.drop_index("ix_token_ledger_prompt_hash")
        batch_op.drop_index("ix_token_ledger_model_used_timestamp")
        batch_op.drop_index("ix_token_ledger_flow_id_timestamp")
        batch_op.drop_index("ix_token_ledger_agent_role_timestamp")
    op.drop_table("token_ledger")
