"""Who spent it: each ledger row records the user and machine that made the call (team mode),
with a filter on the list, the export and the summary, and a summary dimension per each."""

from __future__ import annotations

import getpass
import socket
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from forge_orchestrator.db.engine import make_engine
from forge_orchestrator.db.migrate import upgrade
from forge_orchestrator.db.tables import token_ledger
from forge_orchestrator.errors import AppError
from forge_orchestrator.ledger.queries import LedgerFilters
from forge_orchestrator.llm.component import build_gateway
from forge_orchestrator.llm.types import ChatMessage, LLMRequest
from forge_orchestrator.settings import Settings
from tests.conftest import make_settings
from tests.fakes.llm_server import FakeLLMServer, Reply

from .conftest import NOW, add, summarize_on

# Two developers on three machines; the last row predates the columns (NULL).
TEAM = [
    {"user_name": "alice", "machine": "alice-laptop", "total_cost_usd": 0.004, "latency_ms": 90},
    {"user_name": "alice", "machine": "alice-laptop", "total_cost_usd": 0.002, "latency_ms": 30},
    {"user_name": "alice", "machine": "build-box", "total_cost_usd": 0.010, "latency_ms": 400},
    {"user_name": "bob", "machine": "build-box", "total_cost_usd": 0.001, "status": "FAILED"},
    {"user_name": "bob", "machine": "bob-desk", "total_cost_usd": 0.003, "latency_ms": 60},
    {"user_name": None, "machine": None, "total_cost_usd": 0.0005, "latency_ms": 10},
]


def seed(engine: Engine) -> None:
    for i, fields in enumerate(TEAM):
        add(engine, timestamp=NOW - timedelta(minutes=i), **fields)


def test_settings_default_to_the_os_user_and_host_name_and_can_be_overridden(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    plain = Settings(data_dir=tmp_path)
    assert (plain.user, plain.machine) == (getpass.getuser(), socket.gethostname())
    monkeypatch.setenv("FORGE_USER", "alice")
    monkeypatch.setenv("FORGE_MACHINE", "alice-laptop")
    chosen = Settings(data_dir=tmp_path)
    assert (chosen.user, chosen.machine) == ("alice", "alice-laptop")


async def test_every_gateway_call_records_who_made_it(
    engine: Engine, tmp_path: Path, fake_llm_env: FakeLLMServer
) -> None:
    fake_llm_env.default = Reply(text="hi", input_tokens=3, output_tokens=2)
    settings = make_settings(tmp_path / "data", user="alice", machine="alice-laptop")
    gw = build_gateway(engine, settings)
    request = LLMRequest(
        provider="openai", model="gpt-6.2-sol", messages=[ChatMessage(role="user", content="x")]
    )
    refused = request.model_copy(update={"provider": "nowhere"})
    try:
        await gw.complete(request)
        with pytest.raises(AppError):  # refused before the provider: one full row
            await gw.complete(refused)
    finally:
        await gw.aclose()
    c = token_ledger.c
    with engine.connect() as conn:
        rows = conn.execute(select(c.status, c.user_name, c.machine).order_by(c.id)).all()
    assert [tuple(r) for r in rows] == [
        ("SUCCESS", "alice", "alice-laptop"),
        ("FAILED", "alice", "alice-laptop"),
    ]


def test_the_list_export_and_summary_filter_and_group_by_user_and_machine(
    client: TestClient,
) -> None:
    seed(client.app.state.engine)  # type: ignore[attr-defined]
    page = client.get("/api/ledger", params={"user_name": "alice"}).json()
    assert [(i["user_name"], i["machine"]) for i in page["items"]] == [
        ("alice", "alice-laptop"),
        ("alice", "alice-laptop"),
        ("alice", "build-box"),
    ]
    box = client.get("/api/ledger", params={"machine": "build-box"}).json()["items"]
    assert sorted(i["user_name"] for i in box) == ["alice", "bob"]
    detail = client.get(f"/api/ledger/calls/{box[0]['id']}").json()
    assert detail["call"]["machine"] == "build-box"

    csv = client.get("/api/ledger/export", params={"format": "csv", "user_name": "bob"}).text
    header, *lines = csv.strip().splitlines()
    assert "user_name" in header.split(",") and "machine" in header.split(",")
    assert len(lines) == 2 and all(",bob," in line for line in lines)

    by_user = client.get("/api/ledger/summary", params={"group_by": "user_name"}).json()
    assert [(g["key"], g["calls"], round(g["cost_usd"], 6)) for g in by_user["groups"]] == [
        ("alice", 3, 0.016),
        ("bob", 2, 0.004),
        (None, 1, 0.0005),
    ]
    assert by_user["totals"]["calls"] == 6
    bobs = client.get(
        "/api/ledger/summary", params={"group_by": "machine", "user_name": "bob"}
    ).json()
    assert [(g["key"], g["calls"], g["failures"]) for g in bobs["groups"]] == [
        ("bob-desk", 1, 0),
        ("build-box", 1, 1),
    ]
    assert client.get("/api/ledger/summary", params={"group_by": "user"}).status_code == 422


def test_a_user_filter_is_exact_even_where_the_rollups_would_answer(engine: Engine) -> None:
    """The rollups keep no user or machine: a summary filtered by one must not read them (it
    would count everyone's calls), whatever the size of the selection."""
    seed(engine)
    summary = summarize_on(engine, LedgerFilters(user_name="bob"), "model", exact_max_rows=0)
    assert summary.totals.calls == 2 and summary.percentiles == "exact"
    everyone = summarize_on(engine, LedgerFilters(), "model", exact_max_rows=0)
    assert everyone.totals.calls == 6 and everyone.percentiles == "approximate"


@pytest.mark.parametrize(
    ("group_by", "filters"),
    [
        ("user_name", LedgerFilters()),
        ("machine", LedgerFilters()),
        ("machine", LedgerFilters(user_name="alice")),
        ("model", LedgerFilters(machine="build-box")),
    ],
)
def test_the_who_summary_is_the_same_on_postgresql_and_sqlite(
    pg_engine: Engine, tmp_path: Path, group_by: str, filters: LedgerFilters
) -> None:
    lite = make_engine(f"sqlite:///{tmp_path / 'l.db'}")
    upgrade(lite)
    try:
        for engine in (lite, pg_engine):
            seed(engine)
        on_pg = summarize_on(pg_engine, filters, group_by)  # type: ignore[arg-type]
        on_lite = summarize_on(lite, filters, group_by)  # type: ignore[arg-type]
    finally:
        lite.dispose()
    assert on_pg.totals.calls > 0
    assert on_pg == on_lite
