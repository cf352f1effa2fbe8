"""Short SQLite statements on the event loop when they need not wait; a worker thread otherwise.

Every LLM call writes a ledger row and the Architect stores a card: a few rows each, a fraction
of a millisecond of SQLite work. Handing each to a worker thread costs more than the work (two
thread switches, a wake-up of the loop), so :class:`LoopDB` first tries the work on the event
loop through one connection that cannot wait:

- ``busy_timeout`` is 0: if another connection holds the write lock, ``BEGIN IMMEDIATE`` fails
  at once and the same work goes to a worker thread, where it queues on the normal pool's
  busy timeout. The loop never sleeps on a lock.
- Automatic checkpoints are off on that connection (a checkpoint syncs files); every
  ``checkpoint_every`` commits, a passive checkpoint runs in a worker thread instead.
- With synchronous=NORMAL in WAL mode a commit appends to the WAL without an fsync.

Nothing here ever waits on the loop: a write that must happen from a path that cannot await
(a cancelled task) goes through ``write_soon``, which tries the no-wait connection and
otherwise hands the write to a background task that retries it in a thread until it lands.

Only for statements that touch a handful of rows: a scan or a large read still belongs in a
thread (``asyncio.to_thread`` / ``run_in_threadpool``). Other databases than a SQLite file
always take the thread path.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import threading
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import OperationalError

from ..errors import database_fault_kind
from .engine import is_sqlite, make_nowait_engine, write_tx
from .retry import Background, until_stored

T = TypeVar("T")
log = logging.getLogger(__name__)

CHECKPOINT_EVERY = 200


def is_busy(exc: Exception) -> bool:
    """Whether SQLite refused because another connection holds a lock (try again later).

    ``exc`` is SQLAlchemy's OperationalError or the driver's own (BEGIN is sent to the driver
    directly, see ``db.engine``)."""
    return database_fault_kind(exc) == "busy"


class LoopDB:
    """``await read(fn)`` / ``await write(fn)`` with ``fn(conn)`` synchronous and short."""

    def __init__(self, engine: Engine, *, checkpoint_every: int = CHECKPOINT_EVERY) -> None:
        self.engine = engine
        self.checkpoint_every = checkpoint_every
        database = engine.url.database if is_sqlite(engine) else None
        self._nowait: Engine | None = (
            make_nowait_engine(engine.url.render_as_string(hide_password=False))
            if database and database != ":memory:" and not database.startswith("file::memory")
            else None
        )
        # One connection: a second thread (or loop) that finds it in use takes the thread path.
        self._lock = threading.Lock()
        self._commits = 0
        self._background: set[asyncio.Future[None]] = set()
        self.pending = Background()  # writes handed over by write_soon, retried until stored
        self._closed = False
        # How work ran, for tests and benchmarks.
        self.on_loop = 0
        self.in_thread = 0
        self.checkpoints = 0

    @property
    def enabled(self) -> bool:
        return self._nowait is not None

    # ---- the API -----------------------------------------------------------------------------
    async def read(self, fn: Callable[[Connection], T]) -> T:
        done, value = self._now(fn, write=False)
        if done:
            return value  # type: ignore[return-value]
        self.in_thread += 1
        return await asyncio.to_thread(self._read_in_thread, fn)

    async def write(self, fn: Callable[[Connection], T]) -> T:
        """``fn`` in one transaction holding the write lock; committed when it returns."""
        done, value = self.try_write(fn)
        if done:
            return value  # type: ignore[return-value]
        self.in_thread += 1
        return await asyncio.to_thread(self._write_in_thread, fn)

    def try_write(self, fn: Callable[[Connection], T]) -> tuple[bool, T | None]:
        """Run ``fn`` now if the write lock is free: (True, result), else (False, None)."""
        done, value = self._now(fn, write=True)
        if done:
            self._committed()
        return done, value

    def write_soon(self, fn: Callable[[Connection], object], *, what: str) -> None:
        """Commit ``fn`` now if that needs no wait, else in the background until it lands.

        For paths that cannot await (a task being cancelled): it never blocks the loop, and a
        locked or full database delays the write instead of losing it."""
        try:
            if self.try_write(fn)[0]:
                return
        except (OperationalError, sqlite3.OperationalError) as exc:
            if database_fault_kind(exc) is None:
                raise
        self.retry_in_background(lambda: self._write_in_thread(fn), what=what)

    def retry_in_background(self, work: Callable[[], object], *, what: str) -> None:
        """Run ``work`` (it opens its own transactions) in a thread, retried until it lands."""
        self.in_thread += 1
        self.pending.start(
            until_stored(lambda: asyncio.to_thread(work), what=what, stop=lambda: self._closed),
            what,
        )

    def close(self) -> None:
        self._closed = True
        if self._nowait is not None:
            self._nowait.dispose()

    # ---- internals ---------------------------------------------------------------------------
    def _now(self, fn: Callable[[Connection], T], *, write: bool) -> tuple[bool, T | None]:
        if self._nowait is None or not self._lock.acquire(blocking=False):
            return False, None
        try:
            with self._nowait.connect() as conn:
                # A read runs its statements without BEGIN/COMMIT: the reads here are one or
                # two small statements, and each is consistent on its own.
                conn.execution_options(**{"immediate" if write else "statement_reads": True})
                try:
                    with conn.begin():
                        value = fn(conn)
                except (OperationalError, sqlite3.OperationalError) as exc:
                    if not is_busy(exc):
                        raise
                    return False, None  # rolled back; the thread path does the work
            self.on_loop += 1
            return True, value
        finally:
            self._lock.release()

    def _read_in_thread(self, fn: Callable[[Connection], T]) -> T:
        with self.engine.connect() as conn:
            return fn(conn)

    def _write_in_thread(self, fn: Callable[[Connection], T]) -> T:
        with write_tx(self.engine) as conn:
            return fn(conn)

    def _committed(self) -> None:
        self._commits += 1
        if self._commits % self.checkpoint_every:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self._checkpoint()
            return
        future = loop.run_in_executor(None, self._checkpoint)
        self._background.add(future)
        future.add_done_callback(self._background.discard)

    def _checkpoint(self) -> None:
        # PASSIVE never waits for readers or writers; what it cannot copy now, a later one will.
        try:
            with self.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")
            self.checkpoints += 1
        except Exception as exc:  # a checkpoint is housekeeping; the data is safe in the WAL
            log.warning("WAL checkpoint failed: %s", exc)
