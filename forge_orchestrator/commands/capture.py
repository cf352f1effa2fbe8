"""Event-loop plumbing for one child: its two output pipes and its exit, on any asyncio loop.

Pipes are read by `connect_read_pipe` transports (data arrives as soon as the loop sees it, so
the child never blocks on a full pipe); exit is watched with a pidfd where Linux has one, else
by a thread waiting on the process. Works the same on asyncio's loop and on uvloop.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import functools
import logging
import os
import subprocess
import threading
from collections.abc import Callable

from .output import CappedOutput, StreamDecoder

log = logging.getLogger(__name__)
PIPE_BYTES = 1024 * 1024


class Capture:
    """Decodes, tags, caps and forwards what a child writes on stdout (1) and stderr (2)."""

    def __init__(self, cap: int, on_chunk: Callable[[str, str], None] | None) -> None:
        self.output = CappedOutput(cap)
        self.on_chunk = on_chunk
        self.decoders = {1: StreamDecoder(), 2: StreamDecoder()}
        self.pipes_closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.transports: list[asyncio.BaseTransport] = []
        self._open = {1, 2}
        self._seq = 0

    def _emit(self, fd: int, text: str) -> None:
        if not text:
            return
        stream = "stdout" if fd == 1 else "stderr"
        self._seq += 1
        self.output.add(stream, text, self._seq)
        if self.on_chunk is not None:
            try:
                self.on_chunk(stream, text)
            except Exception:  # a broken listener must not stop the capture
                log.exception("on_chunk listener failed")

    def data(self, fd: int, raw: bytes) -> None:
        self._emit(fd, self.decoders[fd].feed(raw))

    def lost(self, fd: int) -> None:
        self._emit(fd, self.decoders[fd].flush())
        self._open.discard(fd)
        if not self._open and not self.pipes_closed.done():
            self.pipes_closed.set_result(None)

    async def attach(self, proc: subprocess.Popen[bytes]) -> None:
        loop = asyncio.get_running_loop()
        for fd, pipe in ((1, proc.stdout), (2, proc.stderr)):
            assert pipe is not None
            _grow_pipe(pipe.fileno())
            transport, _ = await loop.connect_read_pipe(
                functools.partial(_PipeReader, self, fd), pipe
            )
            self.transports.append(transport)

    def close(self) -> None:
        for transport in self.transports:
            transport.close()


def _grow_pipe(fd: int) -> None:
    """Ask for a 1 MiB pipe buffer: a fast producer then fills bigger reads and wakes the loop
    far less often (the 64 KiB default means thousands of small reads per 100 MB)."""
    setpipe = getattr(fcntl, "F_SETPIPE_SZ", None)
    if setpipe is None:
        return
    with contextlib.suppress(OSError):
        fcntl.fcntl(fd, setpipe, PIPE_BYTES)


class _PipeReader(asyncio.Protocol):
    def __init__(self, capture: Capture, fd: int) -> None:
        self.capture = capture
        self.fd = fd

    def data_received(self, data: bytes) -> None:
        self.capture.data(self.fd, data)

    def eof_received(self) -> bool | None:
        return None

    def connection_lost(self, exc: Exception | None) -> None:
        self.capture.lost(self.fd)


def watch_exit(proc: subprocess.Popen[bytes]) -> asyncio.Future[None]:
    """A future resolved once the child has exited and been reaped (proc.returncode set)."""
    loop = asyncio.get_running_loop()
    done: asyncio.Future[None] = loop.create_future()

    def resolve() -> None:
        if not done.done():
            done.set_result(None)

    try:
        pidfd = os.pidfd_open(proc.pid)
    except (AttributeError, OSError):
        pidfd = -1
    if pidfd >= 0:

        def on_ready() -> None:
            loop.remove_reader(pidfd)
            os.close(pidfd)
            proc.wait()  # already exited: this only reaps it
            resolve()

        loop.add_reader(pidfd, on_ready)
        return done

    def wait_in_thread() -> None:
        proc.wait()
        loop.call_soon_threadsafe(resolve)

    threading.Thread(target=wait_in_thread, name=f"wait-{proc.pid}", daemon=True).start()
    return done
