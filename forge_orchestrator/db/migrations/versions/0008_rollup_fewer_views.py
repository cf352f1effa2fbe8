"""Ledger rollups keep five views instead of seven: "time" and "status" are read from "provider".

Every LLM call updates each view once per grain; the two smallest views are sums of the
"provider" view (a few providers times three statuses per bucket), so summaries read that view
instead and each call writes 10 rollup rows and 10 histogram rows instead of 14 and 14.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_SUMS = "calls, input_tokens, output_tokens, cost_usd, unpriced_calls, failures, timeouts"
_KEYS = "dims, grain, bucket_start, provider, model_used, agent_role, flow_id, status"
_SUMMED = "SUM(calls), SUM(input_tokens), SUM(output_tokens), SUM(cost_usd), "
_SUMMED += "SUM(unpriced_calls), SUM(failures), SUM(timeouts)"
# Rebuilds the two views from "provider" (which holds every status), as revision 0007 kept them.
_REBUILD = [
    "INSERT INTO ledger_rollup (" + _KEYS + ", " + _SUMS + ") "
    "SELECT 'status', grain, bucket_start, '', '', '', '', status, " + _SUMMED + " "
    "FROM ledger_rollup WHERE dims = 'provider' GROUP BY grain, bucket_start, status",
    "INSERT INTO ledger_rollup (" + _KEYS + ", " + _SUMS + ") "
    "SELECT 'time', grain, bucket_start, '', '', '', '', '', " + _SUMMED + " "
    "FROM ledger_rollup WHERE dims = 'provider' GROUP BY grain, bucket_start",
    "INSERT INTO ledger_latency_hist (" + _KEYS + ", bucket, calls) "
    "SELECT 'status', grain, bucket_start, '', '', '', '', status, bucket, SUM(calls) "
    "FROM ledger_latency_hist WHERE dims = 'provider' GROUP BY grain, bucket_start, status, bucket",
    "INSERT INTO ledger_latency_hist (" + _KEYS + ", bucket, calls) "
    "SELECT 'time', grain, bucket_start, '', '', '', '', '', bucket, SUM(calls) "
    "FROM ledger_latency_hist WHERE dims = 'provider' GROUP BY grain, bucket_start, bucket",
]


def upgrade() -> None:
    op.execute("DELETE FROM ledger_rollup WHERE dims IN ('time', 'status')")
    op.execute("DELETE FROM ledger_latency_hist WHERE dims IN ('time', 'status')")


def downgrade() -> None:
    for statement in _REBUILD:
        op.execute(statement)
