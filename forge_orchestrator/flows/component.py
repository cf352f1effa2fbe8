"""The flows service: a RunManager on app.state.flows that interrupts dead owners' runs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from .runs import RunManager


@asynccontextmanager
async def flows_component(app: FastAPI) -> AsyncIterator[None]:
    manager = RunManager(app.state.db, app.state.settings, app.state)
    await manager.recover()
    if manager.lease is not None:
        manager.lease.on_recover(manager.recover)
        manager.lease.on_lost(manager.lease_lost)
    app.state.flows = manager
    try:
        yield
    finally:
        await manager.shutdown()
