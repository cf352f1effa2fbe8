"""The one output cap: text kept up to a byte cap, head and tail, the middle replaced by a marker.

Command runs, flow shell steps and the run API all cap output with this rule, so a setting such
as `command_output_cap_bytes` means the same thing everywhere.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

MARKER_STREAM = "info"


def marker_text(omitted: int) -> str:
    return f"\n\n[… {omitted} bytes omitted: output exceeded the stored cap …]\n\n"


@dataclass
class CappedOutput:
    """Keeps the first half of the cap and a rolling last half; counts everything it saw."""

    cap: int
    # Entries are (stream, text, seq); tail entries also carry their size in bytes.
    head: list[tuple[str, str, int]] = field(default_factory=list)
    tail: deque[tuple[str, str, int, int]] = field(default_factory=deque)
    head_bytes: int = 0
    tail_bytes: int = 0
    total_bytes: int = 0
    head_closed: bool = False

    @property
    def head_cap(self) -> int:
        return self.cap // 2

    @property
    def tail_cap(self) -> int:
        return self.cap - self.head_cap

    @property
    def truncated(self) -> bool:
        return self.total_bytes > self.head_bytes + self.tail_bytes

    def add(self, stream: str, text: str, seq: int = 0) -> None:
        size = len(text.encode("utf-8", "surrogatepass"))
        self.total_bytes += size
        if not self.head_closed:
            room = self.head_cap - self.head_bytes
            if size <= room:
                self.head.append((stream, text, seq))
                self.head_bytes += size
                return
            part = _prefix_bytes(text, room)
            if part:
                part_size = len(part.encode("utf-8", "surrogatepass"))
                self.head.append((stream, part, seq))
                self.head_bytes += part_size
                text = text[len(part) :]
                size -= part_size
            self.head_closed = True
        if size:
            self._add_tail(stream, text, seq, size)

    def _add_tail(self, stream: str, text: str, seq: int, size: int) -> None:
        if size > self.tail_cap:
            text = _suffix_bytes(text, self.tail_cap)
            size = len(text.encode("utf-8", "surrogatepass"))
            self.tail.clear()
            self.tail_bytes = 0
        self.tail.append((stream, text, seq, size))
        self.tail_bytes += size
        while self.tail_bytes > self.tail_cap and self.tail:
            old_stream, old_text, old_seq, old_size = self.tail.popleft()
            excess = self.tail_bytes - self.tail_cap
            if old_size > excess:
                kept = _suffix_bytes(old_text, old_size - excess)
                kept_size = len(kept.encode("utf-8", "surrogatepass"))
                self.tail.appendleft((old_stream, kept, old_seq, kept_size))
                self.tail_bytes += kept_size - old_size
                break
            self.tail_bytes -= old_size

    def chunks(self) -> list[tuple[str, str, int]]:
        """Kept (stream, text, seq) chunks in order; a marker (seq 0) where bytes were dropped."""
        out = list(self.head)
        if self.truncated:
            omitted = self.total_bytes - self.head_bytes - self.tail_bytes
            out.append((MARKER_STREAM, marker_text(max(omitted, 0)), 0))
        out.extend((s, t, q) for s, t, q, _ in self.tail)
        return out

    def text(self) -> str:
        return "".join(t for _, t, _ in self.chunks())


def _prefix_bytes(text: str, limit: int) -> str:
    """The longest prefix of text whose UTF-8 encoding fits in limit bytes."""
    raw = text.encode("utf-8", "surrogatepass")[:limit]
    return raw.decode("utf-8", "ignore")


def _suffix_bytes(text: str, limit: int) -> str:
    raw = text.encode("utf-8", "surrogatepass")
    return raw[max(len(raw) - limit, 0) :].decode("utf-8", "ignore")


def cap_text(text: str, cap: int) -> tuple[str, bool]:
    """text kept whole when it fits in cap bytes, else its head and tail around a marker."""
    buf = CappedOutput(cap)
    buf.add("stdout", text)
    return buf.text(), buf.truncated
