"""The recorder writes every column and the prompt hash is canonical."""

from __future__ import annotations

import hashlib
import json

from sqlalchemy import Engine, select

from forge_orchestrator.db.tables import token_ledger
from forge_orchestrator.ledger.recorder import LedgerEntry, prompt_hash, record


def test_prompt_hash_is_sha256_of_canonical_json() -> None:
    canonical = json.dumps(
        {"messages": [{"content": "é x", "role": "user"}], "system": "s"},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    assert prompt_hash("s", [("user", "é x")]) == hashlib.sha256(canonical.encode()).hexdigest()
    assert prompt_hash("s", [("user", "a")]) != prompt_hash(None, [("user", "a")])
    assert prompt_hash("s", [("user", "a")]) != prompt_hash("s", [("assistant", "a")])


def test_record_round_trips_every_field(engine: Engine) -> None:
    entry = LedgerEntry(
        provider="anthropic",
        model_used="claude-haiku-5-5",
        prompt_hash="a" * 64,
        status="TIMEOUT",
        error_message="Anthropic did not answer in time.",
        attempts=2,
        ttft_ms=12,
        streamed=True,
        cost_status="not_billed",
        total_cost_usd=0.0,
        run_id="run-1",
        node_id="node-1",
    )
    row_id = record(engine, entry)
    with engine.connect() as conn:
        row = conn.execute(select(token_ledger).where(token_ledger.c.id == row_id)).one()._mapping
    for name, value in vars(entry).items():
        assert row[name] == value, name
