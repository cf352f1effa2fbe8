"""Outcome detail: refusals and cancellations stay FAILED but are not counted as failures."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, insert, select
from sqlalchemy import column as sa_column
from sqlalchemy import table as sa_table

from forge_orchestrator.budgets.guard import BudgetGuard
from forge_orchestrator.budgets.models import BudgetSet, BudgetSpec
from forge_orchestrator.db.engine import make_engine
from forge_orchestrator.db.migrate import alembic_config
from forge_orchestrator.db.tables import token_ledger
from forge_orchestrator.errors import BudgetExceeded
from forge_orchestrator.ledger.queries import LedgerFilters
from forge_orchestrator.ledger.rollup import rebuild
from forge_orchestrator.llm.component import build_gateway
from forge_orchestrator.llm.types import ChatMessage, LLMRequest
from tests.budgets.conftest import set_budgets
from tests.conftest import make_settings
from tests.fakes.llm_server import FakeLLMServer, Reply
from tests.ledger.conftest import summarize_on

from .conftest import NOW, add


def seed(engine: Engine) -> None:
    add(engine, outcome="ok")
    add(engine, status="FAILED", outcome="provider_error", error_message="500")
    add(engine, status="FAILED", outcome="budget_refused", error_message="Budget exceeded: x")
    add(engine, status="FAILED", outcome="cancelled", error_message="cancelled")
    add(engine, status="FAILED", outcome="cancelled", error_message="cancelled")
    add(engine, status="TIMEOUT", outcome="timeout")


@pytest.mark.parametrize("exact_max_rows", [10_000, 0], ids=["exact", "rollups"])
def test_summaries_count_refusals_and_cancellations_apart(
    engine: Engine, exact_max_rows: int
) -> None:
    seed(engine)
    since = LedgerFilters(since=NOW - timedelta(days=3))
    for filters in (LedgerFilters(), since):
        s = summarize_on(engine, filters, "provider", exact_max_rows=exact_max_rows)
        t = s.totals
        assert (t.calls, t.failures, t.timeouts, t.refusals, t.cancellations) == (6, 1, 1, 1, 2)
        if exact_max_rows == 0 and filters.since is None:
            assert s.percentiles == "approximate"  # the rollups answered
    rebuild(engine)  # a rebuild from the ledger agrees with what was kept at write time
    t = summarize_on(engine, LedgerFilters(), "model", exact_max_rows=0).totals
    assert (t.failures, t.refusals, t.cancellations) == (1, 1, 2)


async def test_a_budget_refusal_is_recorded_as_budget_refused(
    engine: Engine, tmp_path: Path, fake_llm_env: FakeLLMServer
) -> None:
    fake_llm_env.default = Reply(text="x", input_tokens=1, output_tokens=500)
    gw = build_gateway(engine, make_settings(tmp_path / "data"))
    gw.set_budget_hook(BudgetGuard(engine))
    set_budgets(
        engine,
        BudgetSet(budgets=[BudgetSpec(scope="global", period="day", limit_usd=0.0001)]),
    )
    big = LLMRequest(
        provider="openai",
        model="gpt-6.2-sol",
        max_tokens=500,
        messages=[ChatMessage(role="user", content="hi")],
    )
    try:
        with pytest.raises(BudgetExceeded):
            await gw.complete(big)
    finally:
        await gw.aclose()
    with engine.connect() as conn:
        row = conn.execute(select(token_ledger)).one()
    assert row.status == "FAILED" and row.outcome == "budget_refused"
    t = summarize_on(engine, LedgerFilters(), "provider").totals
    assert (t.failures, t.refusals) == (0, 1)


def test_migration_classifies_earlier_rows_and_recounts_rollups(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    cfg = alembic_config(engine)
    legacy = token_ledger.c
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0008")
        base = {
            "timestamp": NOW,
            "model_used": "m",
            "prompt_hash": "h" * 64,
            "provider": "openai",
            "input_tokens": 1,
            "output_tokens": 1,
            "latency_ms": 5,
            "attempts": 1,
            "usage_source": "provider",
            "cached_input_tokens": 0,
            "cache_write_tokens": 0,
            "reasoning_tokens": 0,
            "cost_status": "priced",
            "streamed": False,
        }
        rows = [
            ("SUCCESS", None),
            ("FAILED", "cancelled"),
            ("FAILED", "Budget exceeded: the global daily budget is $1"),
            ("FAILED", "The server stopped during this call; its outcome was not recorded."),
            ("FAILED", "HTTP 500"),
            ("TIMEOUT", "read timed out"),
        ]
        # The table as it stood at 0008: no outcome (0009), no extended cache writes (0010),
        # no user and machine (0012).
        later = (
            "id",
            "outcome",
            "cache_write_extended_tokens",
            "price_cache_write_extended_per_mtok",
            "user_name",
            "machine",
        )
        columns = [c for c in token_ledger.columns if c.name not in later]
        # A bare table of those columns: the full Table would add later columns' defaults.
        at_0008 = sa_table("token_ledger", *(sa_column(c.name) for c in columns))
        for status, message in rows:
            values = {**base, "status": status, "error_message": message}
            conn.execute(insert(at_0008).values({c.name: values.get(c.name) for c in columns}))
        command.upgrade(cfg, "0009")
    with engine.connect() as conn:
        outcomes = list(conn.execute(select(legacy.outcome).order_by(legacy.id)).scalars())
    assert outcomes == ["ok", "cancelled", "budget_refused", "interrupted", "error", "timeout"]
    t = summarize_on(engine, LedgerFilters(), "provider", exact_max_rows=0).totals
    assert (t.calls, t.failures, t.refusals, t.cancellations, t.timeouts) == (6, 2, 1, 1, 1)
    engine.dispose()
