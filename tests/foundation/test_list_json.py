"""The list routes write their JSON from plain rows: byte for byte what the response models gave."""

from __future__ import annotations

from datetime import datetime

from fastapi.testclient import TestClient
from pydantic import TypeAdapter
from sqlalchemy import insert

from forge_orchestrator.api.ledger import LedgerItem, LedgerPage
from forge_orchestrator.commands import cards
from forge_orchestrator.commands.models import Card
from forge_orchestrator.db.tables import command_runs
from forge_orchestrator.ledger.queries import ListFilters, list_entries
from forge_orchestrator.ledger.recorder import record_many

FULL_ROW = {
    "timestamp": datetime(2026, 3, 1, 12, 30, 5, 123456),
    "flow_id": "flöw-✓",
    "model_used": "gpt-6-luna",
    "agent_role": 'réviseur "quoted" \\ \u2028',
    "prompt_hash": "ab" * 32,
    "input_tokens": 1234,
    "output_tokens": 56,
    "total_cost_usd": 1e-07,
    "latency_ms": 789,
    "status": "FAILED",
    "error_message": "boom: 日本語 \x01 </script>",
    "provider": "openai",
    "model_requested": "gpt-6",
    "attempts": 3,
    "usage_source": "estimated",
    "cached_input_tokens": 10,
    "cache_write_tokens": 20,
    "reasoning_tokens": 30,
    "ttft_ms": 40,
    "request_id": "req_😀",
    "price_input_per_mtok": 2,  # an int in a float column: the model wrote 2.0
    "price_output_per_mtok": 12.5,
    "price_cached_input_per_mtok": 1e22,
    "price_cache_write_per_mtok": 0.1 + 0.2,
    "cost_status": "estimated",
    "max_tokens": 4096,
    "streamed": True,
    "run_id": "run-1",
    "node_id": "node/1",
    "outcome": "provider_error",
}
SPARSE_ROW = {
    "timestamp": datetime(2026, 3, 1, 12, 30, 5),
    "model_used": "claude",
    "prompt_hash": "0" * 64,
    "status": "SUCCESS",
    "provider": "anthropic",
}


def _old_ledger_json(client: TestClient, limit: int) -> bytes:
    # What the route returned before: a model per row, dumped by FastAPI's TypeAdapter.
    rows, cursor = list_entries(client.app.state.engine, ListFilters(), limit=limit)  # type: ignore[attr-defined]
    page = LedgerPage(items=[LedgerItem.model_validate(r) for r in rows], next_cursor=cursor)
    return TypeAdapter(LedgerPage).dump_json(page, by_alias=True)


def test_ledger_list_is_the_models_json(client: TestClient) -> None:
    for row in (FULL_ROW, SPARSE_ROW, {**SPARSE_ROW, "latency_ms": 0}):
        record_many(client.app.state.engine, [row])  # type: ignore[attr-defined]
    for limit in (50, 2):  # with and without a next cursor
        answer = client.get(f"/api/ledger?limit={limit}")
        assert answer.status_code == 200
        assert answer.headers["content-type"] == "application/json"
        assert answer.content == _old_ledger_json(client, limit)
    items = client.get("/api/ledger").json()["items"]
    assert {i["agent_role"] for i in items} >= {None, FULL_ROW["agent_role"]}
    assert any(i["price_input_per_mtok"] == 2.0 for i in items)
    assert b'"price_input_per_mtok":2.0' in client.get("/api/ledger").content


def test_card_list_is_the_models_json(client: TestClient) -> None:
    client.post("/api/commands", json={"name": "plain", "command": "ls"}).raise_for_status()
    full = {
        "name": 'ünïcödé ✓ "q"',
        "command": "grep -rn {{pattern}} {{dir}} | wc -l # 日本",
        "description": "line\nbreak \u2028 </script>",
        "tags": ["ä", "b"],
        "shell": "zsh",
        "cwd": "/tmp/dír",
        "variables": [{"name": "pattern", "description": "what", "default": "x", "required": True}],
        "source": "architect",
        "prompt": "count 😀",
        "provider": "openai",
        "model": "gpt-6-luna",
        "ledger_id": 7,
        "explanation": {"steps": [{"n": 1, "f": 0.5, "big": 1e22, "none": None, "t": "ß"}]},
    }
    card_id = client.post("/api/commands", json=full).json()["id"]
    # A bare number is stored as a number (SQLite affinity); 1e400 parses as inf, written null.
    for odd in ("5", "1.5", "1e400", '[1e400, "x"]'):
        body = f'{{"name": "odd", "command": "ls", "explanation": {odd}}}'
        headers = {"content-type": "application/json"}
        client.post("/api/commands", content=body, headers=headers).raise_for_status()
    engine = client.app.state.engine  # type: ignore[attr-defined]
    with engine.begin() as conn:
        conn.execute(
            insert(command_runs).values(
                card_id=card_id, command="ls", shell="bash", status="failed", exit_code=2,
                started_at=datetime(2026, 3, 1, 1, 2, 3, 4), finished_at=None, duration_ms=None,
            )
        )  # fmt: skip
    adapter = TypeAdapter(list[Card])
    for q, tag in ((None, None), ("ÜNÏ", None), (None, "b"), ("nothing", None)):
        params = {k: v for k, v in (("q", q), ("tag", tag)) if v is not None}
        answer = client.get("/api/commands", params=params)
        assert answer.status_code == 200
        with engine.connect() as conn:
            old = adapter.dump_json(cards.list_cards(conn, q=q, tag=tag), by_alias=True)
        assert answer.content == old
        # and what validating it again gives: every field present, typed as declared
        assert answer.content == adapter.dump_json(adapter.validate_json(answer.content))
    listed = client.get("/api/commands").json()
    full_card = next(c for c in listed if c["id"] == card_id)
    assert full_card["last_run"]["status"] == "failed"
    assert [c["explanation"] for c in listed if c["name"] == "odd"] == [[None, "x"], None, 1.5, 5]
    assert [v["name"] for v in full_card["variables"]] == ["pattern", "dir"]
