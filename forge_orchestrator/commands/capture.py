"""Event-loop plumbing for one child: its two output pipes and its exit, on any asyncio loop.

Each pipe is read through a raw descriptor that this module alone owns: it is taken out of
Popen's file object with `os.dup` (the file object is closed at once), watched with
`loop.add_reader` and closed exactly once at EOF or `close()`. `connect_read_pipe` is not used:
under uvloop both libuv and the file object close the same number (uvloop #763), and the second
close lands on whatever descriptor another thread opened in between. Exit is watched with a
pidfd where Linux has one, else by a thread waiting on the process.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import os
import subprocess
import threading
from collections.abc import Callable
from typing import IO

from .output import CappedOutput, StreamDecoder

log = logging.getLogger(__name__)
PIPE_BYTES = 1024 * 1024
# One read per wakeup, like libuv's: big enough for a full-speed producer, small for `true`.
READ_BYTES = 256 * 1024


class Capture:
    """Decodes, tags, caps and forwards what a child writes on stdout (1) and stderr (2)."""

    def __init__(self, cap: int, on_chunk: Callable[[str, str], None] | None) -> None:
        self.output = CappedOutput(cap)
        self.on_chunk = on_chunk
        self.decoders = {1: StreamDecoder(), 2: StreamDecoder()}
        self.pipes_closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.readers: list[_PipeReader] = []
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
        """Start reading both pipes (nothing to await now; kept async for its callers)."""
        loop = asyncio.get_running_loop()
        for fd, pipe in ((1, proc.stdout), (2, proc.stderr)):
            assert pipe is not None
            self.readers.append(_PipeReader(loop, take_fd(pipe), self, fd))

    def close(self) -> None:
        for reader in self.readers:
            reader.close()


def take_fd(pipe: IO[bytes]) -> int:
    """A descriptor for `pipe`'s open file that the caller alone owns; `pipe` is closed.

    Popen's file object would close its number again when collected or closed; a duplicate
    (close-on-exec, like every descriptor Python opens) gives each number exactly one owner.
    """
    fd = os.dup(pipe.fileno())
    pipe.close()
    return fd


def _grow_pipe(fd: int) -> None:
    """Ask for a 1 MiB pipe buffer: a fast producer then fills bigger reads and wakes the loop
    far less often (the 64 KiB default means thousands of small reads per 100 MB)."""
    setpipe = getattr(fcntl, "F_SETPIPE_SZ", None)
    if setpipe is None:
        return
    with contextlib.suppress(OSError):
        fcntl.fcntl(fd, setpipe, PIPE_BYTES)


class _PipeReader:
    """Owns one pipe descriptor: reads it while the loop reports it readable, closes it once."""

    def __init__(
        self, loop: asyncio.AbstractEventLoop, pipe_fd: int, capture: Capture, fd: int
    ) -> None:
        self.loop = loop
        self.pipe_fd = pipe_fd
        self.capture = capture
        self.fd = fd
        try:
            _grow_pipe(pipe_fd)
            os.set_blocking(pipe_fd, False)
            loop.add_reader(pipe_fd, self._readable)
        except BaseException:  # not yet in Capture.readers, so nobody else would close it
            os.close(pipe_fd)
            raise

    def _readable(self) -> None:
        try:
            data = os.read(self.pipe_fd, READ_BYTES)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:  # nothing more will come (EIO and friends): treat as EOF
            data = b""
        if data:
            self.capture.data(self.fd, data)
        else:
            self.close()

    def close(self) -> None:
        """Stop watching and close the descriptor; later calls do nothing."""
        if self.pipe_fd < 0:
            return
        pipe_fd, self.pipe_fd = self.pipe_fd, -1
        # Unregister before closing: the number may be reused the moment it is closed.
        self.loop.remove_reader(pipe_fd)
        os.close(pipe_fd)
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
