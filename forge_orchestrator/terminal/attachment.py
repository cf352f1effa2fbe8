"""One connected client of a session: an ordered queue of outbound frames and a close request."""

from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import dataclass

from pydantic import BaseModel

from .protocol import OutputFrame

# WebSocket close codes the frontend acts on.
CLOSE_TAKEN_OVER = 4001  # another tab attached; do not reconnect automatically
CLOSE_SESSION_GONE = 4404  # the session was closed or never existed
# Output frames waiting together are merged up to this many characters into one message.
MERGE_LIMIT = 256 * 1024


@dataclass(frozen=True)
class CloseRequest:
    code: int
    reason: str


class Attachment:
    """Frames are queued here by the session (sync, on the loop) and drained by the sender task.

    The queue is unbounded by design: output is bounded upstream by flow control (the session
    stops reading the PTY above the high watermark), so it holds at most about that much.
    When the socket is slower than the PTY, consecutive output frames are merged as they are
    taken, so a flood goes out in few large messages while a lone keystroke echo goes at once.
    """

    def __init__(self) -> None:
        self._queue: deque[BaseModel | CloseRequest] = deque()
        self._ready = asyncio.Event()
        self.queued_chars = 0
        self.closed = False

    def push(self, frame: BaseModel) -> None:
        if self.closed:
            return
        if isinstance(frame, OutputFrame):
            self.queued_chars += len(frame.data)
        self._queue.append(frame)
        self._ready.set()

    def close(self, code: int, reason: str) -> None:
        if not self.closed:
            self.closed = True
            self._queue.append(CloseRequest(code, reason))
            self._ready.set()

    async def next(self) -> str | CloseRequest:
        while not self._queue:
            self._ready.clear()
            await self._ready.wait()
        item = self._queue.popleft()
        if isinstance(item, CloseRequest):
            return item
        if isinstance(item, OutputFrame):
            item = self._merge(item)
        return item.model_dump_json()

    def _merge(self, first: OutputFrame) -> OutputFrame:
        parts, nbytes, size = [first.data], first.bytes, len(first.data)
        while self._queue and isinstance(self._queue[0], OutputFrame) and size < MERGE_LIMIT:
            more = self._queue.popleft()
            assert isinstance(more, OutputFrame)
            parts.append(more.data)
            nbytes += more.bytes
            size += len(more.data)
        self.queued_chars -= size
        if len(parts) == 1:
            return first
        return OutputFrame(data="".join(parts), bytes=nbytes)
