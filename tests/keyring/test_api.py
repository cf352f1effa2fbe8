"""The keys API: shapes, validation, testing against the fake provider, and no value ever leaks."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from forge_orchestrator.app import create_app
from forge_orchestrator.db.tables.ledger import token_ledger
from forge_orchestrator.errors import AppError
from forge_orchestrator.llm.provider_settings import (
    CompatibleServer,
    ProvidersConfig,
    ProviderSettingsStore,
)
from forge_orchestrator.llm.types import ChatMessage, LLMRequest
from tests.conftest import BASE_URL, TOKEN, assert_error_shape, make_settings
from tests.fakes.fixtures import FAKE_OPENAI_KEY, FakeLLMServer, Reply

# No key shape on purpose: only the store knows these are secrets.
PLAIN_OPENAI = "plainopenaivalue0123456789XYZ"
PLAIN_TOKEN = "flow-token-value-9876543210abc"
PARAM = re.compile(r"\{(\w+)(?::\w+)?\}")


@pytest.fixture
def fake_client(
    fake_llm: FakeLLMServer, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[TestClient]:
    """The app with OpenAI pointed at the fake provider, no retries, no key in the environment."""
    monkeypatch.setenv("OPENAI_BASE_URL", fake_llm.openai_base_url)
    monkeypatch.setenv("ANTHROPIC_BASE_URL", fake_llm.anthropic_base_url)
    app = create_app(make_settings(data_dir, llm_max_retries=0))
    headers = {"Authorization": f"Bearer {TOKEN}"}
    with TestClient(app, base_url=BASE_URL, headers=headers) as c:
        yield c


def rows(client: TestClient) -> dict[str, dict[str, object]]:
    res = client.get("/api/keys")
    assert res.status_code == 200
    return {r["name"]: r for r in res.json()}


def test_well_known_names_are_listed_even_when_unset(client: TestClient) -> None:
    listed = client.get("/api/keys").json()
    assert [r["name"] for r in listed[:2]] == ["openai", "anthropic"]
    for row in listed[:2]:
        assert row == {
            "name": row["name"],
            "provider": row["name"],
            "configured": False,
            "storage": "encrypted-db",
            "masked": None,
            "updated_at": None,
            "problem": None,
            "env_var": None,
        }


def test_set_replace_delete(client: TestClient) -> None:
    res = client.put("/api/keys/openai", json={"value": f"  {PLAIN_OPENAI}\n"})
    assert res.status_code == 200
    body = res.json()
    assert body["configured"] is True and body["masked"] == "••••9XYZ"
    assert body["updated_at"].endswith("Z") and PLAIN_OPENAI not in res.text
    first_update = body["updated_at"]

    client.put("/api/keys/openai", json={"value": "another-long-value-abcd"})
    row = rows(client)["openai"]
    assert row["masked"] == "••••abcd" and str(row["updated_at"]) >= first_update

    short = client.put("/api/keys/pin", json={"value": "12345"}).json()
    assert short["masked"] == "••••"  # too short to show a tail without giving most of it away

    assert client.delete("/api/keys/openai").status_code == 204
    assert rows(client)["openai"]["configured"] is False
    missing = client.delete("/api/keys/openai")
    assert missing.status_code == 404
    assert_error_shape(missing.json(), "not_found")


def test_free_form_names_follow_provider_names(client: TestClient) -> None:
    client.put("/api/keys/zeta.token", json={"value": PLAIN_TOKEN})
    client.put("/api/keys/alpha_token", json={"value": PLAIN_TOKEN})
    listed = client.get("/api/keys").json()
    builtin = ["openai", "anthropic", "gemini"]
    assert [r["name"] for r in listed] == [*builtin, "alpha_token", "zeta.token"]
    assert listed[3]["provider"] is None and listed[3]["configured"] is True


def test_each_compatible_server_gets_a_key_row(client: TestClient) -> None:
    store = ProviderSettingsStore(client.app.state.engine)  # type: ignore[attr-defined]
    store.put(
        ProvidersConfig(
            compatible=[
                CompatibleServer(name="ollama", base_url="http://127.0.0.1:11434/v1"),
                CompatibleServer(
                    name="vllm", base_url="http://127.0.0.1:8000/v1", api_key_name="vllm-key"
                ),
            ]
        )
    )
    listed = rows(client)
    assert listed["ollama"]["provider"] == "ollama" and listed["ollama"]["configured"] is False
    assert listed["vllm-key"]["provider"] == "vllm"


@pytest.mark.parametrize(
    "name", ["OpenAI", "has space", "x" * 101, "semi;colon", "ünï"], ids=lambda n: n[:12]
)
def test_invalid_names_are_refused(client: TestClient, name: str) -> None:
    res = client.put(f"/api/keys/{name}", json={"value": PLAIN_TOKEN})
    assert res.status_code == 422
    assert_error_shape(res.json(), "validation_failed")
    assert PLAIN_TOKEN not in res.text


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"value": ""},
        {"value": "   "},
        {"value": "a\nb"},
        [],
        # Keys go out in an HTTP header: ASCII only, no inner spaces (seen from the fuzzer).
        {"value": "sk-caf\u00e9-0123456789"},
        {"value": "sk-two words-0123456789"},
        {"value": "sk-\u201cquoted\u201d-0123456789"},
    ],
)
def test_invalid_values_are_refused_without_echo(client: TestClient, body: object) -> None:
    res = client.put("/api/keys/openai", json=body)
    assert res.status_code == 422
    assert_error_shape(res.json(), "validation_failed")
    assert "a\\nb" not in res.text


def test_testing_a_key_lists_the_providers_models(
    fake_client: TestClient, fake_llm: FakeLLMServer
) -> None:
    fake_llm.valid_keys = {FAKE_OPENAI_KEY}
    fake_client.put("/api/keys/openai", json={"value": FAKE_OPENAI_KEY})
    res = fake_client.post("/api/keys/openai/test")
    assert res.status_code == 200, res.text
    assert res.json() == {"ok": True, "provider": "openai", "models": len(fake_llm.models)}
    models_calls = [r for r in fake_llm.requests if r.path.endswith("/models")]
    assert models_calls and models_calls[-1].headers.get("authorization") == (
        f"Bearer {FAKE_OPENAI_KEY}"
    )


def test_a_rejected_key_reports_the_providers_error(
    fake_client: TestClient, fake_llm: FakeLLMServer
) -> None:
    fake_llm.valid_keys = {FAKE_OPENAI_KEY}
    fake_client.put("/api/keys/openai", json={"value": PLAIN_OPENAI})
    res = fake_client.post("/api/keys/openai/test")
    assert res.status_code == 502
    assert_error_shape(res.json(), "provider_error")
    assert "Incorrect API key" in res.json()["error"]["message"]
    assert PLAIN_OPENAI not in res.text


def test_test_errors(fake_client: TestClient) -> None:
    unset = fake_client.post("/api/keys/anthropic/test")
    assert unset.status_code == 424
    assert "forge-orchestrator keys set anthropic" in unset.json()["error"]["message"]
    fake_client.put("/api/keys/flow.token", json={"value": PLAIN_TOKEN})
    free = fake_client.post("/api/keys/flow.token/test")
    assert free.status_code == 422 and "not a provider key" in free.json()["error"]["message"]


def _get_paths(client: TestClient) -> list[str]:
    """Every GET endpoint the app serves, from its OpenAPI schema (FastAPI includes routers
    lazily, so the schema is the reliable full list), plus the schema and docs themselves."""
    schema = client.get("/api/openapi.json").json()
    paths = ["/api/openapi.json", "/api/docs"]
    for template, ops in schema["paths"].items():
        # SSE streams stay open by design, so they are not read to the end here.
        if "get" not in ops or template.endswith("/events"):
            continue
        paths.append(PARAM.sub(lambda m: "openai" if m.group(1) == "name" else "1", template))
    return paths


def test_no_value_in_any_get_response_log_or_ledger_row(
    fake_client: TestClient, fake_llm: FakeLLMServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    fake_client.put("/api/keys/openai", json={"value": PLAIN_OPENAI})
    fake_client.put("/api/keys/flow.token", json={"value": PLAIN_TOKEN})

    # A provider that echoes what it was sent in its error, as some do.
    fake_llm.script(Reply(status=400, error_message=f"bad request from key {PLAIN_OPENAI}"))
    gateway = fake_client.app.state.gateway  # type: ignore[attr-defined]
    req = LLMRequest(provider="openai", messages=[ChatMessage(role="user", content=PLAIN_TOKEN)])
    with pytest.raises(AppError) as failed:
        fake_client.portal.call(gateway.complete, req)  # type: ignore[union-attr]
    assert PLAIN_OPENAI not in failed.value.message
    # And a successful call, so the ledger holds both kinds of rows.
    fake_client.portal.call(gateway.complete, req)  # type: ignore[union-attr]
    fake_client.post("/api/keys/openai/test")

    paths = _get_paths(fake_client)
    checked: list[tuple[str, int]] = []
    assert {"/api/keys", "/api/keys/storage", "/api/settings/providers"} <= set(paths)
    for path in paths:
        res = fake_client.get(path)
        checked.append((path, res.status_code))
        assert PLAIN_OPENAI not in res.text, path
        assert PLAIN_TOKEN not in res.text, path
    assert sum(1 for _, status in checked if status == 200) >= 10, checked

    with fake_client.app.state.engine.connect() as conn:  # type: ignore[attr-defined]
        ledger = [dict(r._mapping) for r in conn.execute(select(token_ledger))]
    assert len(ledger) == 2 and ledger[0]["status"] == "FAILED"
    assert PLAIN_OPENAI not in repr(ledger) and PLAIN_TOKEN not in repr(ledger)
    assert PLAIN_OPENAI not in caplog.text and PLAIN_TOKEN not in caplog.text
