"""The key never shows up in an error, a log line, a ledger row or an API response."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from forge_orchestrator.errors import ProviderError
from forge_orchestrator.llm.gateway import Gateway
from forge_orchestrator.llm.types import ChatMessage, LLMRequest
from tests.conftest import assert_error_shape
from tests.fakes.fixtures import FAKE_ANTHROPIC_KEY, FAKE_OPENAI_KEY
from tests.fakes.llm_server import FakeLLMServer, Reply

from .conftest import ledger_rows

PLAIN_KEY = "plainsecretvalue42"  # no key shape: only value-based redaction can catch it


def req(provider: str) -> LLMRequest:
    return LLMRequest(provider=provider, messages=[ChatMessage(role="user", content="hi")])


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
async def test_provider_echoing_the_key_is_redacted_everywhere(
    provider: str,
    gateway: Gateway,
    engine: Engine,
    fake_llm_env: FakeLLMServer,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    env = "OPENAI_API_KEY" if provider == "openai" else "ANTHROPIC_API_KEY"
    monkeypatch.setenv(env, PLAIN_KEY)
    caplog.set_level(logging.DEBUG)
    fake_llm_env.script(Reply(status=500, error_message=f"bad key {PLAIN_KEY} here"))
    gateway.retry.max_retries = 0
    with pytest.raises(ProviderError) as caught:
        await gateway.complete(req(provider))
    assert PLAIN_KEY not in caught.value.message and "[REDACTED]" in caught.value.message
    [row] = ledger_rows(engine)
    assert PLAIN_KEY not in repr(row)
    assert caplog.records, "the failure is logged"
    for record in caplog.records:
        assert PLAIN_KEY not in record.getMessage()


def test_http_responses_never_carry_keys(fake_llm_env: FakeLLMServer, client: TestClient) -> None:
    fake_llm_env.valid_keys = {"another-key-entirely"}
    base = f"http://127.0.0.1:{fake_llm_env.port}"
    resp = client.post(
        "/api/settings/providers/discover", json={"base_url": base, "api_key": PLAIN_KEY}
    )
    assert resp.status_code == 502
    assert_error_shape(resp.json(), "provider_error")
    assert "Incorrect API key" in resp.json()["error"]["message"]
    bodies = [resp.text]
    for path in ("/api/settings/providers", "/api/llm/models", "/api/ledger", "/api/prices"):
        r = client.get(path)
        assert r.status_code == 200, path
        bodies.append(r.text)
    for body in bodies:
        for secret in (PLAIN_KEY, FAKE_OPENAI_KEY, FAKE_ANTHROPIC_KEY):
            assert secret not in body
    providers = client.get("/api/settings/providers").json()["providers"]
    sources = {p["name"]: p["key_source"] for p in providers}
    assert sources == {"openai": "env", "anthropic": "env", "gemini": "none"}
