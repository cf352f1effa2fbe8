"""Write-time rollups of token_ledger: per-day/per-month sums and latency histograms."""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, Column, DateTime, Float, Integer, String, Table

from .base import metadata


def _key_columns() -> list[Column[Any]]:
    # `dims` names which ledger columns a row keeps (the others hold ""), so one table serves
    # the per-dimension views and the all-dimensions view; NULL is stored as "" because
    # unique keys treat NULLs as distinct, which would defeat the upsert.
    return [
        Column("dims", String(16), primary_key=True),
        Column("grain", String(8), primary_key=True),
        Column("bucket_start", DateTime, primary_key=True),
        Column("provider", String(100), primary_key=True),
        Column("model_used", String(200), primary_key=True),
        Column("agent_role", String(100), primary_key=True),
        Column("flow_id", String(64), primary_key=True),
        Column("status", String(20), primary_key=True),
    ]


ledger_rollup = Table(
    "ledger_rollup",
    metadata,
    *_key_columns(),
    Column("calls", Integer, nullable=False),
    Column("input_tokens", BigInteger, nullable=False),
    Column("output_tokens", BigInteger, nullable=False),
    Column("cost_usd", Float, nullable=False),
    Column("unpriced_calls", Integer, nullable=False),
    Column("failures", Integer, nullable=False),
    Column("timeouts", Integer, nullable=False),
    # FAILED rows that are not failures of the call (see ledger/outcomes.py).
    Column("refusals", Integer, nullable=False, server_default="0"),
    Column("cancellations", Integer, nullable=False, server_default="0"),
    sqlite_with_rowid=False,
)

ledger_latency_hist = Table(
    "ledger_latency_hist",
    metadata,
    *_key_columns(),
    Column("bucket", Integer, primary_key=True),
    Column("calls", Integer, nullable=False),
    sqlite_with_rowid=False,
)
