"""The database service: one writer fed in order (group commit), a read pool, nothing on the loop."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, func, insert, select

from forge_orchestrator.db.engine import make_engine
from forge_orchestrator.db.migrate import upgrade
from forge_orchestrator.db.service import Database
from forge_orchestrator.db.tables import app_settings


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    eng = make_engine(f"sqlite:///{tmp_path / 'forge.db'}", busy_timeout_s=0.2)
    upgrade(eng)
    return eng


def _put(key: str):  # type: ignore[no-untyped-def]
    def write(conn: Connection) -> str:
        conn.execute(
            insert(app_settings).values(key=key, value={"v": key}, updated_at=datetime(2026, 1, 1))
        )
        return key

    return write


def _keys(conn: Connection) -> set[str]:
    return {r[0] for r in conn.execute(select(app_settings.c.key))}


def _count(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(app_settings)).scalar_one())


class Ticker:
    """Counts event-loop turns: if anything blocks the loop, the count stalls."""

    def __init__(self) -> None:
        self.ticks = 0
        self.longest_gap_s = 0.0
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        last = time.perf_counter()
        while True:
            await asyncio.sleep(0.005)
            now = time.perf_counter()
            self.longest_gap_s = max(self.longest_gap_s, now - last)
            last = now
            self.ticks += 1

    def __enter__(self) -> Ticker:
        self._task = asyncio.get_running_loop().create_task(self._run())
        return self

    def __exit__(self, *_: object) -> None:
        assert self._task is not None
        self._task.cancel()


async def test_reads_and_writes_run_off_the_loop_and_are_committed(engine: Engine) -> None:
    db = Database(engine)
    loop_thread = threading.current_thread().name
    assert await db.write(_put("a")) == "a"
    assert await db.write(_put("b")) == "b"
    where = await db.read(lambda conn: threading.current_thread().name)
    assert where != loop_thread and where.startswith("db-read")
    writer = await db.write(lambda conn: threading.current_thread().name)
    assert writer == "db-writer"
    with engine.connect() as conn:  # committed: another connection sees both rows
        assert _keys(conn) >= {"a", "b"}
    db.close()


async def test_writes_queued_behind_a_held_lock_commit_together_and_the_loop_keeps_running(
    engine: Engine,
) -> None:
    db = Database(make_engine(engine.url.render_as_string(hide_password=False), busy_timeout_s=5))
    holder = sqlite3.connect(engine.url.database or "", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    with Ticker() as ticker:
        writes = [asyncio.ensure_future(db.write(_put(f"k{i}"))) for i in range(30)]
        await asyncio.sleep(0.3)
        assert not any(w.done() for w in writes)
        ticks_while_blocked = ticker.ticks
        holder.execute("COMMIT")
        assert sorted(await asyncio.gather(*writes)) == sorted(f"k{i}" for i in range(30))
    holder.close()
    assert ticks_while_blocked >= 20  # the loop ran every ~5 ms while the writer waited
    assert ticker.longest_gap_s < 0.2
    # The first write waited alone; the 29 queued behind it went in one or two transactions.
    assert db.jobs == 30 and db.commits <= 3
    assert await db.read(_count) == 30
    db.close()


async def test_an_error_rolls_back_only_its_own_job_in_a_group(engine: Engine) -> None:
    db = Database(make_engine(engine.url.render_as_string(hide_password=False), busy_timeout_s=5))
    holder = sqlite3.connect(engine.url.database or "", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # so that the three queue up and commit as one group

    def half_then_fail(conn: Connection) -> None:
        _put("half")(conn)
        raise ValueError("boom")

    first = asyncio.ensure_future(db.write(_put("first")))
    await asyncio.sleep(0.05)
    jobs = [
        asyncio.ensure_future(db.write(_put("before"))),
        asyncio.ensure_future(db.write(half_then_fail)),
        asyncio.ensure_future(db.write(_put("after"))),
    ]
    await asyncio.sleep(0.05)
    holder.execute("COMMIT")
    holder.close()
    results = await asyncio.gather(first, *jobs, return_exceptions=True)
    assert results[0] == "first" and results[1] == "before" and results[3] == "after"
    assert isinstance(results[2], ValueError)
    assert await db.read(_keys) == {"first", "before", "after"}
    db.close()


async def test_a_lone_failing_write_leaves_nothing_and_the_writer_goes_on(engine: Engine) -> None:
    db = Database(engine)

    def half_then_fail(conn: Connection) -> None:
        _put("half")(conn)
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        await db.write(half_then_fail)
    assert await db.read(_count) == 0
    await db.write(_put("after"))
    assert await db.read(_keys) == {"after"}
    db.close()


async def test_a_write_lands_even_when_its_caller_is_cancelled(engine: Engine) -> None:
    db = Database(make_engine(engine.url.render_as_string(hide_password=False), busy_timeout_s=5))
    holder = sqlite3.connect(engine.url.database or "", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    task = asyncio.ensure_future(db.write(_put("kept")))
    await asyncio.sleep(0.05)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    holder.execute("COMMIT")
    holder.close()
    await db.write(_put("next"))  # in order: once this is in, the cancelled one is too
    assert await db.read(_keys) == {"kept", "next"}
    db.close()


async def test_write_nowait_retries_a_locked_database_until_it_lands(engine: Engine) -> None:
    db = Database(engine)  # busy timeout 0.2 s: each attempt gives up quickly
    holder = sqlite3.connect(engine.url.database or "", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    with Ticker() as ticker:
        db.write_nowait(_put("late"), what="a test row")  # returns at once
        assert db.pending_writes == 1
        await asyncio.sleep(0.8)  # several attempts fail with "database is locked"
        assert db.pending_writes == 1
        holder.execute("COMMIT")
        assert await asyncio.to_thread(db.wait_idle, 10.0)
    holder.close()
    assert ticker.longest_gap_s < 0.2
    assert await db.read(_keys) == {"late"}
    db.close()


def test_code_outside_the_loop_uses_the_same_writer(engine: Engine) -> None:
    db = Database(engine)
    assert db.run_sync_write(lambda conn: threading.current_thread().name) == "db-writer"
    db.run_sync_write(_put("sync"))
    with pytest.raises(ValueError):
        db.run_sync_write(lambda conn: (_ for _ in ()).throw(ValueError("no")))
    with engine.connect() as conn:
        assert _keys(conn) == {"sync"}
    db.close()


async def test_close_finishes_queued_writes(engine: Engine) -> None:
    db = Database(engine)
    for i in range(20):
        db.write_nowait(_put(f"q{i}"), what="a queued row")
    await asyncio.to_thread(db.close)
    with engine.connect() as conn:
        assert _count(conn) == 20
