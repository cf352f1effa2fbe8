"""Writes one token_ledger row per gateway call; also the canonical prompt hash."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import Engine, insert

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


# One prebuilt statement with the values as parameters: SQLAlchemy compiles it once, where
# .values(**row) would rebuild and re-key a 30-column statement on every call.
_INSERT = insert(token_ledger)


def record(engine: Engine, entry: LedgerEntry) -> int:
    """Insert the row, add it to the rollups in the same transaction, and return its id."""
    row = dict(vars(entry))
    with engine.begin() as conn:
        result = conn.execute(_INSERT, row)
        key = result.inserted_primary_key
        rollup.apply(conn, (row,))
    assert key is not None
    return int(key[0])


def record_many(engine: Engine, rows: Sequence[Mapping[str, Any]]) -> None:
    """Bulk insert (imports, seeding): the rows and their rollups in one transaction."""
    if not rows:
        return
    with engine.begin() as conn:
        conn.execute(_INSERT, list(rows))
        rollup.apply(conn, rows)
