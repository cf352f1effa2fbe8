"""The spec's command_cards with provenance and risk; command run history.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "command_cards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("command", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("shell", sa.String(length=20), nullable=False),
        sa.Column("cwd", sa.Text(), nullable=True),
        sa.Column("variables", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("prompt", sa.Text(), nullable=True),
        sa.Column("provider", sa.String(length=100), nullable=True),
        sa.Column("model", sa.String(length=200), nullable=True),
        sa.Column("ledger_id", sa.Integer(), nullable=True),
        sa.Column("explanation", sa.JSON(), nullable=True),
        sa.Column("risk_level", sa.String(length=20), nullable=False),
        sa.Column("risk_reasons", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_command_cards")),
    )
    with op.batch_alter_table("command_cards", schema=None) as batch_op:
        batch_op.create_index("ix_command_cards_updated_at", ["updated_at"], unique=False)
    op.create_table(
        "command_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("card_id", sa.Integer(), nullable=True),
        sa.Column("command", sa.Text(), nullable=False),
        sa.Column("shell", sa.String(length=20), nullable=False),
        sa.Column("cwd", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("exit_code", sa.Integer(), nullable=True),
        sa.Column("output", sa.Text(), nullable=False),
        sa.Column("chunks", sa.JSON(), nullable=True),
        sa.Column("truncated", sa.Boolean(), nullable=False),
        sa.Column("output_bytes", sa.Integer(), nullable=False),
        sa.Column("risk_level", sa.String(length=20), nullable=True),
        sa.Column("pid", sa.Integer(), nullable=True),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("duration_ms", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["card_id"],
            ["command_cards.id"],
            name=op.f("fk_command_runs_card_id_command_cards"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_command_runs")),
    )
    with op.batch_alter_table("command_runs", schema=None) as batch_op:
        batch_op.create_index(
            "ix_command_runs_card_id_started_at", ["card_id", "started_at"], unique=False
        )
        batch_op.create_index("ix_command_runs_status", ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("command_runs", schema=None) as batch_op:
        batch_op.drop_index("ix_command_runs_status")
        batch_op.drop_index("ix_command_runs_card_id_started_at")
    op.drop_table("command_runs")
    with op.batch_alter_table("command_cards", schema=None) as batch_op:
        batch_op.drop_index("ix_command_cards_updated_at")
    op.drop_table("command_cards")
