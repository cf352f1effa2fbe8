"""The flows service: a RunManager on app.state.flows that interrupts orphaned runs at start."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from .runs import RunManager


@asynccontextmanager
async def flows_component(app: FastAPI) -> AsyncIterator[None]:
    manager = RunManager(app.state.db, app.state.settings, app.state)
    await manager.recover()
    app.state.flows = manager
    try:
        yield
    finally:
        await manager.shutdown()
