"""Forge Orchestrator: a local command center for developers who work with LLMs."""

from __future__ import annotations

__version__ = "0.1.0"
