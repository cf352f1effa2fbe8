"""The one way domain code reaches the database: ``await db.read(fn)``, ``await db.write(fn)``.

``fn(conn)`` is synchronous and runs off the event loop, so nothing waits on the database there
and no connection is held across an ``await``.

SQLite (a file): one writer thread owns the write path and takes work first in, first out.
Whatever queued while a transaction ran is committed together in the next one (group commit),
each job in its own SAVEPOINT so one job's error rolls back only that job. Reads go to a small
pool of reader threads; WAL lets them run beside the writer.

Other databases (PostgreSQL): writes and reads run on a pool of threads, each write in its own
transaction; code that relies on SQLite's database-wide lock takes row locks (``FOR UPDATE``)
or re-checks in its ``UPDATE … WHERE``.

``write_nowait(fn)`` is for paths that cannot await (a cancelled task): it queues the write and
returns at once; a locked or full database delays it (retried with backoff) instead of losing it.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from sqlalchemy import Connection, Engine

from ..errors import database_fault_kind
from .engine import is_sqlite, write_tx

T = TypeVar("T")
log = logging.getLogger(__name__)

READERS = 4
MAX_BATCH = 64
FIRST_RETRY_S = 0.05
MAX_RETRY_S = 2.0


@dataclass(eq=False)
class _Job(Generic[T]):
    fn: Callable[[Connection], T]
    future: asyncio.Future[T] | None  # None: nobody awaits it (write_nowait)
    what: str = ""
    retry_at: float = 0.0
    delay: float = FIRST_RETRY_S
    failures: int = 0
    waiter: _Waiter | None = None  # run_sync_write: a thread outside the loop waits on it


@dataclass(eq=False)
class _Waiter:
    done: threading.Event = field(default_factory=threading.Event)
    value: Any = None
    error: BaseException | None = None


class Database:
    """The database service an app owns (``app.state.db``): a writer, a read pool, one engine."""

    def __init__(self, engine: Engine, *, readers: int = READERS) -> None:
        self.engine = engine
        self._readers = ThreadPoolExecutor(readers, thread_name_prefix="db-read")
        self._single_writer = is_sqlite(engine)
        self._writers = (
            None
            if self._single_writer
            else ThreadPoolExecutor(readers * 2, thread_name_prefix="db-write")
        )
        self._queue: queue.SimpleQueue[_Job[Any] | None] = queue.SimpleQueue()
        self._retry: list[_Job[Any]] = []
        self._closed = False
        self._idle = threading.Event()
        self._idle.set()
        self._pending_nowait = 0
        self._lock = threading.Lock()
        # Figures for tests and benchmarks.
        self.commits = 0
        self.jobs = 0
        self._thread: threading.Thread | None = None
        self._conn: Connection | None = None  # the writer thread's own (SQLite)
        self._reader_conns = threading.local()
        self._all_reader_conns: list[Connection] = []  # closed by close()
        if self._single_writer:
            self._thread = threading.Thread(target=self._write_loop, name="db-writer", daemon=True)
            self._thread.start()

    # ---- the API ------------------------------------------------------------------------------
    async def read(self, fn: Callable[[Connection], T]) -> T:
        """``fn(conn)`` on a reader thread; each statement sees committed data."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._readers, self._read, fn)

    async def write(self, fn: Callable[[Connection], T]) -> T:
        """``fn(conn)`` in a transaction holding the write lock; returns once it committed."""
        return await self.submit(fn)

    def submit(self, fn: Callable[[Connection], T]) -> asyncio.Future[T]:
        """Queue ``fn`` and return its future: the write lands even if the future is cancelled
        (shield it, or add a done callback, to learn its result after a cancellation)."""
        loop = asyncio.get_running_loop()
        if self._writers is not None:
            return asyncio.ensure_future(loop.run_in_executor(self._writers, self._write_one, fn))
        future: asyncio.Future[T] = loop.create_future()
        self._put(_Job(fn, future))
        return future

    def write_nowait(self, fn: Callable[[Connection], object], *, what: str) -> None:
        """Queue ``fn`` without waiting; retried while the database is locked or full."""
        job: _Job[Any] = _Job(fn, None, what=what)
        with self._lock:
            self._pending_nowait += 1
            self._idle.clear()
        if self._writers is not None:
            self._writers.submit(self._run_nowait_pooled, job)
        else:
            self._put(job)

    def run_sync_write(self, fn: Callable[[Connection], T]) -> T:
        """For code outside the event loop (CLI, start-up): the same writer, waited on here."""
        if self._writers is not None or threading.current_thread() is self._thread:
            return self._write_one(fn)
        waiter = _Waiter()
        self._put(_Job(fn, None, what="a write", waiter=waiter))
        waiter.done.wait()
        if waiter.error is not None:
            raise waiter.error
        value: T = waiter.value
        return value

    def wait_idle(self, timeout_s: float) -> bool:
        """Wait until every ``write_nowait`` landed (or was given up); True when none is left."""
        return self._idle.wait(timeout_s)

    @property
    def pending_writes(self) -> int:
        return self._pending_nowait

    def close(self, timeout_s: float = 5.0) -> None:
        """Finish queued writes (retrying faults until ``timeout_s``), then stop the threads."""
        if self._closed:
            return
        self.wait_idle(timeout_s)
        self._closed = True
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout_s)
        if self._writers is not None:
            self._writers.shutdown(wait=True, cancel_futures=False)
        self._readers.shutdown(wait=True, cancel_futures=False)
        with self._lock:
            readers, self._all_reader_conns = self._all_reader_conns, []
        for conn in readers:  # their threads have ended: no read is using them
            conn.close()

    # ---- reads and pooled writes --------------------------------------------------------------
    def _read(self, fn: Callable[[Connection], T]) -> T:
        # Each reader thread keeps its own connection, as the writer does (a pool checkout per
        # read cost more than a small read); a failed read replaces it.
        conn: Connection | None = getattr(self._reader_conns, "conn", None)
        if conn is None:
            conn = self._reader_conns.conn = self.engine.connect()
            with self._lock:
                self._all_reader_conns.append(conn)
        try:
            with conn.begin():
                return fn(conn)
        except Exception:
            self._reader_conns.conn = None
            with self._lock:
                self._all_reader_conns.remove(conn)
            conn.close()
            raise

    def _write_one(self, fn: Callable[[Connection], T]) -> T:
        with write_tx(self.engine) as conn:
            value = fn(conn)
        self.commits += 1
        self.jobs += 1
        return value

    def _run_nowait_pooled(self, job: _Job[Any]) -> None:
        while True:
            try:
                self._write_one(job.fn)
            except Exception as exc:
                if not self._should_retry(job, exc):
                    self._nowait_done()
                    return
                time.sleep(job.delay)
                continue
            self._nowait_done()
            return

    # ---- the SQLite writer thread -------------------------------------------------------------
    def _put(self, job: _Job[Any]) -> None:
        if self._closed:
            raise RuntimeError("the database service is closed")
        self._queue.put(job)

    def _write_loop(self) -> None:
        try:
            self._serve_writes()
        finally:
            self._drop_writer_conn()

    def _writer_conn(self) -> Connection:
        # The writer keeps one connection for its life: a pool checkout and its reset on
        # return, per batch, cost about as much as the transaction itself.
        if self._conn is None:
            self._conn = self.engine.connect().execution_options(immediate=True)
        return self._conn

    def _drop_writer_conn(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except Exception:  # a broken connection is replaced; closing it may fail too
                log.debug("closing the writer's connection failed", exc_info=True)

    def _serve_writes(self) -> None:
        while True:
            try:
                job = self._next()
            except queue.Empty:
                continue  # a retry is due
            if job is None:
                for left in self._retry:
                    log.error("gave up saving %s: the server stopped", left.what)
                return
            batch = [job]
            while len(batch) < MAX_BATCH:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    self._queue.put(None)  # seen again once this batch is done
                    break
                batch.append(more)
            self._run_batch(batch)

    def _next(self) -> _Job[Any] | None:
        """The next job: a due retry first, else the queue; ``queue.Empty`` once a retry is due;
        None to stop."""
        now = time.monotonic()
        if self._retry:
            self._retry.sort(key=lambda j: j.retry_at)
            if self._retry[0].retry_at <= now:
                return self._retry.pop(0)
            timeout: float | None = self._retry[0].retry_at - now
        else:
            timeout = None
        return self._queue.get(timeout=timeout)

    def _run_batch(self, batch: list[_Job[Any]]) -> None:
        done: list[tuple[_Job[Any], Any]] = []
        failed: list[tuple[_Job[Any], BaseException]] = []
        try:
            conn = self._writer_conn()
            with conn.begin():
                if len(batch) == 1:
                    done.append((batch[0], batch[0].fn(conn)))
                else:
                    for job in batch:
                        savepoint = conn.begin_nested()
                        try:
                            value = job.fn(conn)
                        except Exception as exc:
                            savepoint.rollback()
                            failed.append((job, exc))
                            continue
                        savepoint.commit()
                        done.append((job, value))
        except Exception as exc:
            # The transaction (BEGIN, a lone job, or COMMIT) failed: nothing of it landed. The
            # connection may be what failed (a disk I/O error): the next batch opens a new one.
            self._drop_writer_conn()
            for job in batch:
                if not any(job is f for f, _ in failed):
                    failed.append((job, exc))
            done = []
        else:
            self.commits += 1
            self.jobs += len(done)
        for job, value in done:
            self._finish(job, value, None)
        for job, error in failed:
            self._finish(job, None, error)

    def _finish(self, job: _Job[Any], value: Any, error: BaseException | None) -> None:
        if job.future is not None:
            future = job.future
            future.get_loop().call_soon_threadsafe(_settle, future, value, error)
            return
        if job.waiter is not None:
            job.waiter.value, job.waiter.error = value, error
            job.waiter.done.set()
            return
        if error is None:
            self._nowait_done()
            return
        if isinstance(error, Exception) and self._should_retry(job, error):
            job.retry_at = time.monotonic() + job.delay
            self._retry.append(job)
            return
        self._nowait_done()

    def _should_retry(self, job: _Job[Any], exc: Exception) -> bool:
        kind = database_fault_kind(exc)
        job.failures += 1
        if kind is None or kind == "corrupt" or self._closed:
            log.error("could not save %s: %s", job.what, exc, exc_info=exc)
            return False
        if job.failures == 1 or job.failures % 20 == 0:
            log.warning("could not save %s (database %s); retrying: %s", job.what, kind, exc)
        job.delay = min(job.delay * 2, MAX_RETRY_S)
        return True

    def _nowait_done(self) -> None:
        with self._lock:
            self._pending_nowait -= 1
            if self._pending_nowait == 0:
                self._idle.set()


def _settle(future: asyncio.Future[Any], value: Any, error: BaseException | None) -> None:
    if future.cancelled():
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(value)


def app_db(app: Any) -> Database:
    """The service an app keeps on ``app.state`` (typed, so HTTP code needs no SQLAlchemy)."""
    db: Database = app.state.db
    return db
