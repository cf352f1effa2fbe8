"""LoopDB: short statements on the event loop when SQLite need not wait, a thread otherwise."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, func, insert, select, text

from forge_orchestrator.db.engine import make_engine
from forge_orchestrator.db.loop_db import LoopDB
from forge_orchestrator.db.migrate import upgrade
from forge_orchestrator.db.prepared import Prepared
from forge_orchestrator.db.tables import app_settings, token_ledger
from forge_orchestrator.ledger.recorder import LedgerEntry, record_in


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    eng = make_engine(f"sqlite:///{tmp_path / 'forge.db'}")
    upgrade(eng)
    return eng


def _put(key: str):  # type: ignore[no-untyped-def]
    def write(conn: Connection) -> str:
        conn.execute(
            insert(app_settings).values(key=key, value={"v": key}, updated_at=datetime(2026, 1, 1))
        )
        return key

    return write


def _count(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(app_settings)).scalar_one())


async def test_writes_run_on_the_loop_and_are_committed(engine: Engine) -> None:
    db = LoopDB(engine)
    before = await db.read(_count)
    assert await db.write(_put("a")) == "a"
    assert await db.write(_put("b")) == "b"
    assert (db.on_loop, db.in_thread) == (3, 0)
    # Committed: another connection from the normal pool sees both rows.
    with engine.connect() as conn:
        assert _count(conn) == before + 2
    db.close()


async def test_a_held_write_lock_sends_the_write_to_a_thread_and_the_loop_keeps_running(
    engine: Engine,
) -> None:
    db = LoopDB(engine)
    holder = sqlite3.connect(engine.url.database or "", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer holds the lock for a while
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    async def release_later() -> None:
        await asyncio.sleep(0.5)
        holder.execute("COMMIT")

    tick_task = asyncio.create_task(ticker())
    release = asyncio.create_task(release_later())
    started = time.monotonic()
    assert await db.write(_put("waited")) == "waited"
    waited = time.monotonic() - started
    tick_task.cancel()
    await release
    holder.close()
    # The write queued in a worker thread until the lock was free; meanwhile the loop ran.
    assert db.in_thread == 1 and db.on_loop == 0
    assert waited >= 0.4
    assert ticks >= 10
    with engine.connect() as conn:
        assert conn.execute(
            select(app_settings.c.key).where(app_settings.c.key == "waited")
        ).scalar_one()
    db.close()


async def test_an_error_rolls_the_whole_write_back(engine: Engine) -> None:
    db = LoopDB(engine)
    before = await db.read(_count)

    def half_then_fail(conn: Connection) -> None:
        _put("half")(conn)
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        await db.write(half_then_fail)
    assert await db.read(_count) == before
    # The connection is usable afterwards.
    await db.write(_put("after"))
    assert await db.read(_count) == before + 1
    db.close()


async def test_loop_commits_are_checkpointed_in_a_thread(engine: Engine) -> None:
    db = LoopDB(engine, checkpoint_every=5)
    for i in range(10):
        await db.write(_put(f"k{i}"))
    for _ in range(100):  # the checkpoints run in the default executor
        if db.checkpoints >= 2:
            break
        await asyncio.sleep(0.02)
    assert db.checkpoints == 2
    db.close()


async def test_an_in_memory_database_always_uses_the_thread_path() -> None:
    eng = make_engine("sqlite://")
    with eng.begin() as conn:
        conn.execute(text("CREATE TABLE t (x INTEGER)"))
    db = LoopDB(eng)
    assert not db.enabled
    assert await db.read(lambda conn: conn.execute(text("SELECT 41 + 1")).scalar_one()) == 42
    assert db.in_thread == 1 and db.on_loop == 0


def test_prepared_statements_store_what_sqlalchemy_core_would(engine: Engine) -> None:
    """The ledger's prepared INSERT converts types like Core does (DateTime → SQLite text)."""
    stamps = [datetime(2026, 1, 2, 3, 4, 5), datetime(2026, 1, 2, 3, 4, 5, 6)]
    with engine.begin() as conn:
        for ts in stamps:
            record_in(
                conn, LedgerEntry(provider="openai", model_used="m", prompt_hash="h", timestamp=ts)
            )
            conn.execute(
                insert(token_ledger).values(
                    provider="core", model_used="m", prompt_hash="h", timestamp=ts, status="FAILED"
                )
            )
    with engine.connect() as conn:
        raw = conn.exec_driver_sql("SELECT provider, timestamp FROM token_ledger ORDER BY id").all()
    assert [r[1] for r in raw] == [
        "2026-01-02 03:04:05.000000",
        "2026-01-02 03:04:05.000000",
        "2026-01-02 03:04:05.000006",
        "2026-01-02 03:04:05.000006",
    ]
    # A statement compiled with only some keys binds only those.
    stmt = Prepared(insert(app_settings), ["key", "value", "updated_at"])
    with engine.begin() as conn:
        row = {"key": "prepared", "value": {"a": [1, 2]}, "updated_at": stamps[1]}
        stmt.execute(conn, row).close()
    with engine.connect() as conn:
        got = conn.execute(select(app_settings.c.value).where(app_settings.c.key == "prepared"))
        assert got.scalar_one() == {"a": [1, 2]}
