"""One server per data dir: a second `serve` names the running one and exits, touching nothing."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from forge_orchestrator.datadir_lock import hold
from tests.e2e.harness import ServerProcess

from .escapes import MARK_VAR, kill_marked, marked_sleeps, new_mark, wait_marked_sleeps

MESSAGE = "Forge is already running on this data dir"


def test_a_second_serve_on_a_live_data_dir_exits_and_leaves_the_first_alone(
    tmp_path: Path, servers: list[ServerProcess]
) -> None:
    data_dir = tmp_path / "data"
    mark = new_mark()
    first = ServerProcess(data_dir=data_dir, env={MARK_VAR: mark}).start()
    servers.append(first)
    try:
        with first.client() as c:
            run_id = c.post("/api/commands/run", json={"command": "sleep 1030"}).json()["run"]["id"]
            wait_marked_sleeps(mark, 1)
            second = ServerProcess(data_dir=data_dir)
            servers.append(second)
            with pytest.raises(RuntimeError, match="server exited early") as refused:
                second.start()
            text = str(refused.value)
            assert MESSAGE in text
            assert first.proc is not None and f"pid {first.proc.pid}" in text
            assert first.base_url in text
            assert "Traceback" not in text
            assert second.proc is not None and second.proc.returncode == 1
            # The first server's command is untouched.
            assert c.get(f"/api/commands/runs/{run_id}").json()["status"] == "running"
            assert len(marked_sleeps(mark)) == 1
    finally:
        kill_marked(mark)


def test_two_serves_started_at_once_on_an_empty_dir_one_wins(
    tmp_path: Path, servers: list[ServerProcess]
) -> None:
    data_dir = tmp_path / "fresh"
    racers = [ServerProcess(data_dir=data_dir), ServerProcess(data_dir=data_dir)]
    servers.extend(racers)
    errors: dict[int, str] = {}
    gate = threading.Barrier(2)

    def race(i: int) -> None:
        gate.wait()
        try:
            racers[i].start()
        except RuntimeError as exc:
            errors[i] = str(exc)

    threads = [threading.Thread(target=race, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=90)
    assert len(errors) == 1, errors
    (loser,) = errors
    winner = racers[1 - loser]
    assert MESSAGE in errors[loser] and "Traceback" not in errors[loser]
    assert winner.proc is not None
    assert re.search(rf"pid {winner.proc.pid}\b", errors[loser]), errors[loser]
    with winner.client() as c:
        assert c.get("/api/health").status_code == 200
    assert "Traceback" not in winner.log()


def test_flows_run_on_a_data_dir_a_server_holds_refuses_and_runs_nothing(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    marker = tmp_path / "ran"
    definition = {
        "nodes": [
            {
                "id": "s",
                "type": "shell",
                "position": {"x": 0, "y": 0},
                "data": {"command": f"touch {marker}"},
            }
        ],
        "edges": [],
    }
    path = tmp_path / "flow.json"
    path.write_text(json.dumps(definition))
    argv = ["flows", "run", str(path), "--data-dir", str(data_dir)]
    with hold(data_dir):  # what a live `serve` holds
        proc = subprocess.run(
            [sys.executable, "-m", "forge_orchestrator.cli", *argv],
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert proc.returncode == 2, proc.stderr
    assert MESSAGE in proc.stderr and f"pid {os.getpid()}" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not marker.exists()
