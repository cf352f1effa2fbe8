"""What a reattaching browser is sent: the session's output as a terminal would now show it.

The live stream goes to the browser untouched (a program's queries must be answered live). What is
kept for replay differs in two ways: queries are removed (a replayed query is answered again and
the answer lands in the shell as input), and the alternate screen is treated as a terminal does:
a full-screen program that has exited leaves nothing behind but the modes it changed, so the
normal screen and its scrollback come back; one still running is replayed from where it entered.
"""

from __future__ import annotations

from .escapes import EscapeSplitter, Sequence
from .queries import is_query, state_modes, switches_screen
from .scrollback import Scrollback

_RIS = ord("c")  # ESC c, full reset: leaves the alternate screen and every mode


class ReplayBuffer:
    """Bounded to ``capacity`` bytes in all; a running alternate screen takes at most half."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.normal = Scrollback(capacity)
        self.alt: Scrollback | None = None
        self._enter = b""  # the sequence that entered the alternate screen
        # DEC private modes changed inside the alternate screen, in the order last changed:
        # they outlast it (mouse tracking, bracketed paste, cursor keys…).
        self._modes: dict[bytes, bytes] = {}
        self._keypad = b""
        self._splitter = EscapeSplitter()
        self.total_written = 0

    def __len__(self) -> int:
        alt = len(self.alt) + len(self._enter) if self.alt is not None else 0
        return len(self.normal) + alt

    @property
    def pending(self) -> bytes:
        """An unfinished sequence at the end of the output: not replayed until it completes."""
        return self._splitter.pending

    def append(self, data: bytes) -> None:
        self.total_written += len(data)
        out = bytearray()
        for piece in self._splitter.feed(data):
            if isinstance(piece, bytes):
                out += piece
            elif is_query(piece):
                out += piece.executed
            elif piece.kind == "esc" and piece.final == _RIS and not piece.intermediates:
                self._flush(out)
                self._leave(None)
                out += piece.raw
            elif switches_screen(piece) and (piece.final == ord("h")) == (self.alt is None):
                self._flush(out)
                if self.alt is None:
                    self._enter, self.alt = piece.raw, Scrollback(max(1, self.capacity // 2))
                else:
                    self._leave(piece)
            else:
                if self.alt is not None:
                    self._note_modes(piece)
                out += piece.raw
        self._flush(out)

    def snapshot(self) -> bytes:
        normal = _whole(self.normal)
        if self.alt is None:
            return normal
        if not self.alt.wrapped:
            return normal + self._enter + self.alt.snapshot()
        # The segment's start was dropped for room: restate its modes before what is left.
        return normal + self._enter + self._residue() + _whole(self.alt)

    def _flush(self, out: bytearray) -> None:
        if not out:
            return
        if self.alt is None:
            self.normal.append(bytes(out))
        else:
            self.alt.append(bytes(out))
            # The screen in use wins the shared budget; history gives way.
            self.normal.drop_head(len(self) - self.capacity)
        out.clear()

    def _note_modes(self, seq: Sequence) -> None:
        for mode, setting in state_modes(seq):
            self._modes.pop(mode, None)
            self._modes[mode] = setting
        if seq.kind == "esc" and not seq.intermediates and seq.final in (ord("="), ord(">")):
            self._keypad = seq.raw

    def _leave(self, exit_seq: Sequence | None) -> None:
        """End the alternate screen; ``exit_seq`` None means a full reset (nothing outlasts it)."""
        if self.alt is None:
            return
        if exit_seq is not None:
            self._note_modes(exit_seq)
            self.normal.append(self._residue())
        self.alt, self._enter, self._modes, self._keypad = None, b"", {}, b""

    def _residue(self) -> bytes:
        modes = b"".join(b"\x1b[?" + mode + setting for mode, setting in self._modes.items())
        return modes + self._keypad


def _whole(ring: Scrollback) -> bytes:
    """The ring's bytes; once it has dropped bytes it may start inside a UTF-8 character."""
    raw = ring.snapshot()
    if not ring.wrapped:
        return raw
    start = 0
    while start < min(len(raw), 3) and 0x80 <= raw[start] < 0xC0:
        start += 1
    return raw[start:]
