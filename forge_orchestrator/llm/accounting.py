"""Turns a call's outcome into ledger fields: usage (reported or estimated), prices and cost."""

from __future__ import annotations

from ..ledger.recorder import LedgerEntry, prompt_hash
from ..pricing.book import Price, PriceBook
from .tokens import count_messages, count_text
from .types import CallContext, LLMRequest, Usage, UsageSource


def request_hash(req: LLMRequest) -> str:
    return prompt_hash(req.system, [(m.role, m.content) for m in req.messages])


def new_entry(
    req: LLMRequest,
    ctx: CallContext,
    provider: str,
    *,
    streamed: bool,
    user_name: str | None = None,
    machine: str | None = None,
) -> LedgerEntry:
    return LedgerEntry(
        provider=provider,
        model_used=req.model or "(default)",
        model_requested=req.model,
        prompt_hash=request_hash(req),
        flow_id=ctx.flow_id,
        agent_role=ctx.agent_role,
        run_id=ctx.run_id,
        node_id=ctx.node_id,
        max_tokens=req.max_tokens,
        streamed=streamed,
        user_name=user_name,
        machine=machine,
    )


def estimate_usage(req: LLMRequest, model: str, output_text: str) -> Usage:
    """Offline counts for a provider that reported none (or a stream cut before its usage)."""
    return Usage(
        input_tokens=count_messages(req.messages, req.system, model),
        output_tokens=count_text(output_text, model).tokens if output_text else 0,
    )


def apply_usage(
    entry: LedgerEntry,
    prices: PriceBook,
    usage: Usage,
    source: UsageSource,
    model_requested: str,
) -> float | None:
    """Fill tokens, unit prices and cost on ``entry``; returns the cost (None: unpriced).

    Prices follow the model the provider reports (aliases resolve to their snapshot's row),
    falling back to the requested name.
    """
    entry.input_tokens = usage.input_tokens
    entry.output_tokens = usage.output_tokens
    entry.cached_input_tokens = usage.cached_input_tokens
    entry.cache_write_tokens = usage.cache_write_tokens
    entry.cache_write_extended_tokens = usage.cache_write_extended_tokens
    entry.reasoning_tokens = usage.reasoning_tokens
    entry.usage_source = source
    price = prices.lookup(entry.provider, entry.model_used, entry.timestamp)
    if price is None and model_requested != entry.model_used:
        price = prices.lookup(entry.provider, model_requested, entry.timestamp)
    return apply_price(entry, prices, usage, price)


def apply_price(
    entry: LedgerEntry, prices: PriceBook, usage: Usage, price: Price | None
) -> float | None:
    if price is None:
        entry.total_cost_usd = None
        entry.cost_status = "unpriced"
        return None
    entry.price_input_per_mtok = price.input_per_mtok
    entry.price_output_per_mtok = price.output_per_mtok
    entry.price_cached_input_per_mtok = price.cached_input_per_mtok
    entry.price_cache_write_per_mtok = price.cache_write_per_mtok
    entry.price_cache_write_extended_per_mtok = price.cache_write_extended_per_mtok
    entry.total_cost_usd = prices.cost(usage, price)
    entry.cost_status = "free" if price.source == "local" else "priced"
    return entry.total_cost_usd
