"""The dialect's own INSERT, for ON CONFLICT upserts, loaded by the dialect's name."""

from __future__ import annotations

import importlib
from typing import Any

from sqlalchemy import Table


def dialect_insert(dialect: str, table: Table) -> Any:
    """SQLite's or PostgreSQL's ``insert(table)`` (both have ``on_conflict_do_update``).

    Loaded by name: importing PostgreSQL's dialect costs start-up ~0.1 s on SQLite, where it is
    never used (an engine loads its own dialect)."""
    name = "postgresql" if dialect == "postgresql" else "sqlite"
    return importlib.import_module(f"sqlalchemy.dialects.{name}").insert(table)
