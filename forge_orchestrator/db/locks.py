"""Locks for read-check-write transactions whose check is about rows that may not exist yet.

A row that exists is locked with ``SELECT … FOR UPDATE``. A check like "no card with this name
and command" or "no live action for this suggestion" has no row to lock: on PostgreSQL the
transaction locks the table against other writers (readers go on) until it commits. SQLite
needs nothing: the service's write transaction already holds the database-wide write lock.
"""

from __future__ import annotations

from sqlalchemy import Connection, Table, text


def lock_against_writers(conn: Connection, table: Table) -> None:
    """Until this transaction ends, no other transaction writes ``table`` (PostgreSQL)."""
    if conn.dialect.name != "postgresql":
        return
    # SHARE ROW EXCLUSIVE conflicts with itself and with every row write, not with SELECT.
    name = conn.dialect.identifier_preparer.format_table(table)
    conn.execute(text(f"LOCK TABLE {name} IN SHARE ROW EXCLUSIVE MODE"))
