"""A terminal shell does not inherit the server's secrets (FORGE_TOKEN, provider keys)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.conftest import TOKEN


def test_terminal_shell_env_has_no_server_secret(
    monkeypatch: pytest.MonkeyPatch, new_session: Callable[..., Any], attach: Callable[..., Any]
) -> None:
    monkeypatch.setenv("FORGE_TOKEN", TOKEN)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-openai-term-secret")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-term-secret")
    info = new_session()
    with attach(info["id"]) as term:
        term.attach_frames()
        term.type("env; echo env-''done\r")
        text = term.read_until("env-done")
    assert "TERM_PROGRAM=forge" in text
    for secret in (TOKEN, "sk-openai-term-secret", "sk-ant-term-secret"):
        assert secret not in text
