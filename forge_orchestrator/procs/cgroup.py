"""A cgroup v2 directory per terminal session, where the system lets us create one (Linux), as one
more way to find its processes: a process cannot leave its cgroup without privileges, whatever it
does to its session, parent or environment. Every failure falls back to tags and tree walks.

Used for terminal sessions: the shell is moved in right after its fork (before it has read
its rc files, let alone started a job). Command runs and flow steps do not get one yet:
Python cannot clone straight into a cgroup, and moving the server in and out around each spawn
cost +8 ms p50 per run in one interleaved measurement here (+0.25 ms on a bare spawn in
bench_cancel.py); until that is settled the run hot path relies on tags, sessions, tree walks.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from pathlib import Path

log = logging.getLogger(__name__)
_base: list[Path | None] = []  # resolved once: [] not yet, [None] unavailable


def _own_cgroup() -> Path | None:
    """Where this process sits in the cgroup v2 tree, as a directory we may write."""
    rel = None
    with open("/proc/self/cgroup") as f:
        for line in f:
            if line.startswith("0::"):
                rel = line[3:].strip()
    mount = None
    with open("/proc/self/mountinfo") as f:
        for line in f:
            left, _, right = line.partition(" - ")
            if right.split(" ", 1)[0] == "cgroup2":
                mount = left.split()[4]
                break
    if rel is None or mount is None:
        return None
    return Path(mount) / rel.lstrip("/")


def base() -> Path | None:
    """The directory run cgroups are created in, or None (then only tags and tree walks)."""
    if _base:
        return _base[0]
    found: Path | None = None
    reason = "not Linux"
    if sys.platform.startswith("linux"):
        try:
            own = _own_cgroup()
            if own is None:
                reason = "no cgroup v2 hierarchy"
            else:
                probe = own / f"forge-probe-{os.getpid()}"
                probe.mkdir()
                probe.rmdir()
                found = own
        except OSError as exc:
            reason = f"cannot create a cgroup ({exc.strerror})"
    if found is not None:
        log.info("containment: a cgroup v2 per terminal session under %s, plus run tags", found)
    else:
        log.info(
            "containment: no cgroup per terminal session (%s); run tags and tree walks", reason
        )
    _base.append(found)
    return found


def create(tag: str, pid: int) -> Path | None:
    """A cgroup named after the run's tag holding `pid`, or None if that is not possible."""
    root = base()
    if root is None:
        return None
    path = root / tag
    try:
        path.mkdir()
        (path / "cgroup.procs").write_text(str(pid))
    except OSError:
        remove(path)
        return None
    return path


def pids(path: Path) -> set[int]:
    with contextlib.suppress(OSError):
        return {int(x) for x in (path / "cgroup.procs").read_text().split()}
    return set()


def kill(path: Path) -> None:
    """SIGKILL every member at once (Linux 5.14+; older kernels: the caller signals each)."""
    with contextlib.suppress(OSError):
        (path / "cgroup.kill").write_text("1")


def remove(path: Path) -> None:
    """Remove the cgroup once it is empty (a busy one stays until the next start)."""
    with contextlib.suppress(OSError):
        path.rmdir()


def leftovers(scope_key: str) -> list[Path]:
    """Cgroups of runs a previous server on this data dir created."""
    root = base()
    if root is None:
        return []
    with contextlib.suppress(OSError):
        return [p for p in root.iterdir() if p.name.startswith(scope_key + "-") and p.is_dir()]
    return []
