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

budget_reservations = Table(
    "budget_reservations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("scope", String(20), nullable=False),
    Column("target", String(200), nullable=True),
    Column("provider", String(100), nullable=False),
    Column("flow_id", String(64), nullable=True),
    Column("amount_usd", Float, nullable=False),
    Column("created_at", DateTime, nullable=False),
    Index("ix_budget_reservations_created_at", "created_at"),
)

optimization_actions = Table(
    "optimization_actions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("suggestion_id", String(100), nullable=False),
    Column("action", String(20), nullable=False),
    Column("target", JSON, nullable=True),
    Column("change", JSON, nullable=True),
    Column("undo", JSON, nullable=True),
    Column("created_at", DateTime, nullable=False),
    Index("ix_optimization_actions_suggestion_id", "suggestion_id"),
)
