"""What-if: what the selected calls would have cost on another model, beside what they cost."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Connection, case, func, literal, select

from ..db.tables import token_ledger
from ..errors import NotFound
from ..pricing.book import Price, PriceBook, bundled_table, cost
from ..pricing.usage import Usage
from .queries import LedgerFilters, apply_filters

L = token_ledger.c


class RepriceRow(BaseModel):
    provider: str
    model: str
    calls: int
    input_tokens: int
    output_tokens: int
    actual_cost_usd: float
    whatif_cost_usd: float
    unpriced_calls: int


class Reprice(BaseModel):
    model: str
    provider: str
    input_per_mtok: float
    output_per_mtok: float
    calls: int
    actual_cost_usd: float
    whatif_cost_usd: float
    difference_usd: float
    unpriced_calls: int
    rows: list[RepriceRow]


def resolve_price(book: PriceBook, model: str, provider: str | None = None) -> Price:
    """The price of ``model`` now; the provider is found from the price table when not given."""
    providers = [provider] if provider else _known_providers(book)
    for name in providers:
        price = book.lookup(name, model)
        if price is not None:
            return price
    raise NotFound(f"No price is known for model {model!r}; add a price override first.")


def _known_providers(book: PriceBook) -> list[str]:
    names = {p.provider for p in bundled_table().prices} | {p.provider for p in book.overrides()}
    return sorted(names)


def usage_cost(price: Price, usage: Usage, long: bool) -> float:
    """Linear cost of summed usage; the long-context surcharge applied per request bucket."""
    flat = replace(price, long_context=None)
    # pricing.cost() would apply the tier to the summed usage, so it only sees flat prices.
    in_part = cost(usage.model_copy(update={"output_tokens": 0}), flat)
    out_part = cost(Usage(output_tokens=usage.output_tokens), flat)
    lc = price.long_context
    if long and lc is not None:
        return in_part * lc.input_multiplier + out_part * lc.output_multiplier
    return in_part + out_part


def reprice(
    conn: Connection, filters: LedgerFilters, book: PriceBook, model: str, provider: str | None
) -> Reprice:
    price = resolve_price(book, model, provider)
    lc = price.long_context
    long_expr: Any = (
        case((L.input_tokens > lc.threshold, 1), else_=0) if lc is not None else literal(0)
    )
    stmt = apply_filters(
        select(
            L.provider,
            L.model_used,
            long_expr.label("long"),
            func.count().label("calls"),
            func.coalesce(func.sum(L.input_tokens), 0).label("input_tokens"),
            func.coalesce(func.sum(L.output_tokens), 0).label("output_tokens"),
            func.coalesce(func.sum(L.cached_input_tokens), 0).label("cached"),
            func.coalesce(func.sum(L.cache_write_tokens), 0).label("written"),
            func.coalesce(func.sum(L.cache_write_extended_tokens), 0).label("extended"),
            func.coalesce(func.sum(L.total_cost_usd), 0.0).label("actual"),
            func.coalesce(func.sum(case((L.total_cost_usd.is_(None), 1), else_=0)), 0).label(
                "unpriced"
            ),
        ),
        filters,
    ).group_by(L.provider, L.model_used, long_expr)
    merged: dict[tuple[str, str], RepriceRow] = {}
    for r in conn.execute(stmt):
        usage = Usage(
            input_tokens=int(r.input_tokens),
            output_tokens=int(r.output_tokens),
            cached_input_tokens=int(r.cached),
            cache_write_tokens=int(r.written),
            cache_write_extended_tokens=int(r.extended),
        )
        whatif = usage_cost(price, usage, bool(r.long))
        row = merged.setdefault(
            (r.provider, r.model_used),
            RepriceRow(
                provider=r.provider,
                model=r.model_used,
                calls=0,
                input_tokens=0,
                output_tokens=0,
                actual_cost_usd=0.0,
                whatif_cost_usd=0.0,
                unpriced_calls=0,
            ),
        )
        row.calls += int(r.calls)
        row.input_tokens += usage.input_tokens
        row.output_tokens += usage.output_tokens
        row.actual_cost_usd += float(r.actual)
        row.whatif_cost_usd += whatif
        row.unpriced_calls += int(r.unpriced)
    rows = sorted(merged.values(), key=lambda x: (-x.actual_cost_usd, x.provider, x.model))
    for row in rows:
        row.actual_cost_usd = round(row.actual_cost_usd, 10)
        row.whatif_cost_usd = round(row.whatif_cost_usd, 10)
    actual = round(sum(r.actual_cost_usd for r in rows), 10)
    whatif = round(sum(r.whatif_cost_usd for r in rows), 10)
    return Reprice(
        model=price.model,
        provider=price.provider,
        input_per_mtok=price.input_per_mtok,
        output_per_mtok=price.output_per_mtok,
        calls=sum(r.calls for r in rows),
        actual_cost_usd=actual,
        whatif_cost_usd=whatif,
        difference_usd=round(whatif - actual, 10),
        unpriced_calls=sum(r.unpriced_calls for r in rows),
        rows=rows,
    )
