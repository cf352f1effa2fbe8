"""What-if repricing: the selected calls' real cost beside their cost on another model."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from forge_orchestrator.ledger.queries import LedgerFilters
from forge_orchestrator.pricing.book import PriceBook
from tests.conftest import assert_error_shape
from tests.ledger.conftest import reprice_on

from .conftest import add


def seed(engine: Engine) -> None:
    add(
        engine,
        model_used="gpt-6.2-sol",
        input_tokens=1_000_000,
        output_tokens=100_000,
        total_cost_usd=3.0,
        agent_role="planner",
    )
    add(
        engine,
        model_used="gpt-6.2-sol",
        input_tokens=500_000,
        output_tokens=0,
        total_cost_usd=1.0,
        agent_role="tester",
    )
    # One long-context request: gpt-6-luna bills it at 2x input and 1.5x output.
    add(
        engine,
        model_used="gpt-6.2-sol",
        input_tokens=300_000,
        output_tokens=10_000,
        total_cost_usd=1.5,
        agent_role="planner",
    )
    add(
        engine,
        provider="anthropic",
        model_used="claude-x-unknown",
        input_tokens=10,
        output_tokens=10,
        total_cost_usd=None,
        agent_role="planner",
    )


def test_reprice_on_a_cheaper_model(engine: Engine) -> None:
    seed(engine)
    r = reprice_on(engine, LedgerFilters(), PriceBook(), "gpt-6-luna", None)
    # gpt-6-luna: $0.10 input, $0.50 output per 1M tokens; long context > 272,000 tokens.
    # Whether gpt-6-luna has a long-context rule decides the third call's price.
    luna = PriceBook().lookup("openai", "gpt-6-luna")
    assert luna is not None
    lc = luna.long_context
    long_mult = (lc.input_multiplier, lc.output_multiplier) if lc else (1.0, 1.0)
    # All three gpt-6.2-sol calls are over 272,000 prompt tokens, so each is a long request.
    expected = (
        (1_000_000 + 500_000) * 0.10 * long_mult[0]
        + 100_000 * 0.50 * long_mult[1]
        + 300_000 * 0.10 * long_mult[0]
        + 10_000 * 0.50 * long_mult[1]
        + 10 * 0.10
        + 10 * 0.50
    ) / 1_000_000
    assert (r.provider, r.model) == ("openai", "gpt-6-luna")
    assert r.calls == 4 and r.unpriced_calls == 1
    assert r.actual_cost_usd == pytest.approx(5.5)
    assert r.whatif_cost_usd == pytest.approx(expected)
    assert r.difference_usd == pytest.approx(expected - 5.5)
    rows = {row.model: row for row in r.rows}
    assert rows["gpt-6.2-sol"].calls == 3 and rows["claude-x-unknown"].unpriced_calls == 1


def test_reprice_filters_and_api(client: TestClient) -> None:
    seed(client.app.state.engine)  # type: ignore[attr-defined]
    res = client.get(
        "/api/ledger/reprice",
        params={"model": "claude-haiku-5-5", "agent_role": "tester", "from_model": "gpt-6.2-sol"},
    )
    assert res.status_code == 200, res.text
    body = res.json()
    assert body["provider"] == "anthropic" and body["calls"] == 1
    assert body["actual_cost_usd"] == pytest.approx(1.0)
    # Haiku 5.5 bills a prompt over 100,000 tokens at its long-context rate for the whole call.
    haiku = PriceBook().lookup("anthropic", "claude-haiku-5-5")
    assert haiku is not None and haiku.long_context is not None
    assert haiku.long_context.threshold < 500_000
    mult = haiku.long_context.input_multiplier
    assert body["whatif_cost_usd"] == pytest.approx(500_000 * 0.10 * mult / 1_000_000)
    missing = client.get("/api/ledger/reprice", params={"model": "no-such-model"})
    assert missing.status_code == 404
    assert_error_shape(missing.json(), "not_found")
    assert client.get("/api/ledger/reprice").status_code == 422
