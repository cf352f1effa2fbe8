"""Builds the SQLAlchemy engine; SQLite gets WAL, foreign keys and a busy timeout."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import StaticPool


def make_engine(url: str, *, busy_timeout_s: float = 30.0) -> Engine:
    """``busy_timeout_s``: how long a SQLite statement waits for another connection's lock."""
    busy_ms = int(busy_timeout_s * 1000)
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True, future=True)
    if not parsed.database or parsed.database == ":memory:":
        # One shared connection, or every checkout would see its own empty database.
        engine = create_engine(
            url, future=True, connect_args={"check_same_thread": False}, poolclass=StaticPool
        )
        _sqlite_events(engine, busy_timeout_ms=busy_ms)
        return engine
    Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        future=True,
        connect_args={"check_same_thread": False, "timeout": busy_timeout_s},
        pool_size=8,
        max_overflow=16,
    )
    _sqlite_events(engine, busy_timeout_ms=busy_ms)
    return engine


def _sqlite_events(engine: Engine, *, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_conn: Any, _: Any) -> None:
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        # NORMAL is durable across application crashes in WAL mode; only power loss can drop
        # the last transactions, which is the usual trade for a desktop tool.
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()
        # Let SQLAlchemy's "begin" event below issue BEGIN itself (pysqlite would defer it).
        dbapi_conn.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        # Read-modify-write transactions ask for IMMEDIATE so they take the write lock up
        # front and queue on busy_timeout instead of failing to upgrade a read snapshot.
        options = conn.get_execution_options()
        if options.get("statement_reads", False):
            return  # no transaction: each (read) statement stands alone, as SQLite autocommits
        # Straight to the driver: this runs for every transaction, and BEGIN needs none of
        # SQLAlchemy's statement handling.
        statement = "BEGIN IMMEDIATE" if options.get("immediate", False) else "BEGIN"
        conn.connection.driver_connection.execute(statement)  # type: ignore[union-attr]


@contextmanager
def write_tx(engine: Engine) -> Iterator[Connection]:
    """A transaction that holds the write lock from its first statement (SQLite) and commits."""
    with engine.connect().execution_options(immediate=True) as conn, conn.begin():
        yield conn


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def app_engine(app: Any) -> Engine:
    """The engine an app keeps on ``app.state`` (typed, so HTTP code needs no SQLAlchemy)."""
    engine: Engine = app.state.engine
    return engine


def ping(engine: Engine) -> None:
    """Run ``SELECT 1``: raises if the database cannot be reached."""
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))


def dialect_name(engine: Engine) -> str:
    """The database's dialect name, e.g. ``sqlite``."""
    return str(engine.dialect.name)
