"""All table definitions, one module per domain, sharing one MetaData."""

from __future__ import annotations

from .base import metadata
from .budgets import budget_reservations, budgets, optimization_actions
from .captures import llm_call_captures
from .commands import command_cards, command_runs
from .core import app_settings
from .flows import flow_node_runs, flow_runs, flow_versions, forge_flows
from .ledger import agent_roles, price_overrides, token_ledger
from .ledger_indexes import ix_token_ledger_ts_cover  # noqa: F401 - attaches analytics indexes
from .ledger_rollup import ledger_latency_hist, ledger_rollup
from .owners import forge_processes
from .secrets import user_secrets

__all__ = [
    "agent_roles",
    "app_settings",
    "budget_reservations",
    "budgets",
    "command_cards",
    "command_runs",
    "flow_node_runs",
    "flow_runs",
    "flow_versions",
    "forge_flows",
    "forge_processes",
    "ledger_latency_hist",
    "ledger_rollup",
    "llm_call_captures",
    "metadata",
    "optimization_actions",
    "price_overrides",
    "token_ledger",
    "user_secrets",
]
