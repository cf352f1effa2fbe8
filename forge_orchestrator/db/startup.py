"""The schema before serving: one query at head, an empty SQLite from a snapshot, else Alembic.

Alembic costs start-up ~0.1-0.2 s to import and the migrations ~1 s on an empty database (most
of it compiling the ledger backfills, which find no rows there). So a database already at the
newest revision is recognised by one query, and an empty SQLite file gets the snapshot of what
the migrations build (db/snapshot.py); anything else migrates through Alembic as before.
"""

from __future__ import annotations

import ast
import functools
import re
import sqlite3
from pathlib import Path

from sqlalchemy import Connection, Engine, text

from .engine import is_sqlite, write_tx

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
SNAPSHOT = MIGRATIONS_DIR / "sqlite_head.sql"
_ASSIGN = re.compile(r"^(revision|down_revision)\s*(?::[^=]*)?=\s*(.+)$", re.MULTILINE)


@functools.cache
def script_heads(versions: Path = MIGRATIONS_DIR / "versions") -> frozenset[str] | None:
    """The newest revision ids, read from the version files without importing Alembic.

    None when a file does not spell its ids as plain literals (Alembic then decides)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in versions.glob("*.py"):
        found = dict(_ASSIGN.findall(path.read_text(encoding="utf-8")))
        try:
            revision = ast.literal_eval(found["revision"])
            down = ast.literal_eval(found["down_revision"])
        except (KeyError, ValueError, SyntaxError):
            return None
        if not isinstance(revision, str):
            return None
        revisions.add(revision)
        parents.update([down] if isinstance(down, str) else down or ())
    return frozenset(revisions - parents) or None


def stored_revisions(conn: Connection) -> frozenset[str]:
    """The revisions the database says it is at (empty when it was never migrated)."""
    if not conn.dialect.has_table(conn, "alembic_version"):
        return frozenset()
    rows = conn.execute(text("SELECT version_num FROM alembic_version")).scalars()
    return frozenset(str(r) for r in rows)


def snapshot_statements(path: Path = SNAPSHOT) -> list[str]:
    """The snapshot's statements, in order (comment lines skipped)."""
    statements: list[str] = []
    buf = ""
    for line in path.read_text(encoding="utf-8").splitlines(keepends=True):
        if not buf and (not line.strip() or line.startswith("--")):
            continue
        buf += line
        if sqlite3.complete_statement(buf):
            statements.append(buf.strip())
            buf = ""
    return statements


def load_snapshot(engine: Engine, path: Path = SNAPSHOT) -> frozenset[str]:
    """Build an empty SQLite database from the snapshot; returns the revisions it is now at.

    Does nothing to a database that has anything in it, or without a snapshot file."""
    if not path.exists():
        return frozenset()
    with write_tx(engine) as conn:  # holds the write lock: nobody creates tables meanwhile
        if conn.exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar():
            return frozenset()
        for statement in snapshot_statements(path):
            conn.exec_driver_sql(statement)
        return stored_revisions(conn)


def prepare_schema(engine: Engine, snapshot: Path = SNAPSHOT) -> None:
    """Bring the schema to the newest revision; one query on an up-to-date database."""
    heads = script_heads()
    if heads is not None:
        with engine.connect() as conn:
            if stored_revisions(conn) == heads:
                return
        if is_sqlite(engine) and load_snapshot(engine, snapshot) == heads:
            return
    # Alembic loads only when there is migrating to do (start-up time); from a snapshot older
    # than the newest migration it runs just the ones after it.
    from .migrate import upgrade

    upgrade(engine)
