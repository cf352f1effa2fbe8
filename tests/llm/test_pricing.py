"""The dated price table: history, aliases, long-context surcharges, overrides, free providers."""

from __future__ import annotations

from datetime import datetime

import pytest

from forge_orchestrator import vendors
from forge_orchestrator.llm.types import Usage
from forge_orchestrator.pricing.book import Price, PriceBook, bundled_table, cost


def test_every_bundled_row_is_well_formed() -> None:
    table = bundled_table()
    assert table.version == "2026-11-24" and len(table.prices) > 50
    for p in table.prices:
        assert p.provider in vendors.builtin_names() and p.input_per_mtok > 0
        if p.effective_from and p.effective_until:
            assert p.effective_from < p.effective_until, p.model


def test_prices_follow_their_effective_dates() -> None:
    book = PriceBook()
    before = book.lookup("anthropic", "claude-sonnet-5-5", datetime(2026, 10, 1))
    after = book.lookup("anthropic", "claude-sonnet-5-5", datetime(2026, 10, 7))
    assert before is not None and before.cached_input_per_mtok == 0.20
    assert after is not None and after.cached_input_per_mtok == 0.10
    o3_old = book.lookup("openai", "o3", datetime(2025, 5, 1))
    o3_new = book.lookup("openai", "o3-2025-04-16", datetime(2026, 1, 1))
    assert o3_old is not None and o3_old.input_per_mtok == 10.00
    assert o3_new is not None and o3_new.input_per_mtok == 2.00
    # Shut-down models keep their rows so old ledger rows can be repriced.
    o1 = book.lookup("openai", "o1", datetime(2026, 1, 1))
    assert o1 is not None and o1.output_per_mtok == 60.00


def test_aliases_and_unlisted_snapshots_resolve_to_their_model() -> None:
    book = PriceBook()
    assert book.lookup("openai", "gpt-5.6") == book.lookup("openai", "gpt-5.6-sol")
    snapshot = book.lookup("openai", "gpt-6.2-sol-2026-12-01")
    assert snapshot is not None and snapshot.model == "gpt-6.2-sol"
    own_row = book.lookup("openai", "gpt-4o-2024-05-13")
    assert own_row is not None and own_row.input_per_mtok == 5.00
    assert book.lookup("openai", "claude-sonnet-5-5") is None  # wrong provider
    assert book.lookup("openai", "made-up-model") is None


def test_long_context_surcharge_applies_above_the_threshold_only() -> None:
    book = PriceBook()
    sol = book.lookup("openai", "gpt-6.2-sol")
    assert sol is not None
    at = cost(Usage(input_tokens=272_000, output_tokens=1000), sol)
    above = cost(Usage(input_tokens=272_001, output_tokens=1000), sol)
    assert at == pytest.approx((272_000 * 2.00 + 1000 * 10.00) / 1e6)
    assert above == pytest.approx((272_001 * 4.00 + 1000 * 15.00) / 1e6)


def test_cache_write_without_its_own_rate_bills_as_input() -> None:
    p = Price("openai", "m", input_per_mtok=1.0, output_per_mtok=2.0, cached_input_per_mtok=0.1)
    usage = Usage(input_tokens=100, cached_input_tokens=30, cache_write_tokens=20, output_tokens=5)
    assert cost(usage, p) == pytest.approx((50 * 1.0 + 30 * 0.1 + 20 * 1.0 + 5 * 2.0) / 1e6)


def test_overrides_win_and_free_providers_cost_zero() -> None:
    override = Price(
        "openai",
        "gpt-6.2-sol",
        1.0,
        5.0,
        source="override",
        effective_from=datetime(2026, 11, 20),
        override_id=1,
    )
    book = PriceBook(load_overrides=lambda: [override], is_free=lambda p: p == "ollama")
    assert book.lookup("openai", "gpt-6.2-sol", datetime(2026, 11, 21)) == override
    old = book.lookup("openai", "gpt-6.2-sol", datetime(2026, 11, 18))
    assert old is not None and old.source == "bundled"
    free = book.lookup("ollama", "llama3.3")
    assert free is not None and free.source == "local"
    assert cost(Usage(input_tokens=10**6, output_tokens=10**6), free) == 0.0
    assert book.lookup("vllm-remote", "llama3.3") is None
