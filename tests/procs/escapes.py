"""Commands whose children leave the run's process group, and a way to find them afterwards.

Each escapee inherits TEST_ESCAPE_MARK from the run's environment, so the test finds them by
reading /proc (psutil) whatever session, group or parent they ended up in.
"""

from __future__ import annotations

import time
import uuid

import psutil

MARK_VAR = "TEST_ESCAPE_MARK"

# setsid child; a `set -m` job (own process group); timeout (own group, child inside);
# a double fork into a new session; a plain job with the pipes closed.
ESCAPES = (
    "setsid sleep 1001 & "
    "(set -m; sleep 1002 &); "
    "timeout 100 sleep 1011 & "
    "( (setsid sh -c 'sleep 1003 & exit') & ); "
    "nohup sleep 1004 >/dev/null 2>&1 & "
)
SLEEPS = 6  # 1000 (the shell's own), 1001-1004 and 1011


def new_mark() -> str:
    return uuid.uuid4().hex


def escaping(then: str = "sleep 1000") -> str:
    return ESCAPES + "echo started; " + then


def marked(mark: str) -> list[psutil.Process]:
    """Live (not zombie) processes that carry the mark in their environment."""
    found = []
    for proc in psutil.process_iter():
        try:
            if proc.status() == psutil.STATUS_ZOMBIE:
                continue
            if proc.environ().get(MARK_VAR) == mark:
                found.append(proc)
        except psutil.Error:
            continue
    return found


def describe(procs: list[psutil.Process]) -> list[str]:
    out = []
    for proc in procs:
        try:
            out.append(f"{proc.pid} ppid={proc.ppid()} {' '.join(proc.cmdline())}")
        except psutil.Error:
            continue
    return out


def marked_sleeps(mark: str) -> list[psutil.Process]:
    """The marked `sleep`s (a server started with the mark carries it too)."""
    return [p for p in marked(mark) if _name(p) == "sleep"]


def wait_marked_sleeps(mark: str, count: int = SLEEPS, timeout: float = 30.0) -> None:
    """Until every escapee has started (so a cancel is not earlier than the escape)."""
    deadline = time.monotonic() + timeout
    while True:
        if len(marked_sleeps(mark)) >= count:
            return
        assert time.monotonic() < deadline, describe(marked(mark))
        time.sleep(0.05)


def kill_marked(mark: str) -> None:
    """Test cleanup: whatever a failed test left behind."""
    for proc in marked(mark):
        try:
            proc.kill()
        except psutil.Error:
            continue


def _name(proc: psutil.Process) -> str:
    try:
        return proc.name()
    except psutil.Error:
        return ""
