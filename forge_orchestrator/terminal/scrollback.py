"""A bounded byte ring buffer holding the most recent terminal output for replay on attach."""

from __future__ import annotations

from collections import deque


class Scrollback:
    """Keeps the last ``capacity`` bytes written; older bytes are dropped whole-chunk first.

    Chunks are kept as immutable ``bytes`` in a deque so appending never copies the whole
    buffer (a flat bytearray trimmed from the front would memmove up to ``capacity`` per read).
    """

    def __init__(self, capacity: int) -> None:
        if capacity <= 0:
            raise ValueError("capacity must be positive")
        self.capacity = capacity
        self._chunks: deque[bytes] = deque()
        self._size = 0
        self.total_written = 0

    def __len__(self) -> int:
        return self._size

    @property
    def wrapped(self) -> bool:
        """True once bytes have been dropped, so the buffer may start mid-character."""
        return self.total_written > self._size

    def append(self, data: bytes) -> None:
        if not data:
            return
        self.total_written += len(data)
        if len(data) >= self.capacity:
            self._chunks.clear()
            self._chunks.append(bytes(data[-self.capacity :]))
            self._size = self.capacity
            return
        self._chunks.append(bytes(data))
        self._size += len(data)
        self.drop_head(self._size - self.capacity)

    def snapshot(self) -> bytes:
        return b"".join(self._chunks)

    def drop_head(self, nbytes: int) -> None:
        """Forget the oldest ``nbytes`` (to make room elsewhere under a shared budget)."""
        while nbytes > 0 and self._chunks:
            head = self._chunks[0]
            if len(head) <= nbytes:
                self._chunks.popleft()
                self._size -= len(head)
                nbytes -= len(head)
            else:
                self._chunks[0] = head[nbytes:]
                self._size -= nbytes
                nbytes = 0
