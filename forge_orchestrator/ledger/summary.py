"""Ledger summaries: totals and per-group figures with exact latency percentiles, all in SQL."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel
from sqlalchemy import ColumnElement, Engine, Select, case, func, literal, select

from ..db.tables import token_ledger
from .queries import LedgerFilters, apply_filters

GroupBy = Literal["day", "model", "provider", "agent_role", "flow_id"]
L = token_ledger.c


class SummaryRow(BaseModel):
    key: str | None
    calls: int
    input_tokens: int
    output_tokens: int
    cost_usd: float
    failures: int
    timeouts: int
    latency_p50_ms: int | None
    latency_p95_ms: int | None


class Summary(BaseModel):
    group_by: GroupBy
    totals: SummaryRow
    groups: list[SummaryRow]


def group_key(group_by: GroupBy) -> ColumnElement[Any]:
    """The SQL expression a summary groups on (a UTC calendar day for "day")."""
    if group_by == "day":
        return func.date(L.timestamp)
    column = {
        "model": L.model_used,
        "provider": L.provider,
        "agent_role": L.agent_role,
        "flow_id": L.flow_id,
    }[group_by]
    # `|| ''` keeps NULL as NULL but stops SQLite from walking the (column, timestamp) index
    # of the whole table just to get partition order; the covering time index wins instead.
    return column.concat("")


def _rank(n: ColumnElement[Any], pct: int) -> ColumnElement[Any]:
    # Nearest-rank percentile: the value at 1-based rank ceil(pct * n / 100), in integer math
    # so SQLite and PostgreSQL agree exactly.
    return (n * pct + 99) // 100


def _summary_select(filters: LedgerFilters, key: ColumnElement[Any] | None) -> Select[Any]:
    """One pass: rank each selected call by latency within its group, then aggregate.

    ``key`` None means one group of everything (the totals), with no partition at all.
    """
    key_col = literal(None) if key is None else key
    ranked = apply_filters(
        select(
            key_col.label("k"),
            L.input_tokens,
            L.output_tokens,
            L.total_cost_usd,
            L.status,
            L.latency_ms,
            func.row_number().over(partition_by=key, order_by=L.latency_ms).label("rn"),
            func.count().over(partition_by=key).label("n"),
        ),
        filters,
    ).subquery("ranked")
    r = ranked.c
    stmt = select(
        r.k,
        func.count().label("calls"),
        func.coalesce(func.sum(r.input_tokens), 0).label("input_tokens"),
        func.coalesce(func.sum(r.output_tokens), 0).label("output_tokens"),
        func.coalesce(func.sum(r.total_cost_usd), 0.0).label("cost_usd"),
        func.coalesce(func.sum(case((r.status == "FAILED", 1), else_=0)), 0).label("failures"),
        func.coalesce(func.sum(case((r.status == "TIMEOUT", 1), else_=0)), 0).label("timeouts"),
        func.max(case((r.rn == _rank(r.n, 50), r.latency_ms))).label("p50"),
        func.max(case((r.rn == _rank(r.n, 95), r.latency_ms))).label("p95"),
    )
    return stmt if key is None else stmt.group_by(r.k)


def _row(key: Any, m: Any) -> SummaryRow:
    return SummaryRow(
        key=None if key is None else str(key),
        calls=int(m.calls),
        input_tokens=int(m.input_tokens),
        output_tokens=int(m.output_tokens),
        cost_usd=round(float(m.cost_usd), 10),
        failures=int(m.failures),
        timeouts=int(m.timeouts),
        latency_p50_ms=None if m.p50 is None else int(m.p50),
        latency_p95_ms=None if m.p95 is None else int(m.p95),
    )


def summarize(engine: Engine, filters: LedgerFilters, group_by: GroupBy) -> Summary:
    """Totals plus one row per group, ordered by cost (days chronologically)."""
    with engine.connect() as conn:
        groups = [_row(m.k, m) for m in conn.execute(_summary_select(filters, group_key(group_by)))]
        # The same statement with one constant group gives the overall figures.
        total = conn.execute(_summary_select(filters, None)).first()
    assert total is not None  # an aggregate without GROUP BY always returns one row
    totals = _row(None, total)
    if group_by == "day":
        groups.sort(key=lambda g: g.key or "")
    else:
        groups.sort(key=lambda g: (-g.cost_usd, -g.calls, g.key or ""))
    return Summary(group_by=group_by, totals=totals, groups=groups)
