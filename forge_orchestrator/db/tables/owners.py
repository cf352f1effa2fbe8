"""forge_processes: one row per running server, the owner that runs point at, with its lease."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, Float, Index, Integer, String, Table

from .base import metadata

forge_processes = Table(
    "forge_processes",
    metadata,
    Column("id", String(36), primary_key=True),  # a random UUID4 made at start, never a pid
    Column("host", String(255), nullable=False),
    # boot id + pid namespace: the pid below means something only where this matches.
    Column("machine", String(120), nullable=False),
    Column("pid", Integer, nullable=False),
    Column("pid_started", Float, nullable=False),
    # The tag prefix of the owner's data dir (procs.containment.scope): its children carry it.
    Column("scope", String(64), nullable=False),
    Column("started_at", DateTime, nullable=False),
    Column("lease_expires_at", DateTime, nullable=False),
    Index("ix_forge_processes_lease_expires_at", "lease_expires_at"),
)
