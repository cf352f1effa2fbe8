"""The ledger tests' migrated SQLite engine fixture, shared here (rows come from its `add`)."""

from __future__ import annotations

from tests.ledger.conftest import engine

__all__ = ["engine"]
