"""Ledger test helpers: a migrated SQLite engine and a row seeder using the real recorder."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from forge_orchestrator.db.engine import make_engine
from forge_orchestrator.db.migrate import upgrade
from forge_orchestrator.ledger import reprice as _reprice
from forge_orchestrator.ledger import summary as _summary
from forge_orchestrator.ledger.recorder import LedgerEntry, record

NOW = datetime(2026, 11, 20, 12, 0, 0)


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    eng = make_engine(f"sqlite:///{tmp_path / 'ledger.db'}")
    upgrade(eng)
    yield eng
    eng.dispose()


def add(engine: Engine, **fields: Any) -> int:
    """One ledger row through the gateway's recorder; sensible defaults for the rest."""
    values: dict[str, Any] = {
        "provider": "openai",
        "model_used": "gpt-6.2-sol",
        "prompt_hash": "h" * 64,
        "status": "SUCCESS",
        "timestamp": NOW - timedelta(hours=1),
        "input_tokens": 100,
        "output_tokens": 10,
        "total_cost_usd": 0.001,
        "latency_ms": 100,
        "cost_status": "priced",
        "attempts": 1,
    }
    values.update(fields)
    return record(engine, LedgerEntry(**values))


def summarize_on(engine: Engine, *args: Any, **kwargs: Any) -> _summary.Summary:
    """``ledger.summary.summarize`` on a connection of its own (the app uses ``db.read``)."""
    with engine.connect() as conn:
        return _summary.summarize(conn, *args, **kwargs)


def reprice_on(engine: Engine, *args: Any, **kwargs: Any) -> _reprice.Reprice:
    """``ledger.reprice.reprice`` on a connection of its own (the app uses ``db.read``)."""
    with engine.connect() as conn:
        return _reprice.reprice(conn, *args, **kwargs)
