"""Which control sequences ask the terminal for an answer, and which switch the alternate screen.

A query replayed into a fresh xterm.js is answered again, and the answer arrives at the shell as
typed input (the "2RR0;276;0c10;rgb:…" junk on a reloaded prompt). These are the queries xterm
and xterm.js answer, from xterm's ctlseqs and xterm.js's InputHandler.
"""

from __future__ import annotations

from .escapes import Sequence

# XTWINOPS that report (sizes, positions, titles); the others (22/23: push/pop title) act.
_WINDOW_REPORTS = {b"11", b"13", b"14", b"15", b"16", b"18", b"19", b"20", b"21"}
# DEC private modes that switch to the alternate screen (1049 also saves/restores the cursor).
ALT_SCREEN_MODES = {b"47", b"1047", b"1049"}
_NOT_STATE = ALT_SCREEN_MODES | {b"1048"}  # 1048 saves/restores the cursor: an act, not a mode


def is_query(seq: Sequence) -> bool:
    if seq.aborted:
        return False
    if seq.kind == "enq":
        return True  # answerback
    if seq.kind == "esc":
        return seq.final == ord("Z") and not seq.intermediates  # DECID, an old DA1
    if seq.kind == "osc":
        # OSC 4;n;? / 10;? / 11;? / 12;? / 52;c;? …: a "?" in place of a value asks for it.
        return b"?" in seq.payload.split(b";")[1:]
    if seq.kind == "dcs":
        return seq.intermediates in (b"$", b"+") and seq.final == ord("q")  # DECRQSS, XTGETTCAP
    if seq.kind != "csi":
        return False
    return _is_csi_query(seq)


def _is_csi_query(seq: Sequence) -> bool:
    final, prefix, inter = chr(seq.final), seq.prefix, seq.intermediates
    if not inter:
        if final == "n":  # DSR / DECDSR (CSI > n sets modifier keys instead)
            return prefix in (b"", b"?")
        if final == "c":  # DA1, DA2 (>), DA3 (=)
            return True
        if final == "x":  # DECREQTPARM
            return prefix == b""
        if final == "t":
            return prefix == b"" and seq.params.split(b";")[0] in _WINDOW_REPORTS
        if final == "q":  # XTVERSION
            return prefix == b">"
        if final in "umS":  # kitty keyboard flags, XTQMODKEYS, XTSMGRAPHICS
            return prefix == b"?"
        return False
    if inter == b"$":
        return final in "pw"  # DECRQM (ANSI and DEC private), DECRQPSR
    return inter == b"*" and final == "y"  # DECRQCRA (a checksum of screen cells)


def dec_modes(seq: Sequence) -> list[bytes]:
    """The mode numbers of a DEC private mode set/reset (CSI ? Pm h / l), else []."""
    if seq.kind != "csi" or seq.prefix != b"?" or seq.intermediates or seq.aborted:
        return []
    if seq.final not in (ord("h"), ord("l")):
        return []
    return [p for p in seq.params.split(b";") if p]


def switches_screen(seq: Sequence) -> bool:
    return any(mode in ALT_SCREEN_MODES for mode in dec_modes(seq))


def state_modes(seq: Sequence) -> list[tuple[bytes, bytes]]:
    """(mode, b"h" | b"l") pairs of a mode sequence that a terminal keeps after the screen ends."""
    modes = [m for m in dec_modes(seq) if m not in _NOT_STATE]
    return [(m, bytes([seq.final])) for m in modes]
