"""The database service and the code that relied on SQLite's database-wide lock, on PostgreSQL.

SQLite serialises every write transaction, which hides read-check-write races; PostgreSQL at
READ COMMITTED does not. These tests make the interleavings happen on a real server.
"""

from __future__ import annotations

import asyncio
import threading
from datetime import datetime

import pytest
from sqlalchemy import Connection, Engine, insert, select

from forge_orchestrator.db.engine import write_tx
from forge_orchestrator.db.service import Database
from forge_orchestrator.db.tables import app_settings
from forge_orchestrator.errors import Conflict
from forge_orchestrator.flows import store
from forge_orchestrator.flows.models import FlowCreate
from tests.flows.helpers import flow, in_tx, shell


def _put(key: str):  # type: ignore[no-untyped-def]
    def write(conn: Connection) -> str:
        conn.execute(
            insert(app_settings).values(key=key, value={"v": key}, updated_at=datetime(2026, 1, 1))
        )
        return key

    return write


def test_the_database_service_reads_and_writes_on_postgresql(pg_engine: Engine) -> None:
    db = Database(pg_engine)

    async def scenario() -> None:
        keys = await asyncio.gather(*(db.write(_put(f"k{i}")) for i in range(20)))
        assert keys == [f"k{i}" for i in range(20)]
        with pytest.raises(Exception, match="duplicate key"):
            await db.write(_put("k3"))  # the failed write rolls back alone
        await db.write(_put("after"))
        stored = await db.read(lambda c: {r[0] for r in c.execute(select(app_settings.c.key))})
        assert stored == {f"k{i}" for i in range(20)} | {"after"}

    try:
        asyncio.run(scenario())
    finally:
        db.close()


def test_two_saves_of_the_same_flow_version_race_to_one_409_on_postgresql(
    pg_engine: Engine,
) -> None:
    """Save A holds its transaction open; save B of the same version starts meanwhile. B must
    get a 409 once A commits — before the fix, B read version 1 (A had not committed), passed
    the check and died on the (flow_id, version) unique constraint: a 500."""
    created = in_tx(
        pg_engine,
        lambda c: store.create_flow(c, FlowCreate(name="n", data=flow([shell("a", "echo 1")], []))),
    )
    a_saved, b_started = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def save_b() -> None:
        b_started.set()
        try:
            outcome["b"] = in_tx(
                pg_engine,
                lambda c: store.save_flow(c, created.id, data=None, expected_version=1, note="b"),
            )
        except Exception as exc:  # the test inspects what B got
            outcome["b"] = exc

    with write_tx(pg_engine) as conn:
        store.save_flow(conn, created.id, data=None, expected_version=1, note="a")
        a_saved.set()
        other = threading.Thread(target=save_b)
        other.start()
        b_started.wait(5)
        other.join(0.5)  # B is now waiting on A's row lock (or has raced past its check)
        assert other.is_alive(), f"B finished before A committed: {outcome.get('b')!r}"
    other.join(10)
    assert isinstance(outcome["b"], Conflict), repr(outcome["b"])
    assert outcome["b"].details == {"current_version": 2}
    versions = in_tx(pg_engine, lambda c: store.list_versions(c, created.id))
    assert [(v.version, v.note) for v in versions] == [(2, "a"), (1, "Created")]


def test_processes_starting_at_once_on_an_empty_database_all_migrate(
    pg_server: object, pg_engine: Engine
) -> None:
    """Before the migration lock, the second of two servers starting on an empty PostgreSQL
    database died on UniqueViolation in alembic_version (or a table that already existed)."""
    from forge_orchestrator.db.engine import make_engine
    from forge_orchestrator.db.migrate import current_revisions, head_revisions, upgrade

    name = f"{pg_engine.url.database}_empty"
    pg_server.admin(f'CREATE DATABASE "{name}"')  # type: ignore[attr-defined]
    url = pg_server.url(name)  # type: ignore[attr-defined]
    engines = [make_engine(url) for _ in range(4)]
    start = threading.Barrier(len(engines))
    errors: list[BaseException] = []

    def boot(engine: Engine) -> None:
        start.wait(10)
        try:
            upgrade(engine)
        except BaseException as exc:  # the test reports every starter's failure
            errors.append(exc)

    threads = [threading.Thread(target=boot, args=(e,)) for e in engines]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    try:
        assert errors == []
        assert current_revisions(engines[0]) == head_revisions(engines[0])
    finally:
        for e in engines:
            e.dispose()
        pg_server.admin(f'DROP DATABASE "{name}" WITH (FORCE)')  # type: ignore[attr-defined]


@pytest.mark.parametrize("group_by", ["model", "provider", "day", "flow_id", "agent_role"])
def test_the_exact_ledger_summary_is_the_same_on_postgresql_and_sqlite(
    pg_engine: Engine, tmp_path: object, group_by: str
) -> None:
    """GET /api/ledger/summary's exact path (10,000 calls or fewer) was a 500 on PostgreSQL:
    GroupingError, column "ranked.k" must appear in the GROUP BY clause."""
    from pathlib import Path

    from forge_orchestrator.db.engine import make_engine
    from forge_orchestrator.db.migrate import upgrade
    from forge_orchestrator.ledger.queries import LedgerFilters
    from tests.ledger.conftest import add, summarize_on

    lite = make_engine(f"sqlite:///{Path(str(tmp_path)) / 'l.db'}")
    upgrade(lite)
    rows = [
        {"model_used": "gpt-6.2-sol", "latency_ms": 120, "total_cost_usd": 0.002},
        {"model_used": "gpt-6.2-sol", "latency_ms": 80, "status": "FAILED"},
        {"model_used": "claude-opus-4-7", "provider": "anthropic", "latency_ms": 300},
        {"model_used": "claude-opus-4-7", "provider": "anthropic", "agent_role": "architect"},
        {"model_used": "local-llama", "provider": "local", "flow_id": "7", "latency_ms": 5},
    ]
    for engine in (lite, pg_engine):
        for fields in rows:
            add(engine, **fields)
    # exact_max_rows high: the window-function pass, not the rollups
    on_pg = summarize_on(pg_engine, LedgerFilters(), group_by, exact_max_rows=10**9)  # type: ignore[arg-type]
    on_lite = summarize_on(lite, LedgerFilters(), group_by, exact_max_rows=10**9)  # type: ignore[arg-type]
    lite.dispose()
    assert on_pg.totals.calls == 5
    assert on_pg == on_lite
