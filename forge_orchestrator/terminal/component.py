"""The terminal component: a TerminalManager on ``app.state.terminals`` for the app's lifetime."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from .manager import TerminalManager


@asynccontextmanager
async def terminal_component(app: FastAPI) -> AsyncIterator[None]:
    manager = TerminalManager(app.state.settings)
    await manager.start()
    app.state.terminals = manager
    try:
        yield
    finally:
        # Every shell, with its jobs, ends with the server: nothing is left orphaned.
        await manager.stop()
