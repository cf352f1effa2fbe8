"""Extra token_ledger indexes for analytics: a covering time index and per-scope cost indexes."""

from __future__ import annotations

from sqlalchemy import Index

from .ledger import token_ledger

c = token_ledger.c

# Summaries, budgets and time-window reads are answered from this index alone (no table
# lookups), which is what keeps a month of a million-row ledger interactive.
ix_token_ledger_ts_cover = Index(
    "ix_token_ledger_ts_cover",
    c.timestamp,
    c.model_used,
    c.provider,
    c.agent_role,
    c.flow_id,
    c.status,
    c.latency_ms,
    c.input_tokens,
    c.output_tokens,
    c.total_cost_usd,
)
# A provider or flow budget's "spent" is a range sum over these, again without table lookups.
ix_token_ledger_provider_ts_cost = Index(
    "ix_token_ledger_provider_ts_cost", c.provider, c.timestamp, c.total_cost_usd
)
ix_token_ledger_flow_ts_cost = Index(
    "ix_token_ledger_flow_ts_cost", c.flow_id, c.timestamp, c.total_cost_usd
)
