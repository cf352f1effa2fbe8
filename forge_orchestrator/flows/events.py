"""In-process pub/sub of run events; a subscriber starts from a snapshot, then gets live changes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

Event = tuple[str, Any]
# A subscriber this far behind is cut off (it can reconnect and start from a new snapshot).
MAX_BACKLOG = 50_000


class EventBus:
    def __init__(self) -> None:
        self._subs: dict[int, set[asyncio.Queue[Event | None]]] = {}

    def has_subscribers(self, run_id: int) -> bool:
        """Callers skip building payloads nobody will read (the engine's hot path)."""
        return bool(self._subs.get(run_id))

    def publish(self, run_id: int, name: str, payload: Any) -> None:
        for queue in list(self._subs.get(run_id, ())):
            if queue.qsize() >= MAX_BACKLOG:
                self._drop(run_id, queue)
                queue.put_nowait(None)
            else:
                queue.put_nowait((name, payload))

    def _drop(self, run_id: int, queue: asyncio.Queue[Event | None]) -> None:
        subs = self._subs.get(run_id)
        if subs is not None:
            subs.discard(queue)
            if not subs:
                del self._subs[run_id]

    def subscribe(self, run_id: int, snapshot: Any, *, ended: bool) -> AsyncIterator[Event]:
        """Registers now (so nothing published after the snapshot is missed), yields later."""
        queue: asyncio.Queue[Event | None] = asyncio.Queue()
        if not ended:
            self._subs.setdefault(run_id, set()).add(queue)

        async def stream() -> AsyncIterator[Event]:
            try:
                yield ("snapshot", snapshot)
                if ended:
                    yield ("end", {"status": snapshot.get("status")})
                    return
                while True:
                    item = await queue.get()
                    if item is None:
                        return
                    yield item
                    if item[0] == "end":
                        return
            finally:
                self._drop(run_id, queue)

        return stream()
