"""Crash safety with a real server process: kill -9 mid-run, restart, resume without re-running."""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.harness import ServerProcess

from .helpers import by_id, edge, flow, shell


@pytest.fixture
def servers() -> Iterator[list[ServerProcess]]:
    started: list[ServerProcess] = []
    yield started
    for srv in started:
        srv.stop()


def _poll(client: httpx.Client, run_id: int, done: Any, what: str) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while True:
        run = client.get(f"/api/flows/runs/{run_id}").json()
        if done(run):
            return dict(run)
        assert time.monotonic() < deadline, f"waited too long for {what}: {run}"
        time.sleep(0.05)


def _committed(data_dir: Path, run_id: int) -> dict[str, str]:
    with closing(sqlite3.connect(data_dir / "forge.db", timeout=30)) as db:
        rows = db.execute(
            "SELECT node_id, status FROM flow_node_runs WHERE run_id = ?", (run_id,)
        ).fetchall()
    return dict(rows)


def test_kill9_mid_run_then_resume_reruns_nothing_that_succeeded(
    tmp_path: Path, servers: list[ServerProcess]
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    log = work / "log"
    pidfile = work / "slow.pid"
    slow = (
        f"echo $$ > {pidfile}; echo slow >> {log}; "
        f"if [ -f {work}/crashed ]; then echo second; else touch {work}/crashed; sleep 120; fi"
    )
    data = flow(
        [
            shell("fetch", f"echo fetch >> {log}"),
            shell("build", f"echo build >> {log}"),
            shell("lint", f"echo lint >> {log}"),
            shell("slow", slow),
            shell("ship", f"echo ship >> {log}"),
        ],
        [
            edge("fetch", "build"),
            edge("fetch", "lint"),
            edge("build", "slow"),
            edge("slow", "ship"),
        ],
    )
    data_dir = tmp_path / "data"
    first = ServerProcess(data_dir=data_dir).start()
    servers.append(first)
    with first.client() as c:
        flow_id = c.post("/api/flows", json={"name": "crashy", "data": data}).json()["id"]
        run_id = c.post(f"/api/flows/{flow_id}/runs", json={}).json()["run"]["id"]
        _poll(c, run_id, lambda r: (work / "crashed").exists(), "the slow step to start")
    # Crash only once the finished steps are on disk (read straight from the database file):
    # results are committed as each step finishes, not at the end of the run.
    deadline = time.monotonic() + 60
    while _committed(data_dir, run_id) != {
        "fetch": "succeeded",
        "build": "succeeded",
        "lint": "succeeded",
        "slow": "running",
        "ship": "pending",
    }:
        assert time.monotonic() < deadline, _committed(data_dir, run_id)
        time.sleep(0.05)
    first.kill9()
    slow_pid = int(pidfile.read_text())
    try:
        second = ServerProcess(data_dir=data_dir).start()
        servers.append(second)
        with second.client() as c:
            run = c.get(f"/api/flows/runs/{run_id}").json()
            assert run["status"] == "interrupted"
            nodes = by_id(run)
            assert {n: nodes[n]["status"] for n in nodes} == {
                "fetch": "succeeded",
                "build": "succeeded",
                "lint": "succeeded",
                "slow": "interrupted",
                "ship": "pending",
            }
            # A mid-flight shell step is not re-run without the user saying so.
            refused = c.post(f"/api/flows/runs/{run_id}/resume", json={})
            assert refused.status_code == 409
            err = refused.json()["error"]
            assert err["code"] == "rerun_confirmation_required"
            assert err["details"]["nodes"] == ["slow"]
            assert "rerun_interrupted" in err["message"]
            resumed = c.post(f"/api/flows/runs/{run_id}/resume", json={"rerun_interrupted": True})
            assert resumed.status_code == 200, resumed.text
            done = _poll(c, run_id, lambda r: r["status"] not in ("queued", "running"), "the end")
        assert done["status"] == "succeeded", done
        assert by_id(done)["slow"]["output"] == "second\n"
        lines = log.read_text().splitlines()
        assert sorted(lines) == sorted(["fetch", "build", "lint", "slow", "slow", "ship"])
    finally:
        # The first server's step was in its own session and outlived the crash.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(slow_pid, signal.SIGKILL)
