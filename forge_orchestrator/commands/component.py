"""The commands component: recovers dead owners' runs (start-up and heartbeat), serves runs."""

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

from ..db.lease import Lease
from ..db.owners import Owner
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


async def recover(lease: Lease, dead: list[Owner]) -> list[int]:
    """Mark the runs of dead owners interrupted (each claimed by one server) and end their
    process groups where that is provably ours to do: the owner ran on this machine."""
    dead_ids = [o.id for o in dead]
    orphans = await lease.db.write(lambda conn: mark_interrupted(conn, dead_ids))
    if not orphans:
        return []
    log.warning(
        "command runs of a server that stopped, now interrupted: %s", [o[0] for o in orphans]
    )
    here = {o.id for o in dead if o.here}
    # Runs started before tags existed: their process group by the recorded pid, which is
    # trusted only where the dead owner's pids live (never another host or pid namespace).
    local = [(run_id, pid, started) for run_id, pid, started, owner in orphans if owner in here]
    if local:
        await run_in_threadpool(_end_orphans, local)
    return [o[0] for o in orphans]


@asynccontextmanager
async def commands_component(app: FastAPI) -> AsyncIterator[None]:
    # Every process tagged with this data dir belongs to a server that is gone (only one holds
    # the data dir: datadir_lock), so end them before any run is marked or resumed.
    await run_in_threadpool(end_leftovers, scope(app.state.settings.data_dir))
    app.state.leftovers_ended = True  # flows' recover() need not scan again
    lease: Lease = app.state.lease
    dead = await lease.dead()
    await lease.end_leftovers(dead)  # before their runs are marked, so before any resume
    await recover(lease, dead)
    manager = RunManager(app.state.db, app.state.settings, lease)
    lease.on_recover(lambda dead: recover(lease, dead))
    lease.on_lost(manager.lease_lost)
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
