"""The disk holding the database fills up (a real tmpfs): 503 disk_full, nothing starts without
its record, and a run that ends meanwhile is saved by retry once space is back."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from forge_orchestrator.app import create_app
from tests.conftest import BASE_URL, TOKEN, assert_error_shape, make_settings
from tests.fakes.llm_server import FakeLLMServer, Reply

from .db_faults import SmallDisk, read_one, truncate_wal, wait_for
from .load import ARCHITECT_ANSWER


@pytest.fixture
def full_client(small_disk: SmallDisk) -> Iterator[TestClient]:
    app = create_app(make_settings(small_disk.mount / "data", db_busy_timeout_s=0.3))
    with TestClient(app, base_url=BASE_URL, headers={"Authorization": f"Bearer {TOKEN}"}) as c:
        yield c


def test_a_full_disk_refuses_new_work_and_loses_no_final_state(
    fake_llm_env: FakeLLMServer,
    full_client: TestClient,
    small_disk: SmallDisk,
    tmp_path: Path,
) -> None:
    fake_llm_env.default = Reply(text=ARCHITECT_ANSWER)
    db = small_disk.mount / "data" / "forge.db"
    started = full_client.post("/api/commands/run", json={"command": "sleep 1; echo done"})
    assert started.status_code == 201, started.text
    run_id = started.json()["run"]["id"]
    truncate_wal(db)  # the next commit must grow the WAL, which a full disk refuses
    small_disk.fill()
    try:
        marker = tmp_path / "side-effect"
        res = full_client.post("/api/commands/run", json={"command": f"touch {marker}"})
        assert res.status_code == 503, res.text
        assert_error_shape(res.json(), "disk_full")
        assert "Free some space" in res.json()["error"]["message"]
        gen = full_client.post("/api/architect/generate", json={"prompt": "list files"})
        assert gen.status_code == 503, gen.text
        assert_error_shape(gen.json(), "disk_full")
        card = full_client.post("/api/commands", json={"name": "x", "command": "true"})
        assert card.status_code == 503 and card.json()["error"]["code"] == "disk_full"
        # The run started before the fault ends meanwhile: it reads as finished, not running.
        wait_for(
            lambda: full_client.get(f"/api/commands/runs/{run_id}").json()["status"] == "succeeded",
            "the earlier run to end",
        )
        assert read_one(db, "SELECT status FROM command_runs WHERE id = ?", run_id) == ("running",)
        assert not marker.exists()
        assert fake_llm_env.completion_requests() == []
    finally:
        small_disk.free()
    wait_for(
        lambda: (
            read_one(db, "SELECT status, output FROM command_runs WHERE id = ?", run_id)
            == ("succeeded", "done\n")
        ),
        "the final state to be written once space is back",
    )
    assert read_one(db, "SELECT count(*) FROM command_runs") == (1,)
    assert read_one(db, "SELECT count(*) FROM token_ledger") == (0,)


def test_a_flow_step_waits_for_its_record_and_the_run_is_saved_once_space_is_back(
    full_client: TestClient, small_disk: SmallDisk, tmp_path: Path
) -> None:
    marker = tmp_path / "second-ran"
    flow = {
        "name": "two steps",
        "data": {
            "nodes": [
                {
                    "id": "first",
                    "type": "shell",
                    "position": {"x": 0, "y": 0},
                    "data": {"command": "sleep 1"},
                },
                {
                    "id": "second",
                    "type": "shell",
                    "position": {"x": 0, "y": 100},
                    "data": {"command": f"touch {marker}"},
                },
            ],
            "edges": [{"id": "e1", "source": "first", "target": "second"}],
            "settings": {"auto_approve": True},
        },
    }
    db = small_disk.mount / "data" / "forge.db"
    flow_id = full_client.post("/api/flows", json=flow).json()["id"]
    res = full_client.post(f"/api/flows/{flow_id}/runs", json={"auto_approve": True})
    run_id = res.json()["run"]["id"]

    def node(name: str) -> str:
        run = full_client.get(f"/api/flows/runs/{run_id}").json()
        return str({n["node_id"]: n["status"] for n in run["nodes"]}[name])

    wait_for(lambda: node("first") == "running", "the first step to start")
    truncate_wal(db)
    small_disk.fill()
    try:
        wait_for(lambda: node("first") == "succeeded", "the first step to end")
        # The second step may not start before its `running` record is on disk; the old code
        # gave up saving after a few failures and started it anyway (and lost the run's end).
        wait_for(lambda: node("second") == "running", "the second step to be due")
        time.sleep(3)
        assert not marker.exists(), "a step started although its record could not be written"
        started = full_client.post(f"/api/flows/{flow_id}/runs", json={"auto_approve": True})
        assert started.status_code == 503 and started.json()["error"]["code"] == "disk_full"
    finally:
        small_disk.free()
    wait_for(marker.exists, "the second step to run once space is back")
    wait_for(
        lambda: read_one(db, "SELECT status FROM flow_runs WHERE id = ?", run_id) == ("succeeded",),
        "the run's end to be saved",
    )
    assert read_one(db, "SELECT count(*) FROM flow_runs") == (1,)
