"""Replay never carries a terminal query, and shows what a terminal shows after a full-screen
program: recorded from real vim, less and top through a PTY, plus hand-made edge cases."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from forge_orchestrator.terminal.replay import ReplayBuffer

from .recording import Recording, need

# Written independently of the filter: what xterm.js would answer if it met these again.
QUERIES = [
    rb"\x1b\[\??[0-9;]*n",  # DSR / cursor position report
    rb"\x1b\[[>=]?[0-9;]*c",  # device attributes
    rb"\x1b\][0-9]+;(?:[^\x07\x1b]*;)?\?",  # OSC colour / clipboard query
    rb"\x1b\[\??[0-9;]*\$p",  # DECRQM
    rb"\x1b\[>[0-9]*q",  # XTVERSION
    rb"\x1bP[$+]q",  # DECRQSS, XTGETTCAP
]
LINES = b"".join(b"numbered-%d\r\n" % i for i in range(1, 61))


def queries_in(data: bytes) -> list[bytes]:
    return [m.group() for pattern in QUERIES for m in re.finditer(pattern, data)]


def replay_of(*chunks: bytes, capacity: int = 1 << 20) -> bytes:
    buffer = ReplayBuffer(capacity)
    for chunk in chunks:
        buffer.append(chunk)
    return buffer.snapshot()


@pytest.fixture
def vim_file(tmp_path: Path) -> str:
    return str(tmp_path / "notes.txt")


def start_vim(tmp_path: Path, path: str) -> Recording:
    # Vim's defaults (an empty home, no vimrc) ask for the cursor position, the terminal's
    # version and its colours: the queries that came back as junk on a reloaded prompt.
    vim = Recording([need("vim"), "-u", "DEFAULTS", "-i", "NONE", path], tmp_path)
    vim.read_until(b"\x1b]11;?")
    vim.read_until(b"[New]")
    return vim


def test_an_exited_vim_leaves_the_lines_before_it_and_no_query(
    tmp_path: Path, vim_file: str
) -> None:
    vim = start_vim(tmp_path, vim_file)
    vim.type(b":q!\r")
    recorded = vim.finish()
    assert queries_in(recorded), "vim asked nothing: this recording proves nothing"

    replay = replay_of(LINES, b"$ vim notes.txt\r\n", recorded, b"$ ")
    assert queries_in(replay) == []
    assert replay.startswith(LINES)  # all 60 lines, not a vim screen over them
    assert b"[New]" not in replay and b"\x1b[?1049h" not in replay
    assert replay.endswith(b"$ ")
    # Modes vim changed inside its screen are restated, as they outlive it on a terminal.
    assert b"\x1b[?2004l" in replay and b"\x1b[?1l" in replay


def test_a_running_vim_is_replayed_from_where_it_entered_without_its_queries(
    tmp_path: Path, vim_file: str
) -> None:
    vim = start_vim(tmp_path, vim_file)
    drawn = vim.read_until(b"~")
    replay = replay_of(LINES, drawn)
    vim.type(b":q!\r")
    vim.finish()

    assert queries_in(drawn) and queries_in(replay) == []
    screen = replay[replay.index(b"\x1b[?1049h") :]
    assert b"[New]" in screen and b"~" in screen
    assert replay.startswith(LINES)


def test_the_replay_is_the_same_however_the_output_was_chunked(
    tmp_path: Path, vim_file: str
) -> None:
    vim = start_vim(tmp_path, vim_file)
    vim.type(b":q!\r")
    recorded = LINES + vim.finish() + b"$ "
    whole = replay_of(recorded)
    for size in (1, 2, 7, 64):
        pieces = [recorded[i : i + size] for i in range(0, len(recorded), size)]
        assert replay_of(*pieces) == whole, f"differs when read {size} bytes at a time"


def test_less_is_dropped_once_quit_and_shown_while_open(tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_text("".join(f"paged-line-{i}\n" for i in range(200)))
    less = Recording([need("less"), str(page)], tmp_path)
    shown = less.read_until(b"paged-line-10")
    less.type(b"q")
    recorded = less.finish()

    assert b"\x1b[?1049h" in recorded, "less did not use the alternate screen"
    after = replay_of(LINES, recorded, b"$ ")
    assert b"paged-line" not in after and after.startswith(LINES)
    during = replay_of(LINES, shown)
    assert b"paged-line-10" in during[during.index(b"\x1b[?1049h") :]


def test_top_draws_on_the_normal_screen_and_is_kept_as_drawn(tmp_path: Path) -> None:
    # procps top uses no alternate screen: it clears and draws in place, so its last frame is
    # what a terminal shows (the browser keeps the cleared lines in its scrollback).
    top = Recording([need("top"), "-b", "-n", "1"], tmp_path)
    batch = top.finish()
    assert b"PID" in batch
    top = Recording([need("top"), "-n", "1"], tmp_path)
    recorded = top.finish()
    assert b"\x1b[?1049h" not in recorded and b"\x1b[2J" in recorded
    assert replay_of(LINES, recorded) == LINES + recorded


def test_the_queries_of_the_issue_are_dropped_and_everything_else_kept() -> None:
    printed = b"\x1b[6n\x1b[c\x1b[>c\x1b]11;?\x07\x1b]10;?\x1b\\\x1b[?12$p\x1b[>0q\x1bP$qm\x1b\\"
    kept = (
        b"\x1b]0;my title\x07\x1b[1;31mred\x1b[0m \xe2\x96\xbd caf\xc3\xa9\x1bPzz\x1b\\\x1b[22;0;0t"
    )
    assert replay_of(b"a" + printed + kept + b"z") == b"a" + kept + b"z"


@pytest.mark.parametrize(
    ("output", "expected"),
    [
        (b"\x05x", b"x"),  # ENQ asks for the answerback
        (b"\x1bZx", b"x"),  # DECID
        (b"\x1b[14t\x1b[18tx", b"x"),  # window size reports
        (b"\xc2\x9b6nx", b"x"),  # a C1 CSI written as UTF-8 (xterm.js decodes it as one)
        (b"\x1b]4;1;?\x07\x1b]52;c;?\x07x", b"x"),  # palette and clipboard queries
        (b"\x1b[6\nn", b"\n"),  # a C0 control inside a dropped CSI still runs
        (b"\x1b[6\x18nx", b"\x1b[6\x18nx"),  # CAN aborts the sequence: nothing to answer
        (b"\x1b]11;?\x1b[1mx", b"\x1b[1mx"),  # an ESC ends the string and starts anew
        (b"\xc3\xa9\xc2\xa9", b"\xc3\xa9\xc2\xa9"),  # text with C2 lead bytes is left alone
    ],
)
def test_sequence_edge_cases(output: bytes, expected: bytes) -> None:
    assert replay_of(output) == expected
    assert replay_of(*[output[i : i + 1] for i in range(len(output))]) == expected


def test_an_unfinished_sequence_waits_and_an_endless_one_passes_through() -> None:
    buffer = ReplayBuffer(1 << 20)
    buffer.append(b"ok\x1b]11;")
    assert buffer.snapshot() == b"ok" and buffer.pending == b"\x1b]11;"
    buffer.append(b"?\x07done")
    assert buffer.snapshot() == b"okdone"
    endless = b"\x1b]8;;" + b"u" * (100 * 1024)
    buffer.append(endless)
    assert buffer.snapshot() == b"okdone" + endless and buffer.pending == b""


def test_a_long_running_full_screen_program_stays_within_the_budget() -> None:
    capacity = 64 * 1024
    buffer = ReplayBuffer(capacity)
    buffer.append(LINES * 200)  # history that fills the budget
    buffer.append(b"\x1b[?1049h\x1b[?1h\x1b=")
    for frame in range(2000):
        buffer.append(b"\x1b[H\x1b[2Jframe %d " % frame + b"." * 60)
    snapshot = buffer.snapshot()
    assert len(buffer) <= capacity and len(snapshot) <= capacity + 64
    screen = snapshot[snapshot.index(b"\x1b[?1049h") :]
    # Its start was dropped: the modes it set come back right after the switch.
    assert screen.startswith(b"\x1b[?1049h\x1b[?1h\x1b=") and b"frame 1999" in screen
    assert b"numbered-60" in snapshot  # history keeps what the screen leaves room for
    buffer.append(b"\x1b[?1049l$ ")
    assert buffer.snapshot().endswith(b"numbered-60\r\n\x1b[?1h\x1b=$ ")
