"""Budgets hold: atomic reservations, no overshoot under concurrency, refusals on the ledger."""

from __future__ import annotations

import asyncio
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, insert, select

from forge_orchestrator.budgets.guard import BudgetGuard
from forge_orchestrator.budgets.models import BudgetSet, BudgetSpec
from forge_orchestrator.budgets.status import budget_status
from forge_orchestrator.db.tables import budget_reservations, token_ledger
from forge_orchestrator.db.utils import utcnow
from forge_orchestrator.errors import BudgetExceeded
from forge_orchestrator.ledger.recorder import LedgerEntry, record
from forge_orchestrator.llm.component import build_gateway
from forge_orchestrator.llm.gateway import Gateway
from forge_orchestrator.llm.types import CallContext, ChatMessage, LLMRequest
from tests.budgets.conftest import read, set_budgets
from tests.conftest import assert_error_shape, make_settings
from tests.fakes.llm_server import FakeLLMServer, Reply
from tests.ledger.conftest import add


def budgets(*specs: BudgetSpec) -> BudgetSet:
    return BudgetSet(budgets=list(specs))


def ledger_totals(engine: Engine) -> tuple[float, int, list[str | None]]:
    with engine.connect() as conn:
        spent = conn.execute(select(func.sum(token_ledger.c.total_cost_usd))).scalar_one() or 0.0
        ok = conn.execute(
            select(func.count()).where(token_ledger.c.status == "SUCCESS")
        ).scalar_one()
        errors = list(
            conn.execute(
                select(token_ledger.c.error_message).where(token_ledger.c.status == "FAILED")
            ).scalars()
        )
    return float(spent), int(ok), errors


# Answered with max_tokens output tokens, so its actual cost ≈ its worst case.
BIG_REQUEST = LLMRequest(
    provider="openai",
    model="gpt-6.2-sol",
    max_tokens=500,
    messages=[ChatMessage(role="user", content="hi")],
)


def guarded_gateway(engine: Engine, tmp_path: Path) -> tuple[Gateway, BudgetGuard]:
    gw = build_gateway(engine, make_settings(tmp_path / "data"))
    guard = BudgetGuard(engine)
    gw.set_budget_hook(guard)
    return gw, guard


async def test_a_budget_set_after_calls_without_budgets_applies_to_the_next_call(
    engine: Engine, tmp_path: Path, fake_llm_env: FakeLLMServer
) -> None:
    # Nothing about "no budget" is remembered, so a budget set after calls without one
    # applies to the very next call (tests/budgets/test_team_budgets.py: set by another process).
    fake_llm_env.default = Reply(text="x", input_tokens=1, output_tokens=500)
    gw, _guard = guarded_gateway(engine, tmp_path)

    try:
        await gw.complete(BIG_REQUEST)
        set_budgets(engine, budgets(BudgetSpec(scope="global", period="day", limit_usd=0.001)))
        with pytest.raises(BudgetExceeded):
            await gw.complete(BIG_REQUEST)
    finally:
        await gw.aclose()
    _spent, ok, errors = ledger_totals(engine)
    assert ok == 1 and len(errors) == 1 and "Budget exceeded" in (errors[0] or "")


