"""Writes one token_ledger row per gateway call; also the canonical prompt hash."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import Connection, Engine, insert

from ..db.prepared import Prepared
from ..db.tables import token_ledger
from ..db.utils import utcnow
from . import rollup

Status = Literal["SUCCESS", "FAILED", "TIMEOUT"]
CostStatus = Literal["priced", "free", "unpriced", "not_billed"]


def prompt_hash(system: str | None, messages: list[tuple[str, str]]) -> str:
    """SHA-256 hex of the canonical JSON of the system prompt and the (role, content) messages."""
    doc = {"system": system, "messages": [{"role": r, "content": c} for r, c in messages]}
    canonical = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass
class LedgerEntry:
    """One row, filled in as the call progresses; column names match token_ledger."""

    provider: str
    model_used: str
    prompt_hash: str
    status: Status = "FAILED"
    timestamp: datetime = field(default_factory=utcnow)
    flow_id: str | None = None
    agent_role: str | None = None
    input_tokens: int = 0
    output_tokens: int = 0
    total_cost_usd: float | None = None
    latency_ms: int = 0
    error_message: str | None = None
    model_requested: str | None = None
    attempts: int = 0
    usage_source: str = "provider"
    cached_input_tokens: int = 0
    cache_write_tokens: int = 0
    reasoning_tokens: int = 0
    ttft_ms: int | None = None
    request_id: str | None = None
    price_input_per_mtok: float | None = None
    price_output_per_mtok: float | None = None
    price_cached_input_per_mtok: float | None = None
    price_cache_write_per_mtok: float | None = None
    cost_status: CostStatus = "not_billed"
    max_tokens: int | None = None
    streamed: bool = False
    run_id: str | None = None
    node_id: str | None = None


_FIELDS = tuple(f.name for f in fields(LedgerEntry))
# Compiled once per dialect and run through the DB-API cursor: this runs on every LLM call.
_INSERT = Prepared(insert(token_ledger).returning(token_ledger.c.id), _FIELDS)


def record_in(conn: Connection, entry: LedgerEntry) -> int:
    """Insert the row and add it to the rollups, in the caller's transaction; returns its id."""
    row = vars(entry)
    cursor = _INSERT.execute(conn, row)
    try:
        ledger_id = int(cursor.fetchone()[0])
    finally:
        cursor.close()
    rollup.apply(conn, (row,))
    return ledger_id


def record(engine: Engine, entry: LedgerEntry) -> int:
    """Insert the row, add it to the rollups in the same transaction, and return its id."""
    with engine.begin() as conn:
        return record_in(conn, entry)


def record_many(engine: Engine, rows: Sequence[Mapping[str, Any]]) -> None:
    """Bulk insert (imports, seeding): the rows and their rollups in one transaction."""
    if not rows:
        return
    with engine.begin() as conn:
        conn.execute(insert(token_ledger), list(rows))
        rollup.apply(conn, rows)
