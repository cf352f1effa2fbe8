"""Writes that must land: retried with backoff while the database is locked or full."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from ..errors import database_fault_kind

T = TypeVar("T")
log = logging.getLogger(__name__)

FIRST_DELAY_S = 0.05
MAX_DELAY_S = 2.0


def never() -> bool:
    return False


async def until_stored(
    write: Callable[[], Awaitable[T]],
    *,
    what: str,
    stop: Callable[[], bool] = never,
    max_delay_s: float = MAX_DELAY_S,
) -> T:
    """Await ``write()`` until it succeeds; a locked or full database is retried with backoff.

    For a final state (a run that ended, a settled ledger row): giving up would leave a record
    saying "running" that nothing will ever finish. Any other error is raised at once; so is a
    fault once ``stop()`` says the process is shutting down (start-up recovery takes over).
    """
    delay = FIRST_DELAY_S
    failures = 0
    while True:
        try:
            value = await write()
        except Exception as exc:
            kind = database_fault_kind(exc)
            if kind is None or kind == "corrupt" or stop():
                raise
            failures += 1
            if failures == 1 or failures % 20 == 0:
                log.warning("could not save %s (database %s); retrying: %s", what, kind, exc)
            await asyncio.sleep(delay)
            delay = min(delay * 2, max_delay_s)
            continue
        if failures:
            log.info("saved %s after %d failed attempt(s)", what, failures)
        return value


class Background:
    """Keeps background tasks referenced until done and logs their failures (never silent)."""

    def __init__(self) -> None:
        self.tasks: set[asyncio.Task[object]] = set()

    def start(self, coro: Awaitable[object], what: str) -> asyncio.Task[object]:
        async def run() -> object:
            return await coro

        task = asyncio.get_running_loop().create_task(run(), name=what)
        self.tasks.add(task)
        task.add_done_callback(self._done)
        return task

    def _done(self, task: asyncio.Task[object]) -> None:
        self.tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("%s failed", task.get_name(), exc_info=task.exception())

    async def wait(self, timeout_s: float) -> bool:
        """Wait up to ``timeout_s`` for every task; True when none is left."""
        if self.tasks:
            await asyncio.wait(list(self.tasks), timeout=timeout_s)
        return not self.tasks
