"""The streaming variant (SSE) and revisions of a stored suggestion."""

from __future__ import annotations

import json

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.conftest import assert_error_shape
from tests.fakes.llm_server import FakeLLMServer, Reply

from .conftest import GOOD_ANSWER, GOOD_COMMAND, card_rows, ledger_row, read_sse

PROMPT = "find the 10 largest files under this directory"


def _generate(client: TestClient, fake: FakeLLMServer) -> dict[str, object]:
    fake.script(Reply(text=GOOD_ANSWER))
    res = client.post("/api/architect/generate", json={"prompt": PROMPT, "provider": "openai"})
    assert res.status_code == 201, res.text
    body: dict[str, object] = res.json()
    return body


def test_stream_sends_deltas_then_the_stored_result(
    llm_client: TestClient, llm_app: FastAPI, fake_llm_env: FakeLLMServer
) -> None:
    fake_llm_env.script(Reply(text=GOOD_ANSWER, input_tokens=50, output_tokens=80))
    with llm_client.stream(
        "POST", "/api/architect/generate/stream", json={"prompt": PROMPT, "provider": "openai"}
    ) as res:
        assert res.status_code == 200
        assert res.headers["content-type"].startswith("text/event-stream")
        events = read_sse(res.iter_lines())
    names = [name for name, _ in events]
    assert names[-1] == "result" and set(names[:-1]) == {"delta"} and len(names) > 2
    assert "".join(data["text"] for name, data in events if name == "delta") == GOOD_ANSWER
    result = events[-1][1]
    assert result["card"]["command"] == GOOD_COMMAND
    assert result["usage"]["output_tokens"] == 80
    (row,) = card_rows(llm_app)
    assert row["id"] == result["card"]["id"] and row["ledger_id"] == result["ledger_id"]
    ledger = ledger_row(llm_app, result["ledger_id"])
    assert ledger is not None and ledger["streamed"] and ledger["agent_role"] == "architect"


def test_stream_of_an_unparseable_answer_ends_with_an_error_event(
    llm_client: TestClient, llm_app: FastAPI, fake_llm_env: FakeLLMServer
) -> None:
    fake_llm_env.script(Reply(text="No command for you."))
    with llm_client.stream(
        "POST", "/api/architect/generate/stream", json={"prompt": PROMPT}
    ) as res:
        assert res.status_code == 200
        events = read_sse(res.iter_lines())
    name, data = events[-1]
    assert name == "error"
    assert_error_shape(data, "unparseable_answer")
    assert ledger_row(llm_app, data["error"]["details"]["ledger_id"]) is not None
    assert card_rows(llm_app) == []


def test_stream_without_a_provider_is_a_plain_http_error(client: TestClient) -> None:
    res = client.post("/api/architect/generate/stream", json={"prompt": PROMPT})
    assert res.status_code == 424
    assert_error_shape(res.json(), "not_configured")


def test_revise_stores_a_new_card_and_keeps_the_original(
    llm_client: TestClient, llm_app: FastAPI, fake_llm_env: FakeLLMServer
) -> None:
    first = _generate(llm_client, fake_llm_env)
    original = first["card"]
    assert isinstance(original, dict)
    revised_answer = json.dumps(
        {
            "name": "Largest files, no .git",
            "command": "find . -path ./.git -prune -o -type f -print",
        }
    )
    fake_llm_env.script(Reply(text=revised_answer))
    res = llm_client.post(
        "/api/architect/revise", json={"card_id": original["id"], "feedback": "skip .git"}
    )
    assert res.status_code == 201, res.text
    body = res.json()
    assert body["card"]["id"] != original["id"]
    assert body["card"]["command"] == "find . -path ./.git -prune -o -type f -print"
    assert body["revision"] == {
        "previous_card_id": original["id"],
        "previous_deleted": False,
        "feedback": "skip .git",
    }
    rows = {r["id"]: r for r in card_rows(llm_app)}
    assert set(rows) == {original["id"], body["card"]["id"]}
    new = rows[body["card"]["id"]]
    assert new["prompt"] == PROMPT and new["explanation"]["feedback"] == ["skip .git"]
    assert new["ledger_id"] == body["ledger_id"] != first["ledger_id"]
    # The model saw the original request, its previous answer and the feedback, in order.
    sent = fake_llm_env.completion_requests()[-1].body["messages"]
    assert [m["role"] for m in sent] == ["system", "user", "assistant", "user"]
    assert (
        PROMPT in sent[1]["content"] and GOOD_COMMAND in json.loads(sent[2]["content"])["command"]
    )
    assert "skip .git" in sent[3]["content"]


def test_revise_with_replace_deletes_the_original(
    llm_client: TestClient, llm_app: FastAPI, fake_llm_env: FakeLLMServer
) -> None:
    original = _generate(llm_client, fake_llm_env)["card"]
    assert isinstance(original, dict)
    fake_llm_env.script(Reply(text='{"name": "Top 5", "command": "ls -S | head -n 5"}'))
    res = llm_client.post(
        "/api/architect/revise",
        json={"card_id": original["id"], "feedback": "only five", "replace": True},
    )
    assert res.status_code == 201, res.text
    assert res.json()["revision"]["previous_deleted"] is True
    assert [r["command"] for r in card_rows(llm_app)] == ["ls -S | head -n 5"]


def test_revise_of_a_missing_card_is_404(llm_client: TestClient) -> None:
    res = llm_client.post("/api/architect/revise", json={"card_id": 999, "feedback": "shorter"})
    assert res.status_code == 404
    assert_error_shape(res.json(), "not_found")


def test_revise_stream_sends_deltas_then_result(
    llm_client: TestClient, fake_llm_env: FakeLLMServer
) -> None:
    original = _generate(llm_client, fake_llm_env)["card"]
    assert isinstance(original, dict)
    fake_llm_env.script(Reply(text='{"name": "Top 5", "command": "ls -S | head -n 5"}'))
    with llm_client.stream(
        "POST",
        "/api/architect/revise/stream",
        json={"card_id": original["id"], "feedback": "only five"},
    ) as res:
        events = read_sse(res.iter_lines())
    assert events[0][0] == "delta" and events[-1][0] == "result"
    assert events[-1][1]["revision"]["previous_card_id"] == original["id"]
