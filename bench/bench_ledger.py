"""Ledger at a million rows: insert rates, summary and page latency, export throughput, size.

Run: .venv/bin/python bench/bench_ledger.py [--rows 1000000] [--keep]
Targets: summary ≤ 200 ms, page ≤ 20 ms. Baselines measured in the same run: COUNT(*) and a
plain GROUP BY over the whole table, and the exact window-function summary (the path small
selections still take) for one group_by.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import Engine, func, insert, select, text

from forge_orchestrator.db.engine import make_engine
from forge_orchestrator.db.migrate import upgrade
from forge_orchestrator.db.tables import ledger_latency_hist, ledger_rollup, token_ledger
from forge_orchestrator.db.utils import utcnow
from forge_orchestrator.ledger.export import stream_export
from forge_orchestrator.ledger.latency_hist import ERROR_BOUND
from forge_orchestrator.ledger.queries import LedgerFilters, encode_cursor, list_entries
from forge_orchestrator.ledger.recorder import LedgerEntry, record
from forge_orchestrator.ledger.rollup import rebuild
from forge_orchestrator.ledger.summary import Summary, summarize

MODELS = [
    ("openai", "gpt-6.2-sol"),
    ("openai", "gpt-6-luna"),
    ("openai", "gpt-6.1-terra"),
    ("anthropic", "claude-opus-5-5"),
    ("anthropic", "claude-sonnet-5-5"),
    ("anthropic", "claude-haiku-5-5"),
]
ROLES = ["architect", "planner", "implementer", "tester", "reviewer", "optimizer", None]
SPAN_DAYS = 365
SAMPLE_RECORD_ROWS = 20_000


def make_row(rnd: random.Random, i: int, n: int, start: Any) -> dict[str, Any]:
    provider, model = MODELS[rnd.randrange(len(MODELS))]
    roll = rnd.random()
    status = "SUCCESS" if roll < 0.95 else "FAILED" if roll < 0.98 else "TIMEOUT"
    inp, out = rnd.randint(50, 8000), rnd.randint(10, 2000)
    flow = rnd.randrange(40)
    return {
        "timestamp": start + timedelta(seconds=i * SPAN_DAYS * 86400 / n),
        "flow_id": str(flow) if flow else None,
        "node_id": f"step{rnd.randrange(5)}" if flow else None,
        "run_id": None,
        "model_used": model,
        "agent_role": rnd.choice(ROLES),
        "prompt_hash": hashlib.sha256(str(rnd.randrange(200_000)).encode()).hexdigest(),
        "input_tokens": inp,
        "output_tokens": out,
        "total_cost_usd": (inp * 2 + out * 10) / 1e6,
        "latency_ms": rnd.randint(200, 30_000),
        "status": status,
        "error_message": None if status == "SUCCESS" else "provider said no",
        "provider": provider,
        "model_requested": model,
        "attempts": 1,
        "usage_source": "provider",
        "cached_input_tokens": 0,
        "cache_write_tokens": 0,
        "reasoning_tokens": 0,
        "ttft_ms": None,
        "request_id": f"req_{i}",
        "price_input_per_mtok": 2.0,
        "price_output_per_mtok": 10.0,
        "price_cached_input_per_mtok": None,
        "price_cache_write_per_mtok": None,
        "cost_status": "priced",
        "max_tokens": 4096,
        "streamed": False,
    }


def summarize_on(engine: Engine, *args: Any, **kwargs: Any) -> Summary:
    """The summary as the app reads it (``db.read`` hands it a connection)."""
    with engine.connect() as conn:
        return summarize(conn, *args, **kwargs)


def timed(fn: Callable[[], Any], repeat: int = 3) -> float:
    """Median wall time in ms (first run included: the page cache is warm after seeding)."""
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - t0) * 1000)
    return statistics.median(runs)


def mark(ms: float, target: float) -> str:
    return f"{ms:8.1f} ms  {'ok  ' if ms <= target else 'OVER'} (target ≤ {target:.0f} ms)"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="keep the database file")
    args = parser.parse_args()
    n = args.rows
    workdir = Path(tempfile.mkdtemp(prefix="forge-bench-ledger-"))
    db = workdir / "forge.db"
    engine = make_engine(f"sqlite:///{db}")
    upgrade(engine)
    rnd = random.Random(7)
    now = utcnow()
    start = now - timedelta(days=SPAN_DAYS)
    print(f"== ledger bench: {n:,} rows over {SPAN_DAYS} days, SQLite {db}")
    # Figures scale with machine load; a shared box makes them slower, not the code.
    print("load average at start: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))

    # 1. The recording path: one transaction per row, exactly as the gateway writes them.
    sample = min(SAMPLE_RECORD_ROWS, n)
    t0 = time.perf_counter()
    for i in range(sample):
        record(engine, LedgerEntry(**make_row(rnd, i, n, start)))
    rec_s = time.perf_counter() - t0
    rec_rate = sample / rec_s
    print(
        f"insert via recorder.record (1 tx/row): {rec_rate:10,.0f} rows/s  (sample of "
        f"{sample:,}; {n:,} rows would take ~{n / rec_rate:,.0f} s, extrapolated)"
    )

    # 2. Bulk: executemany in 10k-row transactions, then the rollups rebuilt in SQL once.
    t0 = time.perf_counter()
    batch: list[dict[str, Any]] = []
    for i in range(sample, n):
        batch.append(make_row(rnd, i, n, start))
        if len(batch) == 10_000:
            with engine.begin() as conn:
                conn.execute(insert(token_ledger), batch)
            batch = []
    if batch:
        with engine.begin() as conn:
            conn.execute(insert(token_ledger), batch)
    bulk_s = time.perf_counter() - t0
    print(
        f"insert bulk (executemany, 10k/tx):     {(n - sample) / bulk_s:10,.0f} rows/s  "
        f"({n - sample:,} rows in {bulk_s:,.1f} s, row generation included)"
    )
    t0 = time.perf_counter()
    rebuild(engine)
    with engine.connect() as conn:
        sizes = [
            conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in (ledger_rollup, ledger_latency_hist)
        ]
    print(
        f"rollup rebuild after bulk load (INSERT … SELECT … GROUP BY): "
        f"{time.perf_counter() - t0:,.1f} s → {sizes[0]:,} rollup rows, {sizes[1]:,} histogram rows"
    )
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))
    raw = engine.raw_connection()
    try:
        # Outside any transaction: fold the WAL into the file so the size below is honest.
        raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # type: ignore[union-attr]
    finally:
        raw.close()
    size = sum(p.stat().st_size for p in workdir.iterdir())
    print(f"database size: {size / 1e6:,.0f} MB ({size / n:,.0f} bytes/row, indexes included)")

    # 3. Summaries.
    month = LedgerFilters(since=now - timedelta(days=30))
    everything = LedgerFilters()
    with engine.connect() as conn:
        in_month = conn.execute(
            select(func.count()).where(token_ledger.c.timestamp >= month.since)
        ).scalar_one()

    def plain_group_by() -> None:
        with engine.connect() as conn:
            L = token_ledger.c
            conn.execute(
                select(L.model_used, func.count(), func.sum(L.total_cost_usd)).group_by(
                    L.model_used
                )
            ).all()

    def count_all() -> None:
        with engine.connect() as conn:
            conn.execute(select(func.count()).select_from(token_ledger)).scalar_one()

    exact_only = 10**12  # forces the exact window-function pass whatever the row count
    print("baselines (same run):")
    print(f"  COUNT(*) over all {n:,} rows:                      {timed(count_all):8.1f} ms")
    print(f"  plain GROUP BY model, all rows, no percentiles:   {timed(plain_group_by):8.1f} ms")
    exact: list[Summary] = []
    ms = timed(
        lambda: exact.append(summarize_on(engine, month, "model", exact_max_rows=exact_only)),
        repeat=1,
    )
    print(f"  exact window-function summary, 30 days, by model: {ms:8.1f} ms")
    ms = timed(
        lambda: exact.append(summarize_on(engine, everything, "model", exact_max_rows=exact_only)),
        repeat=1,
    )
    print(f"  exact window-function summary, all time, by model: {ms:7.1f} ms")

    def show(label: str, filters: LedgerFilters, group_by: Any) -> Summary:
        got: list[Summary] = []
        ms = timed(lambda: got.append(summarize_on(engine, filters, group_by)))
        print(
            f"  {label:<24} {mark(ms, 200)}  [{got[-1].percentiles}, {len(got[-1].groups)} groups]"
        )
        return got[-1]

    print(f"summary, last 30 days ({in_month:,} rows; the ledger screen's default period):")
    approx = [
        show(f"group_by={g}", month, g)
        for g in ("day", "model", "provider", "agent_role", "flow_id")
    ]
    filtered = LedgerFilters(since=month.since, model="gpt-6.2-sol")
    show("model filter, by day", filtered, "day")
    show("status filter, by model", LedgerFilters(since=month.since, status="SUCCESS"), "model")
    # Filters on two dimensions besides the group's read the all-columns rollup view.
    show(
        "model+status, by role",
        LedgerFilters(since=month.since, model="gpt-6.2-sol", status="SUCCESS"),
        "agent_role",
    )
    print(f"summary, all time ({n:,} rows):")
    approx_all = [
        show(f"group_by={g}", everything, g)
        for g in ("day", "model", "provider", "agent_role", "flow_id")
    ]
    show("status filter, by model", LedgerFilters(status="SUCCESS"), "model")
    show(
        "model+status, by role", LedgerFilters(model="gpt-6.2-sol", status="SUCCESS"), "agent_role"
    )
    show("model+role, by day", LedgerFilters(model="gpt-6.2-sol", agent_role="planner"), "day")

    # How far the histogram percentiles landed from the exact ones (bound: ERROR_BOUND).
    worst = 0.0
    for e, a in ((exact[0], approx[1]), (exact[1], approx_all[1])):
        by_key = {g.key: g for g in a.groups}
        for eg, ag in [(e.totals, a.totals), *((g, by_key[g.key]) for g in e.groups)]:
            assert (eg.calls, eg.input_tokens) == (ag.calls, ag.input_tokens), "sums disagree"
            for p in ("latency_p50_ms", "latency_p95_ms"):
                want, got = getattr(eg, p), getattr(ag, p)
                worst = max(worst, abs(got - want) / want)
    print(
        "approximate p50/p95 vs exact (by model, 30 days and all time): "
        f"worst error {worst:.2%} (bound {ERROR_BOUND:.1%}); sums identical"
    )

    # 4. Pages (GET /api/ledger's keyset list, 50 rows).
    with engine.connect() as conn:

        def cursor_at(offset: int) -> str:
            r = conn.execute(
                select(token_ledger.c.timestamp, token_ledger.c.id)
                .order_by(token_ledger.c.timestamp.desc(), token_ledger.c.id.desc())
                .offset(offset)
                .limit(1)
            ).one()
            return encode_cursor(r.timestamp, r.id)

        middle, last = cursor_at(n // 2), cursor_at(n - 51)
    print("pages of 50 (keyset):")
    print(f"  first  {mark(timed(lambda: list_entries(engine, everything)), 20)}")
    print(f"  middle {mark(timed(lambda: list_entries(engine, everything, cursor=middle)), 20)}")
    print(f"  last   {mark(timed(lambda: list_entries(engine, everything, cursor=last)), 20)}")
    by_model = LedgerFilters(model="claude-haiku-5-5", status="FAILED")
    print(f"  first, model+status filter {mark(timed(lambda: list_entries(engine, by_model)), 20)}")

    # 5. The optimizer reads the last 30 days (GET /api/optimizations).
    from forge_orchestrator.optimizer.service import compute
    from forge_orchestrator.pricing.book import PriceBook

    book = PriceBook()
    found: list[Any] = []
    ms = timed(lambda: found.extend(compute(engine, book, now)), repeat=1)
    print(f"optimizer, last 30 days: {ms:8.1f} ms ({len(found)} suggestions; no target)")

    # 6. Export throughput.
    for fmt in ("csv", "jsonl"):
        t0 = time.perf_counter()
        size_out = sum(len(c) for c in stream_export(engine, month, fmt))  # type: ignore[arg-type]
        dt = time.perf_counter() - t0
        print(
            f"export {fmt:<5} last 30 days: {in_month / dt:10,.0f} rows/s, "
            f"{size_out / 1e6 / dt:6.1f} MB/s ({size_out / 1e6:,.1f} MB in {dt:.1f} s)"
        )
    t0 = time.perf_counter()
    size_out = sum(len(c) for c in stream_export(engine, everything, "csv"))
    dt = time.perf_counter() - t0
    print(
        f"export csv   all rows:     {n / dt:10,.0f} rows/s, {size_out / 1e6 / dt:6.1f} MB/s "
        f"({size_out / 1e6:,.1f} MB in {dt:.1f} s)"
    )

    print("load average at end: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    engine.dispose()
    if args.keep:
        print(f"kept {db}")
    else:
        shutil.rmtree(workdir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
