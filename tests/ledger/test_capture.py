"""Each call's prompt and answer: captured with keys redacted, capped, switchable, purged."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, update

from forge_orchestrator.app import create_app
from forge_orchestrator.db.engine import make_engine
from forge_orchestrator.db.migrate import upgrade
from forge_orchestrator.db.tables import llm_call_captures, token_ledger
from forge_orchestrator.db.utils import utcnow
from forge_orchestrator.ledger import capture
from forge_orchestrator.llm.component import build_gateway
from forge_orchestrator.llm.gateway import Gateway
from forge_orchestrator.llm.types import ChatMessage, LLMRequest, TextDelta
from tests.conftest import BASE_URL, TOKEN, assert_error_shape, make_settings
from tests.fakes.fixtures import FAKE_OPENAI_KEY
from tests.fakes.llm_server import FakeLLMServer, Reply

from .conftest import add

# Shaped like an Anthropic key, and not the key the call itself uses.
PASTED_KEY = "sk-ant-api03-PASTEDintoTHEprompt0123456789"


def captures(engine: Engine) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(select(llm_call_captures))]


def gateway_with(engine: Engine, tmp_path: Path, **settings: object) -> Gateway:
    return build_gateway(engine, make_settings(tmp_path / "data", **settings))


def ask(content: str, system: str | None = "You write shell commands.") -> LLMRequest:
    return LLMRequest(
        provider="openai",
        model="gpt-6-luna",
        system=system,
        messages=[ChatMessage(role="user", content=content)],
    )


async def test_a_call_stores_its_prompt_and_answer_with_keys_redacted(
    engine: Engine, tmp_path: Path, fake_llm_env: FakeLLMServer
) -> None:
    fake_llm_env.script(Reply(text=f"Your key {FAKE_OPENAI_KEY} is set; ls -la"))
    gw = gateway_with(engine, tmp_path)
    try:
        result = await gw.complete(ask(f"why does {PASTED_KEY} fail?"))
    finally:
        await gw.aclose()
    [row] = captures(engine)
    assert row["ledger_id"] == result.ledger_id
    messages = json.loads(row["request"])
    assert [m["role"] for m in messages] == ["system", "user"]
    assert messages[0]["content"] == "You write shell commands."
    assert PASTED_KEY not in row["request"] and "why does [REDACTED] fail?" in row["request"]
    # The call's own key, echoed in the answer, is masked too.
    assert row["response"] == "Your key [REDACTED] is set; ls -la"
    assert not row["request_truncated"] and not row["response_truncated"]


async def test_each_side_is_cut_at_the_cap_with_a_marker(
    engine: Engine, tmp_path: Path, fake_llm_env: FakeLLMServer
) -> None:
    answer = "é" * 3000  # 6000 bytes: the cut must not split a character
    fake_llm_env.script(Reply(text=answer))
    gw = gateway_with(engine, tmp_path, capture_max_bytes=1024)
    try:
        await gw.complete(ask("x" * 5000, system=None))
    finally:
        await gw.aclose()
    [row] = captures(engine)
    [msg] = json.loads(row["request"])
    assert msg["content"].startswith("x" * 1024) and "x" * 1025 not in msg["content"]
    assert "truncated by Forge: 3976 more bytes" in msg["content"]
    assert row["request_truncated"] and row["request_bytes"] == 5000
    assert row["response"].startswith("é" * 512) and "é" * 513 not in row["response"]
    assert "truncated by Forge: 4976 more bytes" in row["response"]
    assert row["response_truncated"] and row["response_bytes"] == 6000


def test_a_key_cut_by_the_cap_is_still_masked() -> None:
    text = "a" * 1000 + PASTED_KEY + "b" * 1000
    kept, cut = capture.capped(text, 1010, lambda t: t.replace(PASTED_KEY, "[REDACTED]"))
    assert cut and PASTED_KEY[:10] not in kept and "sk-ant" not in kept


def test_capture_off_stores_nothing_and_the_detail_says_so(
    tmp_path: Path, fake_llm_env: FakeLLMServer
) -> None:
    fake_llm_env.script(Reply(text="done"))
    settings = make_settings(tmp_path / "data", capture_calls=False)
    auth = {"Authorization": f"Bearer {TOKEN}"}
    with TestClient(create_app(settings), base_url=BASE_URL, headers=auth) as client:
        gw: Gateway = client.app.state.gateway  # type: ignore[attr-defined]
        result = client.portal.call(gw.complete, ask("hello"))  # type: ignore[attr-defined]
        assert captures(client.app.state.engine) == []  # type: ignore[attr-defined]
        body = client.get(f"/api/ledger/calls/{result.ledger_id}").json()
    assert body["capture"]["state"] == "off"
    assert "FORGE_CAPTURE_CALLS" in body["capture"]["message"]
    assert body["capture"]["messages"] == [] and body["capture"]["response"] is None
    assert body["call"]["outcome"] == "ok" and body["call"]["status"] == "SUCCESS"


async def test_a_stopped_stream_keeps_the_partial_answer_and_is_charged_for_it(
    engine: Engine, tmp_path: Path, fake_llm_env: FakeLLMServer
) -> None:
    fake_llm_env.script(Reply(text="w1 w2 w3 w4 w5 w6", chunk_delay_s=0.05))
    gw = gateway_with(engine, tmp_path)
    try:
        stream = gw.stream(ask("count"))
        async for event in stream:
            assert isinstance(event, TextDelta)
            break
        await stream.aclose()  # type: ignore[attr-defined]
    finally:
        await gw.aclose()
    with engine.connect() as conn:
        row = dict(conn.execute(select(token_ledger)).one()._mapping)
    assert row["status"] == "FAILED" and row["outcome"] == "cancelled"
    # The provider bills the prompt and what it generated: estimated, never a silent $0.
    assert row["usage_source"] == "estimated" and row["input_tokens"] > 0
    assert row["output_tokens"] > 0 and (row["total_cost_usd"] or 0) > 0
    [cap] = captures(engine)
    assert cap["ledger_id"] == row["id"] and cap["response"].startswith("w1")


def test_retention_purge_deletes_only_old_captures(engine: Engine) -> None:
    with engine.begin() as conn:
        for ledger_id, age in ((1, 40), (2, 29), (3, 1)):
            capture.store_in(conn, ledger_id, capture.build(None, [("user", "hi")], "yo", str, 99))
            conn.execute(
                update(llm_call_captures)
                .where(llm_call_captures.c.ledger_id == ledger_id)
                .values(created_at=utcnow() - timedelta(days=age))
            )
    assert capture.purge(engine, 30) == 1
    assert sorted(r["ledger_id"] for r in captures(engine)) == [2, 3]
    assert capture.purge(engine, 30) == 0


def test_the_app_purges_old_captures_at_start_up(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "data", capture_retention_days=7)
    settings.data_dir.mkdir(parents=True)
    engine = make_engine(settings.resolved_database_url)
    upgrade(engine)
    with engine.begin() as conn:
        for ledger_id, age in ((7, 8), (8, 6)):
            capture.store_in(conn, ledger_id, capture.build(None, [("user", "hi")], "yo", str, 99))
            conn.execute(
                update(llm_call_captures)
                .where(llm_call_captures.c.ledger_id == ledger_id)
                .values(created_at=utcnow() - timedelta(days=age))
            )
    with TestClient(create_app(settings), base_url="http://127.0.0.1"):
        assert [r["ledger_id"] for r in captures(engine)] == [8]
    engine.dispose()


def test_call_detail_api_shapes(client: TestClient) -> None:
    engine: Engine = client.app.state.engine  # type: ignore[attr-defined]
    old = add(engine, timestamp=utcnow() - timedelta(days=60))
    recent = add(engine, timestamp=utcnow(), status="FAILED", outcome="budget_refused")
    with engine.begin() as conn:
        capture.store_in(
            conn, recent, capture.build("sys", [("user", "the prompt")], None, str, 1024)
        )
    expired = client.get(f"/api/ledger/calls/{old}").json()["capture"]
    assert expired["state"] == "expired" and "30 days" in expired["message"]
    body = client.get(f"/api/ledger/calls/{recent}").json()
    assert body["call"]["outcome"] == "budget_refused"
    assert body["capture"]["state"] == "captured"
    assert body["capture"]["messages"] == [
        {"role": "system", "content": "sys"},
        {"role": "user", "content": "the prompt"},
    ]
    assert body["capture"]["response"] is None
    missing = client.get("/api/ledger/calls/999999")
    assert missing.status_code == 404
    assert_error_shape(missing.json(), "not_found")
    bad = client.get("/api/ledger/calls/abc")
    assert bad.status_code == 422
    assert_error_shape(bad.json(), "validation_failed")


@pytest.mark.parametrize("param", [{"run_id": "r1"}, {"outcome": "cancelled"}])
def test_the_list_filters_by_run_step_and_outcome(
    client: TestClient, param: dict[str, str]
) -> None:
    engine: Engine = client.app.state.engine  # type: ignore[attr-defined]
    add(engine, run_id="r1", node_id="n1", status="FAILED", outcome="cancelled")
    add(engine, run_id="r2", node_id="n1", outcome="ok")
    items = client.get("/api/ledger", params=param).json()["items"]
    assert len(items) == 1 and items[0]["run_id"] == "r1"
