"""Watermark flow control between the PTY reader and the attached client's acknowledgements.

The server counts every output byte it sends to the attached client and subtracts the bytes
the client acknowledges (xterm.js acks from its ``write`` callback, i.e. once the data has been
parsed and rendered). Above ``high`` unacknowledged bytes the server stops reading the PTY, so
the shell's writes block in the kernel instead of piling up in our memory or the browser's;
below ``low`` it resumes. This is the watermark scheme the xterm.js flow-control guide
recommends, moved server-side because the server is the one that can stop reading.

While no client is attached nothing is unacknowledged: the reader keeps draining the PTY into
the bounded scrollback ring buffer (like tmux or screen do), so a detached `yes` costs CPU but
never memory, and a program writing while nobody watches is not frozen.
"""

from __future__ import annotations

from dataclasses import dataclass

HIGH_WATERMARK = 256 * 1024
LOW_WATERMARK = 64 * 1024


@dataclass
class FlowControl:
    high: int = HIGH_WATERMARK
    low: int = LOW_WATERMARK
    unacked: int = 0
    paused: bool = False

    def __post_init__(self) -> None:
        if not 0 <= self.low < self.high:
            raise ValueError("need 0 <= low < high")

    def sent(self, nbytes: int) -> bool:
        """Record bytes sent to the client; True when the reader must pause now."""
        self.unacked += nbytes
        if not self.paused and self.unacked > self.high:
            self.paused = True
            return True
        return False

    def acked(self, nbytes: int) -> bool:
        """Record bytes the client consumed; True when a paused reader may resume now."""
        # A confused client may over-ack; never let the count go negative and block forever.
        self.unacked = max(0, self.unacked - max(0, nbytes))
        if self.paused and self.unacked < self.low:
            self.paused = False
            return True
        return False

    def reset(self) -> bool:
        """Forget the previous client's debt (detach or takeover); True if that un-pauses."""
        was_paused = self.paused
        self.unacked = 0
        self.paused = False
        return was_paused
