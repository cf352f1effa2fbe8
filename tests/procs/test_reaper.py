"""The server as child subreaper: a run's orphans stay its children and are reaped; the
reaper never takes the exit status of a child that a Popen (or a PTY session) owns."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from forge_orchestrator.procs import reaper
from forge_orchestrator.procs.scan import TAG_VAR, snapshot
from tests.e2e.harness import ServerProcess


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    srv = ServerProcess(data_dir=tmp_path / "data").start()
    yield srv
    srv.stop()


def test_an_orphan_of_a_run_is_adopted_by_the_server_and_reaped(server: ServerProcess) -> None:
    assert server.proc is not None
    with server.client() as c:
        # Long enough to still be alive when the run has finished, even on a loaded machine.
        body = {"command": "setsid sleep 8 >/dev/null 2>&1 </dev/null & echo $!"}
        run = c.post("/api/commands/run", json=body).json()["run"]
        deadline = time.monotonic() + 30
        while (got := c.get(f"/api/commands/runs/{run['id']}").json())["status"] == "running":
            assert time.monotonic() < deadline
            time.sleep(0.05)
    orphan = psutil.Process(int(got["output"].split()[0]))
    # Its shell is gone: the orphan went to the server, not to init.
    assert orphan.ppid() == server.proc.pid
    # Once it exits, the server reaps it: no zombie is left in the process table.
    deadline = time.monotonic() + 8 + 3 * reaper.REAP_INTERVAL_S + 20
    while psutil.pid_exists(orphan.pid):
        assert time.monotonic() < deadline, f"not reaped: {orphan}"
        time.sleep(0.1)


def test_the_reaper_never_takes_an_owned_childs_exit_status() -> None:
    env = {**os.environ, TAG_VAR: "forgetest-cmd-0"}
    for owned in (True, False):
        with reaper.SPAWN_LOCK:
            proc = subprocess.Popen(["sh", "-c", "read x; exit 7"], stdin=subprocess.PIPE, env=env)
            if owned:
                reaper.register_root(proc.pid)
        reaper.observe(snapshot())  # alive and tagged: an orphan unless it is registered
        assert proc.stdin is not None
        proc.stdin.close()
        while psutil.Process(proc.pid).status() != psutil.STATUS_ZOMBIE:
            time.sleep(0.01)
        reaper.observe(snapshot())
        if owned:
            assert proc.wait(timeout=10) == 7
            reaper.release_root(proc.pid)
        else:
            # The control: an unregistered tagged child is taken for an orphan and reaped,
            # and Popen can no longer learn its status (it reports 0). Registration matters.
            assert proc.wait(timeout=10) == 0
