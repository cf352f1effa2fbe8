"""A card whose command was edited by hand: its old explanation is not sent as the model's own."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from tests.fakes.llm_server import FakeLLMServer, Reply

from .conftest import GOOD_ANSWER


def _previous_answer_sent(client: TestClient, fake: FakeLLMServer, card_id: int) -> object:
    fake.script(Reply(text=GOOD_ANSWER))
    res = client.post("/api/architect/revise", json={"card_id": card_id, "feedback": "shorter"})
    assert res.status_code == 201, res.text
    return json.loads(fake.completion_requests()[-1].body["messages"][2]["content"])


def test_revise_after_a_command_edit_drops_the_stale_explanation(
    llm_client: TestClient, fake_llm_env: FakeLLMServer
) -> None:
    fake_llm_env.script(Reply(text=GOOD_ANSWER))
    card = llm_client.post("/api/architect/generate", json={"prompt": "largest files"}).json()
    card_id = card["card"]["id"]
    unchanged = _previous_answer_sent(llm_client, fake_llm_env, card_id)
    assert isinstance(unchanged, dict) and unchanged["explanation"]

    edited = {"command": "du -ah . | sort -rh | head -n 5"}
    assert llm_client.put(f"/api/commands/{card_id}", json=edited).status_code == 200
    previous = _previous_answer_sent(llm_client, fake_llm_env, card_id)
    assert isinstance(previous, dict)
    assert previous["command"] == "du -ah . | sort -rh | head -n 5"
    assert not previous.get("explanation") and not previous.get("assumptions")
