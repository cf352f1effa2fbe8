"""File descriptors of a real server: none closed twice (strace), none leaked into its children.

A descriptor closed twice is closed under whoever reused the number in between (uvloop #763:
SQLite's "disk I/O error", a socket read by the wrong connection). A descriptor inherited by a
child outlives the server: a `setsid sleep` in a terminal would keep the port bound.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import psutil
import pytest
from websockets.sync.client import ClientConnection, connect

from tests.e2e.harness import TOKEN, ServerProcess

from .load import LoadResult, create_flow, wait_for_runs

STRACE = shutil.which("strace")
# close/dup* are what the audit is about; the clone family tells the server's threads apart
# from its children (whose own closes before exec are not the server's descriptors).
TRACED = "close,dup,dup2,dup3,clone,clone3,fork,vfork"
RUNS = 6
# Lists the shell's own descriptors: `; true` keeps bash from exec'ing ls in its place.
LIST_FDS = "command ls -l --color=never /proc/$$/fd; true"
FLOW_STEP_FDS = {
    "name": "fd listing",
    "description": "one shell step that lists its fds",
    "data": {
        "nodes": [
            {"id": "a", "type": "shell", "position": {"x": 0, "y": 0}, "data": {"command": ""}}
        ],
        "edges": [],
        "settings": {"auto_approve": True},
    },
}


def _strace_problem() -> str | None:
    """Why strace cannot trace here (not installed, ptrace refused), or None if it can."""
    if STRACE is None:
        return "strace is not installed (make strace installs it)"
    probe = subprocess.run(
        [STRACE, "-f", "-qq", "-e", "trace=close", "-o", os.devnull, "true"],
        capture_output=True,
        text=True,
        check=False,
    )
    if probe.returncode != 0:
        return f"strace cannot trace in this environment: {probe.stderr.strip()[:200]}"
    return None


# -- talking to the server ---------------------------------------------------------------------
def _wait_final(base: str, *, commands: list[int], flows: list[int]) -> None:
    finals = wait_for_runs(base, LoadResult(command_runs=commands, flow_runs=flows))
    assert finals["unfinished"] == 0, finals


def _command_output(api: httpx.Client, base: str, command: str) -> str:
    run_id = int(api.post("/api/commands/run", json={"command": command}).json()["run"]["id"])
    _wait_final(base, commands=[run_id], flows=[])
    run = api.get(f"/api/commands/runs/{run_id}").json()
    assert run["status"] == "succeeded", run
    return str(run["output"])


def _flow_step_output(api: httpx.Client, base: str, command: str) -> str:
    flow = json.loads(json.dumps(FLOW_STEP_FDS))
    flow["data"]["nodes"][0]["data"]["command"] = command
    flow_id = int(api.post("/api/flows", json=flow).json()["id"])
    run_id = int(
        api.post(f"/api/flows/{flow_id}/runs", json={"auto_approve": True}).json()["run"]["id"]
    )
    _wait_final(base, commands=[], flows=[run_id])
    run = api.get(f"/api/flows/runs/{run_id}").json()
    assert run["status"] == "succeeded", run
    return str(run["nodes"][0]["output"])


@contextlib.contextmanager
def _terminal(srv: ServerProcess) -> Iterator[tuple[str, ClientConnection]]:
    """A new terminal session attached over the real WebSocket; closed (DELETE) on exit."""
    with srv.client() as api:
        session_id = str(api.post("/api/terminal/sessions", json={}).json()["id"])
        url = f"ws://127.0.0.1:{srv.port}/api/terminal/sessions/{session_id}/ws"
        try:
            with connect(url, additional_headers={"Authorization": f"Bearer {TOKEN}"}) as ws:
                yield session_id, ws
        finally:
            with contextlib.suppress(httpx.HTTPError):  # the server may be gone (kill -9)
                api.delete(f"/api/terminal/sessions/{session_id}")


def _type_and_read(ws: ClientConnection, line: str, marker: str, timeout: float = 30) -> str:
    """Type one line into the shell, return everything it printed up to `marker`."""
    ws.send(json.dumps({"type": "input", "data": line + "\r"}))
    text = ""
    deadline = time.monotonic() + timeout
    while marker not in text:
        frame: dict[str, Any] = json.loads(ws.recv(timeout=max(0.1, deadline - time.monotonic())))
        if frame["type"] in ("output", "replay"):
            text += frame["data"]
            ws.send(json.dumps({"type": "ack", "bytes": frame["bytes"]}))
    return text


def _fd_table(listing: str) -> dict[int, str]:
    """`ls -l /proc/PID/fd` lines → {fd: target}."""
    return {int(m[1]): m[2].strip() for m in re.finditer(r" (\d+) -> (\S+)", listing)}


# -- strace ------------------------------------------------------------------------------------
def _server_tids(prefix: Path, root: int) -> dict[int, Path]:
    """strace -ff files of the server's own threads: the root and what it cloned CLONE_THREAD."""
    files = {int(p.suffix[1:]): p for p in prefix.parent.glob(prefix.name + ".*")}
    server: dict[int, Path] = {}
    queue = [root]
    while queue:
        tid = queue.pop()
        if tid in server or tid not in files:
            continue
        server[tid] = files[tid]
        for line in files[tid].read_text(errors="replace").splitlines():
            spawned = re.match(r"(?:clone3?|v?fork)\(.*\)\s+= (\d+)$", line)
            if spawned and "CLONE_THREAD" in line:
                queue.append(int(spawned[1]))
    return server


