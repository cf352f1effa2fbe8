"""Starts budgets: clears stale budget holds, plugs the budget guard into the gateway."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

from .guard import BudgetGuard

log = logging.getLogger(__name__)


@asynccontextmanager
async def budgets_component(app: FastAPI) -> AsyncIterator[None]:
    guard = BudgetGuard(app.state.engine)
    cleared = await run_in_threadpool(guard.clear_stale)
    if cleared:
        log.info("released %d budget reservation(s) left by a stopped process", cleared)
    app.state.budget_guard = guard
    gateway = getattr(app.state, "gateway", None)
    if gateway is not None:
        gateway.set_budget_hook(guard)
    try:
        yield
    finally:
        if gateway is not None:
            gateway.set_budget_hook(None)