async def test_twenty_concurrent_gateway_calls_never_overshoot_a_hard_budget(
    engine: Engine, tmp_path: Path, fake_llm_env: FakeLLMServer
) -> None:
    # Each call answers with max_tokens output tokens, so its actual cost ≈ its worst case.
    fake_llm_env.default = Reply(text="x", input_tokens=1, output_tokens=500, delay_s=0.05)
    gw, _guard = guarded_gateway(engine, tmp_path)
    limit = 0.03  # gpt-6.2-sol: 500 output tokens x $10/M = $0.005 per call → at most 5 fit
    set_budgets(engine, budgets(BudgetSpec(scope="global", period="day", limit_usd=limit)))

    try:
        results = await asyncio.gather(
            *(gw.complete(BIG_REQUEST, CallContext(agent_role="tester")) for _ in range(20)),
            return_exceptions=True,
        )
    finally:
        await gw.aclose()
    refused = [r for r in results if isinstance(r, BudgetExceeded)]
    succeeded = [r for r in results if not isinstance(r, BaseException)]
    assert len(refused) + len(succeeded) == 20, results
    assert refused and succeeded
    spent, ok, errors = ledger_totals(engine)
    assert spent <= limit + 1e-12
    assert ok == len(succeeded)
    # Every refusal is a FAILED ledger row that says why.
    assert len(errors) == len(refused)
    assert all(e and "Budget exceeded" in e and "global daily budget" in e for e in errors)
    details = refused[0].details
    assert details["limit_usd"] == limit and details["budget"]["scope"] == "global"
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(budget_reservations)).scalar_one() == 0


