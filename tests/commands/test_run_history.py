"""The runs list spans cards and one-off runs with each card's name; an Architect revision that
replaces its card keeps the old card's run history."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.architect.conftest import GOOD_ANSWER, llm_app, llm_client  # noqa: F401 (fixtures)
from tests.fakes.llm_server import FakeLLMServer, Reply

from .test_runs_api import final, start


def test_the_runs_list_holds_card_and_one_off_runs_with_names(client: TestClient) -> None:
    card = client.post("/api/commands", json={"name": "Hello", "command": "echo hi"}).json()
    by_card = final(client, start(client, card_id=card["id"])["id"])
    one_off = final(client, start(client, command="echo once")["id"])
    runs = client.get("/api/commands/runs").json()
    assert [(r["id"], r["card_name"]) for r in runs] == [
        (one_off["id"], None),
        (by_card["id"], "Hello"),
    ]
    client.put(f"/api/commands/{card['id']}", json={"name": "Hello again"})
    listed = client.get("/api/commands/runs", params={"card_id": card["id"]}).json()
    assert [r["card_name"] for r in listed] == ["Hello again"]


def test_revise_with_replace_moves_the_run_history_to_the_new_card(
    llm_client: TestClient,  # noqa: F811
    fake_llm_env: FakeLLMServer,
) -> None:
    fake_llm_env.script(Reply(text=GOOD_ANSWER))
    made = llm_client.post("/api/architect/generate", json={"prompt": "big files"})
    assert made.status_code == 201, made.text
    old = made.json()["card"]
    runs = [final(llm_client, start(llm_client, card_id=old["id"])["id"])["id"] for _ in range(2)]
    fake_llm_env.script(Reply(text='{"name": "Top 5", "command": "ls -S | head -n 5"}'))
    revised = llm_client.post(
        "/api/architect/revise", json={"card_id": old["id"], "feedback": "five", "replace": True}
    )
    assert revised.status_code == 201, revised.text
    new = revised.json()["card"]
    assert llm_client.get(f"/api/commands/{old['id']}").status_code == 404
    history = llm_client.get("/api/commands/runs", params={"card_id": new["id"]}).json()
    assert [r["id"] for r in history] == runs[::-1]
    assert {r["card_name"] for r in history} == {"Top 5"}
    card = llm_client.get(f"/api/commands/{new['id']}").json()
    assert card["last_run"]["id"] == runs[-1]
