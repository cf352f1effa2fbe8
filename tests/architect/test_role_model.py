"""The architect role's default model is what "Default" means for generate, revise and the picker."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.fakes.llm_server import FakeLLMServer, Reply

from .conftest import GOOD_ANSWER

PROMPT = "find the 10 largest files under this directory"


def _set_role_model(client: TestClient, model: str | None) -> None:
    role = client.get("/api/roles/architect").json()
    body = {"system_prompt": role["system_prompt"], "default_model": model}
    assert client.put("/api/roles/architect", json=body).status_code == 200


def _model_sent(client: TestClient, fake: FakeLLMServer, path: str, body: object) -> str:
    fake.script(Reply(text=GOOD_ANSWER))
    res = client.post(path, json=body)
    assert res.status_code == 201, res.text
    return str(fake.completion_requests()[-1].body["model"])


def test_generate_without_a_model_uses_the_roles_default_model(
    llm_client: TestClient, fake_llm_env: FakeLLMServer
) -> None:
    gen = "/api/architect/generate"
    before = _model_sent(llm_client, fake_llm_env, gen, {"prompt": PROMPT, "provider": "openai"})
    assert before == "gpt-6.2-sol"  # the provider's default while the role has none
    _set_role_model(llm_client, "gpt-6.1-terra")
    assert _model_sent(llm_client, fake_llm_env, gen, {"prompt": PROMPT}) == "gpt-6.1-terra"
    assert (
        _model_sent(llm_client, fake_llm_env, gen, {"prompt": PROMPT, "provider": "openai"})
        == "gpt-6.1-terra"
    )
    # A model named by hand wins; a provider that does not serve the role's model keeps its own.
    named = {"prompt": PROMPT, "provider": "openai", "model": "gpt-6.2-sol"}
    assert _model_sent(llm_client, fake_llm_env, gen, named) == "gpt-6.2-sol"
    other = _model_sent(llm_client, fake_llm_env, gen, {"prompt": PROMPT, "provider": "anthropic"})
    assert other.startswith("claude")


def test_the_default_model_endpoint_says_what_default_means(llm_client: TestClient) -> None:
    res = llm_client.get("/api/architect/default-model", params={"provider": "openai"})
    assert res.json() == {
        "provider": "openai",
        "model": "gpt-6.2-sol",
        "source": "provider",
        "role_model": None,
    }
    _set_role_model(llm_client, "gpt-6.1-terra")
    for params in ({}, {"provider": "openai"}):
        body = llm_client.get("/api/architect/default-model", params=params).json()
        assert body["model"] == "gpt-6.1-terra" and body["source"] == "role", params
        assert body["provider"] == "openai"
    body = llm_client.get("/api/architect/default-model", params={"provider": "anthropic"}).json()
    assert body["provider"] == "anthropic" and body["source"] == "provider"
    assert body["role_model"] == "gpt-6.1-terra"


def test_no_provider_configured_has_no_default(client: TestClient) -> None:
    body = client.get("/api/architect/default-model").json()
    assert body["model"] is None and body["source"] == "none"


def test_revise_follows_the_role_unless_the_card_model_was_picked(
    llm_client: TestClient, fake_llm_env: FakeLLMServer
) -> None:
    fake_llm_env.script(Reply(text=GOOD_ANSWER))
    by_default = llm_client.post("/api/architect/generate", json={"prompt": PROMPT}).json()
    fake_llm_env.script(Reply(text=GOOD_ANSWER))
    picked = llm_client.post(
        "/api/architect/generate", json={"prompt": PROMPT, "model": "gpt-6.2-sol"}
    ).json()
    _set_role_model(llm_client, "gpt-6.1-terra")
    rev = "/api/architect/revise"
    follow = {"card_id": by_default["card"]["id"], "feedback": "skip .git"}
    assert _model_sent(llm_client, fake_llm_env, rev, follow) == "gpt-6.1-terra"
    keep = {"card_id": picked["card"]["id"], "feedback": "skip .git"}
    assert _model_sent(llm_client, fake_llm_env, rev, keep) == "gpt-6.2-sol"
