"""Budgets, their in-flight reservations, and applied/dismissed optimizer suggestions."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, DateTime, Float, Index, Integer, String, Table

from .base import metadata

budgets = Table(
    "budgets",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("scope", String(20), nullable=False),
    Column("target", String(200), nullable=True),
    Column("period", String(10), nullable=False),
    Column("limit_usd", Float, nullable=False),
    Column("soft_limit_usd", Float, nullable=True),
    Column("hard", Boolean, nullable=False, default=True),
    Column("created_at", DateTime, nullable=False),
)

# One row per in-flight gateway call: it counts against every budget whose scope matches its
# provider / flow until the call's ledger row is written and the reservation is settled.
budget_reservations = Table(
    "budget_reservations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("provider", String(100), nullable=False),
    Column("flow_id", String(64), nullable=True),
    Column("amount_usd", Float, nullable=False),
    Column("holder", String(100), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Index("ix_budget_reservations_created_at", "created_at"),
)

optimization_actions = Table(
    "optimization_actions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("suggestion_id", String(100), nullable=False),
    Column("action", String(20), nullable=False),
    Column("kind", String(40), nullable=True),
    Column("title", String(300), nullable=True),
    Column("target", JSON, nullable=True),
    Column("change", JSON, nullable=True),
    Column("undo", JSON, nullable=True),
    Column("created_at", DateTime, nullable=False),
    Column("undone_at", DateTime, nullable=True),
    Index("ix_optimization_actions_suggestion_id", "suggestion_id"),
)
