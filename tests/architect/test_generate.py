"""POST /api/architect/generate through the real SDKs against the fake provider."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.conftest import assert_error_shape
from tests.fakes.llm_server import FakeLLMServer, Reply

from .conftest import GOOD_ANSWER, GOOD_COMMAND, card_rows, ledger_row, ledger_rows

PROMPT = "find the 10 largest files under this directory"


def test_generate_stores_a_card_with_provenance_and_links_the_ledger_row(
    llm_client: TestClient, llm_app: FastAPI, fake_llm_env: FakeLLMServer
) -> None:
    fake_llm_env.script(Reply(text=GOOD_ANSWER, input_tokens=321, output_tokens=123))
    res = llm_client.post(
        "/api/architect/generate",
        json={"prompt": PROMPT, "provider": "openai", "model": "gpt-6.2-sol", "os": "Linux"},
    )
    assert res.status_code == 201, res.text
    body = res.json()
    card = body["card"]
    assert card["command"] == GOOD_COMMAND
    assert card["name"] == "Largest files"
    assert card["description"].startswith("Lists the ten largest files")
    assert body["explanation"][0]["part"] == "find . -type f"
    assert body["assumptions"] == ["GNU find (for -printf)"]
    assert body["usage"]["input_tokens"] == 321 and body["usage"]["output_tokens"] == 123
    assert body["usage"]["total_cost_usd"] is not None and body["usage"]["total_cost_usd"] > 0
    assert body["answer_format"] == "json"

    (row,) = card_rows(llm_app)
    assert row["id"] == card["id"] and row["command"] == GOOD_COMMAND
    assert row["source"] == "architect" and row["prompt"] == PROMPT
    assert row["provider"] == "openai" and row["model"] == "gpt-6.2-sol"
    assert row["ledger_id"] == body["ledger_id"]
    assert row["explanation"]["assumptions"] == ["GNU find (for -printf)"]

    ledger = ledger_row(llm_app, body["ledger_id"])
    assert ledger is not None
    assert ledger["agent_role"] == "architect" and ledger["status"] == "SUCCESS"
    assert (ledger["input_tokens"], ledger["output_tokens"]) == (321, 123)

    (sent,) = fake_llm_env.completion_requests()
    messages = sent.body["messages"]
    assert messages[0]["role"] == "system" and '"command"' in messages[0]["content"]
    assert "bash syntax on Linux" in messages[0]["content"]
    assert PROMPT in messages[-1]["content"]
    # JSON output mode is asked for where the provider has one.
    assert sent.body.get("response_format", {}).get("type") in ("json_object", "json_schema")


def test_messy_answer_through_anthropic_is_parsed(
    llm_client: TestClient, llm_app: FastAPI, fake_llm_env: FakeLLMServer
) -> None:
    messy = (
        "Here you go:\n\n```bash\ndu -sh -- * | sort -h\n```\n\n**Explanation:**\n"
        "- `du -sh -- *`: size of each entry\n- `sort -h`: smallest first"
    )
    fake_llm_env.script(Reply(text=messy))
    res = llm_client.post(
        "/api/architect/generate",
        json={"prompt": "what takes space here", "provider": "anthropic", "shell": "zsh"},
    )
    assert res.status_code == 201, res.text
    body = res.json()
    assert body["card"]["command"] == "du -sh -- * | sort -h"
    assert body["card"]["shell"] == "zsh" and body["shell"] == "zsh"
    assert body["answer_format"] == "shell_fence"
    assert body["provider"] == "anthropic"
    # No JSON mode on Anthropic: the contract in the system prompt is what asks for JSON.
    (sent,) = fake_llm_env.completion_requests()
    assert '"command"' in str(sent.body["system"])


def test_unparseable_answer_is_a_502_and_the_call_is_still_in_the_ledger(
    llm_client: TestClient, llm_app: FastAPI, fake_llm_env: FakeLLMServer
) -> None:
    fake_llm_env.script(Reply(text="I'm sorry, I can't help with that request."))
    res = llm_client.post("/api/architect/generate", json={"prompt": PROMPT})
    assert res.status_code == 502
    body = res.json()
    assert_error_shape(body, "unparseable_answer")
    details = body["error"]["details"]
    assert "can't help" in details["answer_excerpt"]
    row = ledger_row(llm_app, details["ledger_id"])
    assert row is not None and row["agent_role"] == "architect"
    assert card_rows(llm_app) == []


def test_provider_failure_keeps_the_error_shape(
    llm_client: TestClient, llm_app: FastAPI, fake_llm_env: FakeLLMServer
) -> None:
    fake_llm_env.script(*[Reply(status=500, error_message="upstream exploded")] * 5)
    res = llm_client.post("/api/architect/generate", json={"prompt": PROMPT})
    assert res.status_code == 502
    assert_error_shape(res.json(), "provider_error")
    assert "upstream exploded" in res.json()["error"]["message"]
    assert [r["status"] for r in ledger_rows(llm_app)] == ["FAILED"]
    assert card_rows(llm_app) == []


def test_no_provider_configured_says_how_to_add_one(client: TestClient) -> None:
    res = client.post("/api/architect/generate", json={"prompt": PROMPT})
    assert res.status_code == 424
    body = res.json()
    assert_error_shape(body, "not_configured")
    message = body["error"]["message"].lower()
    assert "openai_api_key" in message or "settings" in message or "keys set" in message


@pytest.mark.parametrize(
    "payload",
    [{"prompt": "   "}, {"prompt": ""}, {"prompt": "x", "shell": "tcsh"}, {"nope": 1}],
    ids=["blank", "empty", "unknown_shell", "missing_prompt"],
)
def test_bad_requests_get_422_in_the_error_shape(client: TestClient, payload: object) -> None:
    res = client.post("/api/architect/generate", json=payload)
    assert res.status_code == 422
    assert_error_shape(res.json(), "validation_failed")


def test_a_server_that_refuses_json_mode_is_asked_again_without_it(
    llm_client: TestClient, llm_app: FastAPI, fake_llm_env: FakeLLMServer
) -> None:
    refusal = "'response_format.type' must be 'json_schema' or 'text'"
    fake_llm_env.script(Reply(status=400, error_message=refusal), Reply(text=GOOD_ANSWER))
    res = llm_client.post("/api/architect/generate", json={"prompt": PROMPT})
    assert res.status_code == 201, res.text
    first, second = fake_llm_env.completion_requests()
    assert "response_format" in first.body and "response_format" not in second.body
    # Both calls are in the ledger: the refused one as FAILED, the answer as SUCCESS.
    assert sorted(r["status"] for r in ledger_rows(llm_app)) == ["FAILED", "SUCCESS"]
    assert res.json()["ledger_id"] == max(r["id"] for r in ledger_rows(llm_app))


def test_an_edited_architect_role_is_used_by_the_next_generation(
    llm_client: TestClient, fake_llm_env: FakeLLMServer
) -> None:
    body = {"prompt": PROMPT, "provider": "openai", "model": "gpt-6.2-sol"}

    def system_prompt_sent() -> str:
        fake_llm_env.script(Reply(text=GOOD_ANSWER))
        assert llm_client.post("/api/architect/generate", json=body).status_code == 201
        return str(fake_llm_env.completion_requests()[-1].body["messages"][0]["content"])

    default = system_prompt_sent()
    assert "You are the Architect" in default
    edited = {"system_prompt": "You are a terse sysadmin who loves awk."}
    assert llm_client.put("/api/roles/architect", json=edited).status_code == 200
    # The persona is remembered between calls, but an edit is seen by the very next call.
    assert "terse sysadmin who loves awk" in system_prompt_sent()
    assert llm_client.delete("/api/roles/architect").status_code == 200
    assert "You are the Architect" in system_prompt_sent()


def test_the_architect_writes_for_every_shell_a_card_can_run(
    llm_client: TestClient, fake_llm_env: FakeLLMServer
) -> None:
    # One shell list for the Architect and the card form: sh and dash cards run as written.
    fake_llm_env.script(Reply(text="```sh\nfind . -name '*.log' -mtime +7\n```"))
    res = llm_client.post("/api/architect/generate", json={"prompt": "old logs", "shell": "dash"})
    assert res.status_code == 201, res.text
    assert res.json()["card"]["shell"] == "dash"
    (sent,) = fake_llm_env.completion_requests()
    assert "POSIX sh syntax as dash runs it" in str(sent.body)
