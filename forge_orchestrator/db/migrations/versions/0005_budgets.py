"""Budgets, in-flight reservations and optimizer actions.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "budgets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=20), nullable=False),
        sa.Column("target", sa.String(length=200), nullable=True),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("limit_usd", sa.Float(), nullable=False),
        sa.Column("soft_limit_usd", sa.Float(), nullable=True),
        sa.Column("hard", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_budgets")),
    )
    op.create_table(
        "budget_reservations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider", sa.String(length=100), nullable=False),
        sa.Column("flow_id", sa.String(length=64), nullable=True),
        sa.Column("amount_usd", sa.Float(), nullable=False),
        sa.Column("holder", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_budget_reservations")),
    )
    with op.batch_alter_table("budget_reservations", schema=None) as batch_op:
        batch_op.create_index("ix_budget_reservations_created_at", ["created_at"], unique=False)
    op.create_table(
        "optimization_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("suggestion_id", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=True),
        sa.Column("target", sa.JSON(), nullable=True),
        sa.Column("change", sa.JSON(), nullable=True),
        sa.Column("undo", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("undone_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_optimization_actions")),
    )
    with op.batch_alter_table("optimization_actions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_optimization_actions_suggestion_id", ["suggestion_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("optimization_actions", schema=None) as batch_op:
        batch_op.drop_index("ix_optimization_actions_suggestion_id")
    op.drop_table("optimization_actions")
    with op.batch_alter_table("budget_reservations", schema=None) as batch_op:
        batch_op.drop_index("ix_budget_reservations_created_at")
    op.drop_table("budget_reservations")
    op.drop_table("budgets")
