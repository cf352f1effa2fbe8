"""The spec's command_cards table plus the history of command runs."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from .base import metadata

command_cards = Table(
    "command_cards",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("command", Text, nullable=False),
    Column("description", Text, nullable=False, default=""),
    Column("tags", JSON, nullable=False, default=list),
    Column("shell", String(20), nullable=False, default="bash"),
    Column("cwd", Text, nullable=True),
    Column("variables", JSON, nullable=False, default=list),
    Column("source", String(20), nullable=False, default="manual"),
    Column("prompt", Text, nullable=True),
    Column("provider", String(100), nullable=True),
    Column("model", String(200), nullable=True),
    Column("ledger_id", Integer, nullable=True),
    Column("explanation", JSON, nullable=True),
    Column("risk_level", String(20), nullable=False, default="safe"),
    Column("risk_reasons", JSON, nullable=False, default=list),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    Index("ix_command_cards_updated_at", "updated_at"),
)

command_runs = Table(
    "command_runs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("card_id", Integer, ForeignKey("command_cards.id", ondelete="SET NULL"), nullable=True),
    Column("command", Text, nullable=False),
    Column("shell", String(20), nullable=False),
    Column("cwd", Text, nullable=True),
    Column("status", String(20), nullable=False),
    Column("exit_code", Integer, nullable=True),
    Column("output", Text, nullable=False, default=""),
    Column("chunks", JSON, nullable=True),
    Column("truncated", Boolean, nullable=False, default=False),
    Column("output_bytes", Integer, nullable=False, default=0),
    Column("risk_level", String(20), nullable=True),
    Column("pid", Integer, nullable=True),
    Column("started_at", DateTime, nullable=False),
    Column("finished_at", DateTime, nullable=True),
    Column("duration_ms", Integer, nullable=True),
    # The forge_processes row running it, and the fencing token: every claim adds one, and a
    # process writes the run only while the epoch is still the one it claimed.
    Column("owner_id", String(36), nullable=True),
    Column("epoch", Integer, nullable=False, default=0, server_default="0"),
    Index("ix_command_runs_card_id_started_at", "card_id", "started_at"),
    Index("ix_command_runs_status", "status"),
)
