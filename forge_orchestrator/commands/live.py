"""Live output of one running command: a replay buffer plus bounded per-subscriber queues."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from .models import Run
from .output import MARKER_STREAM, CappedOutput

# A viewer that falls this far behind loses the middle instead of growing memory.
SUBSCRIBER_BACKLOG_BYTES = 4 * 1024 * 1024

Event = tuple[str, dict[str, Any]]


@dataclass(eq=False)  # identity, so subscribers can live in a set
class Subscriber:
    queue: deque[Event] = field(default_factory=deque)
    queued_bytes: int = 0
    skipped_bytes: int = 0
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    closed: bool = False

    def push(self, event: Event, size: int) -> None:
        if self.queued_bytes + size > SUBSCRIBER_BACKLOG_BYTES and event[0] == "chunk":
            self.skipped_bytes += size
        else:
            self.queue.append(event)
            self.queued_bytes += size
        self.wake.set()

    def close(self) -> None:
        self.closed = True
        self.wake.set()

    async def events(self) -> AsyncIterator[Event]:
        while True:
            if self.skipped_bytes:
                note = f"\n[… {self.skipped_bytes} bytes not shown: this viewer fell behind …]\n"
                self.skipped_bytes = 0
                yield "chunk", {"stream": MARKER_STREAM, "data": note, "seq": 0}
            if self.queue:
                event = self.queue.popleft()
                if event[0] == "chunk":
                    self.queued_bytes -= len(event[1]["data"])
                yield event
                continue
            if self.closed:
                return
            self.wake.clear()
            await self.wake.wait()


@dataclass
class LiveRun:
    buffer: CappedOutput
    # None until the row is written (output may already be arriving).
    run: Run | None = None
    registered: asyncio.Event = field(default_factory=asyncio.Event)
    cancel: asyncio.Event = field(default_factory=asyncio.Event)
    subscribers: set[Subscriber] = field(default_factory=set)
    task: asyncio.Task[Run | None] | None = None
    seq: int = 0
    pid: int | None = None

    def publish(self, stream: str, text: str) -> None:
        self.seq += 1
        self.buffer.add(stream, text, self.seq)
        if self.subscribers:
            event: Event = ("chunk", {"stream": stream, "data": text, "seq": self.seq})
            for sub in self.subscribers:
                sub.push(event, len(text))

    def subscribe(self) -> tuple[list[Event], Subscriber]:
        """The replay (from the start, as kept) and a queue for what comes next."""
        replay: list[Event] = [
            ("chunk", {"stream": s, "data": t, "seq": q}) for s, t, q in self.buffer.chunks()
        ]
        sub = Subscriber()
        self.subscribers.add(sub)
        return replay, sub

    def finish(self, run: Run) -> None:
        self.run = run
        for sub in self.subscribers:
            sub.push(("status", {"run": run.model_dump()}), 0)
            sub.close()
        self.subscribers.clear()

    def snapshot(self) -> Run:
        """The run as stored, with the output kept so far filled in."""
        assert self.run is not None
        return self.run.model_copy(
            update={
                "output": self.buffer.text(),
                "truncated": self.buffer.truncated,
                "output_bytes": self.buffer.total_bytes,
                "pid": self.pid,
            }
        )
