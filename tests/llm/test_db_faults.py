"""The ledger row exists before the provider is called, and database faults never block the
loop, start a call without its row, or lose an outcome."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from forge_orchestrator.db.engine import make_engine
from forge_orchestrator.db.migrate import upgrade
from forge_orchestrator.db.tables import ledger_rollup
from forge_orchestrator.errors import DatabaseBusy
from forge_orchestrator.ledger import rollup
from forge_orchestrator.ledger.recorder import (
    ORPHAN_ERROR,
    LedgerEntry,
    insert_pending,
    settle_orphans,
)
from forge_orchestrator.llm.component import build_gateway
from forge_orchestrator.llm.gateway import Gateway
from forge_orchestrator.llm.types import ChatMessage, LLMRequest, StreamDone
from tests.conftest import make_settings
from tests.fakes.llm_server import FakeLLMServer, Reply

from .conftest import ledger_rows

REQ = LLMRequest(
    provider="openai", model="gpt-6.2-sol", messages=[ChatMessage(role="user", content="hi")]
)


@pytest.fixture
def short_engine(tmp_path: Path) -> Iterator[Engine]:
    eng = make_engine(f"sqlite:///{tmp_path / 'gw.db'}", busy_timeout_s=0.3)
    upgrade(eng)
    yield eng
    eng.dispose()


@pytest.fixture
async def gw(
    short_engine: Engine, tmp_path: Path, fake_llm_env: FakeLLMServer
) -> AsyncIterator[Gateway]:
    gateway = build_gateway(short_engine, make_settings(tmp_path / "data"))
    yield gateway
    await gateway.aclose()


class HeldLock:
    """Another connection's write lock, taken and released from a thread on request."""

    def __init__(self, db: Path) -> None:
        self.db = db
        self.taken = threading.Event()
        self.release = threading.Event()
        self.released = threading.Event()
        self._thread = threading.Thread(target=self._hold)

    def _hold(self) -> None:
        conn = sqlite3.connect(self.db, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        self.taken.set()
        self.release.wait(15)  # a safety net: the test releases it long before
        conn.execute("ROLLBACK")
        conn.close()
        self.released.set()

    async def take(self) -> None:
        self._thread.start()
        await asyncio.to_thread(self.taken.wait)

    async def drop(self) -> None:
        self.release.set()
        await asyncio.to_thread(self._thread.join)


def _db(engine: Engine) -> Path:
    assert engine.url.database is not None
    return Path(engine.url.database)


def _rollup_calls(engine: Engine) -> int:
    with engine.connect() as conn:
        stmt = select(func.coalesce(func.sum(ledger_rollup.c.calls), 0)).where(
            ledger_rollup.c.dims == "provider", ledger_rollup.c.grain == "day"
        )
        return int(conn.execute(stmt).scalar_one())


async def test_cancelling_a_stream_under_a_held_lock_never_blocks_the_loop(
    gw: Gateway, fake_llm_env: FakeLLMServer, short_engine: Engine
) -> None:
    fake_llm_env.default = Reply(text="word " * 200, chunk_delay_s=0.02)
    first = asyncio.Event()

    async def consume() -> None:
        async for _ in gw.stream(REQ):
            first.set()

    stream = asyncio.create_task(consume())
    await first.wait()
    lock = HeldLock(_db(short_engine))
    await lock.take()
    stream.cancel()
    await asyncio.gather(stream, return_exceptions=True)
    # The cancelled call's row waits for the lock in the background: the loop is free now,
    # while the lock is still held (the old code wrote it here, blocking until the lock went).
    await asyncio.sleep(0.05)
    assert not lock.released.is_set(), "the loop was blocked until the lock was released"
    await lock.drop()
    assert await asyncio.to_thread(gw.db.wait_idle, 10)
    rows = ledger_rows(short_engine)
    assert [(r["status"], r["error_message"]) for r in rows] == [("FAILED", "cancelled")]
    assert _rollup_calls(short_engine) == 1


async def test_the_row_is_written_before_the_provider_is_called_and_counted_once(
    gw: Gateway, fake_llm_env: FakeLLMServer, short_engine: Engine
) -> None:
    fake_llm_env.default = Reply(delay_s=0.5)
    call = asyncio.create_task(gw.complete(REQ))
    while not fake_llm_env.completion_requests():
        await asyncio.sleep(0.01)
    # The provider has the request: the ledger already knows about it, uncounted so far.
    assert [r["status"] for r in ledger_rows(short_engine)] == ["PENDING"]
    assert _rollup_calls(short_engine) == 0
    result = await call
    rows = ledger_rows(short_engine)
    assert [(r["id"], r["status"]) for r in rows] == [(result.ledger_id, "SUCCESS")]
    assert rows[0]["input_tokens"] == 12 and rows[0]["latency_ms"] > 0
    assert _rollup_calls(short_engine) == 1
    rollup.rebuild(short_engine)  # a rebuild agrees with what was kept at write time
    assert _rollup_calls(short_engine) == 1


async def test_no_call_goes_out_when_the_pending_row_is_refused(
    gw: Gateway, fake_llm_env: FakeLLMServer, short_engine: Engine
) -> None:
    lock = HeldLock(_db(short_engine))
    await lock.take()
    try:
        with pytest.raises(DatabaseBusy):
            await gw.complete(REQ)
        with pytest.raises(DatabaseBusy):
            async for _ in gw.stream(REQ):
                pass
    finally:
        await lock.drop()
    assert fake_llm_env.completion_requests() == []
    assert ledger_rows(short_engine) == []


async def test_an_answer_that_cannot_be_recorded_yet_is_returned_and_settled_later(
    gw: Gateway, fake_llm_env: FakeLLMServer, short_engine: Engine
) -> None:
    fake_llm_env.default = Reply(delay_s=0.3)
    events = gw.stream(REQ)
    lock = HeldLock(_db(short_engine))
    first = asyncio.create_task(anext(events))
    while not fake_llm_env.completion_requests():
        await asyncio.sleep(0.01)
    await lock.take()  # the provider is answering; the outcome will meet a locked database
    try:
        items = [await first] + [e async for e in events]
        done = items[-1]
        assert isinstance(done, StreamDone) and done.result.text
        assert [r["status"] for r in ledger_rows(short_engine)] == ["PENDING"]
    finally:
        await lock.drop()
    assert await asyncio.to_thread(gw.db.wait_idle, 10)
    rows = ledger_rows(short_engine)
    assert [(r["id"], r["status"]) for r in rows] == [(done.result.ledger_id, "SUCCESS")]
    assert _rollup_calls(short_engine) == 1


def test_rows_a_stopped_server_left_pending_are_settled_at_start(short_engine: Engine) -> None:
    with short_engine.begin() as conn:
        insert_pending(conn, LedgerEntry(provider="openai", model_used="m", prompt_hash="h"))
    assert settle_orphans(short_engine) == 1
    assert settle_orphans(short_engine) == 0
    rows = ledger_rows(short_engine)
    assert [(r["status"], r["error_message"]) for r in rows] == [("FAILED", ORPHAN_ERROR)]
    assert _rollup_calls(short_engine) == 1
