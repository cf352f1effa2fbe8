"""The bundled table against the price reference: long-context tiers, extended cache writes, aliases."""

from __future__ import annotations

from datetime import datetime

import pytest

from forge_orchestrator.llm.types import Usage
from forge_orchestrator.pricing.aliases import bundled_aliases
from forge_orchestrator.pricing.book import Price, PriceBook, bundled_table, cost

# docs/model-prices.md (2026-11-24): the 1-hour cache write of every Anthropic model.
ANTHROPIC_1H_WRITE = {
    "claude-fable-5-2": 16.00,
    "claude-opus-5-5": 8.00,
    "claude-sonnet-5-5": 4.00,
    "claude-haiku-5-5": 0.20,
    "claude-mythos-5-1": 20.00,
    "claude-fable-5-1": 20.00,
    "claude-fable-5": 20.00,
    "claude-mythos-5": 20.00,
    "claude-opus-5": 10.00,
    "claude-sonnet-5": 4.00,
    "claude-opus-4-8": 10.00,
    "claude-opus-4-7": 10.00,
    "claude-opus-4-6": 10.00,
    "claude-sonnet-4-6": 6.00,
    "claude-opus-4-5": 10.00,
    "claude-haiku-4-5": 2.00,
    "claude-sonnet-4-5": 6.00,
    "claude-opus-4-1": 30.00,
    "claude-opus-4-0": 30.00,
    "claude-sonnet-4-0": 6.00,
    "claude-3-7-sonnet-latest": 6.00,
    "claude-3-5-haiku-latest": 1.60,
    "claude-3-haiku-20240307": 0.50,
}
# The OpenAI models that list a 12-hour write (the others bill every write at the 30-min rate).
OPENAI_12H_WRITE = {"gpt-6.2-sol": 5.00, "gpt-6.1-terra": 2.50}
# Issue #15: these had no >272K tier although the reference gives them one.
LONG_CONTEXT_ADDED = ("gpt-6-sol", "gpt-6-luna", "gpt-5.6-terra", "gpt-5.6-luna", "gpt-5.5")


def test_every_anthropic_row_has_the_reference_1h_write_rate() -> None:
    rows = [p for p in bundled_table().prices if p.provider == "anthropic"]
    assert {p.model for p in rows} == set(ANTHROPIC_1H_WRITE)
    for p in rows:
        assert p.cache_write_extended_per_mtok == ANTHROPIC_1H_WRITE[p.model], p.model
        assert p.cache_write_extended_per_mtok == pytest.approx(2 * p.input_per_mtok), p.model


def test_only_the_models_that_list_one_have_an_openai_12h_write_rate() -> None:
    for p in bundled_table().prices:
        if p.provider == "openai":
            assert p.cache_write_extended_per_mtok == OPENAI_12H_WRITE.get(p.model), p.model


@pytest.mark.parametrize("model", [*LONG_CONTEXT_ADDED, "gpt-5.5-pro"])
def test_long_context_tier_covers_every_row_of_the_model(model: str) -> None:
    rows = [p for p in bundled_table().prices if p.model == model]
    assert rows
    for p in rows:
        assert p.long_context is not None, (model, p.effective_from)
        lc = p.long_context
        assert (lc.threshold, lc.input_multiplier, lc.output_multiplier) == (272_000, 2.0, 1.5)
        short = Usage(input_tokens=272_000, output_tokens=1_000)
        long = Usage(input_tokens=272_001, output_tokens=1_000)
        assert cost(short, p) == pytest.approx(
            (272_000 * p.input_per_mtok + 1_000 * p.output_per_mtok) / 1e6
        )
        assert cost(long, p) == pytest.approx(
            (272_001 * p.input_per_mtok * 2 + 1_000 * p.output_per_mtok * 1.5) / 1e6
        )


def test_the_long_tier_doubles_cache_reads_and_both_cache_writes() -> None:
    sol = PriceBook().lookup("openai", "gpt-6.2-sol")
    assert sol is not None
    usage = Usage(
        input_tokens=300_000,
        cached_input_tokens=100_000,
        cache_write_tokens=50_000,
        cache_write_extended_tokens=20_000,
        output_tokens=2_000,
    )
    # 150K x $2 + 100K x $0.10 + 30K x $2.50 + 20K x $5, all 2x; 2K x $10 x 1.5.
    expected = ((150_000 * 2 + 100_000 * 0.1 + 30_000 * 2.5 + 20_000 * 5) * 2 + 2_000 * 15) / 1e6
    assert cost(usage, sol) == pytest.approx(expected)


def test_haiku_5_5_bills_a_prompt_over_100k_at_five_times_every_rate() -> None:
    haiku = PriceBook().lookup("anthropic", "claude-haiku-5-5")
    assert haiku is not None
    usage = Usage(
        input_tokens=100_001,
        cached_input_tokens=50_000,
        cache_write_tokens=30_000,
        cache_write_extended_tokens=10_000,
        output_tokens=1_000,
    )
    # Reference: 0.50 / 0.05 / 0.625 / 1.00 / 2.50 for the whole request.
    expected = (20_001 * 0.50 + 50_000 * 0.05 + 20_000 * 0.625 + 10_000 * 1.00 + 1_000 * 2.50) / 1e6
    assert cost(usage, haiku) == pytest.approx(expected)


