"""The spec's four tables with its exact columns; migrations apply cleanly and idempotently."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from fastapi.testclient import TestClient

from forge_orchestrator.db.engine import make_engine
from forge_orchestrator.db.migrate import current_revisions, head_revisions, upgrade
from forge_orchestrator.db.tables import metadata

SPEC_COLUMNS = {
    "token_ledger": [
        "id", "timestamp", "flow_id", "model_used", "agent_role", "prompt_hash", "input_tokens",
        "output_tokens", "total_cost_usd", "latency_ms", "status", "error_message",
    ],
    "command_cards": ["id", "name", "command", "description"],
    "forge_flows": ["id", "name", "description", "data", "status", "created_at", "updated_at"],
    "user_secrets": ["key_name", "encrypted_value", "created_at"],
}  # fmt: skip
PRIMARY_KEYS = {
    "token_ledger": "id",
    "command_cards": "id",
    "forge_flows": "id",
    "user_secrets": "key_name",
}


def test_spec_tables_have_the_spec_columns(client: TestClient, data_dir: Path) -> None:
    db = sqlite3.connect(data_dir / "forge.db")
    try:
        for table, columns in SPEC_COLUMNS.items():
            info = db.execute(f"PRAGMA table_info({table})").fetchall()
            names = [row[1] for row in info]
            assert set(columns) <= set(names), (table, set(columns) - set(names))
            pk = [row[1] for row in info if row[5]]
            assert pk == [PRIMARY_KEYS[table]]
        blob_type = {row[1]: row[2] for row in db.execute("PRAGMA table_info(user_secrets)")}
        assert blob_type["encrypted_value"].upper() == "BLOB"
    finally:
        db.close()


def test_sqlite_runs_in_wal_with_foreign_keys(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
    engine.dispose()


def test_migrations_on_empty_then_up_to_date_database(tmp_path: Path) -> None:
    path = tmp_path / "m.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    assert current_revisions(engine) == head_revisions(engine)
    schema_before = (
        sqlite3.connect(path).execute("SELECT sql FROM sqlite_master ORDER BY name").fetchall()
    )
    upgrade(engine)  # second run: nothing to do, nothing changes
    schema_after = (
        sqlite3.connect(path).execute("SELECT sql FROM sqlite_master ORDER BY name").fetchall()
    )
    assert schema_before == schema_after
    engine.dispose()


def test_table_definitions_match_the_migrated_schema(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'c.db'}")
    upgrade(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    engine.dispose()
    assert diff == [], f"db/tables and the migrations disagree: {diff}"
