"""Deletes captured prompts and answers past their retention: at start-up, then hourly."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy import Engine

from .capture import purge

log = logging.getLogger(__name__)
PURGE_EVERY_S = 3600.0


async def _purge_once(engine: Engine, days: int) -> None:
    try:
        # A thread: one indexed range delete, but it may wait on the write lock.
        gone = await asyncio.to_thread(purge, engine, days)
    except Exception as exc:  # the next round tries again; serving goes on meanwhile
        log.warning("could not purge old call captures: %s", exc)
        return
    if gone:
        log.info("deleted %d captured call(s) older than %d days", gone, days)


async def _every(engine: Engine, days: int, interval_s: float) -> None:
    while True:
        await asyncio.sleep(interval_s)
        await _purge_once(engine, days)


@asynccontextmanager
async def captures_component(app: FastAPI) -> AsyncIterator[None]:
    engine, days = app.state.engine, app.state.settings.capture_retention_days
    await _purge_once(engine, days)
    task = asyncio.create_task(_every(engine, days, PURGE_EVERY_S), name="capture-purge")
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