def test_extended_writes_without_their_own_rate_bill_at_the_write_rate() -> None:
    p = Price("openai", "m", 1.0, 2.0, cached_input_per_mtok=0.1, cache_write_per_mtok=1.25)
    usage = Usage(input_tokens=100, cache_write_tokens=40, cache_write_extended_tokens=90)
    # The extended part can never exceed the whole write.
    assert cost(usage, p) == pytest.approx((60 * 1.0 + 40 * 1.25) / 1e6)


def test_every_alias_points_to_a_priced_model_at_each_of_its_dates() -> None:
    book = PriceBook()
    aliases = bundled_aliases()
    assert {"claude-opus-latest", "claude-sonnet-latest", "chat-latest"} <= {
        name for _, name in aliases
    }
    for (provider, name), alias in aliases.items():
        # An unstated mapping must say when it was assumed.
        assert alias.basis and (alias.assumed is None or alias.assumed == "2026-12-04")
        if alias.basis.startswith("Assumption"):
            assert alias.assumed is not None, name
        for target in alias.targets:
            at = target.since or datetime(2026, 1, 1)
            price = book.lookup(provider, name, at)
            assert price is not None and price.model == target.model, (name, at)


def test_aliases_follow_their_dates_and_overrides_of_the_alias_win() -> None:
    book = PriceBook()
    early = book.lookup("anthropic", "claude-sonnet-latest", datetime(2026, 10, 1))
    later = book.lookup("anthropic", "claude-sonnet-latest", datetime(2026, 11, 1))
    summer = book.lookup("anthropic", "claude-sonnet-latest", datetime(2026, 7, 15))
    assert early is not None and early.model == "claude-sonnet-5-5"
    assert early.cached_input_per_mtok == 0.20  # before the 2026-10-07 cache-read cut
    assert later is not None and later.cached_input_per_mtok == 0.10
    assert summer is not None and summer.model == "claude-sonnet-5"
    chat = book.lookup("openai", "gpt-5.2-chat-latest")
    assert chat is not None and chat.model == "gpt-5.2"
    assert book.lookup("openai", "claude-opus-latest") is None  # wrong provider
    assert book.lookup("anthropic", "claude-nothing-latest") is None
    mine = Price("anthropic", "claude-opus-latest", 1.0, 2.0, source="override", override_id=7)
    overridden = PriceBook(load_overrides=lambda: [mine])
    assert overridden.lookup("anthropic", "claude-opus-latest") == mine


# The reference's long-context figures: (input, cache read, 5-min/30-min write, 1-h/12-h write,
# output) per 1M tokens for a request over the threshold; None where the reference gives none.
LONG_TIER_FIGURES = [
    ("openai", "gpt-6-astra", datetime(2026, 11, 1), (20.0, 2.0, 25.0, None, 75.0)),
    ("openai", "gpt-6.1-sol", datetime(2026, 11, 1), (4.0, 0.20, None, None, 15.0)),
    ("openai", "gpt-6.1-terra", datetime(2026, 11, 1), (2.0, 0.10, None, None, 7.50)),
    ("openai", "gpt-5.4", datetime(2026, 11, 1), (5.0, 0.50, None, None, 22.50)),
    ("anthropic", "claude-haiku-5-5", datetime(2026, 11, 1), (0.50, 0.05, 0.625, 1.00, 2.50)),
    ("anthropic", "claude-sonnet-4-5", datetime(2026, 11, 1), (6.0, 0.60, 7.50, 12.0, 22.50)),
    ("anthropic", "claude-opus-4-6", datetime(2026, 3, 1), (10.0, 1.0, 12.50, 20.0, 37.50)),
]


@pytest.mark.parametrize(("provider", "model", "at", "figures"), LONG_TIER_FIGURES)
def test_long_requests_cost_the_references_long_context_figures(
    provider: str, model: str, at: datetime, figures: tuple[float | None, ...]
) -> None:
    price = PriceBook().lookup(provider, model, at)
    assert price is not None and price.long_context is not None
    n = price.long_context.threshold + 1  # every token of the prompt in one category at a time

    def rate(**parts: int) -> float:
        usage = Usage(input_tokens=n, **parts)
        return cost(usage, price) * 1e6 / n

    cached = rate(cached_input_tokens=n)
    write = rate(cache_write_tokens=n)
    extended = rate(cache_write_tokens=n, cache_write_extended_tokens=n)
    output = (cost(Usage(input_tokens=n, output_tokens=n), price) * 1e6 / n) - rate()
    for got, want in zip((rate(), cached, write, extended, output), figures, strict=True):
        if want is not None:
            assert got == pytest.approx(want), (model, figures)
