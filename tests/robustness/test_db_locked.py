"""Another program holds the database's write lock past the busy timeout: a clear 503, and
nothing starts (no command, no provider call) whose record could not be written first."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from forge_orchestrator.app import create_app
from tests.conftest import BASE_URL, TOKEN, assert_error_shape, make_settings
from tests.fakes.llm_server import FakeLLMServer, Reply

from .db_faults import read_one, wait_for, write_lock
from .load import ARCHITECT_ANSWER

BUSY_TIMEOUT_S = 0.3


@pytest.fixture
def locked_client(data_dir: Path) -> Iterator[TestClient]:
    app = create_app(make_settings(data_dir, db_busy_timeout_s=BUSY_TIMEOUT_S))
    with TestClient(app, base_url=BASE_URL, headers={"Authorization": f"Bearer {TOKEN}"}) as c:
        yield c


def _db(data_dir: Path) -> Path:
    return data_dir / "forge.db"


def test_a_command_is_not_started_when_its_run_cannot_be_recorded(
    locked_client: TestClient, data_dir: Path, tmp_path: Path
) -> None:
    marker = tmp_path / "side-effect"
    with write_lock(_db(data_dir)):
        res = locked_client.post("/api/commands/run", json={"command": f"touch {marker}"})
        assert res.status_code == 503, res.text
        assert_error_shape(res.json(), "database_busy")
        assert "write lock" in res.json()["error"]["message"]
        assert res.headers.get("retry-after") == "1"
    # Had it been spawned, `touch` would have run by now: the run's own first step is far
    # quicker than the lock was held.
    assert not marker.exists()
    assert read_one(_db(data_dir), "SELECT count(*) FROM command_runs") == (0,)
    # Once the lock is gone the same request works.
    assert locked_client.post("/api/commands/run", json={"command": "true"}).status_code == 201


def test_no_provider_call_goes_out_when_its_ledger_row_cannot_be_written(
    fake_llm_env: FakeLLMServer, locked_client: TestClient, data_dir: Path
) -> None:
    fake_llm_env.default = Reply(text=ARCHITECT_ANSWER)
    with write_lock(_db(data_dir)):
        res = locked_client.post("/api/architect/generate", json={"prompt": "list files"})
        assert res.status_code == 503, res.text
        assert_error_shape(res.json(), "database_busy")
        stream = locked_client.post("/api/architect/generate/stream", json={"prompt": "x"})
        assert stream.status_code == 503, stream.text
        assert_error_shape(stream.json(), "database_busy")
    assert fake_llm_env.completion_requests() == []
    assert read_one(_db(data_dir), "SELECT count(*) FROM token_ledger") == (0,)
    ok = locked_client.post("/api/architect/generate", json={"prompt": "list files"})
    assert ok.status_code == 201, ok.text
    assert read_one(_db(data_dir), "SELECT status FROM token_ledger") == ("SUCCESS",)


def test_card_create_under_a_held_lock_is_a_503_in_the_error_shape(
    locked_client: TestClient, data_dir: Path
) -> None:
    with write_lock(_db(data_dir)):
        res = locked_client.post("/api/commands", json={"name": "x", "command": "true"})
    assert res.status_code == 503, res.text
    assert_error_shape(res.json(), "database_busy")
    assert res.json()["error"]["details"]["path"] == str(_db(data_dir))


def test_a_run_that_ends_under_a_held_lock_is_saved_once_the_lock_goes(
    locked_client: TestClient, data_dir: Path
) -> None:
    run = locked_client.post("/api/commands/run", json={"command": "sleep 0.5; echo done"})
    assert run.status_code == 201, run.text
    run_id = run.json()["run"]["id"]
    db = _db(data_dir)
    with write_lock(db):
        # The run ends while nothing can be written: it reads as finished, never `running`.
        wait_for(
            lambda: (
                locked_client.get(f"/api/commands/runs/{run_id}").json()["status"] == "succeeded"
            ),
            "the run to end",
        )
        time.sleep(BUSY_TIMEOUT_S * 3)  # let a few write attempts fail under the lock
        assert read_one(db, "SELECT status FROM command_runs WHERE id = ?", run_id) == ("running",)
    wait_for(
        lambda: (
            read_one(db, "SELECT status FROM command_runs WHERE id = ?", run_id) == ("succeeded",)
        ),
        "the final state to be written after the lock went",
    )
    row = read_one(db, "SELECT output, pid FROM command_runs WHERE id = ?", run_id)
    assert row is not None and row[0] == "done\n" and row[1]
