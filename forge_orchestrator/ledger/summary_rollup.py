"""Summaries from the rollups: whole days and months from ledger_rollup, edges from the ledger."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, Table, case, func, select

from ..db.tables import ledger_latency_hist, ledger_rollup, token_ledger
from .latency_hist import bucket_of
from .outcomes import count_sql
from .queries import LedgerFilters, apply_filters
from .rollup import VIEWS

R = ledger_rollup.c
H = ledger_latency_hist.c
L = token_ledger.c
# LedgerFilters field → ledger / rollup column.
FILTER_COLUMNS = {
    "model": "model_used",
    "provider": "provider",
    "agent_role": "agent_role",
    "flow_id": "flow_id",
    "status": "status",
}


@dataclass
class Acc:
    """One group's figures as the pieces of a summary are added up."""

    calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    failures: int = 0
    timeouts: int = 0
    refusals: int = 0
    cancellations: int = 0
    hist: Counter[int] = field(default_factory=Counter)

    def add(self, row: Any) -> None:
        self.calls += int(row.calls)
        self.input_tokens += int(row.input_tokens)
        self.output_tokens += int(row.output_tokens)
        self.cost_usd += float(row.cost_usd)
        self.failures += int(row.failures)
        self.timeouts += int(row.timeouts)
        self.refusals += int(row.refusals)
        self.cancellations += int(row.cancellations)


@dataclass(frozen=True)
class Piece:
    """A stretch of [lo, hi) read from the raw ledger ("raw") or from day or month buckets."""

    source: str
    lo: datetime | None
    hi: datetime | None


def _day_ceil(ts: datetime) -> datetime:
    day = datetime(ts.year, ts.month, ts.day)
    return day if day == ts else day + timedelta(days=1)


def _month_floor(ts: datetime) -> datetime:
    return datetime(ts.year, ts.month, 1)


def _month_ceil(ts: datetime) -> datetime:
    month = _month_floor(ts)
    return month if month == ts else _month_floor(month + timedelta(days=32))


def plan(since: datetime | None, until: datetime | None, by_day: bool) -> list[Piece]:
    """Split [since, until) into raw partial days at the edges, whole days and whole months.

    An open end needs no raw edge: every row ever recorded is already in the buckets.
    """
    lo = None if since is None else _day_ceil(since)
    hi = None if until is None else datetime(until.year, until.month, until.day)
    if lo is not None and hi is not None and lo >= hi:
        return [Piece("raw", since, until)]  # less than one whole day
    pieces = []
    if since is not None and lo is not None and since < lo:
        pieces.append(Piece("raw", since, lo))
    if until is not None and hi is not None and hi < until:
        pieces.append(Piece("raw", hi, until))
    if by_day:
        return [*pieces, Piece("day", lo, hi)]
    mlo = None if lo is None else _month_ceil(lo)
    mhi = None if hi is None else _month_floor(hi)
    if mlo is not None and mhi is not None and mlo >= mhi:
        return [*pieces, Piece("day", lo, hi)]
    if lo is not None and mlo is not None and lo < mlo:
        pieces.append(Piece("day", lo, mlo))
    if hi is not None and mhi is not None and mhi < hi:
        pieces.append(Piece("day", mhi, hi))
    return [*pieces, Piece("month", mlo, mhi)]


def choose_view(filters: LedgerFilters, group_by: str) -> str:
    """The smallest rollup view that keeps the group column and every filtered column."""
    needed = {FILTER_COLUMNS[f] for f in FILTER_COLUMNS if getattr(filters, f) is not None}
    if group_by != "day":
        needed.add(FILTER_COLUMNS.get(group_by, group_by))
    return next(name for name, dims in VIEWS.items() if needed <= set(dims))


def _rollup_where(
    stmt: Select[Any], table: Table, view: str, piece: Piece, f: LedgerFilters
) -> Any:
    stmt = stmt.where(table.c.dims == view, table.c.grain == piece.source)
    if piece.lo is not None:
        stmt = stmt.where(table.c.bucket_start >= piece.lo)
    if piece.hi is not None:
        stmt = stmt.where(table.c.bucket_start < piece.hi)
    for name, column in FILTER_COLUMNS.items():
        value = getattr(f, name)
        if value is not None:
            stmt = stmt.where(table.c[column] == value)
    return stmt


