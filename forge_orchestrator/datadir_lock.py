"""One server per data directory: an exclusive flock on <data_dir>/server.lock, held for life.

The lock file also says who holds it (pid, URL, start time) so that a second `serve` can name
the running server instead of fighting it. flock is released by the kernel when the holder
dies, even by SIGKILL, so a crash never leaves a stale lock; the file itself is never deleted
(deleting a lock file lets two processes each lock a different inode).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .errors import Conflict

LOCK_NAME = "server.lock"
# The winner writes its details right after locking; a loser that reads first waits this long.
_READ_WAIT_S = 2.0
_held: dict[Path, int] = {}


class DataDirInUse(Conflict):
    """Another live process holds the data dir."""

    code = "data_dir_in_use"


def _describe(info: dict[str, Any]) -> str:
    parts = [f"pid {info['pid']}"] if info.get("pid") else []
    if info.get("url"):
        parts.append(str(info["url"]))
    if info.get("since"):
        parts.append(f"since {info['since']}")
    where = f" ({', '.join(parts)})" if parts else ""
    return f"Forge is already running on this data dir{where}."


def _read(fd: int) -> dict[str, Any]:
    deadline = time.monotonic() + _READ_WAIT_S
    while True:
        raw = os.pread(fd, 4096, 0)
        try:
            info = json.loads(raw)
            if isinstance(info, dict) and info.get("pid"):
                return info
        except ValueError:
            pass
        if time.monotonic() >= deadline:
            return {}
        time.sleep(0.02)


def _write(fd: int, info: dict[str, Any]) -> None:
    data = json.dumps(info).encode()
    os.ftruncate(fd, 0)
    os.pwrite(fd, data, 0)


@contextlib.contextmanager
def hold(data_dir: Path) -> Iterator[None]:
    """Hold the data dir for the life of the block; raises DataDirInUse if another has it."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = (data_dir / LOCK_NAME).resolve()
    # O_CLOEXEC: a child that outlived us must not keep the lock (and block every restart).
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            info = _read(fd)
            raise DataDirInUse(_describe(info), details=info) from None
        since = datetime.now(UTC).isoformat(timespec="seconds")
        _write(fd, {"pid": os.getpid(), "url": None, "since": since})
        _held[data_dir.resolve()] = fd
        try:
            yield
        finally:
            _held.pop(data_dir.resolve(), None)
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)
    finally:
        os.close(fd)  # closing the only descriptor releases the flock


def note_address(data_dir: Path, host: str, port: int) -> None:
    """Record where the holder listens (once the port is bound), for the message above. The
    URL carries no token: the lock file is only a pointer to the running server."""
    fd = _held.get(data_dir.resolve())
    if fd is None:
        return
    info = json.loads(os.pread(fd, 4096, 0) or b"{}")
    info["url"] = f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"
    _write(fd, info)
