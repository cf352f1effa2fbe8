"""Each LLM call's prompt and answer (redacted, size-capped), keyed by its token_ledger row."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, Index, Integer, Table, Text

from .base import metadata

llm_call_captures = Table(
    "llm_call_captures",
    metadata,
    # token_ledger.id; no foreign key so the retention purge and ledger imports stay independent.
    Column("ledger_id", Integer, primary_key=True, autoincrement=False),
    Column("created_at", DateTime, nullable=False),
    # JSON list of {"role", "content"}; the system prompt, if any, comes first.
    Column("request", Text, nullable=False),
    Column("response", Text, nullable=True),
    Column("request_bytes", Integer, nullable=False),
    Column("response_bytes", Integer, nullable=False),
    Column("request_truncated", Boolean, nullable=False),
    Column("response_truncated", Boolean, nullable=False),
    Index("ix_llm_call_captures_created_at", "created_at"),
)
