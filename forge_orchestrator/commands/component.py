"""The commands component: marks runs a dead server left `running` as interrupted, serves runs."""

from __future__ import annotations

import logging
import os
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import psutil
from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

from .run_store import mark_interrupted
from .runs import RunManager

log = logging.getLogger(__name__)


def _end_orphans(orphans: list[tuple[int, int | None, datetime]]) -> int:
    """Kill process groups of interrupted runs that outlived the server (children are in
    their own session, so they survive a crash). Only processes created after the run
    started are touched, so a reused pid is never signalled."""
    killed = 0
    for run_id, pgid, started_at in orphans:
        if not pgid:
            continue
        started = started_at.replace(tzinfo=UTC).timestamp() - 1.0
        for proc in psutil.process_iter(["create_time"]):
            try:
                if os.getpgid(proc.pid) == pgid and proc.info["create_time"] >= started:
                    os.killpg(pgid, signal.SIGKILL)
                    killed += 1
                    log.info("ended the leftover process group of run %s", run_id)
                    break
            except (ProcessLookupError, PermissionError, psutil.Error):
                continue
    return killed


@asynccontextmanager
async def commands_component(app: FastAPI) -> AsyncIterator[None]:
    engine = app.state.engine
    orphans = await run_in_threadpool(mark_interrupted, engine)
    if orphans:
        await run_in_threadpool(_end_orphans, orphans)
    manager = RunManager(engine, app.state.settings)
    app.state.commands = manager
    try:
        yield
    finally:
        await manager.close()
