"""Rollup summaries agree with the raw ledger; the rollups stay in step with every write."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

import pytest
from alembic import command
from fastapi.testclient import TestClient
from sqlalchemy import Engine, column, func, select, text

from forge_orchestrator.db.engine import make_engine
from forge_orchestrator.db.migrate import alembic_config, upgrade
from forge_orchestrator.db.tables import ledger_latency_hist, ledger_rollup, token_ledger
from forge_orchestrator.ledger.latency_hist import (
    ERROR_BOUND,
    MAX_MS,
    REPRESENTATIVE,
    bucket_of,
    bucket_sql,
)
from forge_orchestrator.ledger.queries import LedgerFilters
from forge_orchestrator.ledger.recorder import LedgerEntry, record, record_many
from forge_orchestrator.ledger.rollup import rebuild
from forge_orchestrator.ledger.summary import GroupBy, Summary
from tests.ledger.conftest import summarize_on

START = datetime(2026, 9, 20, 7, 13, 0)  # 70 days: parts of September, October, November
MODELS = [("openai", "gpt-6.2-sol"), ("openai", "gpt-6-luna"), ("anthropic", "claude-haiku-5-5")]
GROUPS: tuple[GroupBy, ...] = ("day", "model", "provider", "agent_role", "flow_id")


def ledger_rows(n: int, seed: int) -> list[dict[str, Any]]:
    rnd = random.Random(seed)
    rows = []
    for i in range(n):
        provider, model = rnd.choice(MODELS)
        roll = rnd.random()
        status = "SUCCESS" if roll < 0.8 else "FAILED" if roll < 0.9 else "TIMEOUT"
        entry = LedgerEntry(
            provider=provider,
            model_used=model,
            prompt_hash=f"{i:064x}",
            status=status,  # type: ignore[arg-type]
            timestamp=START + timedelta(seconds=rnd.randrange(70 * 86400)),
            flow_id=rnd.choice(["f1", "f2", None]),
            agent_role=rnd.choice(["planner", "tester", None]),
            input_tokens=rnd.randint(0, 5000),
            output_tokens=rnd.randint(0, 900),
            total_cost_usd=None if rnd.random() < 0.1 else rnd.randint(0, 10**6) / 1e7,
            latency_ms=0 if status == "FAILED" and rnd.random() < 0.5 else rnd.randint(1, 90_000),
        )
        rows.append(dict(vars(entry)))
    return rows


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Any:
    eng = make_engine(f"sqlite:///{tmp_path_factory.mktemp('rollup') / 'ledger.db'}")
    upgrade(eng)
    rows = ledger_rows(3000, seed=11)
    for i in range(0, len(rows), 500):
        record_many(eng, rows[i : i + 500])
    yield eng
    eng.dispose()


WINDOWS = [
    (None, None),
    (datetime(2026, 10, 3, 14, 30), None),  # mid-day start, open end
    (None, datetime(2026, 11, 2, 9, 45)),  # open start, mid-day end
    (datetime(2026, 9, 28, 23, 59, 59), datetime(2026, 11, 10, 0, 0, 1)),  # spans a month
    (datetime(2026, 10, 1), datetime(2026, 11, 1)),  # exactly one month
    (datetime(2026, 10, 5), datetime(2026, 10, 19)),  # whole days
    (datetime(2026, 10, 7, 3), datetime(2026, 10, 7, 21)),  # inside one day
]
FILTERS: list[dict[str, str]] = [
    {},
    {"model": "gpt-6-luna"},
    {"provider": "openai"},
    {"agent_role": "planner"},
    {"flow_id": "f2"},
    {"status": "FAILED"},
    {"model": "claude-haiku-5-5", "status": "SUCCESS"},
    {"flow_id": "f1", "agent_role": "tester"},
    {"provider": "openai", "agent_role": "planner", "status": "TIMEOUT"},
]


def assert_agree(exact: Summary, approx: Summary) -> None:
    rows = [(exact.totals, approx.totals)]
    assert [g.key for g in approx.groups] == [g.key for g in exact.groups]
    rows += list(zip(exact.groups, approx.groups, strict=True))
    for e, a in rows:
        for name in ("calls", "input_tokens", "output_tokens", "failures", "timeouts"):
            assert getattr(a, name) == getattr(e, name), (e.key, name)
        assert a.cost_usd == pytest.approx(e.cost_usd, abs=1e-9)
        for name in ("latency_p50_ms", "latency_p95_ms"):
            want, got = getattr(e, name), getattr(a, name)
            assert (got is None) == (want is None), (e.key, name)
            if want is not None:
                assert abs(got - want) <= ERROR_BOUND * want, (e.key, name, want, got)


@pytest.mark.parametrize("group_by", GROUPS)
def test_rollup_path_agrees_with_the_raw_ledger(seeded: Engine, group_by: GroupBy) -> None:
    for since, until in WINDOWS:
        for extra in FILTERS:
            f = LedgerFilters(since=since, until=until, **extra)
            exact = summarize_on(seeded, f, group_by)
            approx = summarize_on(seeded, f, group_by, exact_max_rows=0)
            assert exact.percentiles == "exact"
            assert approx.percentiles == ("approximate" if exact.totals.calls else "exact")
            assert_agree(exact, approx)
    # The figures are not vacuous: the whole ledger, every group present.
    everything = summarize_on(seeded, LedgerFilters(), group_by, exact_max_rows=0)
    assert everything.totals.calls == 3000 and len(everything.groups) >= 2


def test_threshold_picks_the_exact_path_for_small_selections(seeded: Engine) -> None:
    small = LedgerFilters(since=datetime(2026, 10, 7), until=datetime(2026, 10, 8))
    assert summarize_on(seeded, small, "model").percentiles == "exact"
    assert summarize_on(seeded, LedgerFilters(), "model", exact_max_rows=2999).percentiles == (
        "approximate"
    )
    assert (
        summarize_on(seeded, LedgerFilters(), "model", exact_max_rows=3000).percentiles == "exact"
    )


def test_latency_buckets_hold_the_bound_in_python_and_sql(seeded: Engine) -> None:
    rnd = random.Random(3)
    values = [*range(0, 3000), *(rnd.randint(1, MAX_MS) for _ in range(3000))]
    for v in values:
        rep = REPRESENTATIVE[bucket_of(v)]
        assert abs(rep - v) <= ERROR_BOUND * v
    # The SQL CASE tree (used by the backfill) puts every value in the same bucket.
    sample = values[::3]
    with seeded.connect() as conn:
        conn.execute(text("CREATE TEMP TABLE sample (v INTEGER)"))
        conn.execute(text("INSERT INTO sample (v) VALUES (:v)"), [{"v": v} for v in sample])
        stmt = select(column("v"), bucket_sql(column("v"))).select_from(text("sample"))
        got = {v: b for v, b in conn.execute(stmt)}
        conn.rollback()
    assert got == {v: bucket_of(v) for v in sample}


def snapshot(engine: Engine) -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        sums = conn.execute(select(ledger_rollup).order_by(*ledger_rollup.primary_key)).all()
        hist = conn.execute(
            select(ledger_latency_hist).order_by(*ledger_latency_hist.primary_key)
        ).all()
    # Float sums may differ in the last bit with the order of addition; round them.
    return [tuple(round(v, 9) if isinstance(v, float) else v for v in r) for r in [*sums, *hist]]


def test_migration_backfill_matches_incremental_recording(engine: Engine) -> None:
    for row in ledger_rows(150, seed=5):
        record(engine, LedgerEntry(**row))
    incremental = snapshot(engine)
    assert len(incremental) > 150
    cfg = alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0006")  # drops the rollup tables
    upgrade(engine)  # 0007 again: creates them and backfills from the 150 ledger rows
    assert snapshot(engine) == incremental
    rebuild(engine)
    assert snapshot(engine) == incremental


def calls_by_view(engine: Engine, table: Any, grain: str) -> dict[str, int]:
    with engine.connect() as conn:
        stmt = (
            select(table.c.dims, func.sum(table.c.calls))
            .where(table.c.grain == grain)
            .group_by(table.c.dims)
        )
        return {dims: int(calls) for dims, calls in conn.execute(stmt).all()}


def test_migration_0008_drops_the_time_and_status_views_and_downgrade_rebuilds_them(
    engine: Engine,
) -> None:
    for row in ledger_rows(120, seed=8):
        record(engine, LedgerEntry(**row))
    current = snapshot(engine)
    cfg = alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0007")
    by_view = calls_by_view(engine, ledger_rollup, "day")
    hist_by_view = calls_by_view(engine, ledger_latency_hist, "month")
    # Revision 0007's layout: every view, "time" and "status" included, counts each call once.
    assert by_view == {
        v: 120 for v in ("all", "agent_role", "flow_id", "model", "provider", "status", "time")
    }
    assert set(hist_by_view.values()) == {120} and len(hist_by_view) == 7
    upgrade(engine)
    assert snapshot(engine) == current


def count(engine: Engine, table: Any) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def test_record_updates_the_rollup_in_the_same_transaction(engine: Engine) -> None:
    row = ledger_rows(1, seed=9)[0]
    record(engine, LedgerEntry(**row))
    f = LedgerFilters()
    summary = summarize_on(engine, f, "model", exact_max_rows=0)
    assert summary.percentiles == "approximate" and summary.totals.calls == 1
    assert summary.totals.input_tokens == row["input_tokens"]
    before = (count(engine, token_ledger), count(engine, ledger_rollup))
    # A failure while updating the histogram must take the ledger row and the sums with it.
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE ledger_latency_hist"))
    with pytest.raises(Exception, match="ledger_latency_hist"):
        record(engine, LedgerEntry(**row))
    assert (count(engine, token_ledger), count(engine, ledger_rollup)) == before
    with engine.connect() as conn:
        calls = conn.execute(select(func.sum(ledger_rollup.c.calls))).scalar_one()
    assert calls == 10  # one call, in each of 5 views at 2 grains


def test_summary_api_says_which_percentiles(client: TestClient) -> None:
    engine = client.app.state.engine  # type: ignore[attr-defined]
    record_many(engine, ledger_rows(40, seed=2))
    body = client.get("/api/ledger/summary", params={"group_by": "flow_id"}).json()
    assert body["percentiles"] == "exact" and body["totals"]["calls"] == 40
