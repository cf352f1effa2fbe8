"""A server whose lease ran out before it renewed it (a long pause) stops its runs."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import update

from forge_orchestrator.app import create_app
from forge_orchestrator.db.tables import forge_processes
from forge_orchestrator.db.utils import utcnow
from tests.conftest import BASE_URL, TOKEN, make_settings
from tests.flows.helpers import flow, shell


def _until(what: str, probe: Any) -> Any:
    deadline = time.monotonic() + 60
    while not (value := probe()):
        assert time.monotonic() < deadline, f"waited too long for {what}"
        time.sleep(0.05)
    return value


def test_a_lost_lease_stops_the_servers_runs_and_it_takes_a_new_identity(tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    app = create_app(make_settings(tmp_path / "data", lease_s=0.6))
    headers = {"Authorization": f"Bearer {TOKEN}"}
    with TestClient(app, base_url=BASE_URL, headers=headers) as c:
        cmd = c.post("/api/commands/run", json={"command": f"touch {work}/c; sleep 60"}).json()
        made = c.post("/api/flows", json={"name": "f", "data": flow([shell("s", "sleep 60")], [])})
        run = c.post(f"/api/flows/{made.json()['id']}/runs", json={}).json()["run"]
        _until("the command to start", (work / "c").exists)
        first = app.state.lease.id
        # As if the server had paused past its lease: another server may own its runs now.
        with app.state.engine.begin() as conn:
            conn.execute(update(forge_processes).values(lease_expires_at=utcnow()))
        cmd_path, run_path = (
            f"/api/commands/runs/{cmd['run']['id']}",
            f"/api/flows/runs/{run['id']}",
        )
        _until("the command to stop", lambda: c.get(cmd_path).json()["status"] != "running")
        _until(
            "the flow to stop",
            lambda: c.get(run_path).json()["status"] not in ("queued", "running"),
        )
        assert c.get(cmd_path).json()["status"] == "interrupted"
        assert c.get(run_path).json()["status"] == "interrupted"
        assert app.state.lease.id != first
        # Runs started now belong to the new identity and run normally.
        again = c.post("/api/commands/run", json={"command": "echo fine"}).json()["run"]
        done = _until(
            "the new run",
            lambda: (
                (r := c.get(f"/api/commands/runs/{again['id']}").json())["status"] != "running"
                and r
            ),
        )
        assert done["status"] == "succeeded" and done["output"] == "fine\n"
