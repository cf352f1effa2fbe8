"""Prepared statements store exactly what SQLAlchemy Core would."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, insert, select

from forge_orchestrator.db.engine import make_engine
from forge_orchestrator.db.migrate import upgrade
from forge_orchestrator.db.prepared import Prepared
from forge_orchestrator.db.tables import app_settings, token_ledger
from forge_orchestrator.ledger.recorder import LedgerEntry, record_in


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    eng = make_engine(f"sqlite:///{tmp_path / 'forge.db'}")
    upgrade(eng)
    return eng


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
