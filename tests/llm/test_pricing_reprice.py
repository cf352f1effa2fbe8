"""Stored 1-hour cache writes reach the what-if reprice and the price overrides."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from forge_orchestrator.db.utils import utcnow
from forge_orchestrator.ledger.queries import LedgerFilters
from forge_orchestrator.ledger.recorder import LedgerEntry, record
from forge_orchestrator.pricing.book import PriceBook
from tests.ledger.conftest import reprice_on


def test_reprice_bills_stored_1h_writes_at_the_target_models_1h_rate(engine: Engine) -> None:
    record(
        engine,
        LedgerEntry(
            provider="anthropic",
            model_used="claude-sonnet-5-5",
            prompt_hash="h" * 64,
            status="SUCCESS",
            timestamp=utcnow() - timedelta(hours=1),
            input_tokens=1_604,
            cached_input_tokens=1_000,
            cache_write_tokens=500,
            cache_write_extended_tokens=200,
            output_tokens=100,
            total_cost_usd=0.0028,
            cost_status="priced",
        ),
    )
    r = reprice_on(engine, LedgerFilters(), PriceBook(), "claude-opus-5-5", "anthropic")
    # The same call on claude-opus-5-5 is the issue's $0.005716, not $0.005116.
    assert r.whatif_cost_usd == pytest.approx(0.005716, abs=1e-12)


def test_a_price_override_carries_its_own_extended_write_rate(client: TestClient) -> None:
    body = {
        "provider": "anthropic",
        "model": "claude-opus-5-5",
        "input_per_mtok": 4.0,
        "output_per_mtok": 20.0,
        "cached_input_per_mtok": 0.2,
        "cache_write_per_mtok": 5.0,
        "cache_write_extended_per_mtok": 9.0,
        "effective_from": "2026-01-01T00:00:00Z",
    }
    created = client.post("/api/prices/overrides", json=body)
    assert created.status_code == 201, created.text
    assert created.json()["cache_write_extended_per_mtok"] == 9.0
    book: PriceBook = client.app.state.gateway.prices  # type: ignore[attr-defined]
    price = book.lookup("anthropic", "claude-opus-5-5")
    assert price is not None and price.cache_write_extended_per_mtok == 9.0
    models = client.get("/api/llm/models").json()["models"]
    opus = next(m for m in models if m["model"] == "claude-opus-5-5")
    assert opus["price"]["cache_write_extended_per_mtok"] == 9.0
    bad = client.post("/api/prices/overrides", json={**body, "cache_write_extended_per_mtok": -1})
    assert bad.status_code == 422 and set(bad.json()) == {"error"}
