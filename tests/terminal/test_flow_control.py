"""Flow control: a flood without acks stops the PTY reader; detached output is ring-bounded."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import psutil
import pytest
from fastapi import FastAPI

from forge_orchestrator.terminal.flow_control import HIGH_WATERMARK, FlowControl
from forge_orchestrator.terminal.scrollback import Scrollback
from forge_orchestrator.terminal.session import READ_CHUNK

from .conftest import live_session

MiB = 1024 * 1024


def test_flood_without_acks_stays_under_a_memory_bound(
    app: FastAPI, new_session: Callable[..., Any], attach: Callable[..., Any]
) -> None:
    info = new_session()
    session = live_session(app, info["id"])
    rss_before = psutil.Process().memory_info().rss
    with attach(info["id"], ack=False) as term:
        term.attach_frames()
        term.type("yes | head -c 50M; echo flood-''over\r")
        while not session.flow.paused:
            term.recv()
        # Give `yes` every chance to push more; nothing may be read while nobody acks.
        read_at_pause = session.bytes_read
        time.sleep(0.5)
        assert session.bytes_read == read_at_pause
        assert session.flow.unacked <= HIGH_WATERMARK + READ_CHUNK
        assert session.bytes_read < 2 * MiB
        assert session.buffered_bytes < 2 * MiB
        rss_growth = psutil.Process().memory_info().rss - rss_before
        assert rss_growth < 40 * MiB, f"RSS grew {rss_growth / MiB:.1f} MiB"
        # Ctrl-C reaches the shell even while output is paused; acking lets the rest drain.
        term.type("\x03")
        term.ack = True
        term.send({"type": "ack", "bytes": term.unacked})
        term.type("echo after-''flood\r")
        term.read_until("after-flood", timeout=60)
        assert session.bytes_read < 50 * MiB


def test_detached_flood_is_bounded_by_the_ring_buffer(
    app: FastAPI, new_session: Callable[..., Any], attach: Callable[..., Any]
) -> None:
    info = new_session()
    session = live_session(app, info["id"])
    with attach(info["id"]) as term:
        term.attach_frames()
        term.type("stty -echo; yes | head -c 8M; echo detached-''end\r")
    deadline = time.monotonic() + 60
    while session.scrollback.snapshot().find(b"detached-end") < 0:
        assert time.monotonic() < deadline, "the detached session stopped reading"
        assert session.buffered_bytes <= session.scrollback.capacity
        time.sleep(0.05)
    assert session.bytes_read > 8 * MiB
    assert len(session.scrollback) <= session.scrollback.capacity
    with attach(info["id"]) as again:
        _, replay = again.attach_frames()
        assert replay["bytes"] <= session.scrollback.capacity
        assert "detached-end" in replay["data"] and replay["data"].count("y") > 100_000


def test_watermarks_pause_and_resume() -> None:
    flow = FlowControl(high=100, low=20)
    assert flow.sent(60) is False
    assert flow.sent(60) is True and flow.paused
    assert flow.acked(50) is False and flow.paused  # 70 left: still above the low mark
    assert flow.acked(60) is True and not flow.paused
    assert flow.acked(10_000) is False and flow.unacked == 0  # over-acking never goes negative
    flow.sent(500)
    assert flow.reset() is True and flow.unacked == 0
    with pytest.raises(ValueError):
        FlowControl(high=10, low=10)


def test_scrollback_keeps_only_the_newest_bytes() -> None:
    ring = Scrollback(10)
    ring.append(b"abcdef")
    ring.append(b"ghij")
    assert ring.snapshot() == b"abcdefghij" and not ring.wrapped
    ring.append(b"KLM")
    assert ring.snapshot() == b"defghijKLM" and ring.wrapped and len(ring) == 10
    ring.append(b"0123456789ABCDEF")
    assert ring.snapshot() == b"6789ABCDEF"
    assert ring.total_written == 29