def test_twenty_threads_reserve_record_settle(engine: Engine) -> None:
    guard = BudgetGuard(engine)
    set_budgets(
        engine,
        budgets(
            BudgetSpec(scope="provider", target="openai", period="month", limit_usd=0.1),
            BudgetSpec(scope="global", period="day", limit_usd=5.0),
        ),
    )
    outcomes: list[str] = []
    refusals: list[dict[str, float]] = []
    lock = threading.Lock()

    def call() -> None:
        try:
            hold = guard.reserve(provider="openai", flow_id=None, amount_usd=0.03)
        except BudgetExceeded as exc:
            with lock:
                refusals.append(exc.details)
            record(
                engine, LedgerEntry("openai", "gpt-6.2-sol", "h" * 64, error_message=exc.message)
            )
            with lock:
                outcomes.append("refused")
            return
        record(
            engine,
            LedgerEntry("openai", "gpt-6.2-sol", "h" * 64, status="SUCCESS", total_cost_usd=0.025),
        )
        guard.settle(hold)
        with lock:
            outcomes.append("ok")

    threads = [threading.Thread(target=call) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    spent, ok, errors = ledger_totals(engine)
    assert spent <= 0.1 + 1e-12
    # How many fit depends on timing: a finished call's ledger row is written before its hold
    # is released, so for that moment it counts twice (the safe order: never an overshoot).
    # What must hold: at least two fit, and every refusal was right on what it saw.
    assert outcomes.count("ok") == ok >= 2
    for seen in refusals:
        assert seen["spent_usd"] + seen["reserved_usd"] + seen["requested_usd"] > seen["limit_usd"]
    assert len(errors) == outcomes.count("refused") == 20 - ok
    assert "provider openai monthly budget" in (errors[0] or "")


def test_scopes_soft_limits_and_status(engine: Engine) -> None:
    guard = BudgetGuard(engine)
    set_budgets(
        engine,
        budgets(
            BudgetSpec(scope="flow", target="9", period="day", limit_usd=1.0, soft_limit_usd=0.5),
            BudgetSpec(
                scope="provider", target="anthropic", period="day", limit_usd=0.2, hard=False
            ),
        ),
    )
    now = utcnow()
    add(engine, flow_id="9", total_cost_usd=0.6, timestamp=now)
    add(engine, flow_id="9", total_cost_usd=0.1, timestamp=now - timedelta(days=2))  # other day
    add(engine, provider="anthropic", flow_id=None, total_cost_usd=0.3, timestamp=now)
    # The soft anthropic budget is over its limit but does not block.
    assert guard.reserve(provider="anthropic", flow_id=None, amount_usd=0.5) is not None
    hold = guard.reserve(provider="openai", flow_id="9", amount_usd=0.3)
    with pytest.raises(BudgetExceeded) as err:
        guard.reserve(provider="openai", flow_id="9", amount_usd=0.2)
    assert err.value.details["spent_usd"] == pytest.approx(0.6)
    assert err.value.details["reserved_usd"] == pytest.approx(0.3)
    # Calls outside the flow are not held by the flow's budget.
    assert guard.reserve(provider="openai", flow_id="other", amount_usd=0.9) is None
    status = {s.budget.scope: s for s in read(engine, budget_status).budgets}
    flow = status["flow"]
    assert (flow.spent_usd, flow.reserved_usd) == (pytest.approx(0.6), pytest.approx(0.3))
    assert flow.remaining_usd == pytest.approx(0.1) and flow.level == "warn"
    assert flow.average_call_usd == pytest.approx(0.35)  # the flow's last calls: 0.6 and 0.1
    assert flow.remaining_calls == 0
    assert status["provider"].level == "exceeded"
    guard.settle(hold)
    assert read(engine, budget_status).budgets[0].reserved_usd == pytest.approx(0.0)


def test_stale_reservations_of_dead_processes_are_cleared(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(
            insert(budget_reservations),
            [
                # pid 999999999 cannot be alive: its hold is a leftover of a crash.
                {
                    "provider": "openai",
                    "flow_id": None,
                    "amount_usd": 1.0,
                    "holder": f"{__import__('socket').gethostname()[:60]}:999999999:abcd",
                    "created_at": utcnow(),
                },
                {
                    "provider": "openai",
                    "flow_id": None,
                    "amount_usd": 1.0,
                    "holder": "elsewhere:1:abcd",
                    "created_at": utcnow() - timedelta(days=2),
                },
            ],
        )
    set_budgets(engine, budgets(BudgetSpec(scope="global", period="day", limit_usd=2.5)))
    guard = BudgetGuard(engine)
    # The leftovers still count until cleared: 2.0 held + 0.6 would pass the limit.
    with pytest.raises(BudgetExceeded):
        guard.reserve(provider="openai", flow_id=None, amount_usd=0.6)
    live = guard.reserve(provider="openai", flow_id=None, amount_usd=0.1)
    assert guard.clear_stale() == 2
    with engine.connect() as conn:
        left = conn.execute(select(budget_reservations.c.holder)).scalars().all()
    assert left == [guard.holder] and live is not None
    assert guard.reserve(provider="openai", flow_id=None, amount_usd=2.0) is not None


def test_budgets_api(client: TestClient) -> None:
    assert client.get("/api/budgets").json() == {"budgets": []}
    assert client.get("/api/budgets/status").json() == {"budgets": [], "warnings": []}
    body = {
        "budgets": [
            {"scope": "global", "period": "day", "limit_usd": 2, "soft_limit_usd": 1, "hard": True},
            {"scope": "provider", "target": "openai", "period": "month", "limit_usd": 20},
        ]
    }
    res = client.put("/api/budgets", json=body)
    assert res.status_code == 200, res.text
    assert [b["scope"] for b in res.json()["budgets"]] == ["global", "provider"]
    add(client.app.state.engine, total_cost_usd=1.5, timestamp=utcnow())  # type: ignore[attr-defined]
    status = client.get("/api/budgets/status").json()
    day = next(s for s in status["budgets"] if s["budget"]["period"] == "day")
    assert day["spent_usd"] == pytest.approx(1.5) and day["remaining_usd"] == pytest.approx(0.5)
    assert day["level"] == "warn" and day["remaining_calls"] == 0
    assert status["warnings"] and "global daily budget" in status["warnings"][0]
    for bad in (
        {"budgets": [{"scope": "flow", "period": "day", "limit_usd": 1}]},
        {"budgets": [{"scope": "global", "period": "week", "limit_usd": 1}]},
        {"budgets": [{"scope": "global", "period": "day", "limit_usd": -1}]},
        {"budgets": [{"scope": "global", "period": "day", "limit_usd": 1, "soft_limit_usd": 2}]},
        {"budgets": [{"scope": "global", "period": "day", "limit_usd": 1}] * 2},
    ):
        r = client.put("/api/budgets", json=bad)
        assert r.status_code == 422, bad
        assert_error_shape(r.json(), "validation_failed")
    assert client.put("/api/budgets", json={"budgets": []}).json() == {"budgets": []}
