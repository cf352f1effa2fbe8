"""Server secrets never reach a child: `env` in a command run or a flow step shows none of them."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from forge_orchestrator.child_env import SERVER_SECRET_VARS, child_env
from forge_orchestrator.vendors import registry
from tests.conftest import TOKEN
from tests.flows.helpers import by_id, flow, run_flow, shell

from .test_runs_api import final, start

OPENAI = "sk-openai-secret-0123456789"
ANTHROPIC = "sk-ant-secret-0123456789"


@pytest.fixture
def secrets_in_server_env(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.setenv("FORGE_TOKEN", TOKEN)  # the same token the app uses, so auth still works
    monkeypatch.setenv("OPENAI_API_KEY", OPENAI)
    monkeypatch.setenv("ANTHROPIC_API_KEY", ANTHROPIC)
    monkeypatch.setenv("FORGE_VAR_stale", "left over")
    monkeypatch.setenv("ORDINARY_VAR", "still-here")
    return [TOKEN, OPENAI, ANTHROPIC, "left over"]


def test_a_command_run_sees_no_server_secret(
    client: TestClient, secrets_in_server_env: list[str]
) -> None:
    done = final(client, start(client, command="env")["id"])
    assert "ORDINARY_VAR=still-here" in done["output"]
    for secret in secrets_in_server_env:
        assert secret not in done["output"]
    # A caller who wants a key in the child passes it explicitly.
    explicit = final(client, start(client, command="env", env={"OPENAI_API_KEY": "given"})["id"])
    assert "OPENAI_API_KEY=given" in explicit["output"]


def test_a_flow_step_sees_no_server_secret(
    client: TestClient, secrets_in_server_env: list[str]
) -> None:
    run = run_flow(client, flow([shell("e", "env")], []))
    output = by_id(run)["e"]["output"]
    assert "ORDINARY_VAR=still-here" in output
    for secret in secrets_in_server_env:
        assert secret not in output


def test_the_scrub_list_covers_the_gateway_keys_and_secret_settings(tmp_path: Path) -> None:
    assert registry.key_env_vars() <= SERVER_SECRET_VARS
    assert {"FORGE_TOKEN", "FORGE_DATABASE_URL"} <= SERVER_SECRET_VARS
    base = {"FORGE_DATABASE_URL": "postgresql://u:pw@h/db", "PATH": "/bin", "FORGE_PORT": "1"}
    assert child_env({"A": "1"}, {"FORGE_VAR_x": "v"}, base=base) == {
        "PATH": "/bin",
        "FORGE_PORT": "1",
        "A": "1",
        "FORGE_VAR_x": "v",
    }
