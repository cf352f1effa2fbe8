"""Ledger summaries: totals and per-group figures, exact for small selections, rollups for big."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import ColumnElement, Connection, Select, case, func, literal, select

from ..db.tables import token_ledger
from .latency_hist import percentile
from .outcomes import count_sql
from .queries import LedgerFilters, apply_filters
from .summary_rollup import FILTER_COLUMNS, Acc, add_histograms, add_sums, choose_view, plan

GroupBy = Literal["day", "model", "provider", "agent_role", "flow_id", "user_name", "machine"]
# Who made the calls (team mode) is not in the rollups: summaries grouped or filtered by it take
# the exact path, whose cost grows with the selected calls (a time window keeps it small).
EXACT_ONLY: frozenset[str] = frozenset({"user_name", "machine"})
L = token_ledger.c


class SummaryRow(BaseModel):
    # A response always carries its defaulted fields: the OpenAPI says so (required).
    model_config = ConfigDict(json_schema_serialization_defaults_required=True)

    key: str | None
    calls: int
    input_tokens: int
    output_tokens: int
    cost_usd: float
    failures: int = Field(description="FAILED calls, not counting refusals and cancellations.")
    timeouts: int
    refusals: int = Field(0, description="Calls a budget refused before the provider was asked.")
    cancellations: int = Field(0, description="Calls stopped by the user or the caller.")
    latency_p50_ms: int | None
    latency_p95_ms: int | None


class Summary(BaseModel):
    model_config = ConfigDict(json_schema_serialization_defaults_required=True)

    group_by: GroupBy
    totals: SummaryRow
    groups: list[SummaryRow]
    # "approximate": p50/p95 come from the latency histograms, within ERROR_BOUND of exact.
    percentiles: Literal["exact", "approximate"] = "exact"


# Up to this many selected calls the exact window-function pass is cheap enough; above it the
# rollups answer in time independent of the ledger's size.
EXACT_MAX_ROWS = 10_000


def group_key(group_by: GroupBy) -> ColumnElement[Any]:
    """The SQL expression a summary groups on (a UTC calendar day for "day")."""
    if group_by == "day":
        return func.date(L.timestamp)
    column = {
        "model": L.model_used,
        "provider": L.provider,
        "agent_role": L.agent_role,
        "flow_id": L.flow_id,
        "user_name": L.user_name,
        "machine": L.machine,
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
            L.outcome,
            L.latency_ms,
            func.row_number().over(partition_by=key, order_by=L.latency_ms).label("rn"),
            func.count().over(partition_by=key).label("n"),
        ),
        filters,
    ).subquery("ranked")
    r = ranked.c
    failed, refused, cancelled = count_sql(r.status, r.outcome)
    stmt = select(
        # The totals' key is a constant NULL; PostgreSQL cannot see that through the subquery
        # and refuses an ungrouped r.k, so it is selected as a literal there.
        literal(None).label("k") if key is None else r.k,
        func.count().label("calls"),
        func.coalesce(func.sum(r.input_tokens), 0).label("input_tokens"),
        func.coalesce(func.sum(r.output_tokens), 0).label("output_tokens"),
        func.coalesce(func.sum(r.total_cost_usd), 0.0).label("cost_usd"),
        func.coalesce(func.sum(failed), 0).label("failures"),
        func.coalesce(func.sum(case((r.status == "TIMEOUT", 1), else_=0)), 0).label("timeouts"),
        func.coalesce(func.sum(refused), 0).label("refusals"),
        func.coalesce(func.sum(cancelled), 0).label("cancellations"),
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
        refusals=int(m.refusals),
        cancellations=int(m.cancellations),
        latency_p50_ms=None if m.p50 is None else int(m.p50),
        latency_p95_ms=None if m.p95 is None else int(m.p95),
    )


def _exact(conn: Connection, filters: LedgerFilters, group_by: GroupBy) -> Summary:
    groups = [_row(m.k, m) for m in conn.execute(_summary_select(filters, group_key(group_by)))]
    # The same statement with one constant group gives the overall figures.
    total = conn.execute(_summary_select(filters, None)).first()
    assert total is not None  # an aggregate without GROUP BY always returns one row
    return Summary(group_by=group_by, totals=_row(None, total), groups=groups)


def _from_acc(key: str | None, acc: Acc) -> SummaryRow:
    n = sum(acc.hist.values())
    return SummaryRow(
        key=key,
        calls=acc.calls,
        input_tokens=acc.input_tokens,
        output_tokens=acc.output_tokens,
        cost_usd=round(acc.cost_usd, 10),
        failures=acc.failures,
        timeouts=acc.timeouts,
        refusals=acc.refusals,
        cancellations=acc.cancellations,
        latency_p50_ms=percentile(acc.hist, n, 50),
        latency_p95_ms=percentile(acc.hist, n, 95),
    )


def _approximate(
    conn: Connection, filters: LedgerFilters, group_by: GroupBy, exact_max_rows: int
) -> Summary | None:
    """The rollup answer, or None when so few calls match that the exact pass is cheap."""
    view = choose_view(filters, group_by)
    pieces = plan(filters.since, filters.until, by_day=group_by == "day")
    groups = add_sums(conn, filters, group_by, view, pieces)
    total = Acc()
    for acc in groups.values():
        total.add(acc)
    if total.calls <= exact_max_rows:
        return None
    add_histograms(conn, filters, group_by, view, pieces, groups)
    for acc in groups.values():
        total.hist.update(acc.hist)
    return Summary(
        group_by=group_by,
        totals=_from_acc(None, total),
        groups=[_from_acc(k, acc) for k, acc in groups.items() if acc.calls],
        percentiles="approximate",
    )


def summarize(
    conn: Connection,
    filters: LedgerFilters,
    group_by: GroupBy,
    *,
    exact_max_rows: int = EXACT_MAX_ROWS,
) -> Summary:
    """Totals plus one row per group, ordered by cost (days chronologically)."""
    # An empty-string filter matches only "" in the ledger, but NULL too in the rollups.
    blank = any(getattr(filters, f) == "" for f in FILTER_COLUMNS)
    exact_only = group_by in EXACT_ONLY or any(getattr(filters, f) is not None for f in EXACT_ONLY)
    summary = None
    if not (blank or exact_only):
        summary = _approximate(conn, filters, group_by, exact_max_rows)
    if summary is None:
        summary = _exact(conn, filters, group_by)
    groups = summary.groups
    if group_by == "day":
        groups.sort(key=lambda g: g.key or "")
    else:
        groups.sort(key=lambda g: (-g.cost_usd, -g.calls, g.key or ""))
    return summary
