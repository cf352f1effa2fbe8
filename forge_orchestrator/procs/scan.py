"""One pass over the system's processes: pid, parent, session, zombie or not, and run tag."""

from __future__ import annotations

import contextlib
import os
import sys
from dataclasses import dataclass

import psutil

# Set in the environment of every child Forge starts. The environment survives setsid,
# double forks and reparenting to init, so it still names the run after the server died.
TAG_VAR = "FORGE_RUN_TAG"
_NEEDLE = b"\0" + TAG_VAR.encode() + b"="


@dataclass(frozen=True)
class ProcInfo:
    pid: int
    ppid: int
    sid: int
    zombie: bool
    tag: str | None


def _tag_of(environ: bytes) -> str | None:
    data = b"\0" + environ
    at = data.rfind(_NEEDLE)  # the last assignment wins, as in getenv
    if at < 0:
        return None
    start = at + len(_NEEDLE)
    end = data.find(b"\0", start)
    return data[start : end if end >= 0 else len(data)].decode(errors="replace")


def _read(path: str) -> bytes:
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)  # os.open: a third of open()'s cost here
    try:
        parts = []
        while chunk := os.read(fd, 65536):
            parts.append(chunk)
        return b"".join(parts)
    finally:
        os.close(fd)


# (pid, start time) -> tag. The environment /proc shows is fixed at exec, and a kill round
# rescans every process, so reading each environment once halves the cost of a round. A tag
# stays with the process even if it execs with a cleaned environment later, which is right.
_tags: dict[tuple[int, int], str | None] = {}


def _linux_proc(pid: int, with_tags: bool, me: int) -> ProcInfo | None:
    try:
        stat = _read(f"/proc/{pid}/stat")
    except OSError:
        return None
    # The command name may hold spaces or parentheses: the fields start after the last ')'.
    fields = stat[stat.rfind(b")") + 2 :].split()
    zombie = fields[0] in (b"Z", b"X")
    ppid = int(fields[1])
    tag = None
    if with_tags and not zombie:
        key = (pid, int(fields[19]))
        if key in _tags:
            tag = _tags[key]
        else:
            with contextlib.suppress(OSError):
                tag = _tag_of(_read(f"/proc/{pid}/environ"))
            # Our own fresh child may not have exec'd (taken its tag) yet: read it again later.
            if tag is not None or ppid != me:
                _tags[key] = tag
    return ProcInfo(pid, ppid, int(fields[3]), zombie, tag)


def _psutil_proc(proc: psutil.Process, with_tags: bool) -> ProcInfo | None:
    try:
        zombie = proc.status() == psutil.STATUS_ZOMBIE
        tag = None
        if with_tags and not zombie:
            with contextlib.suppress(psutil.Error, OSError):
                tag = proc.environ().get(TAG_VAR)
        return ProcInfo(proc.pid, proc.ppid(), os.getsid(proc.pid), zombie, tag)
    except (psutil.Error, OSError):
        return None


def snapshot(with_tags: bool = True) -> list[ProcInfo]:
    """Every process we can see; tags only where we may read the environment (our own user)."""
    found: list[ProcInfo] = []
    if sys.platform.startswith("linux"):
        me = os.getpid()
        for name in os.listdir("/proc"):
            if name.isdigit():
                info = _linux_proc(int(name), with_tags, me)
                if info is not None:
                    found.append(info)
        if len(_tags) > 4 * len(found) + 256:  # forget processes that are gone
            live = {p.pid for p in found}
            for key in list(_tags):  # list() copies atomically; scans run in several threads
                if key[0] not in live:
                    _tags.pop(key, None)
        return found
    for proc in psutil.process_iter():
        info = _psutil_proc(proc, with_tags)
        if info is not None:
            found.append(info)
    return found


def ancestors() -> set[int]:
    """This process and its ancestors: never signalled, whatever their environment says."""
    out = {os.getpid()}
    with contextlib.suppress(psutil.Error):
        out.update(p.pid for p in psutil.Process().parents())
    return out
