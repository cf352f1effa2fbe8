"""Real database faults for tests: another connection's write lock, and a full disk (tmpfs)."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path


@contextlib.contextmanager
def write_lock(db: Path) -> Iterator[sqlite3.Connection]:
    """Hold the SQLite write lock from another connection (like a sqlite3 shell mid-BEGIN)."""
    conn = sqlite3.connect(db, isolation_level=None, timeout=10)
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    finally:
        conn.execute("ROLLBACK")
        conn.close()


def read_one(db: Path, sql: str, *params: object) -> tuple[object, ...] | None:
    """One row read from outside the server (reads are not blocked by a write lock)."""
    conn = sqlite3.connect(db, timeout=10)
    try:
        row = conn.execute(sql, params).fetchone()
        return tuple(row) if row is not None else None
    finally:
        conn.close()


def wait_for(check: Callable[[], bool], what: str, limit_s: float = 60.0) -> None:
    """Poll until ``check()`` holds; the limit only stops a hang (generous for a busy machine)."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise AssertionError(f"gave up waiting for {what}")


class SmallDisk:
    """A tmpfs of a few MiB: `fill()` takes its last free byte, `free()` gives the space back."""

    def __init__(self, mount: Path) -> None:
        self.mount = mount
        self.filler = mount / "filler"

    def fill(self) -> None:
        with self.filler.open("ab") as f:
            chunk = b"\0" * 65536
            with contextlib.suppress(OSError):
                while True:
                    f.write(chunk)
                    f.flush()
            # The last partial chunk: byte by byte until nothing fits.
            with contextlib.suppress(OSError):
                while True:
                    os.write(f.fileno(), b"\0" * 512)

    def free(self) -> None:
        self.filler.unlink(missing_ok=True)


def truncate_wal(db: Path) -> None:
    """Checkpoint and empty the WAL, so the next commit must grow a file (a full disk bites)."""
    conn = sqlite3.connect(db, timeout=10)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
