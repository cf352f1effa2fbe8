"""A streaming scanner of terminal output for the control sequences a replay filter acts on.

Sequence boundaries follow the DEC ANSI parser's state machine (vt100.net/emu/dec_ansi_parser)
as xterm.js applies it: C1 controls also arrive as UTF-8 code points (``C2 9B`` is CSI), a C0
control inside a CSI is executed in place, CAN and SUB abort a sequence, and an ESC always
starts a new one (it ends any string). That last rule is what makes a sparse scan exact: every
ESC opens a sequence, so the few kinds we act on can be searched for with one pattern, and the
bytes between them, other sequences included, pass as opaque text at C speed. Only the last
ESC of a read can open a sequence that is still incomplete.

A hand-written scanner rather than pyte: pyte's stream drives its own screen model and hands
out parsed arguments, not the raw bytes of each sequence, which is what a filter must keep.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ESC, BEL, CAN, SUB = 0x1B, 0x07, 0x18, 0x1A
# A sequence longer than this is passed on as it is, unparsed: nothing we drop is that long,
# and holding it would let one unterminated OSC grow without bound.
MAX_SEQUENCE = 64 * 1024

_MID = rb"[\x00-\x17\x19\x1c-\x3f]*"  # CSI parameters, intermediates and executed C0s
_CSI = rb"(?:" + _MID + rb"[nctqSxpwy]|\?" + _MID + rb"[umhl])"
# The sequences worth a look: CSIs whose final byte can make a report or switch a DEC mode
# (SGR's "m" only with the "?" of XTQMODKEYS, so colours stay on the fast path), every
# string (OSC, DCS, SOS/PM/APC: few, and a "?" may be deep inside), ESC Z / c / = / >, ENQ.
# One pattern per first byte: a literal first byte lets the regex engine skip text at memchr
# speed, where one pattern of three alternatives is tried at every byte (20x slower).
_WANTED = (
    re.compile(rb"\x1b(?:\[" + _CSI + rb"|[]PX^_Zc=>])"),
    re.compile(rb"\xc2(?:\x9b" + _CSI + rb"|[\x90\x98\x9d\x9e\x9f])"),
    re.compile(rb"\x05"),
)
_C1_OPENER = re.compile(rb"\xc2(?:[\x80-\x9f]|\Z)")  # a C1 control, or maybe one
# Where a string (OSC, DCS, SOS/PM/APC) may stop: BEL, CAN, SUB, ESC, or C1 ST.
_STRING_STOP = re.compile(rb"[\x07\x18\x1a\x1b]|\xc2\x9c|\xc2\Z")
# C1 code point -> the 7-bit ESC final it stands for (0x9B -> '[').
_C1_TO_ESC = {c: c - 0x40 for c in range(0x80, 0xA0)}


@dataclass(frozen=True)
class Sequence:
    """One complete (or aborted) control sequence and the raw bytes it took."""

    kind: str  # "esc", "csi", "osc", "dcs", "string" (SOS/PM/APC), "enq"
    raw: bytes
    prefix: bytes = b""  # private marker of a CSI/DCS: b"?", b">", b"=", b"<"
    params: bytes = b""
    intermediates: bytes = b""
    final: int = 0
    payload: bytes = b""  # the data of an OSC/DCS/SOS/PM/APC string
    executed: bytes = b""  # C0 controls met inside a CSI: a terminal runs them even if the CSI goes
    aborted: bool = False


Piece = bytes | Sequence


class EscapeSplitter:
    """Feed bytes in any chunking; get back text and the wanted sequences, whole, in order."""

    def __init__(self) -> None:
        self._held = b""  # the raw bytes of a sequence still incomplete at the end of a read

    @property
    def pending(self) -> bytes:
        """Bytes of an unfinished sequence, not yet returned."""
        return self._held

    def feed(self, data: bytes) -> list[Piece]:
        buf = self._held + data if self._held else data
        self._held = b""
        out: list[Piece] = []
        pos = 0
        tail = -1
        found: list[int] = [-1] * len(_WANTED)  # each pattern's next match at or after pos
        while (start := _next_wanted(buf, pos, found)) >= 0:
            seq, nxt = self._sequence(buf, start)
            if seq is None:  # it runs to the end of what has been read
                tail = self._hold_from(buf, start)
                break
            if start > pos:
                out.append(buf[pos:start])
            out.append(seq)
            pos = nxt
        if tail < 0:
            tail = self._incomplete_tail(buf, pos)
        if tail > pos:
            out.append(buf[pos:tail])
        self._held = buf[tail:]
        return out

    def _incomplete_tail(self, buf: bytes, pos: int) -> int:
        """Where an unfinished sequence at the end of ``buf`` starts (``len(buf)`` if none)."""
        # Only the last opener can be unfinished: any later ESC would have ended it.
        last = buf.rfind(b"\x1b", pos)
        for opener in _C1_OPENER.finditer(buf, max(pos, last)):
            last = opener.start()
        if last < 0 or self._sequence(buf, last)[0] is not None:
            return len(buf)
        return self._hold_from(buf, last)

    @staticmethod
    def _hold_from(buf: bytes, start: int) -> int:
        # Nothing we drop is this long, and holding it would let one unterminated string grow
        # without bound: past the limit it passes as text.
        return len(buf) if len(buf) - start > MAX_SEQUENCE else start

    def _sequence(self, buf: bytes, start: int) -> tuple[Sequence | None, int]:
        """Parse the sequence opening at ``start``; (None, _) when the buffer ends inside it."""
        if buf[start] == 0x05:
            return Sequence("enq", b"\x05"), start + 1
        if buf[start] == ESC:
            if start + 1 >= len(buf):
                return None, 0
            intro, body = buf[start + 1], start + 2
        else:  # C2 xx: a C1 control as UTF-8
            if start + 1 >= len(buf):
                return None, 0
            intro, body = _C1_TO_ESC[buf[start + 1]], start + 2
        if intro == ord("["):
            return self._csi(buf, start, body)
        if intro in (ord("]"), ord("P"), ord("X"), ord("^"), ord("_")):
            return self._string(buf, start, body, intro)
        return self._esc(buf, start, start + 1)

    def _esc(self, buf: bytes, start: int, pos: int) -> tuple[Sequence | None, int]:
        if buf[start] != ESC:  # a lone C1 control other than the string/CSI introducers
            return Sequence("esc", buf[start : pos + 1], final=_C1_TO_ESC[buf[pos]]), pos + 1
        inter = bytearray()
        while pos < len(buf):
            b = buf[pos]
            if 0x20 <= b <= 0x2F:
                inter.append(b)
            elif 0x30 <= b <= 0x7E:
                raw = buf[start : pos + 1]
                return Sequence("esc", raw, intermediates=bytes(inter), final=b), pos + 1
            elif b in (CAN, SUB) or b == ESC:
                # CAN/SUB abort; a new ESC restarts. Both end this one without a dispatch.
                stop = pos + 1 if b != ESC else pos
                return Sequence("esc", buf[start:stop], aborted=True), stop
            pos += 1  # other C0 bytes are executed; DEL is ignored
        return None, 0

    def _csi(self, buf: bytes, start: int, pos: int) -> tuple[Sequence | None, int]:
        prefix, params, inter, executed = bytearray(), bytearray(), bytearray(), bytearray()
        while pos < len(buf):
            b = buf[pos]
            if 0x3C <= b <= 0x3F and not params and not inter:
                prefix.append(b)
            elif 0x30 <= b <= 0x3F:
                params.append(b)
            elif 0x20 <= b <= 0x2F:
                inter.append(b)
            elif 0x40 <= b <= 0x7E:
                return Sequence(
                    "csi",
                    buf[start : pos + 1],
                    prefix=bytes(prefix),
                    params=bytes(params),
                    intermediates=bytes(inter),
                    final=b,
                    executed=bytes(executed),
                ), pos + 1
            elif b in (CAN, SUB) or b == ESC:
                stop = pos + 1 if b != ESC else pos
                return Sequence(
                    "csi", buf[start:stop], executed=bytes(executed), aborted=True
                ), stop
            elif b < 0x20:
                executed.append(b)
            pos += 1  # DEL and bytes >= 0x80 are ignored inside a CSI
        return None, 0

    def _string(self, buf: bytes, start: int, pos: int, intro: int) -> tuple[Sequence | None, int]:
        stop = _STRING_STOP.search(buf, pos)
        if stop is None:
            return None, 0
        s = stop.start()
        b = buf[s]
        if b == ESC or b == 0xC2:
            if s + 1 >= len(buf):
                return None, 0
            # ESC \ (or C1 ST, which the pattern only matches whole) is the terminator and
            # belongs here; any other ESC ends the string and starts a sequence of its own.
            is_st = b == 0xC2 or buf[s + 1] == ord("\\")
            nxt = s + 2 if is_st else s
        else:  # BEL ends an OSC (xterm); CAN/SUB abort the string
            nxt = s + 1
        kind = {ord("]"): "osc", ord("P"): "dcs"}.get(intro, "string")
        return _string_sequence(kind, buf[start:nxt], buf[pos:s], aborted=b in (CAN, SUB)), nxt


def _string_sequence(kind: str, raw: bytes, payload: bytes, *, aborted: bool) -> Sequence:
    if kind != "dcs":
        return Sequence(kind, raw, payload=payload, aborted=aborted)
    # A DCS opens like a CSI (marker, parameters, intermediates, final) before its data.
    match = re.match(rb"([\x3c-\x3f]*)([\x30-\x3f]*)([\x20-\x2f]*)([\x40-\x7e]?)", payload)
    assert match is not None  # every part may be empty, so it always matches
    prefix, params, inter, final = match.groups()
    return Sequence(
        "dcs",
        raw,
        prefix=prefix,
        params=params,
        intermediates=inter,
        final=final[0] if final else 0,
        payload=payload[match.end() :],
        aborted=aborted,
    )


def _next_wanted(buf: bytes, pos: int, found: list[int]) -> int:
    """The first wanted sequence's start at or after ``pos``, or -1; ``found`` caches searches."""
    best = -1
    for i, pattern in enumerate(_WANTED):
        at = found[i]
        if at != len(buf) and at < pos:
            match = pattern.search(buf, pos)
            at = found[i] = match.start() if match else len(buf)
        if at < len(buf) and (best < 0 or at < best):
            best = at
    return best
