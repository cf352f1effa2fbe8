"""The spec's token_ledger plus agent roles and user price overrides."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Float,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from .base import metadata

token_ledger = Table(
    "token_ledger",
    metadata,
    # The spec's columns, exactly as written.
    Column("id", Integer, primary_key=True),
    Column("timestamp", DateTime, nullable=False),
    Column("flow_id", String(64), nullable=True),
    Column("model_used", String(200), nullable=False),
    Column("agent_role", String(100), nullable=True),
    Column("prompt_hash", String(64), nullable=False),
    Column("input_tokens", Integer, nullable=False, default=0),
    Column("output_tokens", Integer, nullable=False, default=0),
    Column("total_cost_usd", Float, nullable=True),
    Column("latency_ms", Integer, nullable=False, default=0),
    Column("status", String(20), nullable=False),
    Column("error_message", Text, nullable=True),
    # Additions.
    Column("provider", String(100), nullable=False),
    Column("model_requested", String(200), nullable=True),
    Column("attempts", Integer, nullable=False, default=1),
    Column("usage_source", String(20), nullable=False, default="provider"),
    Column("cached_input_tokens", Integer, nullable=False, default=0),
    Column("cache_write_tokens", Integer, nullable=False, default=0),
    Column("reasoning_tokens", Integer, nullable=False, default=0),
    Column("ttft_ms", Integer, nullable=True),
    Column("request_id", String(200), nullable=True),
    Column("price_input_per_mtok", Float, nullable=True),
    Column("price_output_per_mtok", Float, nullable=True),
    Column("price_cached_input_per_mtok", Float, nullable=True),
    Column("price_cache_write_per_mtok", Float, nullable=True),
    Column("cost_status", String(20), nullable=False, default="priced"),
    Column("max_tokens", Integer, nullable=True),
    Column("streamed", Boolean, nullable=False, default=False),
    Column("run_id", String(64), nullable=True),
    Column("node_id", String(200), nullable=True),
    # Part of cache_write_tokens written with the longer retention (Anthropic 1 h, OpenAI 12 h).
    Column("cache_write_extended_tokens", Integer, nullable=False, default=0, server_default="0"),
    Column("price_cache_write_extended_per_mtok", Float, nullable=True),
    # Why a row has its status (ledger/outcomes.py): budget_refused, cancelled, timeout, ...
    Column("outcome", String(20), nullable=True),
    # Who made the call (team mode: several Forge processes on one database); NULL on rows
    # recorded before revision 0012.
    Column("user_name", String(100), nullable=True),
    Column("machine", String(255), nullable=True),
    Index("ix_token_ledger_timestamp_id", "timestamp", "id"),
    Index("ix_token_ledger_model_used_timestamp", "model_used", "timestamp"),
    Index("ix_token_ledger_provider_timestamp", "provider", "timestamp"),
    Index("ix_token_ledger_agent_role_timestamp", "agent_role", "timestamp"),
    Index("ix_token_ledger_flow_id_timestamp", "flow_id", "timestamp"),
    Index("ix_token_ledger_status_timestamp", "status", "timestamp"),
    Index("ix_token_ledger_prompt_hash", "prompt_hash"),
    Index("ix_token_ledger_user_name_timestamp", "user_name", "timestamp"),
    Index("ix_token_ledger_machine_timestamp", "machine", "timestamp"),
)

agent_roles = Table(
    "agent_roles",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("description", Text, nullable=False, default=""),
    Column("system_prompt", Text, nullable=False),
    Column("default_model", String(200), nullable=True),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
)

price_overrides = Table(
    "price_overrides",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("provider", String(100), nullable=False),
    Column("model", String(200), nullable=False),
    Column("input_per_mtok", Float, nullable=False),
    Column("output_per_mtok", Float, nullable=False),
    Column("cached_input_per_mtok", Float, nullable=True),
    Column("cache_write_per_mtok", Float, nullable=True),
    Column("effective_from", DateTime, nullable=False),
    Column("effective_until", DateTime, nullable=True),
    Column("created_at", DateTime, nullable=False),
    Column("cache_write_extended_per_mtok", Float, nullable=True),
    Index("ix_price_overrides_model_effective_from", "model", "effective_from"),
)
