"""Team mode: several real servers on one PostgreSQL database own their runs (issue #17).

Each server has its own data dir. One of them may run in its own pid namespace (`unshare`):
to it the others' pids mean nothing, as on another host, so only leases can tell it who is
alive.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, select

from forge_orchestrator.db.tables import command_runs, flow_runs
from tests.e2e.harness import ServerProcess
from tests.flows.helpers import by_id, flow, shell

from .escapes import MARK_VAR, marked, new_mark


def _own_pid_namespace() -> list[str]:
    """A wrapper that starts the server in a new pid namespace, or skip where there is none."""
    argv = ["unshare", "--pid", "--fork", "--mount-proc"]
    if shutil.which("unshare") is None:
        pytest.skip("no unshare on this machine")
    if subprocess.run([*argv, "true"], capture_output=True).returncode != 0:
        argv = ["unshare", "--user", "--map-root-user", "--pid", "--fork", "--mount-proc"]
        if subprocess.run([*argv, "true"], capture_output=True).returncode != 0:
            pytest.skip("cannot make a pid namespace here")
    return argv


def _poll(what: str, probe: Callable[[], Any], timeout: float = 60) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        assert time.monotonic() < deadline, f"waited too long for {what}"
        time.sleep(0.05)


def _lines(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


class Team:
    """Servers on one database, each with its own data dir, stopped by the `servers` fixture."""

    def __init__(self, tmp_path: Path, engine: Engine, servers: list[ServerProcess]) -> None:
        self.tmp_path, self.engine, self.servers = tmp_path, engine, servers
        self.url = engine.url.render_as_string(hide_password=False)

    def server(
        self, name: str, lease_s: float, *, wrapper: list[str] | None = None
    ) -> ServerProcess:
        srv = ServerProcess(
            data_dir=self.tmp_path / name,
            env={
                MARK_VAR: new_mark(),
                "FORGE_DATABASE_URL": self.url,
                "FORGE_LEASE_S": str(lease_s),
            },
            wrapper=wrapper or [],
        )
        self.servers.append(srv)
        return srv.start(timeout=60)

    def row(self, table: Any, run_id: int) -> Any:
        with self.engine.connect() as conn:
            return conn.execute(select(table).where(table.c.id == run_id)).mappings().one()


@pytest.fixture
def team(tmp_path: Path, pg_engine: Engine, servers: list[ServerProcess]) -> Team:
    return Team(tmp_path, pg_engine, servers)


def _start_flow(c: httpx.Client, step: str) -> int:
    made = c.post("/api/flows", json={"name": "long", "data": flow([shell("s", step)], [])})
    assert made.status_code == 201, made.text
    started = c.post(f"/api/flows/{made.json()['id']}/runs", json={})
    assert started.status_code == 201, started.text
    return int(started.json()["run"]["id"])


def _status(srv: ServerProcess, path: str) -> str:
    with srv.client() as c:
        return str(c.get(path).json()["status"])


def test_starting_and_restarting_servers_never_touch_a_live_servers_runs(team: Team) -> None:
    """Before: B's start marked A's running command interrupted and SIGKILLed its process
    group, and a server in another pid namespace interrupted A's flow run (A's pid is not
    visible there)."""
    work = team.tmp_path / "work"
    work.mkdir()
    gate, cmd_out, step_out = work / "go", work / "cmd", work / "step"
    wait_gate = f"while [ ! -f {gate} ]; do sleep 0.05; done"
    # A long lease: a live server renews it many times over, whatever the machine's load.
    a = team.server("a", 30)
    with a.client() as c:
        cmd = c.post(
            "/api/commands/run",
            json={"command": f"echo start >> {cmd_out}; {wait_gate}; echo done >> {cmd_out}"},
        )
        assert cmd.status_code == 201, cmd.text
        cmd_id = cmd.json()["run"]["id"]
        run_id = _start_flow(c, f"echo start >> {step_out}; {wait_gate}; echo done >> {step_out}")
    _poll("A's command and step to start", lambda: _lines(cmd_out) and _lines(step_out))
    # The shells that wait on the gate (their `sleep 0.05` children come and go).
    a_children = [p for p in marked(a.env[MARK_VAR]) if p.name() in ("bash", "sh")]
    assert len(a_children) >= 2

    b = team.server("b", 30)  # same host, same pid namespace
    c_ = team.server("c", 30, wrapper=_own_pid_namespace())  # as if on another host
    b.stop()
    c_.kill9()  # a crash and restart of C, and a clean restart of B
    b.start(timeout=60)
    c_.start(timeout=60)
    for srv in (a, b, c_):
        assert _status(srv, f"/api/commands/runs/{cmd_id}") == "running"
        assert _status(srv, f"/api/flows/runs/{run_id}") == "running"
    assert all(p.is_running() for p in a_children), "a restart ended A's live processes"

    gate.touch()
    _poll("A's command", lambda: _status(a, f"/api/commands/runs/{cmd_id}") != "running")
    assert _status(b, f"/api/commands/runs/{cmd_id}") == "succeeded"
    _poll("A's flow", lambda: _status(a, f"/api/flows/runs/{run_id}") not in ("queued", "running"))
    assert _status(c_, f"/api/flows/runs/{run_id}") == "succeeded"
    assert _lines(cmd_out) == ["start", "done"]
    assert _lines(step_out) == ["start", "done"]
    # Written by A, in the epoch A claimed: nobody else claimed either run meanwhile.
    assert team.row(command_runs, cmd_id)["epoch"] == 1
    assert team.row(flow_runs, run_id)["epoch"] == 1
    with a.client() as client:
        assert by_id(client.get(f"/api/flows/runs/{run_id}").json())["s"]["exit_code"] == 0


def _recovered(srv: ServerProcess, kind: str, run_id: int) -> int:
    """How many times this server's log says it marked the run interrupted."""
    marker = {
        "cmd": "command runs of a server that stopped, now interrupted: ",
        "flow": "flow runs interrupted by a previous stop: ",
    }[kind]
    count = 0
    for line in srv.log().splitlines():
        if marker in line:
            ids = line.split(marker, 1)[1].strip().strip("[]")
            count += [int(i) for i in ids.split(",") if i.strip()].count(run_id)
    return count


