"""Starts a shell on a new PTY in its own session, resizes it, and ends every process it left.

The child keeps only the PTY slave (as 0, 1 and 2); the parent keeps only the master, which the
session closes exactly once.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import shutil
import signal
import struct
import termios
from dataclasses import dataclass
from pathlib import Path

import psutil

from ..child_env import child_env
from ..errors import ValidationFailed

MAX_FD = 2**31 - 1  # closerange's upper bound: every descriptor a process can hold


@dataclass
class PtyProcess:
    pid: int
    master_fd: int
    argv: list[str]
    cwd: str


def resolve_shell(shell: str | None) -> str:
    candidate = shell or os.environ.get("SHELL") or "bash"
    path = shutil.which(candidate)
    if path is None:
        raise ValidationFailed(f"Shell not found or not executable: {candidate}")
    return path


def resolve_cwd(cwd: str | None) -> str:
    path = Path(cwd).expanduser() if cwd else Path.home()
    if not path.is_dir():
        raise ValidationFailed(f"Working directory does not exist: {path}")
    return str(path.resolve())


def shell_env() -> dict[str, str]:
    # The shell must not inherit the server's secrets (child_env); the rest is the user's env.
    return child_env({"TERM": "xterm-256color", "COLORTERM": "truecolor", "TERM_PROGRAM": "forge"})


def set_winsize(fd: int, rows: int, cols: int) -> None:
    # The kernel sends SIGWINCH to the terminal's foreground process group when the size changes.
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


def spawn(
    shell: str, cwd: str, rows: int, cols: int, extra_env: dict[str, str] | None = None
) -> PtyProcess:
    """Fork a child that becomes a session leader with the PTY slave as controlling terminal."""
    argv = [shell]
    env = shell_env()
    env.update(extra_env or {})
    master, slave = os.openpty()
    try:
        set_winsize(slave, rows, cols)
        pid = os.fork()
    except BaseException:  # e.g. fork's EAGAIN: nobody else will ever close these two
        os.close(master)
        os.close(slave)
        raise
    if pid == 0:  # pragma: no cover - runs in the child until exec
        try:
            os.login_tty(slave)  # setsid + TIOCSCTTY + dup2 onto 0/1/2
            # The shell gets its terminal and nothing else: not this PTY's master, not other
            # sessions', not the listening socket or database files (a `setsid` job would keep
            # them open after the server dies). One close_range(2) call on Linux.
            os.closerange(3, MAX_FD)
            # Python ignores SIGPIPE/SIGXFSZ; ignored signals survive exec, and `yes | head`
            # would then print "Broken pipe" instead of ending quietly.
            for sig in (signal.SIGPIPE, signal.SIGXFSZ, signal.SIGINT, signal.SIGTERM):
                signal.signal(sig, signal.SIG_DFL)
            signal.pthread_sigmask(signal.SIG_SETMASK, [])
            os.chdir(cwd)
            os.execve(shell, argv, env)  # noqa: S606 - the user's own shell, by design
        except BaseException as exc:
            os.write(2, f"forge: cannot start {shell}: {exc}\r\n".encode())
        finally:
            os._exit(127)
    os.close(slave)
    os.set_blocking(master, False)
    return PtyProcess(pid=pid, master_fd=master, argv=argv, cwd=cwd)


def try_reap(pid: int) -> int | None:
    """The exit code if the child has ended (reaping it), else None. -N: killed by signal N."""
    try:
        done, status = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return None
    if done == 0:
        return None
    return os.waitstatus_to_exitcode(status)


def session_members(sid: int) -> list[int]:
    """Every live process in the session the shell leads: jobs get their own process groups."""
    members = []
    for pid in psutil.pids():
        with contextlib.suppress(OSError, psutil.Error):
            # A zombie is already dead; waiting for it to vanish would only stall the close.
            if os.getsid(pid) == sid and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                members.append(pid)
    return members


def _signal_all(pids: list[int], sig: signal.Signals) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, sig)


async def terminate(pid: int, *, reaped: bool, grace_s: float = 2.0) -> int | None:
    """Hang up the shell and its jobs, escalate to SIGKILL after ``grace_s``, reap the shell.

    Returns the shell's exit code if this call reaped it. Interactive shells ignore SIGTERM,
    so SIGHUP (what closing a real terminal sends) goes first.
    """
    code: int | None = None
    members = session_members(pid)
    for sig in (signal.SIGHUP, signal.SIGCONT, signal.SIGTERM):
        _signal_all(members, sig)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + grace_s
    while True:
        if not reaped:
            code = try_reap(pid)
            reaped = code is not None
        members = session_members(pid)
        if reaped and not members:
            return code
        if loop.time() >= deadline:
            break
        await asyncio.sleep(0.02)
    _signal_all(members, signal.SIGKILL)
    if not reaped:
        # SIGKILL cannot be ignored; the wait is short, but keep it off the event loop.
        status = await asyncio.to_thread(_blocking_wait, pid)
        code = status
    return code


def _blocking_wait(pid: int) -> int | None:
    try:
        _, status = os.waitpid(pid, 0)
    except ChildProcessError:
        return None
    return os.waitstatus_to_exitcode(status)