def ebadf_closes(prefix: Path, root: int) -> list[str]:
    """Every close() by a server thread that failed with EBADF: a number closed twice."""
    return [
        f"{tid}: {line}"
        for tid, path in _server_tids(prefix, root).items()
        for line in path.read_text(errors="replace").splitlines()
        if re.match(r"close\(\d+\)\s+= -1 EBADF", line)
    ]


@pytest.fixture
def home(tmp_path: Path) -> Path:
    # Shells start from an empty home, so the developer's rc files stay out of the test.
    path = tmp_path / "home"
    path.mkdir()
    return path


def test_no_descriptor_is_closed_twice_under_strace(tmp_path: Path, home: Path) -> None:
    """Command runs, flow shell steps and a terminal session: zero close() = -1 EBADF."""
    problem = _strace_problem()
    if problem is not None:
        pytest.skip(problem)
    assert STRACE is not None
    prefix = tmp_path / "trace" / "server"
    prefix.parent.mkdir()
    wrapper = [STRACE, "-f", "-ff", "-qq", "-e", f"trace={TRACED}", "-o", str(prefix)]
    srv = ServerProcess(data_dir=tmp_path / "data", env={"HOME": str(home)}, wrapper=wrapper)
    srv.start(timeout=90)
    assert srv.proc is not None
    root = psutil.Process(srv.proc.pid).children()[0].pid  # strace's tracee: the server
    try:
        base = srv.base_url
        flow_id = create_flow(base)  # two parallel `true` steps
        with srv.client() as api:
            commands = [
                int(
                    api.post(
                        "/api/commands/run", json={"command": "echo out; echo err >&2"}
                    ).json()["run"]["id"]
                )
                for _ in range(RUNS)
            ]
            flows = [
                int(
                    api.post(f"/api/flows/{flow_id}/runs", json={"auto_approve": True}).json()[
                        "run"
                    ]["id"]
                )
                for _ in range(RUNS)
            ]
        _wait_final(base, commands=commands, flows=flows)
        for n in range(2):
            with _terminal(srv) as (_, ws):
                _type_and_read(ws, f"echo term-$((40+{n}))", f"term-{40 + n}")
    finally:
        # SIGTERM the server itself (not strace): a normal shutdown, fully traced.
        with contextlib.suppress(ProcessLookupError):
            os.kill(root, signal.SIGTERM)
        srv.proc.wait(timeout=60)
    bad = ebadf_closes(prefix, root)
    assert bad == [], f"{len(bad)} descriptors closed twice by the server:\n" + "\n".join(bad[:20])


# -- children hold no server descriptor ----------------------------------------------------------
@pytest.fixture
def server(tmp_path: Path, home: Path) -> Iterator[ServerProcess]:
    srv = ServerProcess(data_dir=tmp_path / "data", env={"HOME": str(home)}).start()
    yield srv
    srv.stop()


def test_command_runs_and_flow_steps_get_only_stdin_stdout_stderr(server: ServerProcess) -> None:
    with server.client() as api:
        command = _fd_table(_command_output(api, server.base_url, LIST_FDS))
        step = _fd_table(_flow_step_output(api, server.base_url, LIST_FDS))
    for table in (command, step):
        # No listening socket, database/WAL file, pidfd, PTY master or epoll/eventfd.
        assert sorted(table) == [0, 1, 2], table
        assert table[0] == "/dev/null", table
        assert all(table[fd].startswith("pipe:") for fd in (1, 2)), table


def test_terminal_shell_gets_only_its_own_pty(server: ServerProcess) -> None:
    # A second session first, so another session's PTY master exists to leak.
    with _terminal(server), _terminal(server) as (_, ws):
        table = _fd_table(_type_and_read(ws, LIST_FDS + "; echo END-$((6*7))", "END-42"))
    assert table, "the listing printed nothing"
    # bash keeps a copy of its terminal on 255; anything else came from the server.
    assert set(table) <= {0, 1, 2, 255}, table
    assert all(target.startswith("/dev/pts/") for target in table.values()), table


def _sleepers(mark: str) -> list[psutil.Process]:
    found = []
    for proc in psutil.process_iter(["cmdline"]):
        if proc.info["cmdline"] == ["sleep", mark]:
            found.append(proc)
    return found


def test_port_is_free_after_kill_9_with_a_setsid_job_left_in_a_terminal(
    tmp_path: Path, home: Path
) -> None:
    mark = f"3{os.getpid() % 10000}.5"  # a sleep length no other process uses
    srv = ServerProcess(data_dir=tmp_path / "data", env={"HOME": str(home)}).start()
    try:
        with _terminal(srv) as (_, ws):
            _type_and_read(ws, f"setsid sleep {mark} & echo STARTED-$((6*7))", "STARTED-42")
            deadline = time.monotonic() + 15
            while not _sleepers(mark) and time.monotonic() < deadline:
                time.sleep(0.05)
            assert _sleepers(mark), "the setsid sleep did not start"
            srv.kill9()
        # The sleep survives the server (its own session), holding whatever it inherited.
        assert _sleepers(mark)
        with socket.socket() as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind(("127.0.0.1", srv.port))  # EADDRINUSE while a child holds the listener
            sock.listen()
    finally:
        srv.stop()
        for proc in _sleepers(mark):
            with contextlib.suppress(psutil.Error):
                proc.kill()
