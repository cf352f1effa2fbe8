"""A database left at revision 0006 upgrades to head with rollups that match its raw ledger."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import Engine, text

from forge_orchestrator.db.engine import make_engine
from forge_orchestrator.db.migrate import alembic_config
from forge_orchestrator.ledger.queries import LedgerFilters
from forge_orchestrator.ledger.summary import GroupBy
from tests.ledger.conftest import summarize_on

START = datetime(2026, 8, 28, 5, 0, 0)  # 40 days across a month boundary
ROWS = 200
# Every NOT NULL column of token_ledger at 0006 (no outcome, no extended cache writes).
INSERT = text(
    "INSERT INTO token_ledger (timestamp, flow_id, model_used, agent_role, prompt_hash,"
    " input_tokens, output_tokens, total_cost_usd, latency_ms, status, error_message, provider,"
    " attempts, usage_source, cached_input_tokens, cache_write_tokens, reasoning_tokens,"
    " cost_status, streamed) VALUES (:timestamp, :flow_id, :model_used, :agent_role,"
    " :prompt_hash, :input_tokens, :output_tokens, :total_cost_usd, :latency_ms, :status,"
    " :error_message, :provider, 1, 'provider', 0, 0, 0, 'priced', 0)"
)
MODELS = [("openai", "gpt-6.2-sol"), ("openai", "gpt-6-luna"), ("anthropic", "claude-haiku-5-5")]
MESSAGES = ["HTTP 500", "cancelled", "Budget exceeded: the global daily budget is $1"]


def _rows(seed: int) -> list[dict[str, Any]]:
    rnd = random.Random(seed)
    rows = []
    for i in range(ROWS):
        provider, model = rnd.choice(MODELS)
        roll = rnd.random()
        status = "SUCCESS" if roll < 0.75 else "FAILED" if roll < 0.9 else "TIMEOUT"
        rows.append(
            {
                "timestamp": START + timedelta(seconds=rnd.randrange(40 * 86400)),
                "flow_id": rnd.choice(["f1", "f2", None]),
                "model_used": model,
                "agent_role": rnd.choice(["planner", "tester", None]),
                "prompt_hash": f"{i:064x}",
                "input_tokens": rnd.randint(0, 5000),
                "output_tokens": rnd.randint(0, 900),
                "total_cost_usd": None if rnd.random() < 0.1 else rnd.randint(0, 10**6) / 1e7,
                "latency_ms": rnd.randint(0, 90_000),
                "status": status,
                "error_message": rnd.choice(MESSAGES) if status == "FAILED" else None,
                "provider": provider,
            }
        )
    return rows


@pytest.fixture(scope="module")
def upgraded(tmp_path_factory: pytest.TempPathFactory) -> Any:
    path = Path(tmp_path_factory.mktemp("from0006")) / "ledger.db"
    eng = make_engine(f"sqlite:///{path}")
    cfg = alembic_config(eng)
    with eng.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0006")
        conn.execute(INSERT, _rows(seed=16))
    with eng.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "heads")
    yield eng
    eng.dispose()


# The same figures with a plain GROUP BY over the upgraded ledger.
_PLAIN = """
SELECT {key} AS k, COUNT(*), SUM(input_tokens), SUM(output_tokens),
       ROUND(COALESCE(SUM(total_cost_usd), 0), 9),
       SUM(CASE WHEN status = 'FAILED' AND outcome NOT IN ('budget_refused', 'cancelled')
           THEN 1 ELSE 0 END),
       SUM(CASE WHEN status = 'TIMEOUT' THEN 1 ELSE 0 END),
       SUM(CASE WHEN outcome = 'budget_refused' THEN 1 ELSE 0 END),
       SUM(CASE WHEN outcome = 'cancelled' THEN 1 ELSE 0 END)
FROM token_ledger GROUP BY k
"""
_KEYS = {"model": "model_used", "provider": "provider", "agent_role": "agent_role"}
_KEYS["day"] = "date(timestamp)"


@pytest.mark.parametrize("group_by", ["day", "model", "agent_role", "provider"])
def test_rollup_summary_after_upgrade_matches_a_plain_group_by(
    upgraded: Engine, group_by: GroupBy
) -> None:
    summary = summarize_on(upgraded, LedgerFilters(), group_by, exact_max_rows=0)
    assert summary.percentiles == "approximate"  # read from the rollups, not the ledger
    got = {
        g.key or None: (
            g.calls,
            g.input_tokens,
            g.output_tokens,
            round(g.cost_usd, 9),
            g.failures,
            g.timeouts,
            g.refusals,
            g.cancellations,
        )
        for g in summary.groups
    }
    with upgraded.connect() as conn:
        rows = conn.execute(text(_PLAIN.format(key=_KEYS[group_by]))).all()
    want = {r[0] or None: tuple(r[1:]) for r in rows}
    assert got == want
    assert summary.totals.calls == ROWS


def test_upgraded_rows_were_classified(upgraded: Engine) -> None:
    with upgraded.connect() as conn:
        nulls = conn.execute(text("SELECT COUNT(*) FROM token_ledger WHERE outcome IS NULL"))
        kinds = conn.execute(text("SELECT COUNT(DISTINCT outcome) FROM token_ledger"))
        assert (nulls.scalar_one(), kinds.scalar_one()) == (0, 5)
