"""LLM steps through the real gateway and the fake provider: gating, ledger attribution, cancel."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from forge_orchestrator.db.tables import token_ledger
from tests.fakes.fixtures import FakeLLMServer, Reply

from .helpers import by_id, create, edge, flow, node, read_events, shell, start, wait_node, wait_run


@pytest.fixture
def llm_client(fake_llm_env: FakeLLMServer, client: TestClient) -> TestClient:
    """The app with its gateway pointed at the fake provider (via OPENAI_* env)."""
    return client


REVIEW = flow(
    [
        shell("diff", "echo 'fix: null check'"),
        node(
            "review",
            "llm",
            prompt="Review this change: {{ nodes.diff.output }}",
            agent_role="reviewer",
            provider="openai",
            model="gpt-6.2-sol",
            max_tokens=200,
            output="json",
        ),
        node("ok", "condition", kind="json", source="review", path="verdict", value="ship"),
        shell("ship", "echo shipping score {{ nodes.review.json.score }}"),
    ],
    [edge("diff", "review"), edge("review", "ok"), edge("ok", "ship", "true")],
)


def ledger_rows(app: FastAPI) -> list[Any]:
    with app.state.engine.connect() as conn:
        return list(conn.execute(select(token_ledger)).mappings())


def test_llm_step_waits_for_cost_approval_then_records_usage_per_node(
    fake_llm_env: FakeLLMServer, app: FastAPI, llm_client: TestClient
) -> None:
    fake_llm_env.script(
        Reply(text='{"verdict": "ship", "score": 9}', input_tokens=30, output_tokens=10)
    )
    created = create(llm_client, REVIEW)
    run = start(llm_client, created["id"])
    waiting = wait_node(llm_client, run["id"], "review", "awaiting_approval")
    assert waiting["status"] == "awaiting_approval"
    gate = by_id(waiting)["review"]
    assert gate["estimated_cost_usd"] is not None and gate["estimated_cost_usd"] > 0
    assert gate["input"] == "Review this change: fix: null check"
    # Its time starts with the wait, as the run's does (the card and the header agree).
    assert gate["started_at"] is not None
    # Nothing has been spent while it waits.
    assert fake_llm_env.completion_requests() == []
    assert ledger_rows(app) == []

    llm_client.post(f"/api/flows/runs/{run['id']}/nodes/review/approve")
    done = wait_run(llm_client, run["id"])
    assert done["status"] == "succeeded", done
    nodes = by_id(done)
    assert nodes["review"]["started_at"] == gate["started_at"]
    assert nodes["review"]["json"] == {"verdict": "ship", "score": 9}
    assert (nodes["review"]["input_tokens"], nodes["review"]["output_tokens"]) == (30, 10)
    assert nodes["review"]["cost_usd"] > 0
    assert done["totals"]["input_tokens"] == 30 and done["totals"]["output_tokens"] == 10
    assert done["totals"]["cost_usd"] == pytest.approx(nodes["review"]["cost_usd"])
    assert nodes["ship"]["output"] == "shipping score 9\n"

    rows = ledger_rows(app)
    assert len(rows) == 1
    row = rows[0]
    assert (row["flow_id"], row["run_id"], row["node_id"], row["agent_role"]) == (
        str(created["id"]),
        str(run["id"]),
        "review",
        "reviewer",
    )
    assert row["total_cost_usd"] == pytest.approx(nodes["review"]["cost_usd"])
    sent = fake_llm_env.completion_requests()[0].body
    assert sent["messages"][-1]["content"] == "Review this change: fix: null check"
    assert sent["messages"][0]["role"] == "system"  # the reviewer role's prompt


def test_auto_approve_runs_llm_steps_without_waiting(
    fake_llm_env: FakeLLMServer, llm_client: TestClient
) -> None:
    fake_llm_env.script(Reply(text='{"verdict": "hold", "score": 2}'))
    run = start(llm_client, create(llm_client, REVIEW)["id"], auto_approve=True)
    done = wait_run(llm_client, run["id"])
    assert done["status"] == "succeeded"
    nodes = by_id(done)
    assert nodes["review"]["status"] == "succeeded"
    assert nodes["ship"]["status"] == "skipped"  # the condition took the false branch


def test_invalid_json_reply_fails_the_step(
    fake_llm_env: FakeLLMServer, llm_client: TestClient
) -> None:
    fake_llm_env.script(Reply(text="sure! here you go"))
    run = start(llm_client, create(llm_client, REVIEW)["id"], auto_approve=True)
    done = wait_run(llm_client, run["id"])
    review = by_id(done)["review"]
    assert done["status"] == "failed"
    assert "not valid JSON" in review["error"]
    assert by_id(done)["ship"]["status"] == "skipped"


def test_cancel_stops_a_hanging_llm_call(
    fake_llm_env: FakeLLMServer, llm_client: TestClient
) -> None:
    fake_llm_env.script(Reply(hang=True))
    data = flow([node("think", "llm", prompt="hi", provider="openai", model="gpt-6.2-sol")], [])
    run = start(llm_client, create(llm_client, data)["id"], auto_approve=True)
    wait_node(llm_client, run["id"], "think", "running")
    cancelled = llm_client.post(f"/api/flows/runs/{run['id']}/cancel").json()
    assert cancelled["status"] == "cancelled"
    assert by_id(cancelled)["think"]["status"] == "cancelled"


def test_unknown_agent_role_is_rejected_at_run_time(llm_client: TestClient) -> None:
    data = flow([node("x", "llm", prompt="hi", agent_role="astrologer")], [])
    r = llm_client.post(f"/api/flows/{create(llm_client, data)['id']}/runs", json={})
    assert r.status_code == 422
    assert r.json()["error"]["details"] == [
        {"node_id": "x", "field": "agent_role", "message": "no agent role 'astrologer'"}
    ]


def test_llm_text_streams_to_watchers_as_it_arrives(
    fake_llm_env: FakeLLMServer, llm_client: TestClient
) -> None:
    fake_llm_env.script(Reply(text="one two three four five six"))
    data = flow(
        [
            node("gate", "approval"),
            node("poet", "llm", prompt="count", provider="openai", model="gpt-6.2-sol"),
        ],
        [edge("gate", "poet")],
    )
    run = start(llm_client, create(llm_client, data)["id"], auto_approve=True)
    wait_node(llm_client, run["id"], "gate", "awaiting_approval")
    events: list[tuple[str, Any]] = []
    reader = threading.Thread(target=read_events, args=(llm_client, run["id"], events))
    reader.start()
    while not events:
        threading.Event().wait(0.02)
    llm_client.post(f"/api/flows/runs/{run['id']}/nodes/gate/approve")
    reader.join(timeout=30)
    chunks = [p["data"] for n, p in events if n == "output" and p["node_id"] == "poet"]
    assert len(chunks) > 1
    assert "".join(chunks) == "one two three four five six"
    assert events[-1] == ("end", {"status": "succeeded"})
