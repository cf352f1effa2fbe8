"""Records what a real program writes to its terminal, through a real PTY, for the replay tests."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import shutil
import struct
import termios
import time
from pathlib import Path

import pytest


def need(program: str) -> str:
    path = shutil.which(program)
    if path is None:
        pytest.skip(f"{program} is not installed on this machine")
    return path


class Recording:
    """A program on a PTY (rows x cols) whose every output byte is kept in ``output``."""

    def __init__(self, argv: list[str], home: Path, rows: int = 24, cols: int = 80) -> None:
        self.output = bytearray()
        pid, fd = pty.fork()
        if pid == 0:  # pragma: no cover - the child, until exec
            env = {"TERM": "xterm-256color", "HOME": str(home), "PATH": os.environ["PATH"]}
            os.execve(argv[0], argv, env)
        self.pid, self.fd = pid, fd
        os.set_blocking(fd, False)
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))

    def read_until(self, needle: bytes, timeout: float = 15.0) -> bytes:
        """Output so far, once it holds ``needle`` (the program has drawn what we wait for)."""
        deadline = time.monotonic() + timeout
        while needle not in self.output:
            if not self._read(deadline - time.monotonic()):
                raise AssertionError(f"{needle!r} never came: {bytes(self.output[-400:])!r}")
        return bytes(self.output)

    def type(self, keys: bytes) -> None:
        os.write(self.fd, keys)

    def finish(self, timeout: float = 15.0) -> bytes:
        """Everything the program wrote, once it has exited and its PTY is drained."""
        deadline = time.monotonic() + timeout
        while self._read(deadline - time.monotonic()):
            pass
        os.waitpid(self.pid, 0)
        os.close(self.fd)
        return bytes(self.output)

    def _read(self, remaining: float) -> bool:
        if remaining <= 0:
            raise AssertionError(f"timed out; output so far: {bytes(self.output[-400:])!r}")
        ready, _, _ = select.select([self.fd], [], [], min(remaining, 0.5))
        if not ready:
            return True
        try:
            data = os.read(self.fd, 65536)
        except BlockingIOError:
            return True
        except OSError:  # EIO: the program and every holder of the slave are gone
            return False
        self.output += data
        return bool(data)
