"""Pytest fixtures for the fake LLM provider: the server itself and the env that points at it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .llm_server import FakeLLMServer, Received, Reply

# Shaped like real keys on purpose, so redaction by key shape is exercised too.
FAKE_OPENAI_KEY = "sk-test-openai-0123456789abcdefFAKE"
FAKE_ANTHROPIC_KEY = "sk-ant-test-0123456789abcdefFAKE"

__all__ = [
    "FAKE_ANTHROPIC_KEY",
    "FAKE_OPENAI_KEY",
    "FakeLLMServer",
    "Received",
    "Reply",
    "fake_llm",
    "fake_llm_env",
]


@pytest.fixture
def fake_llm() -> Iterator[FakeLLMServer]:
    """A fresh fake provider: ``.openai_base_url``, ``.anthropic_base_url``, ``.script(Reply(...))``,
    ``.requests`` / ``.completion_requests()``, ``.models`` and ``.valid_keys``."""
    server = FakeLLMServer().start()
    yield server
    server.stop()


@pytest.fixture
def fake_llm_env(fake_llm: FakeLLMServer, monkeypatch: pytest.MonkeyPatch) -> FakeLLMServer:
    """Points OPENAI_*/ANTHROPIC_* base URLs and keys at the fake provider (set before the app)."""
    monkeypatch.setenv("OPENAI_BASE_URL", fake_llm.openai_base_url)
    monkeypatch.setenv("OPENAI_API_KEY", FAKE_OPENAI_KEY)
    monkeypatch.setenv("ANTHROPIC_BASE_URL", fake_llm.anthropic_base_url)
    monkeypatch.setenv("ANTHROPIC_API_KEY", FAKE_ANTHROPIC_KEY)
    return fake_llm
