"""This server's lease on its runs: registered at start, renewed on a timer, given up at stop.

Runs record the owner id; a server recovers only runs whose owner is dead (db/owners.py), on
start and at every heartbeat, and the domains register what recovery means for them.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from functools import partial
from typing import Any

from ..procs.containment import end_leftovers, scope
from . import owners
from .owners import Owner
from .service import Database

log = logging.getLogger(__name__)

Recoverer = Callable[[list[Owner]], Awaitable[object]]


class Lease:
    """The identity on ``app.state.lease``: ``id`` is what this server's runs record."""

    def __init__(self, db: Database, scope: str, lease_s: float) -> None:
        self.db = db
        self.scope = scope
        self.lease_s = lease_s
        self.owner = owners.new_owner(scope, lease_s)
        self._recoverers: list[Recoverer] = []
        self._on_lost: list[Callable[[], None]] = []
        self._task: asyncio.Task[None] | None = None

    @property
    def id(self) -> str:
        return self.owner.id

    def on_recover(self, fn: Recoverer) -> None:
        """Called with the dead owners at every heartbeat that finds some."""
        self._recoverers.append(fn)

    def on_lost(self, fn: Callable[[], None]) -> None:
        """Called when the lease ran out under us: stop the local work of every run it held
        (another server may own them now; their writes are fenced either way)."""
        self._on_lost.append(fn)

    async def start(self) -> None:
        owner = self.owner
        await self.db.write(lambda c: owners.register(c, owner))
        self._task = asyncio.get_running_loop().create_task(self._beat())

    async def stop(self) -> None:
        """After the runs are settled: give the lease up so nothing waits it out."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        owner_id = self.owner.id
        try:
            await self.db.write(lambda c: owners.expire(c, owner_id))
        except Exception:  # the lease then runs out by itself
            log.warning("could not give up the lease of %s", owner_id, exc_info=True)

    async def dead(self) -> list[Owner]:
        me = self.owner
        return await self.db.read(lambda c: owners.dead_owners(c, me))

    async def end_leftovers(self, dead: list[Owner]) -> None:
        """End the process trees a dead owner on this machine left: its children carry its data
        dir's tag. Never another host's (its pids mean nothing here), never a live server's."""
        me = self.owner
        for prefix in sorted({o.scope for o in dead if o.here}):
            if not await self.db.read(partial(owners.live_scope_here, scope=prefix, me=me)):
                await asyncio.to_thread(end_leftovers, prefix)

    async def tick(self) -> None:
        """One heartbeat: renew, then recover what dead owners held and forget them."""
        owner_id, lease_s = self.owner.id, self.lease_s
        if not await self.db.write(lambda c: owners.renew(c, owner_id, lease_s)):
            await self._lost()
        dead = await self.dead()
        if not dead:
            return
        await self.end_leftovers(dead)  # first: a recovered run may be resumed at once
        for recover in self._recoverers:
            await recover(dead)
        await self.db.write(lambda c: owners.forget(c, dead))

    async def _lost(self) -> None:
        log.error("the lease of %s ran out before it was renewed; its runs are stopped", self.id)
        for hook in self._on_lost:
            hook()
        # A new identity: the old one's runs are anyone's to recover, this one's are ours.
        self.owner = owners.new_owner(self.scope, self.lease_s)
        owner = self.owner
        await self.db.write(lambda c: owners.register(c, owner))

    async def _beat(self) -> None:
        while True:
            await asyncio.sleep(self.lease_s / 3)
            try:
                await self.tick()
            except Exception:  # a busy database: the next beat tries again
                log.warning("lease heartbeat failed", exc_info=True)


@asynccontextmanager
async def lease_component(app: Any) -> AsyncIterator[None]:
    """Registered before the run-owning components and given up after they have stopped."""
    settings = app.state.settings
    lease = Lease(app.state.db, scope(settings.data_dir), settings.lease_s)
    await lease.start()
    app.state.lease = lease
    try:
        yield
    finally:
        await lease.stop()
