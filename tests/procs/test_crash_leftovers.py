"""kill -9 of a real server: the restarted one ends what was left before anything resumes."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx

from forge_orchestrator.procs import cgroup
from forge_orchestrator.procs.containment import scope
from tests.e2e.harness import ServerProcess
from tests.flows.helpers import by_id, flow, shell

from .escapes import (
    MARK_VAR,
    describe,
    marked,
    marked_sleeps,
    new_mark,
    wait_marked_sleeps,
)


def _poll(c: httpx.Client, path: str, done: Any, what: str) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while True:
        body = c.get(path).json()
        if done(body):
            return dict(body)
        assert time.monotonic() < deadline, f"waited too long for {what}: {body}"
        time.sleep(0.05)


def test_kill9_then_restart_ends_leftovers_and_resume_runs_one_copy(
    tmp_path: Path, servers: list[ServerProcess]
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    starts, overlap, pidfile = work / "starts", work / "overlap", work / "step.pid"
    # Each start of the step notes itself, and notes an overlap if the previous copy still runs.
    # A zombie (ended, not yet reaped by init after the server died) does not run: kill -0
    # succeeds on one, so the state is read and written down with the overlap.
    step = (
        f"if [ -f {pidfile} ]; then st=$(ps -o stat= -p $(cat {pidfile}) 2>/dev/null); "
        f'case "$st" in ""|Z*) ;; *) echo "overlap $st" >> {overlap};; esac; fi; '
        f"echo $$ > {pidfile}; echo start >> {starts}; "
        f"if [ -f {work}/crashed ]; then echo second; "
        f"else touch {work}/crashed; setsid sleep 1021 & sleep 1020; fi"
    )
    data_dir = tmp_path / "data"
    first_mark, second_mark = new_mark(), new_mark()
    first = ServerProcess(data_dir=data_dir, env={MARK_VAR: first_mark}).start()
    servers.append(first)
    with first.client() as c:
        flow_id = c.post(
            "/api/flows", json={"name": "crashy", "data": flow([shell("s", step)], [])}
        )
        run_id = c.post(f"/api/flows/{flow_id.json()['id']}/runs", json={}).json()["run"]["id"]
        cmd = c.post("/api/commands/run", json={"command": "setsid sleep 1022 & sleep 1023"})
        cmd_id = cmd.json()["run"]["id"]
        wait_marked_sleeps(first_mark, 4)
    first.kill9()
    left = marked_sleeps(first_mark)
    assert len(left) == 4, describe(left)  # the crash left the step and the command running

    second = ServerProcess(data_dir=data_dir, env={MARK_VAR: second_mark}).start()
    servers.append(second)
    # Start-up ended every leftover before serving anything (so before any resume), and
    # removed the dead server's run cgroups (where this system gives us any).
    assert describe(marked(first_mark)) == []
    assert cgroup.leftovers(scope(data_dir)) == []
    with second.client() as c:
        assert c.get(f"/api/commands/runs/{cmd_id}").json()["status"] == "interrupted"
        run = c.get(f"/api/flows/runs/{run_id}").json()
        assert run["status"] == "interrupted"
        resumed = c.post(f"/api/flows/runs/{run_id}/resume", json={"rerun_interrupted": True})
        assert resumed.status_code == 200, resumed.text
        done = _poll(
            c,
            f"/api/flows/runs/{run_id}",
            lambda r: r["status"] not in ("queued", "running"),
            "end",
        )
    assert done["status"] == "succeeded", done
    assert by_id(done)["s"]["output"] == "second\n"
    assert starts.read_text().splitlines() == ["start", "start"]
    assert not overlap.exists(), f"the resumed step ran beside the old copy: {overlap.read_text()}"
