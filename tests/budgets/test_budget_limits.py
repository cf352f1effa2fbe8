"""Sub-cent budget limits: accepted, stored exactly, enforced and written out without rounding."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from forge_orchestrator.budgets.guard import BudgetGuard
from forge_orchestrator.budgets.models import BudgetSet, BudgetSpec, money
from forge_orchestrator.db.utils import utcnow
from forge_orchestrator.errors import BudgetExceeded
from tests.budgets.conftest import set_budgets
from tests.conftest import assert_error_shape
from tests.ledger.conftest import add


def test_a_sub_cent_limit_round_trips_through_the_api(client: TestClient) -> None:
    body = {"budgets": [{"scope": "global", "period": "day", "limit_usd": 0.033, "hard": True}]}
    res = client.put("/api/budgets", json=body)
    assert res.status_code == 200, res.text
    assert client.get("/api/budgets").json()["budgets"][0]["limit_usd"] == 0.033
    add(client.app.state.engine, total_cost_usd=0.033, timestamp=utcnow())  # type: ignore[attr-defined]
    status = client.get("/api/budgets/status").json()
    [state] = status["budgets"]
    assert state["limit_usd"] == 0.033 and state["level"] == "exceeded"
    assert status["warnings"] == [
        "The global daily budget of $0.033 is used up; new calls are refused."
    ]
    for limit in (0, -0.001, 1_000_001):
        bad = {"budgets": [{"scope": "global", "period": "day", "limit_usd": limit}]}
        r = client.put("/api/budgets", json=bad)
        assert r.status_code == 422, limit
        assert_error_shape(r.json(), "validation_failed")


def test_a_sub_cent_hard_limit_refuses_the_call_that_would_pass_it(engine: Engine) -> None:
    spec = BudgetSpec(scope="global", period="day", limit_usd=0.0005)
    set_budgets(engine, BudgetSet(budgets=[spec]))
    guard = BudgetGuard(engine)
    held = guard.reserve(provider="openai", flow_id=None, amount_usd=0.0003)
    assert held is not None
    with pytest.raises(BudgetExceeded) as refused:
        guard.reserve(provider="openai", flow_id=None, amount_usd=0.0003)
    assert "is $0.0005; spent $0.00, reserved $0.0003" in refused.value.message
    guard.settle(held)
    assert guard.reserve(provider="openai", flow_id=None, amount_usd=0.0005) is not None


def test_money_keeps_sub_cent_digits_and_cents_for_whole_dollars() -> None:
    assert [money(v) for v in (0.033, 5, 0.0210000001, 1234.5, 0)] == [
        "$0.033",
        "$5.00",
        "$0.021",
        "$1,234.50",
        "$0.00",
    ]
