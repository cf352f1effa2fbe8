"""Whether the database answers, checked at most once a second however many clients ask."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from .engine import ping

FRESH_S = 1.0  # a health answer may be this old; monitors poll every few seconds at most


class Liveness:
    """Single-flight `SELECT 1`: concurrent callers share one check, and a result is reused for
    FRESH_S. At 32 clients each health request used to take its own thread and connection."""

    def __init__(self, engine: Engine, clock: Callable[[], float] = time.monotonic) -> None:
        self.engine = engine
        self.clock = clock
        self._checked_at = -FRESH_S
        self._problem: str | None = None
        self._inflight: asyncio.Future[str | None] | None = None

    async def problem(self) -> str | None:
        """None when the database answered within the last FRESH_S, else what went wrong."""
        if self.clock() - self._checked_at < FRESH_S:
            return self._problem
        if self._inflight is None:
            self._inflight = asyncio.ensure_future(self._check())
        # shield: one caller's disconnect must not cancel the check the others wait on
        return await asyncio.shield(self._inflight)

    async def _check(self) -> str | None:
        try:
            await run_in_threadpool(ping, self.engine)
            problem = None
        except Exception as exc:  # health reports a broken database rather than raising
            problem = f"error: {type(exc).__name__}"
        self._problem, self._checked_at, self._inflight = problem, self.clock(), None
        return problem
