"""A provider key supplied by the server's environment: named (never shown) and testable."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from forge_orchestrator.app import create_app
from tests.conftest import BASE_URL, TOKEN, make_settings
from tests.fakes.fixtures import FAKE_OPENAI_KEY, FakeLLMServer


@pytest.fixture
def env_client(
    fake_llm: FakeLLMServer, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[TestClient]:
    monkeypatch.setenv("OPENAI_BASE_URL", fake_llm.openai_base_url)
    monkeypatch.setenv("OPENAI_API_KEY", FAKE_OPENAI_KEY)
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    app = create_app(make_settings(data_dir, llm_max_retries=0))
    with TestClient(app, base_url=BASE_URL, headers={"Authorization": f"Bearer {TOKEN}"}) as c:
        yield c


def test_an_environment_key_is_named_and_tested_with_its_value(
    env_client: TestClient, fake_llm: FakeLLMServer
) -> None:
    fake_llm.valid_keys = {FAKE_OPENAI_KEY}
    res = env_client.get("/api/keys")
    rows = {r["name"]: r for r in res.json()}
    assert rows["openai"]["configured"] is False and rows["openai"]["env_var"] == "OPENAI_API_KEY"
    assert rows["anthropic"]["env_var"] is None
    assert FAKE_OPENAI_KEY not in res.text

    tested = env_client.post("/api/keys/openai/test")
    assert tested.status_code == 200, tested.text
    assert tested.json()["models"] == len(fake_llm.models)
    calls = [r for r in fake_llm.requests if r.path.endswith("/models")]
    assert calls[-1].headers.get("authorization") == f"Bearer {FAKE_OPENAI_KEY}"
    # Nothing stored and nothing in the environment: still the clear 424.
    assert env_client.post("/api/keys/anthropic/test").status_code == 424
