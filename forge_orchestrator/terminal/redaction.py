"""Masks secrets in terminal text before it is handed to an LLM ("Ask the Architect")."""

from __future__ import annotations

from typing import Protocol

from ..redact import redact


class _Redactor(Protocol):
    def redact(self, text: str) -> str: ...


def redact_terminal_text(secrets: _Redactor | None, text: str) -> str:
    """Stored secret values and key shapes when the keyring is up, else key shapes only."""
    if secrets is not None:
        return secrets.redact(text)
    return redact(text)
