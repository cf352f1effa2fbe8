"""The ledger tests' migrated SQLite engine fixture, shared here (rows come from its `add`), and
sync helpers that use the budget functions the way the database service does."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import Connection, Engine

from forge_orchestrator.budgets.guard import replace_budgets
from forge_orchestrator.budgets.models import Budget, BudgetSet
from forge_orchestrator.db.engine import write_tx
from tests.ledger.conftest import engine

__all__ = ["engine", "read", "set_budgets"]
T = TypeVar("T")


def set_budgets(engine: Engine, data: BudgetSet) -> list[Budget]:
    """As PUT /api/budgets does it: one transaction."""
    with write_tx(engine) as conn:
        return replace_budgets(conn, data)


def read(engine: Engine, fn: Callable[[Connection], T]) -> T:
    with engine.connect() as conn:
        return fn(conn)
