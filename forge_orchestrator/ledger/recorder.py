"""Writes one token_ledger row per gateway call; also the canonical prompt hash.

A call's row is inserted as PENDING before the provider is called (no row, no call) and
settled with its outcome afterwards. Rollups count a row once, when it is settled.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import Connection, Engine, bindparam, insert, select, update

from ..db.engine import write_tx
from ..db.prepared import Prepared
from ..db.tables import token_ledger
from ..db.utils import utcnow
from . import rollup

Status = Literal["SUCCESS", "FAILED", "TIMEOUT", "PENDING"]
PENDING: Status = "PENDING"
ORPHAN_ERROR = "The server stopped during this call; its outcome was not recorded."
INTERRUPTED = "interrupted"
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
    cache_write_extended_tokens: int = 0
    price_cache_write_extended_per_mtok: float | None = None
    outcome: str | None = None  # an outcomes.Outcome once settled
    # Who made the call (settings.user / settings.machine), for the team view.
    user_name: str | None = None
    machine: str | None = None


_FIELDS = tuple(f.name for f in fields(LedgerEntry))
# Compiled once per dialect and run through the DB-API cursor: this runs on every LLM call.
_INSERT = Prepared(insert(token_ledger).returning(token_ledger.c.id), _FIELDS)
# Known before the provider is called, so never rewritten: SQLite then leaves the indexes on
# them alone (timestamp, provider, role, flow, prompt hash), which halves the settle's cost.
_FIXED = {
    "timestamp",
    "prompt_hash",
    "provider",
    "flow_id",
    "agent_role",
    "model_requested",
    "max_tokens",
    "streamed",
    "run_id",
    "node_id",
    "user_name",
    "machine",
}
_SETTLED = tuple(f for f in _FIELDS if f not in _FIXED)
_SETTLE = Prepared(
    update(token_ledger)
    .where(token_ledger.c.id == bindparam("b_id"), token_ledger.c.status == bindparam("b_pending"))
    .values({f: bindparam(f"v_{f}") for f in _SETTLED}),
    (),
)


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


def insert_pending(conn: Connection, entry: LedgerEntry) -> int:
    """The call's row before the provider is called: PENDING, and not yet in the rollups."""
    row = {**vars(entry), "status": PENDING}
    cursor = _INSERT.execute(conn, row)
    try:
        return int(cursor.fetchone()[0])
    finally:
        cursor.close()


def settle_in(conn: Connection, ledger_id: int, entry: LedgerEntry) -> int:
    """Write the outcome over the PENDING row and count it in the rollups, once."""
    row = vars(entry)
    params = {"b_id": ledger_id, "b_pending": PENDING, **{f"v_{k}": row[k] for k in _SETTLED}}
    cursor = _SETTLE.execute(conn, params)
    try:
        settled = cursor.rowcount
    finally:
        cursor.close()
    if settled:  # 0: already settled (by start-up recovery); never counted twice
        rollup.apply(conn, (row,))
    return ledger_id


def settle_orphans(engine: Engine) -> int:
    """At start-up: rows a stopped server left PENDING become FAILED (and are counted)."""
    with write_tx(engine) as conn:
        rows = [
            dict(r)
            for r in conn.execute(
                select(token_ledger).where(token_ledger.c.status == PENDING)
            ).mappings()
        ]
        if not rows:
            return 0
        for row in rows:
            row.update(status="FAILED", error_message=ORPHAN_ERROR, outcome=INTERRUPTED)
            if row["cost_status"] == "not_billed":
                row["total_cost_usd"] = 0.0
            conn.execute(
                update(token_ledger)
                .where(token_ledger.c.id == row["id"])
                .values(
                    status="FAILED",
                    error_message=ORPHAN_ERROR,
                    outcome=INTERRUPTED,
                    total_cost_usd=row["total_cost_usd"],
                )
            )
        rollup.apply(conn, rows)
    return len(rows)


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
