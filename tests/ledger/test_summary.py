"""Summaries over a seeded ledger give exact totals, groups and nearest-rank percentiles."""

from __future__ import annotations

from datetime import datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from forge_orchestrator.ledger.queries import LedgerFilters
from tests.conftest import assert_error_shape
from tests.ledger.conftest import summarize_on

from .conftest import NOW, add

DAY1 = datetime(2026, 11, 18, 9, 0, 0)
DAY2 = datetime(2026, 11, 19, 15, 30, 0)


def seed(engine: Engine) -> None:
    # Model A: ten calls on flow 7, latencies 100..1000, one FAILED and one TIMEOUT.
    for i in range(10):
        status = "FAILED" if i == 3 else "TIMEOUT" if i == 6 else "SUCCESS"
        add(
            engine,
            model_used="gpt-6.2-sol",
            provider="openai",
            agent_role="planner",
            flow_id="7",
            latency_ms=(i + 1) * 100,
            input_tokens=1000 + i,
            output_tokens=50,
            total_cost_usd=0.01,
            status=status,
            timestamp=DAY1 + timedelta(minutes=i),
        )
    # Model B: three calls, no flow, latencies 50/60/70, on the next day.
    for i, lat in enumerate((70, 50, 60)):
        add(
            engine,
            model_used="claude-haiku-5-5",
            provider="anthropic",
            agent_role="architect",
            flow_id=None,
            latency_ms=lat,
            input_tokens=200,
            output_tokens=20 + i,
            total_cost_usd=0.002,
            timestamp=DAY2 + timedelta(minutes=i),
        )


def by_key(summary: object) -> dict[str | None, dict[str, object]]:
    return {g["key"]: g for g in summary["groups"]}  # type: ignore[index]


def test_totals_and_groups_by_model_are_exact(engine: Engine) -> None:
    seed(engine)
    s = summarize_on(engine, LedgerFilters(), "model").model_dump()
    t = s["totals"]
    assert t["calls"] == 13
    assert t["input_tokens"] == sum(1000 + i for i in range(10)) + 600
    assert t["output_tokens"] == 500 + 20 + 21 + 22
    assert abs(t["cost_usd"] - 0.106) < 1e-9
    assert (t["failures"], t["timeouts"]) == (1, 1)
    # Sorted latencies: 50 60 70 100 200 ... 1000 → rank ceil(6.5)=7 → 400; rank 13 → 1000.
    assert (t["latency_p50_ms"], t["latency_p95_ms"]) == (400, 1000)
    groups = by_key(s)
    a, b = groups["gpt-6.2-sol"], groups["claude-haiku-5-5"]
    assert (a["calls"], a["failures"], a["timeouts"]) == (10, 1, 1)
    assert (a["latency_p50_ms"], a["latency_p95_ms"]) == (500, 1000)
    assert abs(a["cost_usd"] - 0.1) < 1e-9
    assert (b["calls"], b["input_tokens"], b["output_tokens"]) == (3, 600, 63)
    assert (b["latency_p50_ms"], b["latency_p95_ms"]) == (60, 70)
    assert [g["key"] for g in s["groups"]] == ["gpt-6.2-sol", "claude-haiku-5-5"]


def test_each_group_by(engine: Engine) -> None:
    seed(engine)
    day = by_key(summarize_on(engine, LedgerFilters(), "day").model_dump())
    assert list(day) == ["2026-11-18", "2026-11-19"]
    assert day["2026-11-18"]["calls"] == 10 and day["2026-11-19"]["latency_p50_ms"] == 60
    prov = by_key(summarize_on(engine, LedgerFilters(), "provider").model_dump())
    assert prov["openai"]["latency_p95_ms"] == 1000 and prov["anthropic"]["calls"] == 3
    role = by_key(summarize_on(engine, LedgerFilters(), "agent_role").model_dump())
    assert role["planner"]["input_tokens"] == 10045 and role["architect"]["timeouts"] == 0
    flow = by_key(summarize_on(engine, LedgerFilters(), "flow_id").model_dump())
    assert flow["7"]["calls"] == 10 and flow[None]["calls"] == 3


def test_filters_narrow_the_summary(engine: Engine) -> None:
    seed(engine)
    only_ok = summarize_on(engine, LedgerFilters(status="SUCCESS", model="gpt-6.2-sol"), "model")
    assert only_ok.totals.calls == 8 and only_ok.totals.failures == 0
    # Latencies without 400 (FAILED) and 700 (TIMEOUT): 100 200 300 500 600 800 900 1000.
    assert (only_ok.totals.latency_p50_ms, only_ok.totals.latency_p95_ms) == (500, 1000)
    day2 = summarize_on(engine, LedgerFilters(since=datetime(2026, 11, 19)), "day")
    assert day2.totals.calls == 3 and [g.key for g in day2.groups] == ["2026-11-19"]
    empty = summarize_on(engine, LedgerFilters(until=datetime(2020, 1, 1)), "model")
    assert empty.totals.calls == 0 and empty.groups == []
    assert empty.totals.latency_p50_ms is None


def test_summary_api(client: TestClient) -> None:
    seed(client.app.state.engine)  # type: ignore[attr-defined]
    res = client.get("/api/ledger/summary", params={"group_by": "provider", "provider": "openai"})
    assert res.status_code == 200, res.text
    body = res.json()
    assert body["totals"]["calls"] == 10 and [g["key"] for g in body["groups"]] == ["openai"]
    assert set(body["groups"][0]) == {
        "key",
        "calls",
        "input_tokens",
        "output_tokens",
        "cost_usd",
        "failures",
        "timeouts",
        "refusals",
        "cancellations",
        "latency_p50_ms",
        "latency_p95_ms",
    }
    bad = client.get("/api/ledger/summary", params={"group_by": "colour"})
    assert bad.status_code == 422
    assert_error_shape(bad.json(), "validation_failed")
    since = (NOW + timedelta(days=1)).isoformat() + "Z"
    assert client.get("/api/ledger/summary", params={"since": since}).json()["totals"]["calls"] == 0
