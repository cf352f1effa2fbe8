"""One API for every child Forge starts: tag it, find its whole tree, end all of it.

A tree is the tagged processes (tag in the environment, inherited by every descendant), the
root's session, the members of its cgroup (procs.cgroup, where the system offers one) and the
descendants of any member. After a crash, a restarted server finds what
the dead one left by the data directory's tag prefix. SECURITY.md says what it guarantees.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
import secrets
import signal
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from . import cgroup
from .reaper import observe
from .scan import TAG_VAR, ProcInfo, ancestors, snapshot

log = logging.getLogger(__name__)
KILL_GRACE_S = 2.0
# A process SIGKILL cannot end yet (uninterruptible sleep in the kernel) must not hang a cancel.
GIVE_UP_S = 10.0
_POLL_S = 0.02

__all__ = ["TAG_VAR", "Tree", "end_leftovers", "kill_tree", "kill_tree_sync", "new_tag", "scope"]


def scope(data_dir: Path) -> str:
    """The tag prefix of one data directory (one server holds it at a time: datadir_lock)."""
    return "forge" + hashlib.sha256(str(data_dir.resolve()).encode()).hexdigest()[:12]


def new_tag(scope_key: str, kind: str) -> str:
    """A tag unique to one spawn: `<scope>-<kind>-<random>`."""
    return f"{scope_key}-{kind}-{secrets.token_hex(6)}"


@dataclass(frozen=True)
class Tree:
    """What belongs to one run: processes carrying `tag`, plus the session `root` leads."""

    tag: str
    root: int | None = None
    prefix: bool = False  # match every tag under `tag` (a whole data dir's scope)
    cgroups: tuple[Path, ...] = ()  # procs.cgroup directories of the run, where there are any

    def matches(self, p: ProcInfo) -> bool:
        if self.root is not None and p.sid == self.root:
            return True
        if p.tag is None:
            return False
        return p.tag.startswith(self.tag + "-") if self.prefix else p.tag == self.tag


def _members(procs: list[ProcInfo], match: Callable[[ProcInfo], bool]) -> set[int]:
    """Live processes that match, plus every live descendant of one (an `env -i` child)."""
    children: dict[int, list[ProcInfo]] = {}
    for p in procs:
        children.setdefault(p.ppid, []).append(p)
    found: set[int] = set()
    todo = [p for p in procs if match(p)]
    while todo:
        p = todo.pop()
        if p.pid in found:
            continue
        found.add(p.pid)
        todo.extend(children.get(p.pid, ()))
    alive = {p.pid for p in procs if not p.zombie}
    return (found & alive) - ancestors()


def members(tree: Tree) -> set[int]:
    in_cgroups = set().union(*(cgroup.pids(path) for path in tree.cgroups))
    procs = snapshot()
    observe(procs)  # reap the run's exited orphans as we go
    return _members(procs, lambda p: p.pid in in_cgroups or tree.matches(p))


def _signal(pids: Iterable[int], sig: int) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, sig)


class _Killer:
    """SIGTERM every member, then SIGKILL what is left after the grace period; each step
    rescans, so a process forked meanwhile is signalled too."""

    def __init__(self, tree: Tree, grace_s: float) -> None:
        self.tree = tree
        self.deadline = time.monotonic() + grace_s
        self.give_up = self.deadline + GIVE_UP_S
        self.termed: set[int] = set()

    def step(self, found: set[int]) -> bool:
        """Signal this round's members; True once nothing is left (or SIGKILL cannot help)."""
        if not found:
            return True
        now = time.monotonic()
        if now >= self.give_up:
            log.warning("processes %s outlived SIGKILL for %.0f s; giving up", found, GIVE_UP_S)
            return True
        if now < self.deadline:
            fresh = found - self.termed
            _signal(fresh, signal.SIGTERM)
            _signal(fresh, signal.SIGCONT)  # a stopped process only sees SIGTERM once resumed
            self.termed |= fresh
        else:
            # Stop them all first so none forks between our kills, then kill them all.
            for path in self.tree.cgroups:
                cgroup.kill(path)
            _signal(found, signal.SIGSTOP)
            _signal(found, signal.SIGKILL)
        return False


async def kill_tree(tree: Tree, grace_s: float = KILL_GRACE_S) -> int:
    """End every process of the tree; returns how many were signalled (scans off the loop)."""
    killer = _Killer(tree, grace_s)
    signalled: set[int] = set()
    while True:
        found = await asyncio.to_thread(members, tree)
        signalled |= found
        if killer.step(found):
            return len(signalled)
        await asyncio.sleep(_POLL_S)


def kill_tree_sync(tree: Tree, grace_s: float = KILL_GRACE_S) -> int:
    killer = _Killer(tree, grace_s)
    signalled: set[int] = set()
    while True:
        found = members(tree)
        signalled |= found
        if killer.step(found):
            return len(signalled)
        time.sleep(_POLL_S)


def end_leftovers(scope_key: str, grace_s: float = 1.0) -> int:
    """At start-up: end every process a previous server on this data dir left (blocking)."""
    groups = tuple(cgroup.leftovers(scope_key))
    count = kill_tree_sync(Tree(scope_key, prefix=True, cgroups=groups), grace_s)
    for path in groups:
        cgroup.remove(path)
    if count:
        log.warning("ended %d process(es) left by a previous server on this data dir", count)
    return count
