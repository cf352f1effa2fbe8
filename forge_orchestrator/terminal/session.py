"""A live PTY session: reads the shell's output on the event loop, keeps scrollback, serves one
attached client at a time under flow control, and ends the shell's processes when closed."""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import errno
import os
import time
from pathlib import Path

from ..db.utils import iso, utcnow
from ..procs import cgroup, reaper
from ..procs.containment import Tree, kill_tree
from .attachment import CLOSE_SESSION_GONE, CLOSE_TAKEN_OVER, Attachment
from .flow_control import FlowControl
from .models import SessionInfo
from .protocol import DetachedFrame, ErrorFrame, ExitFrame, OutputFrame, ReadyFrame, ReplayFrame
from .pty_process import PtyProcess, set_winsize, terminate, try_reap
from .replay import ReplayBuffer

READ_CHUNK = 64 * 1024
MAX_PENDING_INPUT = 4 * 1024 * 1024


class TerminalSession:
    def __init__(
        self,
        session_id: str,
        proc: PtyProcess,
        *,
        rows: int,
        cols: int,
        scrollback_bytes: int,
        number: int = 1,
        tag: str | None = None,
        group: Path | None = None,
    ) -> None:
        self.id = session_id
        self.number = number
        self.proc = proc
        self.tag = tag
        self.group = group  # its cgroup (procs.cgroup), where the system offers one
        self.rows = rows
        self.cols = cols
        self.created_at = iso(utcnow()) or ""
        self.scrollback = ReplayBuffer(scrollback_bytes)
        self.flow = FlowControl()
        self.client: Attachment | None = None
        self.detached_since: float | None = time.monotonic()
        self.exit_code: int | None = None
        self.bytes_read = 0
        self.closed = False
        self._loop = asyncio.get_running_loop()
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._uncharged = 0  # PTY bytes read but not yet carried by a frame (partial UTF-8)
        self._reaped = False
        self._eof = False
        self._exit_sent = False
        self._reading = False
        self._pending_input = bytearray()
        self._writing = False
        self._pidfd: int | None = None
        self._closing: asyncio.Task[None] | None = None
        self._resume_reading()
        self._watch_child()

    # -- state ---------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return not self._reaped

    @property
    def buffered_bytes(self) -> int:
        """Output held in memory for this session: scrollback plus frames not yet sent."""
        queued = self.client.queued_chars if self.client else 0
        return len(self.scrollback) + queued

    def info(self) -> SessionInfo:
        return SessionInfo(
            id=self.id,
            number=self.number,
            pid=self.proc.pid,
            shell=self.proc.argv[0],
            cwd=self.proc.cwd,
            rows=self.rows,
            cols=self.cols,
            created_at=self.created_at,
            status="running" if self.running else "exited",
            exit_code=self.exit_code,
            attached=self.client is not None,
            scrollback_bytes=len(self.scrollback),
        )

    def idle_for(self, now: float) -> float:
        return 0.0 if self.detached_since is None else now - self.detached_since

    # -- attach / detach -----------------------------------------------------------------
    def attach(self) -> Attachment:
        """Attach a new client (taking over from any previous one) and queue the replay."""
        if self.client is not None:
            self.client.push(DetachedFrame(reason="This session was opened in another window."))
            self.client.close(CLOSE_TAKEN_OVER, "attached elsewhere")
        client = Attachment()
        self.client = client
        self.detached_since = None
        self._uncharged = 0
        if self.flow.reset():
            self._resume_reading()
        client.push(ReadyFrame(session=self.info()))
        raw = self._replay_bytes()
        client.push(ReplayFrame(data=raw.decode("utf-8", errors="replace"), bytes=len(raw)))
        if self.flow.sent(len(raw)):
            self._pause_reading()
        if self._exit_sent:
            client.push(ExitFrame(code=self.exit_code))
        return client

    def _replay_bytes(self) -> bytes:
        raw = self.scrollback.snapshot()
        # Bytes of a character still split across reads go out with the next live frame.
        pending = self._decoder.getstate()[0]
        if pending and not self.scrollback.pending and raw.endswith(pending):
            raw = raw[: -len(pending)]
        return raw

    def detach(self, client: Attachment) -> None:
        if self.client is not client:
            return
        self.client = None
        self.detached_since = time.monotonic()
        # Nobody is waiting for acks now: keep draining into the bounded scrollback.
        if self.flow.reset():
            self._resume_reading()

    # -- client frames -------------------------------------------------------------------
    def ack(self, client: Attachment, nbytes: int) -> None:
        if client is self.client and self.flow.acked(nbytes):
            self._resume_reading()

    def resize(self, rows: int, cols: int) -> None:
        self.rows, self.cols = rows, cols
        if not self.closed:
            with contextlib.suppress(OSError):  # the PTY may already be gone after exit
                set_winsize(self.proc.master_fd, rows, cols)

    def write(self, client: Attachment, text: str) -> None:
        if self.closed or self._eof:
            return
        data = text.encode("utf-8", errors="replace")
        if len(self._pending_input) + len(data) > MAX_PENDING_INPUT:
            client.push(
                ErrorFrame(code="input_overflow", message="The program is not reading its input.")
            )
            return
        self._pending_input += data
        self._flush_input()

    def _flush_input(self) -> None:
        while self._pending_input:
            try:
                n = os.write(self.proc.master_fd, self._pending_input)
            except BlockingIOError:
                break
            except OSError:  # EIO: the shell is gone; its input goes nowhere
                self._pending_input.clear()
                break
            del self._pending_input[:n]
        want_writer = bool(self._pending_input) and not self.closed
        if want_writer and not self._writing:
            self._loop.add_writer(self.proc.master_fd, self._flush_input)
        elif not want_writer and self._writing:
            self._loop.remove_writer(self.proc.master_fd)
        self._writing = want_writer

    # -- reading the PTY -----------------------------------------------------------------
    def _resume_reading(self) -> None:
        if not self._reading and not self._eof and not self.closed:
            self._loop.add_reader(self.proc.master_fd, self._on_readable)
            self._reading = True

    def _pause_reading(self) -> None:
        if self._reading:
            self._loop.remove_reader(self.proc.master_fd)
            self._reading = False

    def _on_readable(self) -> None:
        chunks: list[bytes] = []
        total = 0
        drained = False
        while total < READ_CHUNK:
            try:
                data = os.read(self.proc.master_fd, READ_CHUNK - total)
            except BlockingIOError:
                drained = True
                break
            except OSError as exc:
                # EIO: every slave fd is closed, i.e. the shell and all its jobs are gone.
                if exc.errno not in (errno.EIO, errno.EBADF):
                    raise
                data = b""
            if not data:
                self._eof = True
                drained = True
                break
            chunks.append(data)
            total += len(data)
        if chunks:
            self._emit(b"".join(chunks))
        if self._eof:
            self._pause_reading()
        if drained and self._reaped:
            self._send_exit()

    def _emit(self, data: bytes) -> None:
        self.bytes_read += len(data)
        self.scrollback.append(data)
        text = self._decoder.decode(data)
        if self.client is None:
            return
        self._uncharged += len(data)
        if not text:
            return
        nbytes, self._uncharged = self._uncharged, 0
        self.client.push(OutputFrame(data=text, bytes=nbytes))
        if self.flow.sent(nbytes):
            self._pause_reading()

    # -- the child's exit ----------------------------------------------------------------
    def _watch_child(self) -> None:
        try:
            self._pidfd = os.pidfd_open(self.proc.pid)
        except (AttributeError, OSError):
            self._loop.create_task(self._poll_child())
            return
        self._loop.add_reader(self._pidfd, self._on_child_exit)

    async def _poll_child(self) -> None:
        while not self._reaped and not self.closed:
            await asyncio.sleep(0.2)
            self._on_child_exit()

    def _on_child_exit(self) -> None:
        code = try_reap(self.proc.pid)
        if code is None:
            return
        self._mark_reaped(code)
        # Deliver output the shell wrote just before exiting, then the exit frame.
        if self._reading:
            self._on_readable()
        elif self._eof:
            self._send_exit()

    def _mark_reaped(self, code: int | None) -> None:
        if self._reaped:
            return
        self._reaped = True
        self.exit_code = code
        if self._pidfd is not None:
            self._loop.remove_reader(self._pidfd)
            os.close(self._pidfd)
            self._pidfd = None

    def _send_exit(self) -> None:
        if self._exit_sent:
            return
        self._exit_sent = True
        if self.client is not None:
            self.client.push(ExitFrame(code=self.exit_code))

    # -- closing -------------------------------------------------------------------------
    async def close(self) -> None:
        """Kill the shell's process group and jobs, reap the shell, release the PTY."""
        if self._closing is None:
            self._closing = self._loop.create_task(self._close())
        await asyncio.shield(self._closing)

    async def _close(self) -> None:
        self.closed = True
        self._pause_reading()
        if self._pidfd is not None:
            # terminate() reaps the shell now; a second reaper would race it for the status.
            self._loop.remove_reader(self._pidfd)
            os.close(self._pidfd)
            self._pidfd = None
        if self._writing:
            self._loop.remove_writer(self.proc.master_fd)
            self._writing = False
        code = await terminate(self.proc.pid, reaped=self._reaped)
        if not self._reaped:
            self._mark_reaped(code)
        reaper.release_root(self.proc.pid)
        if self.tag is not None:
            # terminate() ended the shell's session; this ends what left it (setsid, daemons).
            await kill_tree(Tree(self.tag, cgroups=(self.group,) if self.group else ()))
        if self.group is not None:
            cgroup.remove(self.group)
        with contextlib.suppress(OSError):
            os.close(self.proc.master_fd)
        self._send_exit()
        if self.client is not None:
            self.client.close(CLOSE_SESSION_GONE, "session closed")
            self.client = None
