"""POST /api/terminal/redact masks stored secret values and key shapes before an LLM sees text."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from forge_orchestrator.terminal.redaction import redact_terminal_text
from tests.conftest import assert_error_shape


def test_stored_secret_and_key_shapes_are_masked(app: FastAPI, client: TestClient) -> None:
    app.state.secrets.set("custom-db", "hunter2-database-password")
    text = (
        "$ psql postgres://me:hunter2-database-password@db\n"
        "$ export OPENAI_API_KEY=sk-proj-abcdefghijklmnopqrstuvwx0123\n"
        "ok"
    )
    res = client.post("/api/terminal/redact", json={"text": text})
    assert res.status_code == 200
    masked = res.json()["text"]
    assert "hunter2-database-password" not in masked
    assert "sk-proj-abcdefghijklmnopqrstuvwx0123" not in masked
    assert masked.startswith("$ psql postgres://me:") and masked.endswith("\nok")


def test_without_a_keyring_key_shapes_are_still_masked() -> None:
    masked = redact_terminal_text(None, "key sk-ant-api03-abcdefghijklmnop done")
    assert "sk-ant-api03-abcdefghijklmnop" not in masked and masked.endswith(" done")


def test_redact_requires_text(client: TestClient) -> None:
    res = client.post("/api/terminal/redact", json={})
    assert res.status_code == 422
    assert_error_shape(res.json(), "validation_failed")
