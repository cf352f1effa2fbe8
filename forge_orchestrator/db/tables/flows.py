"""The spec's forge_flows table plus versions, runs and per-node run records."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from .base import metadata

forge_flows = Table(
    "forge_flows",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("description", Text, nullable=False, default=""),
    Column("data", JSON, nullable=False),
    Column("status", String(20), nullable=False, default="draft"),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    Column("version", Integer, nullable=False, default=1),
)

flow_versions = Table(
    "flow_versions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("flow_id", Integer, ForeignKey("forge_flows.id", ondelete="CASCADE"), nullable=False),
    Column("version", Integer, nullable=False),
    Column("name", String(200), nullable=False),
    Column("description", Text, nullable=False, default=""),
    Column("data", JSON, nullable=False),
    Column("note", Text, nullable=True),
    Column("created_at", DateTime, nullable=False),
    UniqueConstraint("flow_id", "version"),
)

flow_runs = Table(
    "flow_runs",
    metadata,
    Column("id", Integer, primary_key=True),
    # NULL for a run of a flow file from the command line (never saved as a flow).
    Column("flow_id", Integer, ForeignKey("forge_flows.id", ondelete="CASCADE"), nullable=True),
    Column("flow_name", String(200), nullable=False, default=""),
    Column("flow_version", Integer, nullable=False),
    Column("definition", JSON, nullable=False),
    Column("status", String(30), nullable=False),
    Column("inputs", JSON, nullable=False, default=dict),
    Column("auto_approve", Boolean, nullable=False, default=False),
    Column("error", Text, nullable=True),
    Column("created_at", DateTime, nullable=False),
    Column("started_at", DateTime, nullable=True),
    Column("finished_at", DateTime, nullable=True),
    # "pid:start-time" of the process that ran it before 0011; no longer written (owner_id is).
    Column("worker", String(100), nullable=True),
    # The forge_processes row running it, and the fencing token: every claim (start, recovery,
    # resume) adds one, and a process writes the run only while it holds the epoch it claimed.
    Column("owner_id", String(36), nullable=True),
    Column("epoch", Integer, nullable=False, default=0, server_default="0"),
    Index("ix_flow_runs_flow_id_created_at", "flow_id", "created_at"),
    Index("ix_flow_runs_status", "status"),
)

flow_node_runs = Table(
    "flow_node_runs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("run_id", Integer, ForeignKey("flow_runs.id", ondelete="CASCADE"), nullable=False),
    Column("node_id", String(200), nullable=False),
    Column("status", String(30), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("input", Text, nullable=True),
    Column("output", Text, nullable=True),
    Column("stderr", Text, nullable=True),
    Column("exit_code", Integer, nullable=True),
    Column("json_output", JSON, nullable=True),
    Column("input_tokens", Integer, nullable=True),
    Column("output_tokens", Integer, nullable=True),
    Column("cost_usd", Float, nullable=True),
    Column("estimated_cost_usd", Float, nullable=True),
    Column("error", Text, nullable=True),
    Column("started_at", DateTime, nullable=True),
    Column("finished_at", DateTime, nullable=True),
    Column("duration_ms", Integer, nullable=True),
    UniqueConstraint("run_id", "node_id"),
)
