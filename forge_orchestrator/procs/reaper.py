"""The server as child subreaper (Linux): a run's orphans stay its children, and it reaps them.

Reaping is careful not to steal a status from its owner: pids a Popen or a PTY session still
owns are registered as roots and never waited on here. Only a zombie child that was seen alive
carrying a run tag (an adopted orphan), or that belongs to a live root's session, is reaped.
Spawners hold `SPAWN_LOCK` from fork until the pid is registered, and the reaper holds it while
it classifies, so a fresh root is never mistaken for an orphan.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import logging
import os
import sys
import threading
from collections.abc import Iterable

from .scan import ProcInfo, snapshot

log = logging.getLogger(__name__)
PR_SET_CHILD_SUBREAPER = 36
REAP_INTERVAL_S = 2.0

SPAWN_LOCK = threading.Lock()
_roots: set[int] = set()
_adopted: set[int] = set()
_state = {"subreaper": False}


def become_subreaper() -> bool:
    """Make this process the reaper of its orphaned descendants (Linux 3.4+); False elsewhere."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        ok = bool(libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0)
    except (OSError, AttributeError):
        ok = False
    if ok:
        log.info("containment: run tags + child subreaper (orphans of runs stay our children)")
    else:
        log.warning("containment: run tags only; could not become a child subreaper")
    _state["subreaper"] = ok
    return ok


def is_subreaper() -> bool:
    return _state["subreaper"]


def register_root(pid: int) -> None:
    """Call with SPAWN_LOCK held, right after the fork: its owner will reap this pid."""
    _roots.add(pid)


def release_root(pid: int) -> None:
    """The owner has reaped the pid (it may be reused now)."""
    with SPAWN_LOCK:
        _roots.discard(pid)


def observe(procs: Iterable[ProcInfo]) -> int:
    """Adopt tagged orphans that became our children; reap adopted ones that have exited."""
    me = os.getpid()
    reaped = 0
    with SPAWN_LOCK:
        for p in procs:
            if p.ppid != me or p.pid in _roots:
                continue
            if not p.zombie:
                if p.tag is not None:
                    _adopted.add(p.pid)
                continue
            if p.pid in _adopted or p.sid in _roots:
                with contextlib.suppress(ChildProcessError):
                    os.waitpid(p.pid, os.WNOHANG)
                    reaped += 1
                _adopted.discard(p.pid)
    return reaped


async def reap_forever(interval_s: float = REAP_INTERVAL_S) -> None:
    """While the server is a subreaper: adopt and reap orphans every interval_s."""
    while True:
        await asyncio.sleep(interval_s)
        if is_subreaper():
            await asyncio.to_thread(lambda: observe(snapshot()))
