"""Runs one shell command as a child process group and captures its output safely.

The child gets its own session (so the whole group can be signalled), stdin closed and the
server's environment with the caller's overrides. stdout and stderr are read by the event loop
as they arrive (never blocking the child), tagged, passed to `on_chunk` and kept up to a cap.
Timeout and cancel end the run's whole tree (procs.containment: every process carrying the
run's tag or in its session, setsid and double-forked ones included): SIGTERM, then SIGKILL
after a grace period.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ..child_env import child_env
from ..errors import ValidationFailed
from ..procs import reaper
from ..procs.containment import KILL_GRACE_S, TAG_VAR, Tree, kill_tree, new_tag
from .capture import Capture, watch_exit

ProcessStatus = Literal["succeeded", "failed", "timed_out", "cancelled"]
__all__ = ["KILL_GRACE_S", "ProcessResult", "run_process"]
# After the shell exits, background children may still hold the pipes; give them this long.
DRAIN_S = 0.5
_POLL_S = 0.02


@dataclass(frozen=True)
class ProcessResult:
    status: ProcessStatus
    exit_code: int | None
    output: str
    truncated: bool
    pid: int | None
    duration_ms: int
    output_bytes: int = 0
    chunks: list[tuple[str, str, int]] = field(default_factory=list)


def resolve_shell(shell: str) -> str:
    path = shutil.which(shell)
    if path is None:
        raise ValidationFailed(f"Shell {shell!r} is not installed", details={"shell": shell})
    return path


def resolve_cwd(cwd: str | None) -> str | None:
    if cwd is None or not cwd.strip():
        return None
    path = Path(os.path.expandvars(os.path.expanduser(cwd.strip())))
    try:
        found = path.is_dir()
    except (OSError, ValueError) as exc:  # a name too long for the OS, a NUL byte
        raise ValidationFailed(
            f"Working directory cannot be used: {exc}", details={"cwd": cwd}
        ) from exc
    if not found:
        raise ValidationFailed(f"Working directory does not exist: {cwd}", details={"cwd": cwd})
    return str(path.resolve())


def merge_env(env: Mapping[str, str] | None) -> dict[str, str]:
    """The child's environment: see child_env (server secrets are never inherited)."""
    return child_env(env)


async def _wait_any(futures: list[asyncio.Future[Any]], limit_s: float | None) -> None:
    await asyncio.wait(futures, timeout=limit_s, return_when=asyncio.FIRST_COMPLETED)


async def run_process(
    command: str,
    *,
    shell: str = "bash",
    cwd: str | None = None,
    env: Mapping[str, str] | None = None,
    timeout_s: float,
    output_cap: int,
    on_chunk: Callable[[str, str], None] | None = None,
    cancel: asyncio.Event | None = None,
    grace_s: float = KILL_GRACE_S,
    on_start: Callable[[int], None] | None = None,
    tag: str | None = None,
) -> ProcessResult:
    """Run `command` with `<shell> -c` and return how it ended; see the module docstring.

    `tag` (procs.containment.new_tag) marks every process of the run so that a restarted
    server can find leftovers; without one the run is still contained while it lives.
    """
    shell_path = resolve_shell(shell)
    workdir = resolve_cwd(cwd)
    full_env = merge_env(env)
    full_env[TAG_VAR] = tag or new_tag("forge", "run")
    started = time.monotonic()
    try:
        # Popen uses vfork+exec, so it returns in well under a millisecond; the loop's own
        # subprocess support costs 5-25 ms per spawn on uvloop (a full fork of the server).
        with reaper.SPAWN_LOCK:
            proc = subprocess.Popen(  # noqa: ASYNC220
                [shell_path, "-c", command],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                cwd=workdir,
                env=full_env,
                start_new_session=True,
            )
            reaper.register_root(proc.pid)
    except OSError as exc:
        raise ValidationFailed(f"Could not start the command: {exc.strerror or exc}") from exc
    pid = proc.pid
    tree = Tree(full_env[TAG_VAR], root=pid)
    exited = watch_exit(proc)
    capture = Capture(output_cap, on_chunk)
    cancel_task = asyncio.ensure_future(cancel.wait()) if cancel is not None else None
    status: ProcessStatus | None = None
    try:
        await capture.attach(proc)
        if on_start is not None:
            on_start(pid)
        waiters: list[asyncio.Future[Any]] = [exited]
        if cancel_task is not None:
            waiters.append(cancel_task)
        await _wait_any(waiters, max(timeout_s - (time.monotonic() - started), 0))
        if not exited.done():
            status = "cancelled" if cancel is not None and cancel.is_set() else "timed_out"
            await kill_tree(tree, grace_s)
            await _wait_any([exited], grace_s)
        await _wait_any([capture.pipes_closed], DRAIN_S)
        if not capture.pipes_closed.done():
            # Leftover background children still hold our pipes: end them so the run can finish.
            await kill_tree(tree, grace_s)
            await _wait_any([capture.pipes_closed], grace_s)
    finally:
        if cancel_task is not None:
            cancel_task.cancel()
        if not exited.done():
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pid, signal.SIGKILL)
        capture.close()
    if not exited.done():
        await _wait_any([exited], grace_s)
    code = proc.returncode
    if code is not None:
        reaper.release_root(pid)
    if status is None:
        status = "succeeded" if code == 0 else "failed"
    return ProcessResult(
        status=status,
        exit_code=code,
        output=capture.output.text(),
        truncated=capture.output.truncated,
        pid=pid,
        duration_ms=int((time.monotonic() - started) * 1000),
        output_bytes=capture.output.total_bytes,
        chunks=capture.output.chunks(),
    )