def test_a_dead_servers_runs_are_recovered_once_and_its_step_never_runs_twice(
    team: Team,
) -> None:
    """A is killed mid-run. B (same machine) and C (its own pid namespace) both watch: the runs
    become interrupted exactly once, A's leftover step is ended before anyone can resume it,
    and two resumes at once run the step once."""
    work = team.tmp_path / "work"
    work.mkdir()
    starts, ends, cmd_out = work / "starts", work / "ends", work / "cmd"
    step = (
        f"echo start >> {starts}; "
        f"if [ -f {work}/crashed ]; then echo second; "
        f"else touch {work}/crashed; sleep 60; fi; echo end >> {ends}"
    )
    lease_s = 3.0
    a = team.server("a", lease_s)
    b = team.server("b", lease_s)
    c_ = team.server("c", lease_s, wrapper=_own_pid_namespace())
    with a.client() as c:
        cmd = c.post("/api/commands/run", json={"command": f"echo c >> {cmd_out}; sleep 60"})
        cmd_id = cmd.json()["run"]["id"]
        run_id = _start_flow(c, step)
    _poll("A's command and step", lambda: _lines(cmd_out) and _lines(starts))
    _poll(
        "A's step to be recorded running",
        lambda: team.row(flow_runs, run_id)["status"] == "running",
    )
    left = marked(a.env[MARK_VAR])
    assert left
    a.kill9()
    assert any(p.is_running() for p in left)  # the children outlive the crash

    for srv in (b, c_):
        _poll(
            "the command to read interrupted",
            lambda s=srv: _status(s, f"/api/commands/runs/{cmd_id}") == "interrupted",
        )
        _poll(
            "the flow to read interrupted",
            lambda s=srv: _status(s, f"/api/flows/runs/{run_id}") == "interrupted",
        )
    # Exactly one claim of each run (a claim adds one to the epoch), by one of the two.
    assert team.row(command_runs, cmd_id)["epoch"] == 2
    assert team.row(flow_runs, run_id)["epoch"] == 2
    # Both watch on: let several heartbeats pass, then count who said it recovered the runs.
    time.sleep(lease_s)
    assert _recovered(b, "cmd", cmd_id) + _recovered(c_, "cmd", cmd_id) == 1
    assert _recovered(b, "flow", run_id) + _recovered(c_, "flow", run_id) == 1
    # A ran on B's machine, so B ended what A left (C could not: A's pids are not its own).
    _poll("A's leftovers to end", lambda: not marked(a.env[MARK_VAR]))

    # Two resumes at once on two servers: one runs the step, the other is refused.
    body = {"rerun_interrupted": True}
    with b.client() as cb, c_.client() as cc:
        with ThreadPoolExecutor(2) as pool:
            answers = list(
                pool.map(
                    lambda cl: cl.post(f"/api/flows/runs/{run_id}/resume", json=body), (cb, cc)
                )
            )
    codes = sorted(r.status_code for r in answers)
    assert codes == [200, 409], [r.text for r in answers]
    winner = b if answers[0].status_code == 200 else c_
    _poll(
        "the resumed run",
        lambda: _status(winner, f"/api/flows/runs/{run_id}") not in ("queued", "running"),
    )
    assert _status(b, f"/api/flows/runs/{run_id}") == "succeeded"
    assert _lines(starts) == ["start", "start"]  # A's copy, then the one resume
    assert _lines(ends) == ["end"]  # A's copy never finished: it was ended, not left to run
    assert team.row(flow_runs, run_id)["epoch"] == 3
