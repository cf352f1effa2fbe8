"""The commands component: ends what a dead server left, marks its runs interrupted, serves runs."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import psutil
from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

from ..procs import reaper
from ..procs.containment import end_leftovers, scope
from . import shell_words
from .run_store import mark_interrupted
from .runs import RunManager

log = logging.getLogger(__name__)
CREATE_TIME_SLACK_S = 2.0


def _end_orphans(orphans: list[tuple[int, int | None, datetime]]) -> int:
    """Kill process groups of interrupted runs that outlived the server (children are in
    their own session, so they survive a crash). Only processes created after the run
    started are touched, so a reused pid is never signalled."""
    killed = 0
    for run_id, pgid, started_at in orphans:
        if not pgid:
            continue
        # psutil's create_time on Linux is /proc/stat's btime (whole seconds) plus the start
        # tick, so it reads up to 1 s early (0.99 s measured); 1 s of slack left ~10 ms.
        started = started_at.replace(tzinfo=UTC).timestamp() - CREATE_TIME_SLACK_S
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
    # Every process tagged with this data dir belongs to a server that is gone (only one holds
    # the data dir: datadir_lock), so end them before any run is marked or resumed.
    await run_in_threadpool(end_leftovers, scope(app.state.settings.data_dir))
    app.state.leftovers_ended = True  # flows' recover() need not scan again
    orphans = await app.state.db.write(mark_interrupted)
    if orphans:
        # Runs started before tags existed: their process group by the recorded pid.
        await run_in_threadpool(_end_orphans, orphans)
    manager = RunManager(app.state.db, app.state.settings)
    app.state.commands = manager
    # The shell parser loads in the background once the server is listening, not at start-up.
    warm = threading.Thread(target=shell_words.warm_up, name="shell-parser-warm-up", daemon=True)
    after = getattr(app.state, "after_startup", None)
    if after is None:
        warm.start()
    else:
        after.append(warm.start)
    reaping = asyncio.create_task(reaper.reap_forever()) if reaper.is_subreaper() else None
    try:
        yield
    finally:
        await manager.close()
        if reaping is not None:
            reaping.cancel()
