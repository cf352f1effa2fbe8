"""Rows of forge_processes: register this server, renew or give up its lease, find dead owners.

Each function takes the caller's connection (``db.read`` / ``db.write``). Timestamps come from
this host's clock, so servers sharing a database need clocks that agree to well within a lease
(NTP does; the lease is seconds).
"""

from __future__ import annotations

import os
import socket
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

import psutil
from sqlalchemy import Connection, delete, insert, select, update

from .tables import forge_processes
from .utils import utcnow


@cache
def machine_key() -> str:
    """Where a pid means something: this boot of this kernel, in this pid namespace."""
    try:
        boot = Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        boot = f"{socket.gethostname()}:{psutil.boot_time():.0f}"
    try:
        pidns = os.readlink("/proc/self/ns/pid")
    except OSError:
        pidns = "pid:?"
    return f"{boot}/{pidns}"[:120]


@dataclass(frozen=True)
class Owner:
    """One server process as forge_processes records it."""

    id: str
    host: str
    machine: str
    pid: int
    pid_started: float
    scope: str
    lease_expires_at: datetime

    @property
    def here(self) -> bool:
        """Its pid is one of ours to look at (same boot, same pid namespace)."""
        return self.machine == machine_key()

    def alive_here(self) -> bool:
        """On this machine: its process still runs (pid plus start time, so no reused pid)."""
        try:
            proc = psutil.Process(self.pid)
            same = abs(proc.create_time() - self.pid_started) < 0.01
            return same and proc.status() != psutil.STATUS_ZOMBIE
        except psutil.Error:
            return False


def new_owner(scope: str, lease_s: float) -> Owner:
    """A fresh identity for this process: a random UUID, never reused across restarts."""
    me = psutil.Process()
    return Owner(
        id=str(uuid.uuid4()),
        host=socket.gethostname()[:255],
        machine=machine_key(),
        pid=me.pid,
        pid_started=me.create_time(),
        scope=scope,
        lease_expires_at=utcnow() + timedelta(seconds=lease_s),
    )


def register(conn: Connection, owner: Owner) -> None:
    conn.execute(
        insert(forge_processes).values(
            id=owner.id,
            host=owner.host,
            machine=owner.machine,
            pid=owner.pid,
            pid_started=owner.pid_started,
            scope=owner.scope,
            started_at=utcnow(),
            lease_expires_at=owner.lease_expires_at,
        )
    )


def renew(conn: Connection, owner_id: str, lease_s: float) -> bool:
    """Extend the lease; False when it had already run out (or was removed): the runs it held
    may have been recovered by another server, so this identity must not write them again."""
    now = utcnow()
    done = conn.execute(
        update(forge_processes)
        .where(forge_processes.c.id == owner_id, forge_processes.c.lease_expires_at > now)
        .values(lease_expires_at=now + timedelta(seconds=lease_s))
    )
    return done.rowcount == 1


def expire(conn: Connection, owner_id: str) -> None:
    """Give the lease up now (clean shutdown): whatever it still held is anyone's to recover."""
    conn.execute(
        update(forge_processes)
        .where(forge_processes.c.id == owner_id)
        .values(lease_expires_at=utcnow() - timedelta(seconds=1))
    )


def dead_owners(conn: Connection, me: Owner) -> list[Owner]:
    """Owners whose lease ran out, plus those on this machine whose process is gone (no need
    to wait out the lease of a server that was killed here: its pid proves it)."""
    now = utcnow()
    rows = conn.execute(select(forge_processes).where(forge_processes.c.id != me.id)).mappings()
    found = []
    for row in rows:
        owner = Owner(**{k: row[k] for k in Owner.__dataclass_fields__})
        if owner.lease_expires_at <= now or (owner.here and not owner.alive_here()):
            found.append(owner)
    return found


def forget(conn: Connection, owners: list[Owner]) -> None:
    """Drop the rows of dead owners once their runs were recovered."""
    if owners:
        conn.execute(
            delete(forge_processes).where(forge_processes.c.id.in_([o.id for o in owners]))
        )


def live_scope_here(conn: Connection, scope: str, me: Owner) -> bool:
    """Whether a live server on this machine uses this data dir's tag prefix (then its
    children are that server's, not a dead one's leftovers)."""
    now = utcnow()
    rows = conn.execute(
        select(forge_processes).where(
            forge_processes.c.scope == scope, forge_processes.c.lease_expires_at > now
        )
    ).mappings()
    for row in rows:
        owner = Owner(**{k: row[k] for k in Owner.__dataclass_fields__})
        if owner.here and (owner.id == me.id or owner.alive_here()):
            return True
    return False