def _raw_filters(f: LedgerFilters, piece: Piece) -> LedgerFilters:
    return f.model_copy(update={"since": piece.lo, "until": piece.hi})


def _key(table: Table, group_by: str) -> ColumnElement[Any]:
    if group_by == "day":
        # The day as text (SQLite) or a date (PostgreSQL): both print as YYYY-MM-DD.
        return func.date(L.timestamp if table is token_ledger else table.c.bucket_start)
    return table.c[FILTER_COLUMNS.get(group_by, group_by)]


def _acc(groups: dict[str | None, Acc], key: Any) -> Acc:
    # "" in a rollup stands for NULL.
    name = None if key is None or key == "" else str(key)
    acc = groups.get(name)
    if acc is None:
        acc = groups[name] = Acc()
    return acc


def add_sums(
    conn: Connection, f: LedgerFilters, group_by: str, view: str, pieces: list[Piece]
) -> dict[str | None, Acc]:
    """Exact calls, tokens, cost, failures and timeouts per group."""
    groups: dict[str | None, Acc] = {}
    for piece in pieces:
        if piece.source == "raw":
            k = _key(token_ledger, group_by)
            failed, refused, cancelled = count_sql(L.status, L.outcome)
            stmt: Any = apply_filters(
                select(
                    k.label("k"),
                    func.count().label("calls"),
                    func.coalesce(func.sum(L.input_tokens), 0).label("input_tokens"),
                    func.coalesce(func.sum(L.output_tokens), 0).label("output_tokens"),
                    func.coalesce(func.sum(L.total_cost_usd), 0.0).label("cost_usd"),
                    func.coalesce(func.sum(failed), 0).label("failures"),
                    func.coalesce(func.sum(case((L.status == "TIMEOUT", 1), else_=0)), 0).label(
                        "timeouts"
                    ),
                    func.coalesce(func.sum(refused), 0).label("refusals"),
                    func.coalesce(func.sum(cancelled), 0).label("cancellations"),
                ),
                _raw_filters(f, piece),
            ).group_by(k)
        else:
            k = _key(ledger_rollup, group_by)
            stmt = _rollup_where(
                select(
                    k.label("k"),
                    *(func.sum(R[c]).label(c) for c in ("calls", "input_tokens", "output_tokens")),
                    func.sum(R.cost_usd).label("cost_usd"),
                    func.sum(R.failures).label("failures"),
                    func.sum(R.timeouts).label("timeouts"),
                    func.sum(R.refusals).label("refusals"),
                    func.sum(R.cancellations).label("cancellations"),
                ),
                ledger_rollup,
                view,
                piece,
                f,
            ).group_by(k)
        for row in conn.execute(stmt):
            _acc(groups, row.k).add(row)
    return groups


def add_histograms(
    conn: Connection,
    f: LedgerFilters,
    group_by: str,
    view: str,
    pieces: list[Piece],
    groups: dict[str | None, Acc],
) -> None:
    """Latency bucket counts per group; raw edges are bucketed here (bounded: partial days)."""
    # Tens of thousands of (group, bucket) rows for a year by day: keep the loops lean.
    hists: dict[Any, Counter[int]] = {}
    for piece in pieces:
        if piece.source == "raw":
            k = _key(token_ledger, group_by)
            raw = apply_filters(
                select(k.label("k"), L.latency_ms, func.count().label("n")),
                _raw_filters(f, piece),
            ).group_by(k, L.latency_ms)
            for key, latency, n in conn.execute(raw):
                hist = hists.get(key)
                if hist is None:
                    hist = hists[key] = _acc(groups, key).hist
                hist[bucket_of(latency)] += n
        else:
            k = _key(ledger_latency_hist, group_by)
            stmt = _rollup_where(
                select(k.label("k"), H.bucket, func.sum(H.calls).label("n")),
                ledger_latency_hist,
                view,
                piece,
                f,
            ).group_by(k, H.bucket)
            for key, bucket, n in conn.execute(stmt):
                hist = hists.get(key)
                if hist is None:
                    hist = hists[key] = _acc(groups, key).hist
                hist[bucket] += n
