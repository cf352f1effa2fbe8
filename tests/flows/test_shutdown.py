"""A server stopping normally leaves its runs resumable as `interrupted`, processes killed."""

from __future__ import annotations

import time
from pathlib import Path

import psutil
from fastapi.testclient import TestClient

from forge_orchestrator.app import create_app
from tests.conftest import BASE_URL, TOKEN, make_settings

from .helpers import by_id, create, edge, flow, shell, start, wait_node, wait_run


def _client(data_dir: Path) -> TestClient:
    app = create_app(make_settings(data_dir))
    return TestClient(app, base_url=BASE_URL, headers={"Authorization": f"Bearer {TOKEN}"})


def test_shutdown_interrupts_then_resume_finishes(data_dir: Path, tmp_path: Path) -> None:
    pidfile = tmp_path / "pid"
    data = flow(
        [
            shell("first", "echo one"),
            shell("wait", f"echo $$ > {pidfile}; [ -f {tmp_path}/go ] || sleep 300"),
            shell("last", "echo three"),
        ],
        [edge("first", "wait"), edge("wait", "last")],
    )
    with _client(data_dir) as c:
        run = start(c, create(c, data)["id"])
        wait_node(c, run["id"], "wait", "running")
        while not pidfile.exists() or not pidfile.read_text().strip():
            time.sleep(0.02)
    pid = int(pidfile.read_text())
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    (tmp_path / "go").touch()
    with _client(data_dir) as c:
        stopped = c.get(f"/api/flows/runs/{run['id']}").json()
        assert stopped["status"] == "interrupted"
        assert "resume" in stopped["error"]
        nodes = by_id(stopped)
        assert (nodes["first"]["status"], nodes["wait"]["status"], nodes["last"]["status"]) == (
            "succeeded",
            "interrupted",
            "pending",
        )
        r = c.post(f"/api/flows/runs/{run['id']}/resume", json={"rerun_interrupted": True})
        assert r.status_code == 200
        done = wait_run(c, run["id"])
        assert done["status"] == "succeeded"
        assert by_id(done)["first"]["attempts"] == 1


def test_an_interrupted_run_can_be_closed_instead(data_dir: Path) -> None:
    data = flow([shell("s", "sleep 300")], [])
    with _client(data_dir) as c:
        run = start(c, create(c, data)["id"])
        wait_node(c, run["id"], "s", "running")
    with _client(data_dir) as c:
        r = c.post(f"/api/flows/runs/{run['id']}/cancel")
        assert r.status_code == 200
        assert r.json()["status"] == "cancelled"
        assert by_id(r.json())["s"]["status"] == "cancelled"
