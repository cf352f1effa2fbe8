"""In-process fd ownership probes for the command capture, on asyncio's loop and on uvloop.

The probe is the one from uvloop #763: when the pipe's file object is closed, it first opens a
fresh pipe (the kernel hands out the lowest free numbers) and checks that the close did not take
one of them. It only can if the pipe's number was already closed by someone else.
"""

from __future__ import annotations

import asyncio
import io
import os
import subprocess
from collections.abc import Callable

import pytest
import uvloop

from forge_orchestrator.commands.capture import Capture, watch_exit
from forge_orchestrator.commands.process import run_process

LOOPS: dict[str, Callable[[], asyncio.AbstractEventLoop]] = {
    "asyncio": asyncio.new_event_loop,
    "uvloop": uvloop.new_event_loop,
}


class ProbeReader(io.BufferedReader):
    """A pipe's file object that records when its close() closes someone else's descriptor."""

    stolen: list[str]

    def close(self) -> None:
        if self.closed:
            return
        fd = self.fileno()
        fresh = os.pipe()
        super().close()
        for other in fresh:
            try:
                os.fstat(other)
            except OSError:
                self.stolen.append(f"closing fd {fd} closed the fresh pipe's fd {other}")
                continue
            os.close(other)


async def _capture_with_probes(stolen: list[str]) -> str:
    proc = subprocess.Popen(
        ["bash", "-c", "echo out; echo err >&2"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    for name in ("stdout", "stderr"):
        pipe = getattr(proc, name)
        probe = ProbeReader(pipe.detach())
        probe.stolen = stolen
        setattr(proc, name, probe)
    exited = watch_exit(proc)
    capture = Capture(1 << 20, None)
    await capture.attach(proc)
    await asyncio.wait_for(capture.pipes_closed, 30)
    capture.close()
    await asyncio.wait_for(exited, 30)
    # Let the loop run the transports' close callbacks (where uvloop closes the file objects).
    for _ in range(5):
        await asyncio.sleep(0)
    return capture.output.text()


@pytest.mark.parametrize("loop_name", list(LOOPS))
def test_capture_never_closes_a_pipe_number_twice(loop_name: str) -> None:
    stolen: list[str] = []
    with asyncio.Runner(loop_factory=LOOPS[loop_name]) as runner:
        for _ in range(5):
            output = runner.run(_capture_with_probes(stolen))
            assert "out" in output and "err" in output
    assert stolen == []


def _open_fds() -> set[str]:
    return {f"{fd} -> {os.readlink(f'/proc/self/fd/{fd}')}" for fd in _fd_numbers()}


def _fd_numbers() -> list[str]:
    # listdir opens the directory itself; that number is gone again when we readlink.
    return [fd for fd in os.listdir("/proc/self/fd") if os.path.exists(f"/proc/self/fd/{fd}")]


@pytest.mark.parametrize("loop_name", list(LOOPS))
def test_command_runs_leave_no_descriptor_open(loop_name: str) -> None:
    async def runs() -> None:
        for _ in range(20):
            result = await run_process("echo hi; echo there >&2", timeout_s=30, output_cap=4096)
            assert result.status == "succeeded"
        # A run that is timed out (killed) closes its pipes too.
        killed = await run_process("sleep 30", timeout_s=0.2, output_cap=4096, grace_s=0.5)
        assert killed.status == "timed_out"

    with asyncio.Runner(loop_factory=LOOPS[loop_name]) as runner:
        runner.run(asyncio.sleep(0))  # the loop's own descriptors exist before the count
        before = _open_fds()
        runner.run(runs())
        after = _open_fds()
    assert after == before
